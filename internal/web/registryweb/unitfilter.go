package registryweb

import (
	"net/http"

	"fangkong/internal/web"
)

// unitQuery reads a list's ?unit= as cadres type it, by name (南涝村,
// 甘亭街道西街社区) or code, inside the user's scope: a name is replaced by
// its unit's code in r's query, so the list, its paging and its links go
// on by code. A code is kept as typed (the service answers 404 for one
// outside the scope). A name that fits no unit, or several, is dropped
// from the query and returned as a 400 error naming the field "unit": a
// page shows the list without it and the message (see renderList), an
// API answers the error. Other errors (the database) are returned as
// they are, the query untouched.
func unitQuery(srv *web.Server, r *http.Request) error {
	q := r.URL.Query()
	typed := q.Get("unit")
	if typed == "" {
		return nil
	}
	code, err := srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit", typed)
	if err != nil {
		if status, _, _ := web.StatusOf(err); status == http.StatusBadRequest {
			q.Del("unit")
			r.URL.RawQuery = q.Encode()
		}
		return err
	}
	if code != typed {
		q.Set("unit", code)
		r.URL.RawQuery = q.Encode()
	}
	return nil
}

// listUnit is unitQuery for a page: a name that fits no unit, or several,
// is the message the page shows (unitErr), not an error page; any other
// error is returned.
func listUnit(srv *web.Server, r *http.Request) (unitErr, err error) {
	err = unitQuery(srv, r)
	if status, _, _ := web.StatusOf(err); err != nil && status == http.StatusBadRequest {
		return err, nil
	}
	return nil, err
}

// renderList renders a list page; with unitErr, with its message at the
// top and the status 400.
func renderList(pages *web.Pages, w http.ResponseWriter, r *http.Request, unitErr error, name, title string, d any) error {
	if unitErr == nil {
		return pages.Render(w, r, http.StatusOK, name, title, d)
	}
	status, msg, field := web.StatusOf(unitErr)
	return pages.RenderView(w, r, status, name, web.View{Title: title, Error: msg, Field: field, D: d})
}
