package web

import (
	"net/http"
	"strings"
)

// IsAPI reports whether r came to the JSON API (its path is under /api/),
// for the decoders a page and its API twin share.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// FormError re-renders the form page name with the validation message
// beside its field (400) or the conflict (409), d being what was sent; any
// other error is returned, for the page adapter to answer.
func (p *Pages) FormError(w http.ResponseWriter, r *http.Request, err error, name, title string, d any) error {
	status, msg, field := StatusOf(err)
	if status != http.StatusBadRequest && status != http.StatusConflict {
		return err
	}
	return p.RenderView(w, r, status, name, View{Title: title, Error: msg, Field: field, D: d})
}
