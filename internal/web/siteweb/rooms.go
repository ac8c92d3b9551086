package siteweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/site"
	"fangkong/internal/web"
)

// roomsIn is a batch of rooms: floors × room numbers, or one room No.
type roomsIn struct {
	No        string `json:"no"`
	FloorFrom int    `json:"floor_from"`
	FloorTo   int    `json:"floor_to"`
	RoomFrom  int    `json:"room_from"`
	RoomTo    int    `json:"room_to"`
	Beds      int    `json:"beds"`
	Bathroom  bool   `json:"bathroom"`
}

type roomsAddedJSON struct {
	Added   int `json:"added"`
	Skipped int `json:"skipped"`
}

// addRooms adds rooms to the site in the path; numbers already there are
// skipped.
func (h *Handler) addRooms(r *http.Request) (int64, roomsAddedJSON, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, roomsAddedJSON{}, err
	}
	in := roomsIn{Bathroom: !web.IsAPI(r)}
	if err := web.Bind(r, &in); err != nil {
		return id, roomsAddedJSON{}, err
	}
	added, skipped, err := h.sites.AddRooms(r.Context(), web.Actor(r), web.User(r).Scope(), id, site.RoomBatch{No: in.No,
		FloorFrom: in.FloorFrom, FloorTo: in.FloorTo, RoomFrom: in.RoomFrom, RoomTo: in.RoomTo, Beds: in.Beds, Bathroom: in.Bathroom})
	return id, roomsAddedJSON{Added: added, Skipped: skipped}, web.OnInput(r, err, map[string]string{"楼层": "floor_from", "房间序号": "room_from",
		"床位数": "beds"})
}

func (h *Handler) siteAddRooms(w http.ResponseWriter, r *http.Request) error {
	id, n, err := h.addRooms(r)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已添加 %d 间房间", n.Added)
	if n.Skipped > 0 {
		msg += fmt.Sprintf("，%d 间房间号已存在未重复添加", n.Skipped)
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", id), msg)
}

func (h *Handler) apiAddRooms(w http.ResponseWriter, r *http.Request) error {
	_, n, err := h.addRooms(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, n)
}

// roomStatusIn sets a room free, to disinfect or closed.
type roomStatusIn struct {
	Status  string `json:"status"`
	Version int64  `json:"version"`
}

func (h *Handler) setRoomStatus(r *http.Request) (site.Room, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Room{}, err
	}
	var in roomStatusIn
	if err := web.Bind(r, &in); err != nil {
		return site.Room{}, err
	}
	return h.sites.SetRoomStatus(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Status, in.Version)
}

func (h *Handler) siteRoomStatus(w http.ResponseWriter, r *http.Request) error {
	room, err := h.setRoomStatus(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", room.SiteID), "房间 "+room.No+" 已设为"+room.Status)
}

func (h *Handler) apiRoomStatus(w http.ResponseWriter, r *http.Request) error {
	room, err := h.setRoomStatus(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, roomOut(room))
}
