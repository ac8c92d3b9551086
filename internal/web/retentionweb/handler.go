// Package retentionweb holds the page and JSON API of the retention rules
// (保存期限): per kind of personal data, the rule and how many rows inside
// the caller's jurisdiction the next daily purge would clear (a dry run,
// writing nothing), and the purges already done there (from the audit log).
package retentionweb

import (
	"embed"
	"net/http"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/retention"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the retention page and its API twin.
type Handler struct {
	srv       *web.Server
	retention *retention.Service
	audit     *audit.Log
	pages     *web.Pages
}

// New parses the templates.
func New(srv *web.Server, r *retention.Service, log *audit.Log) *Handler {
	return &Handler{srv: srv, retention: r, audit: log, pages: srv.MustPages(templates, "templates", nil)}
}

// Routes is the route table of the retention rules.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /retention", auth.CapRetentionView, h.page),
		web.API("GET /api/v1/retention", auth.CapRetentionView, h.api),
	}
}

// view is the page's data.
type view struct {
	Lines []retention.Line
	Done  []audit.Entry
}

// report is the dry run and the recent purges inside the caller's scope.
func (h *Handler) report(r *http.Request) (view, error) {
	scope := web.User(r).Scope()
	lines, err := h.retention.Report(r.Context(), scope)
	if err != nil {
		return view{}, err
	}
	done, err := h.audit.List(r.Context(), scope, audit.Filter{Action: audit.ActionPurge, Entity: "retention", Limit: 50, Few: true})
	if err != nil {
		return view{}, err
	}
	return view{Lines: lines, Done: done}, nil
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) error {
	v, err := h.report(r)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "retention", "保存期限", v)
}

// kindJSON is one kind in GET /api/v1/retention.
type kindJSON struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Rule   string `json:"rule"`
	Days   int    `json:"days"`
	Cutoff string `json:"cutoff,omitempty"`
	Due    int    `json:"due"`
}

// purgeJSON is one purge done, from the audit log.
type purgeJSON struct {
	At      string `json:"at"`
	Kind    string `json:"kind"`
	Unit    string `json:"unit"`
	Summary string `json:"summary"`
}

type reportJSON struct {
	Kinds  []kindJSON  `json:"kinds"`
	Purges []purgeJSON `json:"purges"`
}

func (h *Handler) api(w http.ResponseWriter, r *http.Request) error {
	v, err := h.report(r)
	if err != nil {
		return err
	}
	out := reportJSON{Kinds: []kindJSON{}, Purges: []purgeJSON{}}
	for _, l := range v.Lines {
		out.Kinds = append(out.Kinds, kindJSON{Kind: l.Key, Name: l.Name, Rule: l.Rule, Days: l.Days, Cutoff: l.Cutoff, Due: l.Rows})
	}
	for _, e := range v.Done {
		out.Purges = append(out.Purges, purgeJSON{At: e.Time(), Kind: e.EntityID, Unit: e.SubjectUnit, Summary: e.Summary})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
