package web

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/errs"
)

// handlerFunc is a handler that returns its error to one adapter.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// anyUser is the capability of routes every logged-in user may use.
const anyUser auth.Capability = ""

const sessionCookie = "fk_session"

// page registers a server-rendered route that needs a session and cap.
func (s *Server) page(pattern string, cap auth.Capability, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			s.toLogin(w, r)
			return
		}
		sess, u, err := s.Auth.SessionUser(r.Context(), c.Value)
		if err != nil {
			if !errors.Is(err, errs.ErrUnauthenticated) {
				s.pageError(w, r, err)
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
			s.renderError(w, r, http.StatusForbidden, "页面已过期或来源不明，请返回刷新后重试")
			return
		}
		if cap != anyUser && !u.Can(cap) {
			s.renderError(w, r, http.StatusForbidden, errs.ErrForbidden.Error())
			return
		}
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	})
}

// maxUpload bounds an uploaded spreadsheet (a million-row ledger is ~80 MB).
const maxUpload = 512 << 20

// bodyLimit allows uploads on multipart requests and 1 MiB elsewhere.
func bodyLimit(r *http.Request) int64 {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return maxUpload
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

// statusOf maps an error kind to an HTTP status and a message for the user.
func statusOf(err error) (int, string, string) {
	var iv *errs.Invalid
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &iv):
		return http.StatusBadRequest, iv.Error(), iv.Field
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "提交的内容过大", ""
	case errors.Is(err, errs.ErrNotFound):
		return http.StatusNotFound, errs.ErrNotFound.Error(), ""
	case errors.Is(err, errs.ErrForbidden):
		return http.StatusForbidden, errs.ErrForbidden.Error(), ""
	case errors.Is(err, errs.ErrUnauthenticated):
		return http.StatusUnauthorized, errs.ErrUnauthenticated.Error(), ""
	case errors.Is(err, errs.ErrTooMany):
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i > 0 {
			msg = msg[:i]
		}
		return http.StatusTooManyRequests, msg, ""
	case errors.Is(err, errs.ErrConflict):
		var c *errs.Conflict
		if errors.As(err, &c) {
			return http.StatusConflict, c.Message, ""
		}
		return http.StatusConflict, errs.ErrConflict.Error(), ""
	}
	return http.StatusInternalServerError, "服务器内部错误，请稍后重试", ""
}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, _ := statusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.Error("page", "err", err, "path", r.URL.Path, "request_id", requestID(r))
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfter(err))
	}
	s.renderError(w, r, status, msg)
}

// api registers a JSON route: bearer token or session (with X-CSRF-Token on
// writes), then the capability.
func (s *Server) api(pattern string, cap auth.Capability, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		ri := info(r)
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			u, err := s.Auth.TokenUser(r.Context(), strings.TrimSpace(tok))
			if err != nil {
				s.apiError(w, r, err)
				return
			}
			ri.user, ri.authed, ri.viaAPI = u, true, true
		} else if c, err := r.Cookie(sessionCookie); err == nil {
			sess, u, err := s.Auth.SessionUser(r.Context(), c.Value)
			if err != nil {
				s.apiError(w, r, err)
				return
			}
			ri.user, ri.session, ri.authed = u, sess, true
			if !safeMethod(r.Method) && !s.csrfOK(r, sess.CSRF) {
				writeJSON(w, http.StatusForbidden, map[string]string{"error": "缺少或错误的 X-CSRF-Token"})
				return
			}
			if u.MustChange {
				writeJSON(w, http.StatusForbidden, map[string]string{"error": "请先修改初始密码"})
				return
			}
		} else {
			s.apiError(w, r, errs.ErrUnauthenticated)
			return
		}
		if cap != anyUser && !ri.user.Can(cap) {
			s.apiError(w, r, errs.ErrForbidden)
			return
		}
		if err := h(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})
}

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, field := statusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.Error("api", "err", err, "path", r.URL.Path, "request_id", requestID(r))
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfter(err))
	}
	body := map[string]string{"error": msg}
	if field != "" {
		body["field"] = field
	}
	writeJSON(w, status, body)
}

// retryAfter is the Retry-After header for a 429: what the error says
// (an overloaded queue: a second or so), else a minute (login throttling).
func retryAfter(err error) string {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return strconv.Itoa(max(1, int(math.Ceil(ra.RetryAfter().Seconds()))))
	}
	return "60"
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// decodeJSON reads a JSON body strictly; a malformed body is a 400.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errs.Invalidf("", "请求内容不是有效的JSON：%s", err.Error())
	}
	return nil
}
