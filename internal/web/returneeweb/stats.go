package returneeweb

import (
	"net/http"

	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- 底数: returnees by origin risk level, arrival week and child unit

// tallyJSON counts returnees by the risk level of their origin.
type tallyJSON struct {
	High    int `json:"high"`
	Medium  int `json:"medium"`
	Low     int `json:"low"`
	None    int `json:"none"`
	Total   int `json:"total"`
	Pending int `json:"pending"`
	// PlacePending counts origins whose place is pending (地点待核实); those
	// of unknown level are in no level's count.
	PlacePending int `json:"place_pending"`
}

func tallyOut(t returnee.Tally) tallyJSON {
	return tallyJSON{High: t.ByRank[3], Medium: t.ByRank[2], Low: t.ByRank[1], None: t.ByRank[0], Total: t.Total, Pending: t.Pending,
		PlacePending: t.PlacePending}
}

type unitJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type weekJSON struct {
	WeekOf string    `json:"week_of"` // its Monday
	Counts tallyJSON `json:"counts"`
}

type childJSON struct {
	Code   string    `json:"code"`
	Name   string    `json:"name"`
	Counts tallyJSON `json:"counts"`
}

// statsJSON is the answer of GET /api/v1/returnees/stats.
type statsJSON struct {
	Unit     unitJSON    `json:"unit"`
	Counts   tallyJSON   `json:"counts"`
	Weeks    []weekJSON  `json:"weeks"`
	Children []childJSON `json:"children"`
}

// stats is the 底数 of ?unit= (the user's own unit when blank).
func (h *Handler) stats(r *http.Request) (returnee.Stats, error) {
	return h.returnees.StatsOf(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
}

// statsView is the stats page: the unit's tally, a bar per week (scaled
// to Max) and the tally of each child unit.
type statsView struct {
	S    returnee.Stats
	Max  int
	Path []web.Crumb
}

func (h *Handler) statsPage(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stats(r)
	if err != nil {
		return err
	}
	v := statsView{S: st, Max: max(st.MaxWeekTotal(), 1)}
	v.Path, _ = h.srv.Crumbs(r, st.Unit.Code) // no trail when the path fails
	return h.render(w, r, http.StatusOK, "returnee_stats", "返乡人员底数", v)
}

func (h *Handler) statsAPI(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stats(r)
	if err != nil {
		return err
	}
	out := statsJSON{Unit: unitJSON{Code: st.Unit.Code, Name: st.Unit.Name}, Counts: tallyOut(st.Tally),
		Weeks: make([]weekJSON, 0, len(st.Weeks)), Children: make([]childJSON, 0, len(st.Children))}
	for _, wk := range st.Weeks {
		out.Weeks = append(out.Weeks, weekJSON{WeekOf: wk.Monday, Counts: tallyOut(wk.Tally)})
	}
	for _, c := range st.Children {
		out.Children = append(out.Children, childJSON{Code: c.Unit.Code, Name: c.Unit.Name, Counts: tallyOut(c.Tally)})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
