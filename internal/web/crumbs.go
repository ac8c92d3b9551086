package web

import (
	"net/http"

	"fangkong/internal/jurisdiction"
)

// Crumb is one step of the breadcrumb trail to a unit.
type Crumb struct {
	Unit jurisdiction.Unit
	Link bool
}

// Crumbs is the breadcrumb trail to a unit; units above the user's own are
// shown without a link (they would be not-found).
func (s *Server) Crumbs(r *http.Request, code string) ([]Crumb, error) {
	path, err := s.Units.Path(r.Context(), code)
	if err != nil {
		return nil, err
	}
	scope := User(r).Scope()
	out := make([]Crumb, 0, len(path))
	for _, p := range path {
		out = append(out, Crumb{Unit: p, Link: scope.Contains(p.Code)})
	}
	return out, nil
}
