// Package placeweb serves place-name suggestions (地名联想) to signed-in
// users: GET /api/v1/places?q=郑州金水 answers up to ten places with their
// division code, names and level, for the place fields of every form (the
// suggestions are public place knowledge; the public self-report page has
// its own rate-limited variant in package returneeweb). The places of the
// user's own county come first (甘亭 → 甘亭街道 of 鄠邑区 for a cadre of
// 鄠邑区), as the villager's page offers its poster's county first.
package placeweb

import (
	"net/http"

	"fangkong/internal/place"
	"fangkong/internal/web"
)

// Suggester offers places for text being typed, those near home (a
// division code) first (place.Resolver).
type Suggester interface {
	SuggestNear(text, home string, n int) []place.Candidate
}

// Handler serves the suggestions.
type Handler struct {
	places Suggester
}

// New returns the handler.
func New(places Suggester) *Handler { return &Handler{places: places} }

// Routes: the suggestion API.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.API("GET /api/v1/places", web.AnyUser, h.suggest),
	}
}

func (h *Handler) suggest(w http.ResponseWriter, r *http.Request) error {
	home := web.User(r).UnitCode
	return web.WritePlaceSuggestions(w, r, func(q string, n int) []place.Candidate {
		return h.places.SuggestNear(q, home, n)
	})
}
