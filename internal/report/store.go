package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Report is one submitted version of a unit's daily report.
type Report struct {
	ID          int64
	UnitCode    string
	UnitName    string
	Level       int
	Day         string
	Version     int
	AsOf        time.Time // 截至
	Lines       []Line
	Note        string
	Confirmer   string // the cadre who confirmed it
	UserID      int64
	SubmittedAt time.Time
	OnTime      bool
}

// Zero reports whether every known figure is zero (a 零报告).
func (r Report) Zero() bool {
	for _, l := range r.Lines {
		if l.Known && l.Value != 0 {
			return false
		}
	}
	return true
}

const reportColumns = `r.id, r.unit_code, COALESCE(u.name, ''), r.level, r.day, r.version, r.as_of, r.figures, r.note,
	r.confirmer, r.user_id, r.submitted_at, r.on_time`

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var asOf, sub int64
	var figs string
	var onTime int
	if err := row.Scan(&r.ID, &r.UnitCode, &r.UnitName, &r.Level, &r.Day, &r.Version, &asOf, &figs, &r.Note,
		&r.Confirmer, &r.UserID, &sub, &onTime); err != nil {
		return r, err
	}
	r.AsOf, r.SubmittedAt, r.OnTime = time.UnixMilli(asOf).In(clock.Shanghai), time.UnixMilli(sub).In(clock.Shanghai), onTime == 1
	return r, json.Unmarshal([]byte(figs), &r.Lines)
}

func (s *Service) queryReports(ctx context.Context, q string, args ...any) ([]Report, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+reportColumns+" FROM daily_reports r LEFT JOIN units u ON u.code = r.unit_code "+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Get returns one version inside scope.
func (s *Service) Get(ctx context.Context, scope jurisdiction.Scope, id int64) (Report, error) {
	lo, hi := scope.Args()
	rs, err := s.queryReports(ctx, "WHERE r.id = $1 AND "+scope.Where("r.unit_code", 2), id, lo, hi)
	if err != nil {
		return Report{}, err
	}
	if len(rs) == 0 {
		return Report{}, errs.ErrNotFound
	}
	return rs[0], nil
}

// Versions returns every version of unit's report of day, newest first.
func (s *Service) Versions(ctx context.Context, scope jurisdiction.Scope, unit, day string) ([]Report, error) {
	if _, err := scope.Narrow(unit); err != nil {
		return nil, err
	}
	return s.queryReports(ctx, "WHERE r.unit_code = $1 AND r.day = $2 ORDER BY r.version DESC", unit, day)
}

// latest returns the newest version of the report of day of each of units
// (the unit of a status page and its children, not the whole subtree).
func (s *Service) latest(ctx context.Context, scope jurisdiction.Scope, day string, units []string) (map[string]Report, error) {
	lo, hi := scope.Args()
	args := []any{day, lo, hi}
	for _, u := range units {
		args = append(args, u)
	}
	rs, err := s.queryReports(ctx, `WHERE r.day = $1 AND `+scope.Where("r.unit_code", 2)+` AND r.unit_code IN (`+db.In(len(units), 4)+`)
		AND r.version = (SELECT MAX(x.version) FROM daily_reports x WHERE x.unit_code = r.unit_code AND x.day = r.day)`, args...)
	if err != nil {
		return nil, err
	}
	out := map[string]Report{}
	for _, r := range rs {
		out[r.UnitCode] = r
	}
	return out, nil
}

// insert stores a new version of a report (the next number).
func (s *Service) insert(ctx context.Context, tx *sql.Tx, r *Report) error {
	figs, err := json.Marshal(r.Lines)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM daily_reports WHERE unit_code = $1 AND day = $2`,
		r.UnitCode, r.Day).Scan(&r.Version); err != nil {
		return err
	}
	onTime := 0
	if r.OnTime {
		onTime = 1
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO daily_reports (unit_code, level, day, version, as_of, figures, note, confirmer, user_id, submitted_at, on_time)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		r.UnitCode, r.Level, r.Day, r.Version, r.AsOf.UnixMilli(), string(figs), r.Note, r.Confirmer, r.UserID,
		r.SubmittedAt.UnixMilli(), onTime).Scan(&r.ID)
	if db.IsUniqueViolation(err) {
		return errs.ErrConflict
	}
	return err
}
