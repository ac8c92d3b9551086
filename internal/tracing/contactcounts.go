package tracing

import (
	"context"
	"fmt"

	"fangkong/internal/jurisdiction"
)

// ContactCounts are the numbers of a case's contacts inside a scope: all of
// them, per status, and those the hand-over form takes (judged close or
// secondary contacts not handed over yet). A case's page shows them above
// its page of contacts.
type ContactCounts struct {
	Total    int
	ByStatus map[string]int
	HandOver int
}

// CaseContactCounts counts the contacts of a case inside scope (by the
// contact's unit, as Contacts lists them).
func (s *Service) CaseContactCounts(ctx context.Context, scope jurisdiction.Scope, caseID int64) (ContactCounts, error) {
	out := ContactCounts{ByStatus: map[string]int{}}
	lo, hi := scope.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT status, category, COUNT(*) FROM tracing_contacts
		WHERE case_id = $1 AND `+scope.Where("unit_code", 2)+` GROUP BY status, category`, caseID, lo, hi)
	if err != nil {
		return out, fmt.Errorf("contact counts of case %d: %w", caseID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, category string
		var n int
		if err := rows.Scan(&status, &category, &n); err != nil {
			return out, err
		}
		out.Total += n
		out.ByStatus[status] += n
		if status == StatusJudged && (category == CatClose || category == CatSecondary) {
			out.HandOver += n
		}
	}
	return out, rows.Err()
}
