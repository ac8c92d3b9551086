// Package legacyweb holds the pages and JSON API of the domains not yet
// moved to a web package of their own. It is being split: each domain
// moves to internal/web/<domain>web with its routes, templates and view
// models.
package legacyweb

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/pushlist"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Deps are the domain services these pages call.
type Deps struct {
	Registry  *registry.Service
	Audit     *audit.Log
	Sampling  *sampling.Service
	Returnees *returnee.Service
	RiskAreas *riskarea.Service
	PushLists *pushlist.Service
}

// Handler serves the pages and API of the domains in this package.
type Handler struct {
	*web.Server
	Deps
	pages  *web.Pages
	routes []web.Route
}

// New parses the templates and declares the routes.
func New(srv *web.Server, d Deps) (*Handler, error) {
	s := &Handler{Server: srv, Deps: d}
	var err error
	s.pages, err = srv.ParsePages(mustSub(templates, "templates"), template.FuncMap{
		"groupNames": registry.GroupNames,
		"hasGroup":   func(g, bit registry.SpecialGroup) bool { return g&bit != 0 },
		"actionName": audit.ActionName,
		"entityName": audit.EntityName,
	})
	if err != nil {
		return nil, err
	}
	s.pageRoutes()
	s.apiRoutes()
	s.returneeRoutes()
	s.pushlistRoutes()
	return s, nil
}

// Routes are the declared routes.
func (s *Handler) Routes() []web.Route { return s.routes }

func (s *Handler) page(pattern string, cap auth.Capability, h web.HandlerFunc) {
	s.routes = append(s.routes, web.Page(pattern, cap, h))
}

func (s *Handler) api(pattern string, cap auth.Capability, h web.HandlerFunc) {
	s.routes = append(s.routes, web.API(pattern, cap, h))
}

func (s *Handler) public(rt web.Route) { s.routes = append(s.routes, rt) }

// plain adapts a handler that answers its own errors.
func plain(h http.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { h(w, r); return nil }
}

func (s *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) error {
	return s.pages.Render(w, r, status, name, title, d)
}

func (s *Handler) renderView(w http.ResponseWriter, r *http.Request, status int, name string, v web.View) error {
	return s.pages.RenderView(w, r, status, name, v)
}

func mustSub(fsys embed.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
