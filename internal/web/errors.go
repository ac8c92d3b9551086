package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/errs"
)

// StatusOf maps an error kind to an HTTP status, a message for the user and
// the form field it concerns.
func StatusOf(err error) (status int, msg, field string) {
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

// Message is the user's message for an error (the Chinese text of an
// invalid input, a conflict, …).
func Message(err error) string { _, msg, _ := StatusOf(err); return msg }

// PageError answers a page request with the error's status and message.
func (s *Server) PageError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, _ := StatusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.Error("page", "err", err, "path", r.URL.Path, "request_id", RequestID(r))
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfter(err))
	}
	switch status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		_, _, field := StatusOf(err)
		if s.refill(w, r, status, msg, field) {
			return
		}
	}
	s.RenderError(w, r, status, msg)
}

// APIError answers an API request with the error's status and a JSON body
// {"error": message, "field": name}.
func (s *Server) APIError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, field := StatusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.Error("api", "err", err, "path", r.URL.Path, "request_id", RequestID(r))
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfter(err))
	}
	body := map[string]string{"error": msg}
	if field != "" {
		body["field"] = field
	}
	WriteJSON(w, status, body)
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
