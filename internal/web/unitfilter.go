package web

import "net/http"

// UnitQuery reads a list's ?unit= as cadres type it, by name (南涝村,
// 甘亭街道西街社区) or code, inside the user's scope: a name is replaced by
// its unit's code in r's query, so the list, its paging and its links go
// on by code. A code is kept as typed (the service answers 404 for one
// outside the scope). A name that fits no unit, or several, is dropped
// from the query and returned as a 400 error naming the field "unit": a
// page shows the list without it and the message (Pages.RenderList), an
// API answers the error. Other errors (the database) are returned as
// they are, the query untouched.
func (s *Server) UnitQuery(r *http.Request) error {
	q := r.URL.Query()
	typed := q.Get("unit")
	if typed == "" {
		return nil
	}
	code, err := s.NamedUnit(r.Context(), User(r).Scope(), "unit", typed)
	if err != nil {
		if status, _, _ := StatusOf(err); status == http.StatusBadRequest {
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

// ListUnit is UnitQuery for a page: a name that fits no unit, or several,
// is the message the page shows (unitErr), not an error page; any other
// error is returned.
func (s *Server) ListUnit(r *http.Request) (unitErr, err error) {
	err = s.UnitQuery(r)
	if status, _, _ := StatusOf(err); err != nil && status == http.StatusBadRequest {
		return err, nil
	}
	return nil, err
}

// RenderList renders a list page; with unitErr (ListUnit), with its
// message at the top and the status 400.
func (p *Pages) RenderList(w http.ResponseWriter, r *http.Request, unitErr error, name, title string, d any) error {
	if unitErr == nil {
		return p.Render(w, r, http.StatusOK, name, title, d)
	}
	status, msg, field := StatusOf(unitErr)
	return p.RenderView(w, r, status, name, View{Title: title, Error: msg, Field: field, D: d})
}
