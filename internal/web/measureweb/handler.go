// Package measureweb holds the pages and JSON API of control measures
// (防控政策与管控措施): the policy tables and their versions, the plan
// calculator (also public at GET /api/v1/policy/plan), putting a person
// under a measure, the daily work lists, health checks and tests, alerts,
// release and the release notice (解除告知书), re-planning under a new
// version, and the person's own check-in link /m/{token}.
package measureweb

import (
	"context"
	"embed"
	"net/http"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// People is the register a person is put under a measure from (人员库):
// the assign form shows the person, the view audited.
type People interface {
	ViewPerson(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (registry.Person, error)
}

// Reach says whether an account that does not browse the ledger may
// address a person by registry id: it looked the person up, or the person
// is in its workflow (package lookup); else errs.ErrNotFound.
type Reach interface {
	Reach(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) error
}

// Handler serves the policy and measure pages and API.
type Handler struct {
	srv      *web.Server
	measures *measure.Service
	people   People
	reach    Reach
	pages    *web.Pages
	now      func() time.Time
	// selfLimit bounds the person's own link, planLimit the public plan
	// calculator, per client address.
	selfLimit, planLimit *web.Limiter
}

// New parses the templates (a broken one panics: they are embedded).
func New(srv *web.Server, measures *measure.Service, people People, reach Reach) *Handler {
	return &Handler{srv: srv, measures: measures, people: people, reach: reach, pages: srv.MustPages(templates, "templates", nil), now: srv.Now,
		selfLimit: web.NewLimiter(30, srv.Now), planLimit: web.NewLimiter(1200, srv.Now)}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}

// today is the day in Beijing time.
func (h *Handler) today() string { return clock.Day(h.now()) }
