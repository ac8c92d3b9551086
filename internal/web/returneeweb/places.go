package returneeweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/returnee"
	"fangkong/internal/web"
)

// --- Places typed as names: the origin field, the question 您是指…, the
// queue of origins whose place is pending (地点待核实), and the public
// page's suggestions.

// suggestURL is the suggestion endpoint of signed-in users (package placeweb).
const suggestURL = "/api/v1/places"

// originField is a form's origin: a place name or a code, with the question
// 您是指… when ask is set.
func originField(id, value string, ask *web.PlaceAsk) web.PlaceField {
	return web.PlaceField{ID: id, Name: "origin", Label: "来源地（省市区县名称或区划代码）", Value: value,
		Placeholder: "如 河南省郑州市金水区、郑州金水、410105", Suggest: suggestURL, Ask: ask}
}

// askOrigin is the question to put before saving an origin typed as text
// (nil: save it), read at home (a division code of the village or user:
// the namesakes of the county are the candidates). Picking no candidate
// after being asked saves the place as typed, pending (地点待核实).
func (h *Handler) askOrigin(text, picked, asked, home string) *web.PlaceAsk {
	if text == "" || picked != "" {
		return nil
	}
	return web.AskPlace(h.places.ResolveNear(text, home), text, picked, asked, "origin_code", "origin_asked", true)
}

// originNear settles an origin typed as a village or township of the
// county the person is in (南涝村 typed in 鄠邑区), which the returnee
// service, reading it without knowing where the person is, would only
// guess at: its code (and the detail under it) is passed on as if the
// candidate had been picked. Anything else is returned unchanged.
func (h *Handler) originNear(text, code, detail, home string) (string, string) {
	if strings.TrimSpace(text) == "" || code != "" {
		return code, detail
	}
	if _, ok := h.places.Resolve(text).Resolved(); ok {
		return code, detail
	}
	c, ok := h.places.ResolveNear(text, home).Resolved()
	if !ok {
		return code, detail
	}
	// 甘亭 for 甘亭街道 keeps no detail: the text named the place itself.
	if detail == "" && c.Detail != strings.Join(strings.Fields(text), "") {
		detail = c.Detail
	}
	return c.Code, detail
}

// candidatesOf lists the readings of a pending origin's text (for the API
// and the queue), those of the arrival's county first.
func (h *Handler) candidatesOf(a returnee.Arrival) []web.PlaceJSON {
	if !a.PlacePending() || a.OriginText == "" {
		return nil
	}
	return web.PlacesOut(h.places.ResolveNear(a.OriginText, a.VillageCode).Candidates)
}

// publicPlaces suggests places on the public self-report page: the poster's
// token is the key, and each address is rate limited.
func (h *Handler) publicPlaces(w http.ResponseWriter, r *http.Request) error {
	p, err := h.returnees.PosterByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return web.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "二维码无效或已更换"})
	}
	// The villages and townships of the poster's county first: 南涝 → 南涝村.
	return web.WritePlaceSuggestions(w, r, func(q string, n int) []place.Candidate {
		return h.places.SuggestNear(q, p.Village.Code, n)
	})
}

// pendingPlace is one arrival of the queue with the readings of its text.
type pendingPlace struct {
	A          returnee.Row
	Unit       string // the village (or group) by name, 甘亭街道 西街社区居委会
	Candidates []web.PlaceJSON
	Field      web.PlaceField
}

// unitLabel names a unit as a cadre reads it: the township, village and
// group (甘亭街道 西街社区居委会), the code only when the path is not known.
func (h *Handler) unitLabel(ctx context.Context, code string) string {
	path, err := h.srv.Units.Path(ctx, code)
	if err != nil {
		return code
	}
	var names []string
	for _, u := range path {
		if u.Level >= jurisdiction.LevelTownship {
			names = append(names, u.Name)
		}
	}
	if len(names) == 0 {
		return code
	}
	return strings.Join(names, " ")
}

// placesView is the queue of origins whose place is pending.
type placesView struct {
	Rows []pendingPlace
	Q    url.Values
	More bool
}

// placesPage lists the arrivals inside the scope (or a unit of it) whose
// origin waits for a person to pick the place, each with the candidates of
// what was typed, to be settled one by one.
func (h *Handler) placesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rows, err := h.returnees.List(r.Context(), web.User(r).Scope(),
		returnee.Filter{Unit: q.Get("unit"), Place: returnee.PlacePending, Limit: web.PageSize + 1})
	if err != nil {
		return err
	}
	v := placesView{Q: q, More: len(rows) > web.PageSize}
	units := map[string]string{}
	for _, x := range rows[:min(len(rows), web.PageSize)] {
		if _, ok := units[x.VillageCode]; !ok {
			units[x.VillageCode] = h.unitLabel(r.Context(), x.VillageCode)
		}
		v.Rows = append(v.Rows, pendingPlace{A: x, Unit: units[x.VillageCode], Candidates: h.candidatesOf(x.Arrival),
			Field: web.PlaceField{ID: fmt.Sprintf("o%d", x.ID), Name: "origin", Label: "或重新填写来源地", Value: x.OriginText, Suggest: suggestURL}})
	}
	return h.render(w, r, http.StatusOK, "returnee_places", "来源地待核实", v)
}

// originIn is the body of POST /returnees/{id}/origin: the code picked, or
// new text, and the detail.
type originIn struct {
	OriginCode   string `json:"origin_code"`
	Origin       string `json:"origin"`
	OriginDetail string `json:"origin_detail"`
	Version      int64  `json:"version"`
}

// setOrigin settles an arrival's origin; its level follows from the history.
func (h *Handler) setOrigin(r *http.Request) (returnee.Arrival, error) {
	id, err := web.PathID(r)
	if err != nil {
		return returnee.Arrival{}, err
	}
	var in originIn
	if err := web.Bind(r, &in); err != nil {
		return returnee.Arrival{}, err
	}
	return h.returnees.SetOrigin(r.Context(), web.Actor(r), web.User(r).Scope(), id,
		returnee.PlaceChoice{Code: in.OriginCode, Text: in.Origin, Detail: in.OriginDetail}, in.Version)
}

func (h *Handler) originPage(w http.ResponseWriter, r *http.Request) error {
	a, err := h.setOrigin(r)
	if err != nil {
		return err
	}
	back := "/returnees/places"
	if u := r.FormValue("unit"); u != "" {
		back += "?unit=" + url.QueryEscape(u)
	}
	if a.PlacePending() {
		return web.Redirect(w, r, back, a.Name+"：来源地“"+a.OriginText+"”仍无法确定，请从候选中选择")
	}
	return web.Redirect(w, r, back, fmt.Sprintf("%s：来源地定为 %s（%s），离开时%s", a.Name, a.Origin(), a.OriginCode, a.LevelText()))
}

func (h *Handler) originAPI(w http.ResponseWriter, r *http.Request) error {
	a, err := h.setOrigin(r)
	if err != nil {
		return err
	}
	out := arrivalOut(a, false)
	out.OriginCandidates = h.candidatesOf(a)
	return web.WriteJSON(w, http.StatusOK, out)
}
