package web

import (
	"context"
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
	case errors.Is(err, context.Canceled):
		return StatusClientClosed, "请求已取消", ""
	case errors.As(err, &iv):
		return http.StatusBadRequest, invalidMessage(iv), iv.Field
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

// invalidMessage is what the user reads of an invalid input: the field's
// Chinese name before the message ("核酸采样时间：…"), but not a form
// field's code name (temp, returnees, test_ids): the form shows the message
// beside that field, and the message names what it is about.
func invalidMessage(iv *errs.Invalid) string {
	for _, c := range iv.Field {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return iv.Error()
		}
	}
	return iv.Message
}

// Message is the user's message for an error (the Chinese text of an
// invalid input, a conflict, …).
func Message(err error) string { _, msg, _ := StatusOf(err); return msg }

// StatusClientClosed is the status recorded for a request its client gave
// up on (nginx's 499): not a server error, nothing is written.
const StatusClientClosed = 499

// clientGone answers a request whose client left before the answer: logged
// as cancelled (not as a server error), counted under 499.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request, err error) bool {
	if !errors.Is(err, context.Canceled) && r.Context().Err() == nil {
		return false
	}
	s.Logger.Info("request cancelled by the client", "path", r.URL.Path, "request_id", RequestID(r))
	w.WriteHeader(StatusClientClosed)
	return true
}

// PageError answers a page request with the error's status and message.
func (s *Server) PageError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(w, r, err) {
		return
	}
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
	if s.clientGone(w, r, err) {
		return
	}
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
