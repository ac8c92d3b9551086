package web

import (
	"net/http"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/summary"
)

// SummarySource is a domain's summary that hub pages show, with the
// capability a user needs to see it. internal/app builds the list.
type SummarySource struct {
	Cap    auth.Capability
	Source summary.Source
}

// Cards are the summary cards of unit that the signed-in user may see, in
// the list's order, for today.
func (s *Server) Cards(r *http.Request, sources []SummarySource, unit string) ([]summary.Card, error) {
	u := User(r)
	day := clock.Day(s.Now())
	var out []summary.Card
	for _, src := range sources {
		if src.Cap != AnyUser && !u.Can(src.Cap) {
			continue
		}
		c, err := src.Source.Summary(r.Context(), u.Scope(), unit, day)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
