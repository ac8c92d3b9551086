// Package summary is the one shape in which a domain reports its headline
// figures (汇总) for a unit on a day. Each domain owns the definition of its
// figures — one definition and one label per fact — and hub pages (the unit
// page today; the command centre's picture and the daily report) compose
// the cards of a list of Sources built in internal/app, so adding a domain
// adds one line there and no hub page changes.
package summary

import (
	"context"

	"fangkong/internal/jurisdiction"
)

// Figure is one headline number.
type Figure struct {
	Key   string // stable name, e.g. "returnee.total" (tests, reports)
	Label string // the one label of this fact, e.g. 返乡人员
	Value int
	Link  string // the list behind the number ("" for none)
	Note  string // what it counts, where two figures could be confused
	Late  bool   // something is overdue or missed: shown as a warning
	// NoSum: the figure measures the unit itself (standards it meets), so
	// its child units' figures do not add up to it; roll-ups (the
	// picture's 本级 row, the report's 下级已报合计) leave it out.
	NoSum bool
}

// Card is one domain's figures for a unit.
type Card struct {
	Domain  string // "returnee", "measure", …
	Title   string // 返乡人员
	Figures []Figure
}

// Source is a domain that reports figures for a unit inside scope (a
// unit outside it is not found) on day (YYYY-MM-DD, Asia/Shanghai).
type Source interface {
	Summary(ctx context.Context, scope jurisdiction.Scope, unit, day string) (Card, error)
}

// Get returns the figure with key, and whether the card has it.
func (c Card) Get(key string) (Figure, bool) {
	for _, f := range c.Figures {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}
