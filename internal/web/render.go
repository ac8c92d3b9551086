package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
)

var funcs = template.FuncMap{
	"maskID":     personal.MaskID,
	"maskPhone":  personal.MaskPhone,
	"groupNames": registry.GroupNames,
	"levelName":  jurisdiction.LevelName,
	"roleName":   func(r auth.Role) string { return r.Name() },
	"actionName": audit.ActionName,
	"entityName": audit.EntityName,
	"fmtTime":    clock.Format,
	"add":        func(a, b int) int { return a + b },
	"num":        thousands,
	"list":       func(v ...string) []string { return v },
	"hasGroup":   func(g, bit registry.SpecialGroup) bool { return g&bit != 0 },
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

// parseTemplates builds one template set per page: the layout plus the page.
func parseTemplates() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// view is what every page template receives.
type view struct {
	Title   string
	User    auth.User
	CSRF    string
	Path    string
	Flash   string
	Error   string
	Field   string
	Version string
	D       any
}

// Can lets templates show only the links a user may follow.
func (v view) Can(c string) bool { return v.User.Can(auth.Capability(c)) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) error {
	return s.renderView(w, r, status, name, view{Title: title, D: d})
}

func (s *Server) renderView(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	ri := info(r)
	v.User, v.CSRF, v.Path, v.Version = ri.user, ri.session.CSRF, r.URL.Path, s.Version
	if v.Flash == "" {
		v.Flash = r.URL.Query().Get("msg")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if err := s.render(w, r, status, "error", "出错了", map[string]any{"Status": status, "Message": msg}); err != nil {
		http.Error(w, msg, status)
	}
}

// redirect answers a form post with 303 See Other and an optional notice.
func redirect(w http.ResponseWriter, r *http.Request, to, msg string) error {
	if msg != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "msg=" + url.QueryEscape(msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// thousands renders 550000 as 550,000.
func thousands(n int) string {
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
