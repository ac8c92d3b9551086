package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

//go:embed layout static openapi.yaml
var assets embed.FS

// funcs are the template functions every page has.
var funcs = template.FuncMap{
	"maskID":    personal.MaskID,
	"maskPhone": personal.MaskPhone,
	"levelName": jurisdiction.LevelName,
	"roleName":  func(r auth.Role) string { return r.Name() },
	"fmtTime":   clock.Format,
	"add":       func(a, b int) int { return a + b },
	"num":       Thousands,
	"list":      func(v ...string) []string { return v },
	"clip":      clip,
	// formID is a rendered form's fresh id (the "csrf" partial; formonce.go).
	"formID": newFormID,
	"query": func(kv ...any) template.URL {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if s := fmt.Sprint(kv[i+1]); s != "" && s != "0" {
				v.Set(fmt.Sprint(kv[i]), s)
			}
		}
		return template.URL(v.Encode())
	},
}

// Pages are one web package's page templates, each parsed with the layout
// and the shared partials (csrf, crumbs, pager).
type Pages struct {
	s   *Server
	set map[string]*template.Template
}

// ParsePages parses every *.html at the root of fsys (a package's embedded
// templates folder) with the layout; extra adds template functions. A
// broken template stops start-up.
func (s *Server) ParsePages(fsys fs.FS, extra template.FuncMap) (*Pages, error) {
	fm := maps.Clone(funcs)
	maps.Copy(fm, extra)
	layout, err := template.New("layout.html").Funcs(fm).ParseFS(assets, "layout/layout.html", "layout/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	p := &Pages{s: s, set: map[string]*template.Template{}}
	for _, f := range files {
		if name := path.Base(f); name == "layout.html" || name == "partials.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		p.set[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return p, nil
}

// MustPages is ParsePages for templates embedded in the binary (a broken
// one is a programming error).
func (s *Server) MustPages(fsys fs.FS, sub string, extra template.FuncMap) *Pages {
	if sub != "" {
		var err error
		if fsys, err = fs.Sub(fsys, sub); err != nil {
			panic(err)
		}
	}
	p, err := s.ParsePages(fsys, extra)
	if err != nil {
		panic(err)
	}
	return p
}

// View is what every page template receives: the page's own data is D.
type View struct {
	Title   string
	User    auth.User
	CSRF    string
	Path    string
	Flash   string
	Error   string
	Field   string
	Version string
	// UnitName is the signed-in user's unit, for the header.
	UnitName string
	D        any
}

// Can lets templates show only the links a user may follow.
func (v View) Can(c string) bool { return v.User.Can(auth.Capability(c)) }

// Render renders the page name with title and data d.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) error {
	return p.RenderView(w, r, status, name, View{Title: title, D: d})
}

// RenderView renders the page name with a view (an error beside a field,
// a notice).
func (p *Pages) RenderView(w http.ResponseWriter, r *http.Request, status int, name string, v View) error {
	t, ok := p.set[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	ri := info(r)
	v.User, v.CSRF, v.Path, v.Version = ri.user, ri.session.CSRF, r.URL.Path, p.s.Version
	v.UnitName = p.s.unitName(r.Context(), ri.user)
	if flash := takeFlash(w, r); v.Flash == "" {
		v.Flash = flash
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	out := buf.Bytes()
	if v.Error != "" && v.Field != "" {
		if b, ok := besideField(out, r.URL.Path, v.Error, v.Field); ok {
			out = b
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(out)
	return err
}

// RenderError renders the error page.
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	// Back leads where the user came from (same origin), else home for a
	// signed-in user; a public page's visitor is never sent to a login.
	back := ""
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Path != "" && (ref.Host == "" || ref.Host == r.Host) {
		back = (&url.URL{Path: ref.Path, RawQuery: ref.RawQuery}).String()
	} else if info(r).authed {
		back = "/"
	}
	if err := s.core.Render(w, r, status, "error", "出错了", map[string]any{"Status": status, "Message": msg, "Back": back}); err != nil {
		http.Error(w, msg, status)
	}
}

// Thousands renders 550000 as 550,000.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// unitName is the name of u's unit ("" signed out, or when it cannot be
// read): units are not renamed while the server runs, so it is cached.
func (s *Server) unitName(ctx context.Context, u auth.User) string {
	if u.ID == 0 || u.UnitCode == "" || s.Units == nil {
		return ""
	}
	if n, ok := s.unitNames.Load(u.UnitCode); ok {
		return n.(string)
	}
	unit, err := s.Units.Get(ctx, u.Scope(), u.UnitCode)
	if err != nil {
		return ""
	}
	s.unitNames.Store(u.UnitCode, unit.Name)
	return unit.Name
}

// NamedUnit is UnitCode for a field that took codes before it took names:
// a code is passed on as typed (the service checks it, with its own
// message), a name is looked up.
func (s *Server) NamedUnit(ctx context.Context, scope jurisdiction.Scope, field, text string) (string, error) {
	text = strings.TrimSpace(text)
	if strings.Trim(text, "0123456789") == "" {
		return text, nil
	}
	return s.UnitCode(ctx, scope, field, text)
}

// UnitCode reads a unit typed in a form field by name or code (西街社区,
// 甘亭街道西街社区, 610118001001) inside scope, as units.Find reads it; ""
// stays "" (the service decides whether the field may be empty). The error
// names the field and, for a name that fits several units, asks which.
func (s *Server) UnitCode(ctx context.Context, scope jurisdiction.Scope, field, text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" || s.Units == nil {
		return text, nil
	}
	u, err := s.Units.Find(ctx, scope, field, text)
	if err != nil {
		return text, err
	}
	return u.Code, nil
}
