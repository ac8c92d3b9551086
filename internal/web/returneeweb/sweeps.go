package returneeweb

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- Door-to-door sweeps (敲门排查)

// sweepIn is the body of POST /sweeps (form or JSON).
type sweepIn struct {
	Name     string `json:"name"`
	UnitCode string `json:"unit_code"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
}

// visitIn is the body of POST /sweeps/{id}/visits: the household by ID or
// by 户编号.
type visitIn struct {
	HouseholdID int64  `json:"household_id"`
	HouseholdNo string `json:"household_no"`
	VisitedOn   string `json:"visited_on"`
	Present     string `json:"present"`
	Returnees   int64  `json:"returnees"`
	Note        string `json:"note"`
}

type sweepJSON struct {
	ID       int64  `json:"id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Name     string `json:"name"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Closed   bool   `json:"closed"`
	Version  int64  `json:"version"`
}

func sweepOut(sw returnee.Sweep) sweepJSON {
	return sweepJSON{ID: sw.ID, UnitCode: sw.UnitCode, UnitName: sw.UnitName, Name: sw.Name, StartsOn: sw.StartsOn,
		EndsOn: sw.EndsOn, Closed: sw.Closed, Version: sw.Version}
}

// sweepsJSON is the answer of GET /api/v1/sweeps.
type sweepsJSON struct {
	Sweeps []sweepJSON `json:"sweeps"`
}

// coverageJSON is how far a sweep got in one unit.
type coverageJSON struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Households     int    `json:"households"`
	Visited        int    `json:"visited"`
	ReturneesFound int    `json:"returnees_found"`
	Percent        int    `json:"percent"`
}

func coverageOut(c returnee.Coverage) coverageJSON {
	return coverageJSON{Code: c.Unit.Code, Name: c.Unit.Name, Households: c.Households, Visited: c.Visited,
		ReturneesFound: c.Returnees, Percent: c.Percent()}
}

// pendingJSON is a household not yet visited.
type pendingJSON struct {
	ID       int64  `json:"id"`
	No       string `json:"no"`
	UnitCode string `json:"unit_code"`
	Address  string `json:"address"`
}

// reportJSON is the answer of GET /api/v1/sweeps/{id}; empty lists are null.
type reportJSON struct {
	Sweep      sweepJSON      `json:"sweep"`
	Total      coverageJSON   `json:"total"`
	Townships  []coverageJSON `json:"townships"`
	Villages   []coverageJSON `json:"villages"`
	NotVisited []pendingJSON  `json:"not_visited"`
}

// visitJSON answers a visit.
type visitJSON struct {
	ID             int64  `json:"id"`
	SweepID        int64  `json:"sweep_id"`
	HouseholdID    int64  `json:"household_id"`
	HouseholdNo    string `json:"household_no"`
	VisitedOn      string `json:"visited_on"`
	VisitedBy      string `json:"visited_by"`
	Present        string `json:"present"`
	ReturneesFound int    `json:"returnees_found"`
	Note           string `json:"note"`
}

// sweepsView is the list of sweeps with the form to open one.
type sweepsView struct {
	List  []returnee.Sweep
	Today string
}

func (h *Handler) sweepsPage(w http.ResponseWriter, r *http.Request) error {
	list, err := h.returnees.Sweeps(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "returnee_sweeps", "敲门排查", sweepsView{List: list, Today: clock.Day(h.srv.Now())})
}

