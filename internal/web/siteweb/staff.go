package siteweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/clock"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

// The site's staff (工作人员): their tests on schedule and vaccination.

type staffView struct {
	S       site.Site
	Staff   []site.Staff
	Overdue int
	Posts   []string
	Today   string
}

func (h *Handler) siteStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	staff, x, err := h.sites.StaffList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	overdue := 0
	for _, st := range staff {
		if st.Active && st.TestState == site.TestOverdue {
			overdue++
		}
	}
	return h.render(w, r, "site_staff", x.Name+" 工作人员", staffView{S: x, Staff: staff, Overdue: overdue,
		Posts: site.Posts, Today: clock.Day(h.now())})
}

// staffOfSitesView is the staff of every site in the user's scope; with
// ?due=1 those due for their test today or overdue (the day's work).
type staffOfSitesView struct {
	Rows   []site.SiteStaff
	Paging web.Paging
	Due    bool
	Today  string
}

// staffFilterOf reads ?due=1, a page of the list or the API's limit and
// offset.
func staffFilterOf(r *http.Request, page int) site.StaffFilter {
	q := r.URL.Query()
	limit, offset := web.PageSize+1, (page-1)*web.PageSize
	if web.IsAPI(r) {
		limit, offset = web.ListParams(q)
	}
	return site.StaffFilter{Due: q.Get("due") == "1", Limit: limit, Offset: offset}
}

func (h *Handler) staffOfSites(w http.ResponseWriter, r *http.Request) error {
	page := web.PageOf(r)
	f := staffFilterOf(r, page)
	rows, err := h.sites.StaffOfSites(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(rows))
	if len(rows) > web.PageSize {
		rows = rows[:web.PageSize]
	}
	title := "隔离点工作人员"
	if f.Due {
		title = "工作人员今日应检"
	}
	return h.render(w, r, "site_staff_all", title, staffOfSitesView{Rows: rows, Paging: pg, Due: f.Due, Today: clock.Day(h.now())})
}

// staffIn is a staff member: the add form or its JSON, or what the update
// form records (test, vaccination, leaving).
type staffIn struct {
	Name       string `json:"name"`
	Post       string `json:"post"`
	Phone      string `json:"phone"`
	IDNumber   string `json:"id_number"`
	LastTestOn string `json:"last_test_on"`
	Doses      int    `json:"doses"`
	LastDoseOn string `json:"last_dose_on"`
	Left       bool   `json:"left"`
	Version    int64  `json:"version"`
}

func (h *Handler) addStaff(r *http.Request) (site.Staff, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Staff{}, err
	}
	var in staffIn
	if err := web.Bind(r, &in); err != nil {
		return site.Staff{}, err
	}
	st, err := h.sites.AddStaff(r.Context(), web.Actor(r), web.User(r).Scope(), id, site.Staff{Name: in.Name, Post: in.Post, Phone: in.Phone,
		IDNumber: in.IDNumber, LastTestOn: in.LastTestOn, Doses: in.Doses, LastDoseOn: in.LastDoseOn})
	return st, web.OnInput(r, err, staffInputs)
}

// staffInputs are the staff forms' inputs the domain's errors name.
var staffInputs = map[string]string{"最近检测日期": "last_test_on", "末次接种日期": "last_dose_on", "接种剂次": "doses"}

// updateStaff records a staff member's test, vaccination or leaving; the
// name, post, phone and ID number are kept unless given (API).
func (h *Handler) updateStaff(r *http.Request) (site.Staff, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Staff{}, err
	}
	scope := web.User(r).Scope()
	old, _, err := h.sites.StaffMember(r.Context(), scope, id)
	if err != nil {
		return site.Staff{}, err
	}
	in := staffIn{Name: old.Name, Post: old.Post, Phone: old.Phone, IDNumber: old.IDNumber, LastTestOn: old.LastTestOn,
		Doses: old.Doses, LastDoseOn: old.LastDoseOn, Left: !old.Active}
	if err := web.Bind(r, &in); err != nil {
		return site.Staff{}, err
	}
	if !web.IsAPI(r) {
		// The page's form carries only these fields.
		in.Name, in.Post, in.Phone, in.IDNumber = old.Name, old.Post, old.Phone, old.IDNumber
	}
	st, err := h.sites.UpdateStaff(r.Context(), web.Actor(r), scope, site.Staff{ID: id, Name: in.Name, Post: in.Post, Phone: in.Phone,
		IDNumber: in.IDNumber, LastTestOn: in.LastTestOn, Doses: in.Doses, LastDoseOn: in.LastDoseOn, Active: !in.Left, Version: in.Version})
	return st, web.OnInput(r, err, staffInputs)
}

func (h *Handler) siteAddStaff(w http.ResponseWriter, r *http.Request) error {
	st, err := h.addStaff(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d/staff", st.SiteID), "已添加工作人员 "+st.Name)
}

func (h *Handler) siteUpdateStaff(w http.ResponseWriter, r *http.Request) error {
	st, err := h.updateStaff(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d/staff", st.SiteID), "已更新 "+st.Name)
}

type staffListJSON struct {
	Staff []staffJSON `json:"staff"`
}

func (h *Handler) apiStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	staff, _, err := h.sites.StaffList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	out := staffListJSON{Staff: make([]staffJSON, 0, len(staff))}
	for _, x := range staff {
		out.Staff = append(out.Staff, staffOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiAddStaff(w http.ResponseWriter, r *http.Request) error {
	x, err := h.addStaff(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, staffOut(x))
}

func (h *Handler) apiUpdateStaff(w http.ResponseWriter, r *http.Request) error {
	x, err := h.updateStaff(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, staffOut(x))
}
