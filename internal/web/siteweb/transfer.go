package siteweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/clock"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

// Transfer (转运): a person is brought to a site, into a free room or
// waiting for one.

// transferIn is the transfer form, or the JSON of its API twin.
type transferIn struct {
	IDNumber   string `json:"id_number"`
	PersonID   int64  `json:"person_id"`
	Reason     string `json:"reason"`
	FromPlace  string `json:"from_place"`
	Vehicle    string `json:"vehicle"`
	TransferAt string `json:"transfer_at"`
	RoomID     int64  `json:"room_id"`
	Note       string `json:"note"`
}

// transfer registers a transfer to the site in the path; it also returns
// what was sent, to show the form again.
func (h *Handler) transfer(r *http.Request) (site.Stay, transferIn, error) {
	var in transferIn
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, in, err
	}
	if err := web.Bind(r, &in); err != nil {
		return site.Stay{}, in, err
	}
	at, err := web.ParseLocalTime("转运时间", in.TransferAt)
	if err != nil {
		return site.Stay{}, in, err
	}
	st, err := h.sites.Transfer(r.Context(), web.Actor(r), web.User(r).Scope(), id, site.TransferInput{IDNumber: in.IDNumber,
		PersonID: in.PersonID, Reason: in.Reason, FromPlace: in.FromPlace, Vehicle: in.Vehicle, TransferAt: at, RoomID: in.RoomID,
		Note: in.Note})
	return st, in, err
}

type transferView struct {
	S       site.Site
	Free    []site.Room
	Reasons []string
	In      transferIn
}

// transferForm is the transfer form of the site in the path, filled with
// in (what was sent, when shown again with an error).
func (h *Handler) transferForm(r *http.Request, in transferIn) (transferView, error) {
	x, err := h.siteOf(r)
	if err != nil {
		return transferView{}, err
	}
	rooms, err := h.sites.Rooms(r.Context(), web.User(r).Scope(), x.ID)
	if err != nil {
		return transferView{}, err
	}
	if in.TransferAt == "" {
		in.TransferAt = h.now().In(clock.Shanghai).Format("2006-01-02T15:04")
	}
	return transferView{S: x, Free: freeRooms(rooms), Reasons: site.Reasons, In: in}, nil
}

func (h *Handler) siteTransferForm(w http.ResponseWriter, r *http.Request) error {
	d, err := h.transferForm(r, transferIn{})
	if err != nil {
		return err
	}
	return h.render(w, r, "site_transfer", "转运登记", d)
}

func (h *Handler) siteTransfer(w http.ResponseWriter, r *http.Request) error {
	st, sent, err := h.transfer(r)
	if err != nil {
		d, derr := h.transferForm(r, sent)
		if derr != nil {
			return err
		}
		return h.pages.FormError(w, r, err, "site_transfer", "转运登记", d)
	}
	msg := st.PersonName + " " + st.Status
	return web.Redirect(w, r, fmt.Sprintf("/site-stays/%d", st.ID), msg)
}

func (h *Handler) apiTransfer(w http.ResponseWriter, r *http.Request) error {
	x, _, err := h.transfer(r)
	if err != nil {
		return err
	}
	out := stayOut(x, false)
	return web.WriteJSON(w, http.StatusCreated, out)
}

// freeRooms are the rooms with a bed to spare.
func freeRooms(rooms []site.Room) []site.Room {
	var out []site.Room
	for _, r := range rooms {
		if (r.Status == site.RoomFree || r.Status == site.RoomOccupied) && r.Occupants < r.Beds {
			out = append(out, r)
		}
	}
	return out
}
