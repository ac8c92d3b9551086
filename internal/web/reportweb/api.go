package reportweb

import (
	"net/http"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/report"
	"fangkong/internal/web"
)

// The JSON twins of the daily reports' status and of one report, so that
// the level above (a city's platform) pulls the reports it did not have to
// type: the same data, the same scope.

type reportJSON struct {
	ID          int64         `json:"id"`
	UnitCode    string        `json:"unit_code"`
	UnitName    string        `json:"unit_name"`
	Day         string        `json:"day"`
	Version     int           `json:"version"`
	AsOf        string        `json:"as_of"`
	Lines       []report.Line `json:"lines"`
	Note        string        `json:"note,omitempty"`
	Confirmer   string        `json:"confirmer"`
	SubmittedAt string        `json:"submitted_at"`
	OnTime      bool          `json:"on_time"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.Shanghai).Format(time.RFC3339)
}

func reportOut(r *report.Report) *reportJSON {
	if r == nil {
		return nil
	}
	lines := r.Lines
	if lines == nil {
		lines = []report.Line{}
	}
	return &reportJSON{ID: r.ID, UnitCode: r.UnitCode, UnitName: r.UnitName, Day: r.Day, Version: r.Version, AsOf: stamp(r.AsOf),
		Lines: lines, Note: r.Note, Confirmer: r.Confirmer, SubmittedAt: stamp(r.SubmittedAt), OnTime: r.OnTime}
}

type childJSON struct {
	UnitCode string      `json:"unit_code"`
	UnitName string      `json:"unit_name"`
	Deadline string      `json:"deadline"`
	Late     bool        `json:"late"`
	Latest   *reportJSON `json:"latest"` // null: not reported
}

type rateJSON struct {
	Level     string `json:"level"`
	Units     int    `json:"units"`
	Submitted int    `json:"submitted"`
	OnTime    int    `json:"on_time"`
}

type statusJSON struct {
	UnitCode string      `json:"unit_code"`
	UnitName string      `json:"unit_name"`
	Day      string      `json:"day"`
	Own      *reportJSON `json:"own"`
	Missing  int         `json:"missing"`
	Late     bool        `json:"late"`
	Children []childJSON `json:"children"`
	Rates    []rateJSON  `json:"rates"`
}

// apiStatus is GET /api/v1/reports?unit=&day=: the unit's own newest report,
// each child's, who is missing and late, and the rates per level.
func (h *Handler) apiStatus(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	q := r.URL.Query()
	day := q.Get("day")
	if day == "" {
		day = clock.Day(h.srv.Now())
	} else if !web.ValidDate(day) {
		return errs.Invalidf("day", "日期应为YYYY-MM-DD")
	}
	st, err := h.reports.Status(r.Context(), u.Scope(), web.FirstOf(q.Get("unit"), u.UnitCode), day)
	if err != nil {
		return err
	}
	out := statusJSON{UnitCode: st.Unit.Code, UnitName: st.Unit.Name, Day: st.Day, Own: reportOut(st.Own), Missing: st.Missing, Late: st.Late,
		Children: []childJSON{}, Rates: []rateJSON{}}
	for _, c := range st.Children {
		out.Children = append(out.Children, childJSON{UnitCode: c.Unit.Code, UnitName: c.Unit.Name, Deadline: stamp(c.Deadline), Late: c.Late,
			Latest: reportOut(c.Latest)})
	}
	for _, l := range st.Rates {
		out.Rates = append(out.Rates, rateJSON{Level: l.Name(), Units: l.Units, Submitted: l.Submitted, OnTime: l.OnTime})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// apiReport is GET /api/v1/reports/{id}: one version with its lines.
func (h *Handler) apiReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.reports.Get(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, reportOut(&rep))
}
