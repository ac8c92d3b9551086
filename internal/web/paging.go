package web

import (
	"net/http"
	"strconv"
)

// PageSize is the rows of one page of a list.
const PageSize = 50

// Paging is a list page's number and the query strings of its neighbours
// (the "pager" partial draws it).
type Paging struct {
	Page       int
	Prev, Next string
}

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
		pg.Prev = q.Encode()
	}
	if got > PageSize {
		q.Set("page", strconv.Itoa(page+1))
		pg.Next = q.Encode()
	}
	return pg
}
