package web

import (
	"net/http"
	"strings"
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
			out = append(out, s.followable(u, c))
		}
	}
	return out, nil
}

// followable is c without the links u may not follow (a figure whose page
// needs a capability u lacks shows as a plain number).
func (s *Server) followable(u auth.User, c summary.Card) summary.Card {
	figs := make([]summary.Figure, len(c.Figures))
	for i, f := range c.Figures {
		if f.Link != "" && !s.CanOpen(u, f.Link) {
			f.Link = ""
		}
		figs[i] = f
	}
	c.Figures = figs
	return c
}

// CanOpen reports whether u may open link (a path on this server, with or
// without a query) as far as its route's capability goes: a link that no
// route serves, or that leads elsewhere, is left to the caller (true).
func (s *Server) CanOpen(u auth.User, link string) bool {
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		return true
	}
	r, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		return true
	}
	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		return true
	}
	for _, rt := range s.routes {
		if rt.Pattern != pattern {
			continue
		}
		if rt.Kind == KindPage || rt.Kind == KindAPI {
			return rt.Cap == AnyUser || u.Can(rt.Cap)
		}
		return true
	}
	return true
}

// FigureJSON is a summary figure as the JSON API writes it.
type FigureJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value int    `json:"value"`
	Link  string `json:"link,omitempty"`
	Note  string `json:"note,omitempty"`
	Late  bool   `json:"late"`
}

// CardJSON is a domain's card as the JSON API writes it.
type CardJSON struct {
	Domain  string       `json:"domain"`
	Title   string       `json:"title"`
	Figures []FigureJSON `json:"figures"`
}

// FiguresJSON converts figures for the JSON API (never nil).
func FiguresJSON(fs []summary.Figure) []FigureJSON {
	out := make([]FigureJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, FigureJSON{Key: f.Key, Label: f.Label, Value: f.Value, Link: f.Link, Note: f.Note, Late: f.Late})
	}
	return out
}

// CardsJSON converts cards for the JSON API (never nil).
func CardsJSON(cs []summary.Card) []CardJSON {
	out := make([]CardJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, CardJSON{Domain: c.Domain, Title: c.Title, Figures: FiguresJSON(c.Figures)})
	}
	return out
}
