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

// statsJSON is the answer of GET /api/v1/pushtasks/stats.
type statsJSON struct {
	Units []unitStatsJSON `json:"units"`
}

func (h *Handler) statsAPI(w http.ResponseWriter, r *http.Request) error {
	st, err := h.lists.Stats(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := statsJSON{Units: make([]unitStatsJSON, 0, len(st))}
	for _, u := range st {
		var median *string
		if u.MedianMinutes >= 0 {
			m := strconv.FormatFloat(u.MedianMinutes, 'f', 1, 64)
			median = &m
		}
		out.Units = append(out.Units, unitStatsJSON{UnitCode: u.Code, UnitName: u.Name, Queue: u.Queue, Pushed: u.Pushed,
			Verified: u.Verified, Open: u.Open, Overdue: u.Overdue, MedianMinutes: median})
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

// statsView is the stats page: a table and a bar chart per unit.
type statsView struct {
	Bars   []bar
	Total  pushlist.UnitStats
	Height int // of the chart
}

func (h *Handler) statsPage(w http.ResponseWriter, r *http.Request) error {
	st, err := h.lists.Stats(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	most := 1
	var v statsView
	for _, u := range st {
		most = max(most, u.Pushed)
		v.Total.Pushed += u.Pushed
		v.Total.Verified += u.Verified
		v.Total.Open += u.Open
		v.Total.Overdue += u.Overdue
	}
	v.Bars = make([]bar, len(st))
	f := 200 / float64(most)
	for i, u := range st {
		v.Bars[i] = bar{u, 24 + i*30, 24 + i*30 + 14, float64(u.Pushed) * f, float64(u.Verified) * f, float64(u.Overdue) * f}
	}
	v.Height = 30 + 30*len(v.Bars)
	return h.render(w, r, http.StatusOK, "pushlist_stats", "核查任务统计", v)
}
