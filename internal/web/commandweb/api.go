package commandweb

import (
	"net/http"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/web"
)

// The JSON twin of the picture, for the command centre's big screen (大屏)
// and other systems: the same figures, the same scope and the same cache.

type childJSON struct {
	UnitCode string           `json:"unit_code"`
	UnitName string           `json:"unit_name"`
	Figures  []web.FigureJSON `json:"figures"`
	Late     []string         `json:"late"` // keys of the figures marked late
}

type pictureJSON struct {
	UnitCode string           `json:"unit_code"`
	UnitName string           `json:"unit_name"`
	Day      string           `json:"day"`
	At       string           `json:"computed_at"`
	Cards    []web.CardJSON   `json:"cards"`
	Late     []web.FigureJSON `json:"late"`
	Children []childJSON      `json:"children"`
	Days     []string         `json:"trend_days"`
	Trends   map[string][]int `json:"trends"` // per figure key, oldest first; -1 for a day without a point
}

// api is GET /api/v1/command?unit=.
func (h *Handler) api(w http.ResponseWriter, r *http.Request) error {
	if err := h.srv.UnitQuery(r); err != nil {
		return err
	}
	u := web.User(r)
	code := web.FirstOf(r.URL.Query().Get("unit"), u.UnitCode)
	set, sources := h.visible(u)
	p, err := h.svc.Picture(r.Context(), u.Scope(), code, clock.Day(h.srv.Now()), set, sources)
	if err != nil {
		return err
	}
	out := pictureJSON{UnitCode: p.Unit.Code, UnitName: p.Unit.Name, Day: p.Day, At: p.At.In(clock.Shanghai).Format(time.RFC3339),
		Cards: web.CardsJSON(p.Cards), Late: web.FiguresJSON(p.Late), Children: []childJSON{}, Days: append([]string{}, p.Days...),
		Trends: map[string][]int{}}
	for _, c := range p.Children {
		ch := childJSON{UnitCode: c.Unit.Code, UnitName: c.Unit.Name, Figures: web.FiguresJSON(c.Figures), Late: []string{}}
		for _, f := range c.Late {
			ch.Late = append(ch.Late, f.Key)
		}
		out.Children = append(out.Children, ch)
	}
	for k, v := range p.Trends {
		out.Trends[k] = v
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
