// Package registryweb holds the pages and JSON API of the registry (户和人:
// households and the people in them) and of the jurisdiction tree it hangs
// on: the home page and the unit drill-down with its groups, grids and
// responsible people, the people and household lists, views and forms, and
// the ledger import and export.
package registryweb

import (
	"context"
	"embed"
	"html/template"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/summary"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// SamplingCodes gives a person's sampling code (采样码, made on first view)
// for the person page; the sampling service answers it.
type SamplingCodes interface {
	PersonCode(ctx context.Context, scope jurisdiction.Scope, personID int64) (string, error)
}

// Handler serves the unit drill-down, the people and households, and the
// ledger.
type Handler struct {
	srv       *web.Server
	units     *jurisdiction.Store
	registry  *registry.Service
	summaries []web.SummarySource
	codes     SamplingCodes
	records   []summary.PersonSource // the person page's records, by domain
	pages     *web.Pages
}

// New parses the templates (embedded: a broken one panics).
// records are the domains whose records of a person its page joins up.
func New(srv *web.Server, units *jurisdiction.Store, people *registry.Service, codes SamplingCodes, summaries []web.SummarySource,
	records []summary.PersonSource) *Handler {
	return &Handler{srv: srv, units: units, registry: people, codes: codes, summaries: summaries, records: records,
		pages: srv.MustPages(templates, "templates", template.FuncMap{
			"groupNames": registry.GroupNames,
			"hasGroup":   func(g, bit registry.SpecialGroup) bool { return g&bit != 0 },
		})}
}
