package web

import (
	"context"
	"net/http"
	"net/url"

	"fangkong/internal/errs"
)

// DownloadStore keeps a file for the user who made it, for a short time
// (internal/download): an import's full error report, offered on its
// result page, which lists only the first ShownErrors.
type DownloadStore interface {
	Put(ctx context.Context, userID int64, name string, body []byte) (token string, err error)
	Get(ctx context.Context, userID int64, token string) (name string, body []byte, err error)
}

// ShownErrors is how many row errors an import's result page lists; the
// rest are in the full report it offers as a download.
const ShownErrors = 200

// FirstErrors is the part of errs a result page lists.
func FirstErrors[E any](errs []E) []E { return errs[:min(len(errs), ShownErrors)] }

// ErrorNote is what a result page says of an import's row errors (the
// partial "errors-note"): how many there are, how many it lists and where
// to download all of them.
type ErrorNote struct {
	Total, Shown int
	Download     string
}

// NoteErrors offers the full error report file (name, XLSX) for download
// and describes it for the partial "errors-note".
func (s *Server) NoteErrors(r *http.Request, total, shown int, name string, file []byte) ErrorNote {
	return ErrorNote{Total: total, Shown: shown, Download: s.OfferDownload(r, name, file)}
}

// OfferDownload keeps an XLSX file for the signed-in user and returns the
// address that serves it (to them only, for an hour); "" when there is
// nothing to keep or it could not be kept (logged: the page still lists
// the first errors).
func (s *Server) OfferDownload(r *http.Request, name string, body []byte) string {
	if body == nil || s.Downloads == nil {
		return ""
	}
	tok, err := s.Downloads.Put(r.Context(), User(r).ID, name, body)
	if err != nil {
		s.Logger.Error("download", "err", err, "request_id", RequestID(r))
		return ""
	}
	return "/downloads/" + tok
}

// serveDownload serves one of the user's downloads; anyone else's, an
// expired or an unknown one is not found.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) error {
	if s.Downloads == nil {
		return errs.ErrNotFound
	}
	name, body, err := s.Downloads.Get(r.Context(), User(r).ID, r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"report.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(body)
	return err
}

// clip shortens a value of a file shown on a page to n characters.
func clip(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}
