package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"fangkong/internal/errs"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "fk_session"

// pageHandler wraps a page route: the session, the first-login password
// change, CSRF on writes, the capability, the double-submit guard of a form
// (formonce.go), then the handler.
func (s *Server) pageHandler(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		c, err := r.Cookie(SessionCookie)
		if err != nil {
			s.toLogin(w, r)
			return
		}
		sess, u, err := s.Auth.SessionUser(r.Context(), c.Value)
		if err != nil {
			if !errors.Is(err, errs.ErrUnauthenticated) {
				s.PageError(w, r, err)
				return
			}
			s.toLogin(w, r)
			return
		}
		ri := info(r)
		ri.user, ri.session, ri.authed = u, sess, true
		if u.MustChange && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		if !safeMethod(r.Method) && !s.csrfOK(r, sess.CSRF) {
			s.RenderError(w, r, http.StatusForbidden, "页面已过期或来源不明，请返回刷新后重试")
			return
		}
		if rt.Cap != AnyUser && !u.Can(rt.Cap) {
			s.RenderError(w, r, http.StatusForbidden, errs.ErrForbidden.Error())
			return
		}
		s.formOnce(w, r, func(w http.ResponseWriter) {
			if err := rt.Handler(w, r); err != nil {
				s.PageError(w, r, err)
			}
		})
	})
}

// apiHandler wraps a JSON route: bearer token or session (with
// X-CSRF-Token on writes), then the capability.
func (s *Server) apiHandler(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		ri := info(r)
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			u, err := s.Auth.TokenUser(r.Context(), strings.TrimSpace(tok))
			if err != nil {
				s.APIError(w, r, err)
				return
			}
			ri.user, ri.authed, ri.viaAPI = u, true, true
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			sess, u, err := s.Auth.SessionUser(r.Context(), c.Value)
			if err != nil {
				s.APIError(w, r, err)
				return
			}
			ri.user, ri.session, ri.authed = u, sess, true
			if !safeMethod(r.Method) && !s.csrfOK(r, sess.CSRF) {
				WriteJSON(w, http.StatusForbidden, map[string]string{"error": "缺少或错误的 X-CSRF-Token"})
				return
			}
			if u.MustChange {
				WriteJSON(w, http.StatusForbidden, map[string]string{"error": "请先修改初始密码"})
				return
			}
		} else {
			s.APIError(w, r, errs.ErrUnauthenticated)
			return
		}
		if rt.Cap != AnyUser && !ri.user.Can(rt.Cap) {
			s.APIError(w, r, errs.ErrForbidden)
			return
		}
		if err := rt.Handler(w, r); err != nil {
			s.APIError(w, r, err)
		}
	})
}

// publicHandler wraps a route without login: the body limit, the rate
// limit per address, no referrer, the double-submit guard of a page's
// form (formonce.go), then the handler.
func (s *Server) publicHandler(rt Route) http.Handler {
	max := rt.MaxBody
	if max <= 0 {
		max = 64 << 10
	}
	isAPI := strings.HasPrefix(rt.Path(), "/api/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, max)
		fail := s.PageError
		if isAPI {
			fail = s.APIError
		}
		if rt.Limit != nil && !rt.Limit.Allow(info(r).ip) {
			fail(w, r, errs.ErrTooMany)
			return
		}
		if !isAPI {
			w.Header().Set("Referrer-Policy", "no-referrer")
		}
		s.formOnce(w, r, func(w http.ResponseWriter) {
			if err := rt.Handler(w, r); err != nil {
				fail(w, r, err)
			}
		})
	})
}

// MaxUpload bounds an uploaded spreadsheet (a million-row ledger is ~80 MB).
const MaxUpload = 512 << 20

// bodyLimit allows uploads on multipart requests and 1 MiB elsewhere.
func bodyLimit(r *http.Request) int64 {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return MaxUpload
	}
	return 1 << 20
}

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

func (s *Server) csrfOK(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			r.ParseMultipartForm(32 << 20)
		}
		got = r.FormValue("csrf_token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if !safeMethod(r.Method) {
		next = "/"
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}
