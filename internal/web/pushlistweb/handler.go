// Package pushlistweb holds the pages and JSON API of big-data push lists
// (大数据推送): uploading a list and mapping its columns, the per-row
// accounting and the feedback file (回传), the verification tasks the
// villages answer, the township and county queues, and the statistics.
package pushlistweb

import (
	"embed"
	"fangkong/internal/sheet"
	"html/template"
	"net/http"

	"fangkong/internal/pushlist"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the push-list pages and API.
type Handler struct {
	srv   *web.Server
	lists *pushlist.Service
	pages *web.Pages
}

// New parses the templates; lists is the push-list service.
func New(srv *web.Server, lists *pushlist.Service) *Handler {
	return &Handler{srv: srv, lists: lists, pages: srv.MustPages(templates, "templates", template.FuncMap{
		// damaged: a number the spreadsheet rewrote (6.10118E+17, an ID
		// ending 000 whose check digit fails), flagged on the preview as
		// the import will.
		"damaged": func(s string) bool {
			_, id := sheet.IDNumberCell(s)
			_, ph := sheet.PhoneCell(s)
			return id || ph
		}})}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) error {
	return h.pages.Render(w, r, status, name, title, d)
}

// now is the server's clock in Unix milliseconds.
func (h *Handler) now() int64 { return h.srv.Now().UnixMilli() }
