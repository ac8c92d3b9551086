package web

// The double-submit guard (防重复提交) of page forms. On a weak signal a
// cadre taps 提交 again, or the phone sends the POST again after the 303
// that answered it was lost, and without a guard the second POST runs
// again: a second fever report, a second tracing case. So every form
// rendered with the shared "csrf" partial also carries a hidden _form
// field, a fresh random id made at render time (formID; a refilled form is
// rendered again and gets a new one, refill never copies the old one), and
// a POST of a page (or a public page, not the JSON API, whose writes carry
// their own keys, nor /login) that sends one claims it in the form_claims
// table before its handler runs, with one INSERT … ON CONFLICT DO NOTHING.
// The table, not memory, holds the claims, so the guard works across
// several instances on one PostgreSQL database.
//
//   - Claimed: the handler runs. When it answered a redirect (the success of
//     post/redirect/get), the claim is marked done with the Location;
//     otherwise (a refused form rendered again, a result page answered
//     with 200, an error) the claim is deleted, so that the corrected form
//     sent again runs.
//   - Already claimed by the same session with the same fields: when done,
//     the answer is a 303 to the first request's Location with the notice
//     已提交过，未重复登记; while the first request still runs, the second
//     waits for it (formWait) and is then redirected, or answered with a page
//     (409) saying 正在提交，请稍候刷新查看结果.
//   - Claimed by another session, or with other fields (a form sent again
//     after its page was changed in the browser): the request runs
//     unguarded, as one without _form does.
//
// Forms that carry their own idempotency key (scan_id, client_id: scans
// and checkpoint checks, on the hot path of a testing round) are left to
// it. Claims older than a day are deleted on the way, at most once an hour
// per instance. The guard is on when Config.Forms is set.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

const (
	// formField is the hidden field that carries a rendered form's id.
	formField = "_form"
	// formWait is how long a resent form waits for the first request to
	// finish; formPoll how often it looks.
	formWait = 5 * time.Second
	formPoll = 150 * time.Millisecond
	// formKeep is how long claims are kept; formPurgeEvery how often an
	// instance deletes the older ones.
	formKeep       = 24 * time.Hour
	formPurgeEvery = time.Hour
	// Messages of the guard's answers.
	formResentMsg  = "已提交过，未重复登记"
	formPendingMsg = "正在提交，请稍候刷新查看结果"
)

