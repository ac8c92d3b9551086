package registry

import (
	"context"
	"fmt"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// PersonByKey returns the id of the registered, active person inside scope
// with this ID number, or — without one — the only one with this phone:
// for domains that link a record typed at a desk (a sentinel's fever
// report) to the ledger. errs.ErrNotFound when there is none (or the phone
// is shared). Not audited: the caller shows nothing of the person it did
// not already have.
func (s *Service) PersonByKey(ctx context.Context, scope jurisdiction.Scope, idNumber, phone string) (int64, error) {
	lo, hi := scope.Args()
	q, key := "id_number = $3", idNumber
	if idNumber == "" {
		q, key = "phone = $3", phone
	}
	if key == "" {
		return 0, errs.ErrNotFound
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT id FROM people WHERE "+q+" AND active = 1 AND merged_into IS NULL AND "+
		scope.Where("unit_code", 1)+" LIMIT 2", lo, hi, key)
	if err != nil {
		return 0, fmt.Errorf("person by key: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, fmt.Errorf("person by key: %w", errs.ErrNotFound)
	}
	return ids[0], nil
}
