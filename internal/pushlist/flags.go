package pushlist

import (
	"context"
	"fmt"

	"strings"

	"fangkong/internal/jurisdiction"
)

// FlaggedRow is a row of a list that needs a second look: its address is
// outside the county, or it was matched by ID number to a person of
// another name.
type FlaggedRow struct {
	TaskID int64  `json:"task_id"`
	Row    int    `json:"row"`
	Name   string `json:"name"`
	Unit   string `json:"unit_code"`
	Reason string `json:"reason"`
}

// Flags counts a list's rows by the notes that ask for a second look
// (ReasonOutside, ReasonNameDiffers) and lists the first of them; the
// duplicate and rejected rows are not counted (their first row is).
type Flags struct {
	Total       int          `json:"total"` // rows with either note
	Outside     int          `json:"outside_county"`
	NameDiffers int          `json:"name_differs"`
	Rows        []FlaggedRow `json:"rows"`
}

// maxFlaggedRows is how many flagged rows Flags lists.
const maxFlaggedRows = 200

// ListFlags returns the flags of a list inside the scope: one pass over the
// list's tasks (push_tasks_list).
func (s *Service) ListFlags(ctx context.Context, scope jurisdiction.Scope, id int64) (Flags, error) {
	if _, err := s.GetList(ctx, scope, id); err != nil {
		return Flags{}, err
	}
	f := Flags{Rows: []FlaggedRow{}}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, row_no, name, unit_code, reason FROM push_tasks
		WHERE list_id = $1 AND outcome NOT IN ('duplicate', 'rejected') AND (reason LIKE $2 OR reason LIKE $3) ORDER BY row_no`,
		id, "%"+ReasonOutside+"%", "%"+ReasonNameDiffers+"%")
	if err != nil {
		return Flags{}, fmt.Errorf("push list %d flags: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r FlaggedRow
		if err := rows.Scan(&r.TaskID, &r.Row, &r.Name, &r.Unit, &r.Reason); err != nil {
			return Flags{}, err
		}
		f.Total++
		if strings.Contains(r.Reason, ReasonOutside) {
			f.Outside++
		}
		if strings.Contains(r.Reason, ReasonNameDiffers) {
			f.NameDiffers++
		}
		if len(f.Rows) < maxFlaggedRows {
			f.Rows = append(f.Rows, r)
		}
	}
	return f, rows.Err()
}
