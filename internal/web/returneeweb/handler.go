// Package returneeweb holds the pages and JSON API of returnees (返乡人员):
// the list of risk areas (中高风险地区) with its history, the returnee
// ledger (台账) and its 底数 statistics, door-to-door sweeps (敲门排查),
// self-reports (自主报备) with the village poster, and the public
// self-report page /r/{token} that needs no login.
package returneeweb

import (
	"context"
	"embed"
	"net/http"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Households finds the registry's households (户) a returnee is recorded
// into: by ID from the household page, by 户编号 from a sweep visit or a
// confirmed self-report. The registry service provides it.
type Households interface {
	Household(ctx context.Context, scope jurisdiction.Scope, id int64) (registry.Household, error)
	HouseholdByNo(ctx context.Context, scope jurisdiction.Scope, no string) (registry.Household, error)
}

// Places reads places typed as names (地名解析, place.Resolver): to ask
// 您是指… before saving a place that is not clear, and to suggest places on
// the public self-report page. The Near forms read a village or township
// typed alone (南涝村, 甘亭) as the one of the county the person is in.
type Places interface {
	Resolve(text string) place.Result
	ResolveNear(text, home string) place.Result
	Suggest(text string, n int) []place.Candidate
	SuggestNear(text, home string, n int) []place.Candidate
}

// Handler serves the returnee pages and API.
type Handler struct {
	srv        *web.Server
	returnees  *returnee.Service
	riskAreas  *riskarea.Service
	households Households
	places     Places
	pages      *web.Pages
	// placeLimit bounds the public page's place suggestions per address.
	placeLimit *web.Limiter
}

// New parses the templates. The units of forms and exports come from the
// core (srv.Units).
func New(srv *web.Server, returnees *returnee.Service, riskAreas *riskarea.Service, households Households, places Places) *Handler {
	return &Handler{srv: srv, returnees: returnees, riskAreas: riskAreas, households: households, places: places,
		pages: srv.MustPages(templates, "templates", nil), placeLimit: web.NewLimiter(120, srv.Now)}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) error {
	return h.pages.Render(w, r, status, name, title, d)
}

func (h *Handler) renderView(w http.ResponseWriter, r *http.Request, status int, name string, v web.View) error {
	return h.pages.RenderView(w, r, status, name, v)
}