// newFormID is a fresh form id: 16 random bytes, base64url (22 characters).
// It is the template function formID, called by the "csrf" partial.
func newFormID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validFormID accepts what newFormID makes, with some room, and nothing
// else (the id is a primary key: no megabyte of junk is stored).
func validFormID(id string) bool {
	if len(id) < 16 || len(id) > 64 {
		return false
	}
	return strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// formKey returns the form id of a guarded POST and the digest of the
// fields sent; ok is false when the request is not guarded.
func (s *Server) formKey(r *http.Request) (id, digest string, ok bool) {
	if s.Forms == nil || r.Method != http.MethodPost || IsAPI(r) || r.URL.Path == "/login" {
		return "", "", false
	}
	ct := r.Header.Get("Content-Type")
	multipart := strings.HasPrefix(ct, "multipart/form-data")
	if !multipart && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return "", "", false
	}
	if r.PostForm == nil {
		var err error
		if multipart {
			err = r.ParseMultipartForm(32 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			// Left for the handler to meet (a body over the limit): it
			// parses again and answers the error as before.
			r.Form, r.PostForm, r.MultipartForm = nil, nil, nil
			return "", "", false
		}
	}
	id = r.PostForm.Get(formField)
	if !validFormID(id) || r.PostForm.Has("scan_id") || r.PostForm.Has("client_id") {
		return "", "", false
	}
	return id, formDigest(r), true
}

// formDigest sums the fields sent (but the CSRF token and the form id) and
// the names and sizes of the files uploaded.
func formDigest(r *http.Request) string {
	h := sha256.New()
	keys := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		if k != "csrf_token" && k != formField {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%q=%q\n", k, r.PostForm[k])
	}
	if r.MultipartForm != nil {
		keys = keys[:0]
		for k := range r.MultipartForm.File {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, f := range r.MultipartForm.File[k] {
				fmt.Fprintf(h, "file %q=%q %d\n", k, f.Filename, f.Size)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// formOnce runs run (the handler and its error adapter) under the guard
// when r is a guarded POST, else simply runs it.
func (s *Server) formOnce(w http.ResponseWriter, r *http.Request, run func(w http.ResponseWriter)) {
	id, digest, ok := s.formKey(r)
	if !ok {
		run(w)
		return
	}
	ctx, sess := r.Context(), info(r).session.ID
	deadline := time.Now().Add(formWait)
	for {
		claimed, err := s.claimForm(ctx, id, sess, digest)
		if err != nil {
			// The guard cannot answer: the form is not refused for that.
			s.Logger.Warn("form claim", "err", err, "request_id", RequestID(r))
			run(w)
			return
		}
		if claimed {
			s.runClaimed(w, r, id, run)
			return
		}
		c, found, err := s.formClaim(ctx, id)
		if err != nil {
			s.Logger.Warn("form claim", "err", err, "request_id", RequestID(r))
			run(w)
			return
		}
		switch {
		case !found:
			// The first request was refused and let its claim go: claim it
			// again (unless that keeps happening past the wait).
			if time.Now().After(deadline) {
				run(w)
				return
			}
			continue
		case c.session != sess || c.digest != digest:
			run(w)
			return
		case c.status == "done":
			setFlash(w, r, formResentMsg)
			http.Redirect(w, r, c.location, http.StatusSeeOther)
			return
		case time.Now().After(deadline):
			s.RenderError(w, r, http.StatusConflict, formPendingMsg)
			return
		}
		select {
		case <-ctx.Done():
			w.WriteHeader(StatusClientClosed)
			return
		case <-time.After(formPoll):
		}
	}
}

// runClaimed runs the handler of a claimed form and then marks the claim
// done (a redirect) or lets it go (any other answer, a panic).
func (s *Server) runClaimed(w http.ResponseWriter, r *http.Request, id string, run func(w http.ResponseWriter)) {
	ow := &onceWriter{ResponseWriter: w}
	defer func() {
		p := recover()
		// The claim is settled even when the client has gone.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
		defer cancel()
		var err error
		if p == nil && ow.status >= 300 && ow.status < 400 && ow.location != "" {
			_, err = s.Forms.W().ExecContext(ctx, "UPDATE form_claims SET status = 'done', location = $1 WHERE id = $2", ow.location, id)
		} else {
			_, err = s.Forms.W().ExecContext(ctx, "DELETE FROM form_claims WHERE id = $1 AND status = 'pending'", id)
		}
		if err != nil {
			s.Logger.Warn("settle form claim", "err", err, "request_id", RequestID(r))
		}
		if p != nil {
			panic(p)
		}
	}()
	run(ow)
}

// claimForm claims id for the session; false when it was claimed before.
// Claims older than formKeep are deleted first, at most once per
// formPurgeEvery.
func (s *Server) claimForm(ctx context.Context, id, session, digest string) (bool, error) {
	now := s.Now()
	if last := s.formPurged.Load(); now.UnixMilli()-last >= formPurgeEvery.Milliseconds() && s.formPurged.CompareAndSwap(last, now.UnixMilli()) {
		if _, err := s.Forms.W().ExecContext(ctx, "DELETE FROM form_claims WHERE created_at < $1", now.Add(-formKeep).UnixMilli()); err != nil {
			s.Logger.Warn("purge form claims", "err", err)
		}
	}
	res, err := s.Forms.W().ExecContext(ctx, `INSERT INTO form_claims (id, session_id, digest, status, location, created_at)
		VALUES ($1, $2, $3, 'pending', '', $4) ON CONFLICT (id) DO NOTHING`, id, session, digest, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("claim form %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim form %s: %w", id, err)
	}
	return n == 1, nil
}

// formClaimRow is a stored claim.
type formClaimRow struct {
	session, digest, status, location string
}

// formClaim reads the claim of id; found is false when there is none.
func (s *Server) formClaim(ctx context.Context, id string) (c formClaimRow, found bool, err error) {
	err = s.Forms.R().QueryRowContext(ctx, "SELECT session_id, digest, status, location FROM form_claims WHERE id = $1", id).
		Scan(&c.session, &c.digest, &c.status, &c.location)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("form claim %s: %w", id, err)
	}
	return c, true, nil
}

// onceWriter notes the status and Location a guarded handler answers.
type onceWriter struct {
	http.ResponseWriter
	status   int
	location string
}

func (w *onceWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status, w.location = code, w.Header().Get("Location")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *onceWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *onceWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
