package legacyweb

import (
	"net/http"

	"fangkong/internal/web"
)

// formError re-renders a form with the validation message, or passes
// other errors on.
func (s *Handler) formError(w http.ResponseWriter, r *http.Request, err error, tmpl, title string, d any) error {
	status, msg, field := web.StatusOf(err)
	if status != http.StatusBadRequest && status != http.StatusConflict {
		return err
	}
	return s.renderView(w, r, status, tmpl, web.View{Title: title, Error: msg, Field: field, D: d})
}