func (h *Handler) sweepsAPI(w http.ResponseWriter, r *http.Request) error {
	list, err := h.returnees.Sweeps(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := sweepsJSON{Sweeps: make([]sweepJSON, 0, len(list))}
	for _, sw := range list {
		out.Sweeps = append(out.Sweeps, sweepOut(sw))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// openSweep opens a sweep over a unit.
func (h *Handler) openSweep(r *http.Request) (returnee.Sweep, error) {
	var in sweepIn
	if err := web.Bind(r, &in); err != nil {
		return returnee.Sweep{}, err
	}
	return h.returnees.OpenSweep(r.Context(), web.Actor(r), web.User(r).Scope(), returnee.Sweep{Name: in.Name, UnitCode: in.UnitCode,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn})
}

func (h *Handler) openSweepPage(w http.ResponseWriter, r *http.Request) error {
	sw, err := h.openSweep(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sweeps/%d", sw.ID), "已开启排查轮次")
}

func (h *Handler) openSweepAPI(w http.ResponseWriter, r *http.Request) error {
	sw, err := h.openSweep(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, sweepOut(sw))
}

// report is a sweep's coverage; ?unit= narrows the households not visited.
func (h *Handler) report(r *http.Request) (returnee.SweepReport, error) {
	id, err := web.PathID(r)
	if err != nil {
		return returnee.SweepReport{}, err
	}
	return h.returnees.Report(r.Context(), web.User(r).Scope(), id, r.URL.Query().Get("unit"))
}

// sweepView is a sweep's page: coverage, households to visit, the latest
// visits. Show "todo" (未走访) lists only the households not yet visited.
type sweepView struct {
	R        returnee.SweepReport
	Rows     []pendingRow
	Paging   web.Paging
	Today    string
	Unit     string
	UnitName string // the unit's name (镇街 and 村居), for the list's heading
	Show     string
	CanClose bool
}

// sweepPageSize is the households of one page of the list to visit: each
// row is a form, and a village's 458 of them were 70,000 px on a phone.
const sweepPageSize = 30

// sweepPaging is web.PagingFor for pages of per rows (got = per+1 means
// there is a next page).
func sweepPaging(r *http.Request, page, per, got int) web.Paging {
	pg := web.Paging{Page: page}
	q := r.URL.Query()
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		if page == 2 {
			q.Del("page")
		}
		pg.Prev = web.PageLink(q.Encode())
	}
	if got > per {
		q.Set("page", strconv.Itoa(page+1))
		pg.Next = web.PageLink(q.Encode())
	}
	return pg
}

// pendingRow is a household to visit, with the next row's ID: after
// "已走访" the page comes back at the next household (#hh-<id>).
type pendingRow struct {
	H       registry.Household
	Village string
	Next    int64
}

func (h *Handler) sweepPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	// A page of the households to visit at a time (and one more, to know
	// there is a next page).
	page := web.PageOf(r)
	unit := r.URL.Query().Get("unit")
	rep, err := h.returnees.ReportPage(r.Context(), web.User(r).Scope(), id, unit, (page-1)*sweepPageSize, sweepPageSize+1)
	if err != nil {
		return err
	}
	v := sweepView{R: rep, Today: clock.Day(h.srv.Now()), Unit: unit, Paging: sweepPaging(r, page, sweepPageSize, len(rep.Pending)),
		CanClose: web.User(r).Scope().Contains(rep.Sweep.UnitCode)}
	if unit != "" {
		// Report checked the unit is inside the caller's part of the sweep.
		v.UnitName = h.srv.Units.LocalName(r.Context(), unit)
	}
	if r.URL.Query().Get("show") == "todo" {
		v.Show = "todo"
	}
	// The row after the page's last is the next household to visit too:
	// after its visit the page's rows move up by one and it is there.
	for i, hh := range rep.Pending[:min(len(rep.Pending), sweepPageSize)] {
		row := pendingRow{H: hh, Village: jurisdiction.VillageOf(hh.UnitCode)}
		if i+1 < len(rep.Pending) {
			row.Next = rep.Pending[i+1].ID
		}
		v.Rows = append(v.Rows, row)
	}
	return h.render(w, r, http.StatusOK, "returnee_sweep", rep.Sweep.Name, v)
}

func (h *Handler) sweepAPI(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	out := reportJSON{Sweep: sweepOut(rep.Sweep), Total: coverageOut(rep.Total)}
	for _, c := range rep.Townships {
		out.Townships = append(out.Townships, coverageOut(c))
	}
	for _, c := range rep.Villages {
		out.Villages = append(out.Villages, coverageOut(c))
	}
	for _, hh := range rep.Pending {
		out.NotVisited = append(out.NotVisited, pendingJSON{ID: hh.ID, No: hh.No, UnitCode: hh.UnitCode, Address: hh.Address})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// visit marks a household visited in the sweep of the path.
func (h *Handler) visit(r *http.Request) (returnee.Visit, error) {
	id, err := web.PathID(r)
	if err != nil {
		return returnee.Visit{}, err
	}
	var in visitIn
	if err := web.Bind(r, &in); err != nil {
		return returnee.Visit{}, err
	}
	scope := web.User(r).Scope()
	if in.HouseholdID == 0 && in.HouseholdNo != "" {
		hh, err := h.households.HouseholdByNo(r.Context(), scope, in.HouseholdNo)
		if errors.Is(err, errs.ErrNotFound) {
			return returnee.Visit{}, errs.Invalidf("户编号", "户不存在或不在您的辖区内")
		}
		if err != nil {
			return returnee.Visit{}, err
		}
		in.HouseholdID = hh.ID
	}
	return h.returnees.MarkVisit(r.Context(), web.Actor(r), scope, returnee.Visit{SweepID: id, HouseholdID: in.HouseholdID,
		VisitedOn: in.VisitedOn, Present: in.Present, Returnees: int(in.Returnees), Note: in.Note})
}

func (h *Handler) visitPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.visit(r)
	if err != nil {
		return err
	}
	// Back where the list was: its unit and filter (the page's own
	// fields), at the next household to visit.
	q := url.Values{}
	if u := r.FormValue("back_unit"); u != "" {
		q.Set("unit", u)
	}
	if r.FormValue("back_show") == "todo" {
		q.Set("show", "todo")
	}
	if p, _ := strconv.Atoi(r.FormValue("back_page")); p > 1 {
		q.Set("page", strconv.Itoa(p))
	}
	back := fmt.Sprintf("/sweeps/%d", v.SweepID)
	if len(q) > 0 {
		back += "?" + q.Encode()
	}
	if next, _ := strconv.ParseInt(r.FormValue("next"), 10, 64); next > 0 {
		back += fmt.Sprintf("#hh-%d", next)
	} else {
		back += "#pending"
	}
	return web.Redirect(w, r, back, "已登记走访："+v.HouseholdNo)
}

func (h *Handler) visitAPI(w http.ResponseWriter, r *http.Request) error {
	v, err := h.visit(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, visitJSON{ID: v.ID, SweepID: v.SweepID, HouseholdID: v.HouseholdID,
		HouseholdNo: v.HouseholdNo, VisitedOn: v.VisitedOn, VisitedBy: v.VisitedBy, Present: v.Present,
		ReturneesFound: v.Returnees, Note: v.Note})
}

func (h *Handler) closeSweepPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, err := h.returnees.CloseSweep(r.Context(), web.Actor(r), web.User(r).Scope(), id); err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sweeps/%d", id), "排查轮次已结束")
}
