package returneeweb

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- The returnee ledger (返乡人员台账): list, record view, status, export

// returneeFilter reads the ledger's filters; the page shows page (from 1).
func returneeFilter(q url.Values, page int) returnee.Filter {
	rank, _ := strconv.Atoi(q.Get("rank"))
	rankEq, _ := strconv.Atoi(q.Get("rank_eq"))
	return returnee.Filter{Unit: q.Get("unit"), Status: q.Get("status"), Place: q.Get("place"), Source: q.Get("source"), Rank: rank, RankEq: rankEq,
		From: q.Get("from"), To: q.Get("to"), Q: strings.TrimSpace(q.Get("q")), Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize}
}

// listView is one page of the ledger.
type listView struct {
	Rows     []returnee.Row
	Total    int // of every page, for the filter
	Paging   web.Paging
	Q        url.Values
	Statuses []string
	Sources  []string
	Ranks    []rankTab
}

// rankTab is one tab of the origin-risk filter: exactly one level
// (rank_eq, as the summary's 来自高/中风险地区 count) or a minimum (rank).
type rankTab struct {
	Label string
	URL   string
	On    bool
}

// rankTabs are the origin-risk tabs of the ledger for query q, each keeping
// q's other filters.
func rankTabs(q url.Values) []rankTab {
	tab := func(label, key, val string) rankTab {
		c := url.Values{}
		for k, v := range q {
			if k != "rank" && k != "rank_eq" && k != "page" {
				c[k] = v
			}
		}
		if key != "" {
			c.Set(key, val)
		}
		on := q.Get("rank") == c.Get("rank") && q.Get("rank_eq") == c.Get("rank_eq")
		return rankTab{Label: label, URL: "/returnees?" + c.Encode(), On: on}
	}
	return []rankTab{tab("全部来源地", "", ""), tab("高风险", "rank_eq", "3"), tab("中风险", "rank_eq", "2"), tab("低风险", "rank_eq", "1"),
		tab("中风险及以上", "rank", "2")}
}

func (h *Handler) returneesPage(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	page := web.PageOf(r)
	f := returneeFilter(r.URL.Query(), page)
	rows, err := h.returnees.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	total, err := h.returnees.Count(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	v := listView{Paging: web.PagingFor(r, page, len(rows)), Q: r.URL.Query(), Statuses: returnee.Statuses, Sources: returnee.Sources,
		Total: total, Ranks: rankTabs(r.URL.Query())}
	v.Rows = rows[:min(len(rows), web.PageSize)]
	// A name that fits no unit, or several: the whole ledger, and why.
	return h.pages.RenderList(w, r, unitErr, "returnee_list", "返乡人员", v)
}

// returneesJSON is the answer of GET /api/v1/returnees.
type returneesJSON struct {
	Returnees []arrivalJSON `json:"returnees"`
	// Total counts the arrivals of the filter on every page (共 N 条).
	Total int `json:"total"`
}

func (h *Handler) returneesAPI(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	f := returneeFilter(r.URL.Query(), 1)
	f.Limit, f.Offset = web.ListParams(r.URL.Query())
	rows, err := h.returnees.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	total, err := h.returnees.Count(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := returneesJSON{Returnees: make([]arrivalJSON, 0, len(rows)), Total: total}
	for _, x := range rows {
		out.Returnees = append(out.Returnees, rowOut(x))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// arrival is the one (audited) read of a returnee record by the {id}.
func (h *Handler) arrival(r *http.Request) (returnee.Arrival, error) {
	id, err := web.PathID(r)
	if err != nil {
		return returnee.Arrival{}, err
	}
	return h.returnees.View(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

// arrivalView is a returnee record's page.
type arrivalView struct {
	A        returnee.Arrival
	Statuses []string
	Path     []web.Crumb
	Unit     string // the village (or group) by name
}

func (h *Handler) returneePage(w http.ResponseWriter, r *http.Request) error {
	a, err := h.arrival(r)
	if err != nil {
		return err
	}
	v := arrivalView{A: a, Statuses: returnee.Statuses}
	v.Path, _ = h.srv.Crumbs(r, a.VillageCode) // no trail when the path fails
	v.Unit = h.unitLabel(r.Context(), a.VillageCode)
	return h.render(w, r, http.StatusOK, "returnee_view", a.Name+" 返乡记录", v)
}

func (h *Handler) returneeAPI(w http.ResponseWriter, r *http.Request) error {
	a, err := h.arrival(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, arrivalOut(a, true))
}

// statusIn is the body of POST /returnees/{id}/status (form or JSON).
type statusIn struct {
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

// setStatus records the result of verifying a returnee (核实).
func (h *Handler) setStatus(r *http.Request) (returnee.Arrival, error) {
	id, err := web.PathID(r)
	if err != nil {
		return returnee.Arrival{}, err
	}
	var in statusIn
	if err := web.Bind(r, &in); err != nil {
		return returnee.Arrival{}, err
	}
	return h.returnees.SetStatus(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Status, in.Note, in.Version)
}

func (h *Handler) statusPage(w http.ResponseWriter, r *http.Request) error {
	a, err := h.setStatus(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/returnees/%d", a.ID), "核实状态："+a.Status)
}

func (h *Handler) statusAPI(w http.ResponseWriter, r *http.Request) error {
	a, err := h.setStatus(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, arrivalOut(a, false))
}

// export streams the returnee ledger of a unit as XLSX.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	unit := strings.TrimSpace(r.URL.Query().Get("unit"))
	if unit == "" {
		unit = u.UnitCode
	}
	if _, err := h.srv.Units.Get(r.Context(), u.Scope(), unit); err != nil {
		return err // before the first byte, so a 404 is still possible
	}
	name := fmt.Sprintf("返乡人员台账-%s-%s.xlsx", unit, clock.Day(h.srv.Now()))
	web.Attachment(w, web.XLSXContentType, "returnees.xlsx", name)
	if _, err := h.returnees.Export(r.Context(), web.Actor(r), u.Scope(), unit, w); err != nil {
		h.srv.Logger.Error("export returnees", "err", err, "unit", unit, "request_id", web.RequestID(r))
	}
	return nil
}
