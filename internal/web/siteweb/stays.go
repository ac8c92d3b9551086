package siteweb

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

// Stays (隔离人员): the people at the sites, checked in and out.

// atSitesOnly: an account that does not browse the ledger (a quarantine
// site's) sees the stays at its sites, not its jurisdiction's people
// staying elsewhere.
func atSitesOnly(r *http.Request) bool { return !web.User(r).Can(auth.CapPeopleRead) }

// stayFilterOf reads ?site=&open=&status=&due=&q=, a page of the list or
// the API's limit and offset; at=sites keeps the stays at the scope's sites
// for an account that otherwise also sees its people staying elsewhere (the
// day's work on /sites counts those).
func stayFilterOf(r *http.Request, page int) site.StayFilter {
	q := r.URL.Query()
	siteID, _ := strconv.ParseInt(q.Get("site"), 10, 64)
	limit, offset := web.PageSize+1, (page-1)*web.PageSize
	if web.IsAPI(r) {
		limit, offset = web.ListParams(q)
	}
	return site.StayFilter{SiteID: siteID, Open: q.Get("open") == "1", Status: q.Get("status"), Due: q.Get("due"),
		Q: strings.TrimSpace(q.Get("q")), AtSites: atSitesOnly(r) || q.Get("at") == "sites", Limit: limit, Offset: offset}
}

type staysView struct {
	Rows     []site.Stay
	Paging   web.Paging
	Q        url.Values
	Statuses []string
	Due      string // what ?due= keeps, in words
}

// dueNames says what each ?due= keeps (the figures of the day's work).
var dueNames = map[string]string{
	site.DueRelease: "今日到期待解除：在住人员中，管控措施的集中隔离期至今天或已过的",
	site.DueTest:    "今日应检：在住人员中，按管控措施的检测日程今天应检、尚未采样的",
}

func (h *Handler) stayList(w http.ResponseWriter, r *http.Request) error {
	page := web.PageOf(r)
	rows, err := h.sites.Stays(r.Context(), web.User(r).Scope(), stayFilterOf(r, page))
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(rows))
	if len(rows) > web.PageSize {
		rows = rows[:web.PageSize]
	}
	return h.render(w, r, "site_stays", "隔离人员", staysView{Rows: rows, Paging: pg, Q: r.URL.Query(),
		Statuses: []string{site.StayTransfer, site.StayIn, site.StayOut, site.StayReleased}, Due: dueNames[r.URL.Query().Get("due")]})
}

// stayOf reads the stay in the path in full (audited).
func (h *Handler) stayOf(r *http.Request) (site.Stay, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, err
	}
	if atSitesOnly(r) {
		return h.sites.ViewStayAtSites(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	}
	return h.sites.ViewStay(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

type stayView struct {
	St       site.Stay
	Outcomes []string
	Free     []site.Room
	Manage   bool
}

func (h *Handler) stayPage(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stayOf(r)
	if err != nil {
		return err
	}
	scope := web.User(r).Scope()
	// Only those who run the site act on the stay.
	d := stayView{St: st, Outcomes: site.Outcomes, Manage: web.User(r).Can(auth.CapSitesManage) && scope.Contains(st.SiteUnit)}
	if d.Manage && st.Status == site.StayTransfer {
		if rooms, err := h.sites.Rooms(r.Context(), scope, st.SiteID); err == nil {
			d.Free = freeRooms(rooms)
		}
	}
	return h.render(w, r, "site_stay", st.PersonName+" · 隔离记录", d)
}

// checkInIn puts a person in transfer into a room.
type checkInIn struct {
	RoomID      int64 `json:"room_id"`
	RoomVersion int64 `json:"room_version"`
	Version     int64 `json:"version"`
}

func (h *Handler) checkIn(r *http.Request) (site.Stay, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, err
	}
	var in checkInIn
	if err := web.Bind(r, &in); err != nil {
		return site.Stay{}, err
	}
	st, err := h.sites.CheckIn(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Version, in.RoomID, in.RoomVersion)
	return st, err
}

// checkOutIn ends a stay: the outcome (released, to hospital, …) and where to.
type checkOutIn struct {
	Outcome string `json:"outcome"`
	To      string `json:"to"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

func (h *Handler) checkOut(r *http.Request) (site.Stay, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, err
	}
	var in checkOutIn
	if err := web.Bind(r, &in); err != nil {
		return site.Stay{}, err
	}
	st, err := h.sites.CheckOut(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Version, in.Outcome, in.To, in.Note)
	return st, err
}

func (h *Handler) stayCheckIn(w http.ResponseWriter, r *http.Request) error {
	st, err := h.checkIn(r)
	if err != nil {
		return err
	}
	msg := st.PersonName + " 已入住 " + st.RoomNo
	return web.Redirect(w, r, fmt.Sprintf("/site-stays/%d", st.ID), msg)
}

func (h *Handler) stayCheckOut(w http.ResponseWriter, r *http.Request) error {
	st, err := h.checkOut(r)
	if err != nil {
		return err
	}
	msg := st.PersonName + " " + st.Outcome
	if st.RoomNo != "" {
		msg += "，房间 " + st.RoomNo + " 待消杀"
	}
	return web.Redirect(w, r, fmt.Sprintf("/site-stays/%d", st.ID), msg)
}

// ---- API ----

type staysJSON struct {
	Stays []stayJSON `json:"stays"`
}

func (h *Handler) apiStays(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.sites.Stays(r.Context(), web.User(r).Scope(), stayFilterOf(r, 1))
	if err != nil {
		return err
	}
	out := staysJSON{Stays: make([]stayJSON, 0, len(rows))}
	for _, x := range rows {
		out.Stays = append(out.Stays, stayOut(x, false))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiStay(w http.ResponseWriter, r *http.Request) error {
	x, err := h.stayOf(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, stayOut(x, true))
}

func (h *Handler) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	x, err := h.checkIn(r)
	if err != nil {
		return err
	}
	out := stayOut(x, false)
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiCheckOut(w http.ResponseWriter, r *http.Request) error {
	x, err := h.checkOut(r)
	if err != nil {
		return err
	}
	out := stayOut(x, false)
	return web.WriteJSON(w, http.StatusOK, out)
}
