package pushlistweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/pushlist"
	"fangkong/internal/web"
)

// unitStatsJSON is one unit's task counts.
type unitStatsJSON struct {
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Queue    bool   `json:"queue"`
	Pushed   int    `json:"pushed"`
	Verified int    `json:"verified"`
	Open     int    `json:"open"`
	Overdue  int    `json:"overdue"`
	// MedianMinutes is the median time to verify with one decimal ("12.5"),
	// null when no task was answered.
	MedianMinutes *string `json:"median_minutes_to_verify"`
}

// statsJSON is the answer of GET /api/v1/pushtasks/stats: the units one
// level below the unit (?unit=, the user's own by default) and their total,
// which is the unit's summary figures (push.*).
type statsJSON struct {
	Units []unitStatsJSON `json:"units"`
	Total unitStatsJSON   `json:"total"`
}

func statsOut(u pushlist.UnitStats) unitStatsJSON {
	var median *string
	if u.MedianMinutes >= 0 {
		m := strconv.FormatFloat(u.MedianMinutes, 'f', 1, 64)
		median = &m
	}
	return unitStatsJSON{UnitCode: u.Code, UnitName: u.Name, Queue: u.Queue, Pushed: u.Pushed,
		Verified: u.Verified, Open: u.Open, Overdue: u.Overdue, MedianMinutes: median}
}

// unitStats reads ?unit= (a code or a name inside the user's scope) and
// returns the rows of that unit, their total, and the unit's name ("" for
// the user's own scope).
func (h *Handler) unitStats(r *http.Request) ([]pushlist.UnitStats, pushlist.UnitStats, string, error) {
	q := r.URL.Query()
	name, err := h.unitFilter(r, q)
	if err != nil {
		return nil, pushlist.UnitStats{}, "", err
	}
	scope, err := web.User(r).Scope().NarrowOpt(q.Get("unit"))
	if err != nil {
		return nil, pushlist.UnitStats{}, "", err
	}
	st, err := h.lists.Stats(r.Context(), scope)
	if err != nil {
		return nil, pushlist.UnitStats{}, "", err
	}
	total := pushlist.UnitStats{Code: scope.Code(), Name: name, MedianMinutes: -1}
	for _, u := range st {
		total.Pushed += u.Pushed
		total.Verified += u.Verified
		total.Open += u.Open
		total.Overdue += u.Overdue
	}
	return st, total, name, nil
}

func (h *Handler) statsAPI(w http.ResponseWriter, r *http.Request) error {
	st, total, _, err := h.unitStats(r)
	if err != nil {
		return err
	}
	out := statsJSON{Units: make([]unitStatsJSON, 0, len(st)), Total: statsOut(total)}
	for _, u := range st {
		out.Units = append(out.Units, statsOut(u))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// bar is one row of the stats table and chart: its top (Y) and the bar
// lengths in SVG units (200 = the largest count).
type bar struct {
	pushlist.UnitStats
	Y, TextY                     int
	PushedW, VerifiedW, OverdueW float64
}

// statsView is the stats page: a table and a bar chart per unit, and the
// unit's total (合计), whose numbers are its summary figures.
type statsView struct {
	Bars   []bar
	Total  pushlist.UnitStats
	Height int // of the chart
	// Unit and UnitName are the unit shown ("" for the user's own scope).
	Unit, UnitName string
	// Labels of the columns: the summary's labels of the same facts.
	LabelPushed, LabelVerified, LabelOpen, LabelOverdue string
}

func (h *Handler) statsPage(w http.ResponseWriter, r *http.Request) error {
	st, total, name, err := h.unitStats(r)
	if err != nil {
		return err
	}
	most := 1
	v := statsView{Total: total, Unit: r.URL.Query().Get("unit"), UnitName: name, LabelPushed: pushlist.LabelPushed,
		LabelVerified: pushlist.LabelVerified, LabelOpen: pushlist.LabelOpen, LabelOverdue: pushlist.LabelOverdue}
	if v.Unit != "" {
		v.Unit = total.Code
	}
	for _, u := range st {
		most = max(most, u.Pushed)
	}
	v.Bars = make([]bar, len(st))
	f := 200 / float64(most)
	for i, u := range st {
		v.Bars[i] = bar{u, 24 + i*30, 24 + i*30 + 14, float64(u.Pushed) * f, float64(u.Verified) * f, float64(u.Overdue) * f}
	}
	v.Height = 30 + 30*len(v.Bars)
	return h.render(w, r, http.StatusOK, "pushlist_stats", "核查任务统计", v)
}
