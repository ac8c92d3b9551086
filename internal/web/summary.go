package web

import (
	"net/http"
	"sync"

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
// the list's order, for today. The sources are asked at the same time (each
// reads on its own connection), so the page waits for the slowest, not for
// the sum.
func (s *Server) Cards(r *http.Request, sources []SummarySource, unit string) ([]summary.Card, error) {
	u := User(r)
	day := clock.Day(s.Now())
	cards := make([]summary.Card, len(sources))
	errs := make([]error, len(sources))
	var wg sync.WaitGroup
	for i, src := range sources {
		if src.Cap != AnyUser && !u.Can(src.Cap) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cards[i], errs[i] = src.Source.Summary(r.Context(), u.Scope(), unit, day)
		}()
	}
	wg.Wait()
	var out []summary.Card
	for i, c := range cards {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if c.Domain != "" {
			out = append(out, c)
		}
	}
	return out, nil
}
