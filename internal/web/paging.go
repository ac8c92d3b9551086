package web

import (
	"html/template"
	"net/http"
	"strconv"
)

// PageSize is the rows of one page of a list.
const PageSize = 50

// Paging is a list page's number and the links to its neighbours ("?" and
// their query strings; the "pager" partial draws it). They are URLs, not
// text: as text in href="?…" the template escaped "=" and "&" (?page%3d2),
// and 下一页 showed the first page again.
type Paging struct {
	Page       int
	Prev, Next template.URL
}

// PageLink is the link to the query string q.
func PageLink(q string) template.URL { return template.URL("?" + q) }

// PageOf reads ?page= (1 when absent).
func PageOf(r *http.Request) int {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if p < 1 {
		p = 1
	}
	return p
}

// PagingFor builds the pager of a list that fetched got rows (PageSize+1
// means there is a next page).
func PagingFor(r *http.Request, page, got int) Paging {
	pg := Paging{Page: page}
	q := r.URL.Query()
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		pg.Prev = PageLink(q.Encode())
	}
	if got > PageSize {
		q.Set("page", strconv.Itoa(page+1))
		pg.Next = PageLink(q.Encode())
	}
	return pg
}
