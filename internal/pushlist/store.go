package pushlist

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

type scanner interface{ Scan(dest ...any) error }

const listCols = `id, source, name, unit_code, headers, mapping, deadline_hours, rows_total, matched, created, queued,
	duplicates, rejected, created_by, created_at, header_row, skipped, withdrawn_at, withdrawn_by`

func scanList(sc scanner) (List, error) {
	var l List
	var hdr, mp, skipped string
	err := sc.Scan(&l.ID, &l.Source, &l.Name, &l.UnitCode, &hdr, &mp, &l.DeadlineHours, &l.Rows, &l.Matched, &l.Created,
		&l.Queued, &l.Duplicates, &l.Rejected, &l.CreatedBy, &l.CreatedAt, &l.HeaderRow, &skipped, &l.WithdrawnAt, &l.WithdrawnBy)
	if err != nil {
		return l, err
	}
	_ = json.Unmarshal([]byte(skipped), &l.Skipped)
	_ = json.Unmarshal([]byte(hdr), &l.Headers)
	_ = json.Unmarshal([]byte(mp), &l.Mapping)
	return l, nil
}

// Lists returns the newest push lists imported inside the scope.
func (s *Service) Lists(ctx context.Context, scope jurisdiction.Scope) ([]List, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+listCols+` FROM push_lists
		WHERE `+scope.Where("unit_code", 1)+` ORDER BY id DESC LIMIT 200`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("push lists: %w", err)
	}
	defer rows.Close()
	var out []List
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, fmt.Errorf("push lists: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// GetList returns a list imported inside the scope with its live counts of
// open, answered and overdue tasks.
func (s *Service) GetList(ctx context.Context, scope jurisdiction.Scope, id int64) (List, error) {
	l, err := scanList(s.db.R().QueryRowContext(ctx, "SELECT "+listCols+" FROM push_lists WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Contains(l.UnitCode)) {
		return List{}, errs.ErrNotFound
	}
	if err != nil {
		return List{}, fmt.Errorf("push list %d: %w", id, err)
	}
	now := s.now().UnixMilli()
	rows, err := s.db.R().QueryContext(ctx, `SELECT status, CASE WHEN deadline_at < $2 THEN 1 ELSE 0 END, COUNT(*)
		FROM push_tasks WHERE list_id = $1 AND status IN ('open', 'done') GROUP BY 1, 2`, id, now)
	if err != nil {
		return l, fmt.Errorf("push list %d counts: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var late, n int
		if err := rows.Scan(&st, &late, &n); err != nil {
			return l, err
		}
		if st == StatusDone {
			l.Done += n
			continue
		}
		l.Open += n
		if late == 1 {
			l.Overdue += n
		}
	}
	return l, rows.Err()
}

const taskCols = `t.id, t.list_id, t.row_no, t.raw, t.name, t.id_number, t.phone, t.origin, t.arrival_date, t.address,
	t.person_id, t.unit_code, COALESCE(u.name, ''), t.outcome, t.match_method, t.route_method, t.reason, t.dup_of, t.status,
	t.result, t.result_note, t.arrival_id, t.answered_at, t.answered_by, t.deadline_at, t.version, t.created_at, l.source,
	t.origin_code`

const taskFrom = ` FROM push_tasks t JOIN push_lists l ON l.id = t.list_id LEFT JOIN units u ON u.code = t.unit_code`

func scanTask(sc scanner) (Task, error) {
	var t Task
	var raw string
	err := sc.Scan(&t.ID, &t.ListID, &t.RowNo, &raw, &t.Name, &t.IDNumber, &t.Phone, &t.Origin, &t.ArrivalDate, &t.Address,
		&t.PersonID, &t.UnitCode, &t.UnitName, &t.Outcome, &t.MatchMethod, &t.RouteMethod, &t.Reason, &t.DupOf, &t.Status,
		&t.Result, &t.ResultNote, &t.ArrivalID, &t.AnsweredAt, &t.AnsweredBy, &t.DeadlineAt, &t.Version, &t.CreatedAt, &t.Source,
		&t.OriginCode)
	t.Raw = strings.Split(raw, rawSep)
	return t, err
}

// TaskFilter narrows a task list.
type TaskFilter struct {
	ListID int64
	Unit   string // a unit inside the scope; "" = the whole scope
	// Status: open, done, overdue, queue (open tasks waiting in a township
	// or county queue), duplicate, rejected; "" = every status.
	Status string
	// Outcome: matched, created, queued, duplicate, rejected; "" = any.
	Outcome string
	Page    int // from 0
}

// PageSize is the number of tasks per page.
const PageSize = 100

// Tasks lists the tasks inside the scope, earliest deadline first, with a
// total count. A unit outside the scope is not found.
func (s *Service) Tasks(ctx context.Context, scope jurisdiction.Scope, f TaskFilter) ([]Task, int, error) {
	total, err := s.CountTasks(ctx, scope, f)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := s.taskWhere(scope, f)
	if err != nil {
		return nil, 0, err
	}
	if sc, _ := scope.NarrowOpt(f.Unit); len(sc.Code()) < 12 && s.db.Dialect == db.SQLite {
		// A county's or township's list walks push_tasks_due (or
		// push_tasks_deadline), earliest deadline first, and stops at the
		// page: the unit is then a filter, not the index's range (which
		// would read and sort every task of the scope). SQLite needs the
		// hint; PostgreSQL knows from its statistics that the range holds
		// most tasks, and cannot estimate the hidden filter (it sorted the
		// county's 18,000 tasks).
		where = strings.Replace(where, sc.Where("t.unit_code", 1), sc.Where("(t.unit_code || '')", 1), 1)
	}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	q := "SELECT " + taskCols + taskFrom + where + " ORDER BY t.deadline_at, t.id LIMIT " + arg(PageSize) + " OFFSET " + arg(max(f.Page, 0)*PageSize)
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("push tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("push tasks: %w", err)
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// taskWhere is the WHERE clause of a task list and its arguments.
func (s *Service) taskWhere(scope jurisdiction.Scope, f TaskFilter) (string, []any, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return "", nil, err
	}
	lo, hi := scope.Args()
	where := " WHERE " + scope.Where("t.unit_code", 1)
	args := []any{lo, hi}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.ListID > 0 {
		where += " AND t.list_id = " + arg(f.ListID)
	}
	switch f.Status {
	case "":
	case StatusOpen, StatusDone, StatusDuplicate, StatusRejected, StatusCancelled:
		where += " AND t.status = " + arg(f.Status)
	case "overdue":
		where += " AND t.status = 'open' AND t.deadline_at < " + arg(s.now().UnixMilli())
	case "queue":
		where += " AND t.status = 'open' AND LENGTH(t.unit_code) < 12"
	default:
		return "", nil, errs.Invalidf("状态", "未知的任务状态 %q", f.Status)
	}
	switch f.Outcome {
	case "":
	case OutcomeMatched, OutcomeCreated, OutcomeQueued, OutcomeDuplicate, OutcomeRejected:
		where += " AND t.outcome = " + arg(f.Outcome)
	default:
		return "", nil, errs.Invalidf("处理情况", "未知的处理情况 %q", f.Outcome)
	}
	return where, args, nil
}

// CountTasks counts the tasks Tasks lists (its total), from the counters
// (taskCounts).
func (s *Service) CountTasks(ctx context.Context, scope jurisdiction.Scope, f TaskFilter) (int, error) {
	where, args, err := s.taskWhere(scope, f)
	if err != nil {
		return 0, err
	}
	sc, _ := scope.NarrowOpt(f.Unit) // taskWhere checked it
	digits := 0
	if f.Status == "queue" {
		digits = 12 // LENGTH(t.unit_code) < 12
	}
	var n int
	if err := s.db.R().QueryRowContext(ctx, "SELECT CAST(COALESCE(SUM(t.n), 0) AS BIGINT) FROM "+taskCounts(sc, digits)+" t"+where,
		args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count push tasks: %w", err)
	}
	return n, nil
}

func (s *Service) task(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, "SELECT "+taskCols+taskFrom+" WHERE t.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Contains(t.UnitCode)) {
		return Task{}, errs.ErrNotFound
	}
	if err != nil {
		return Task{}, fmt.Errorf("push task %d: %w", id, err)
	}
	return t, nil
}

// ViewTask returns one task inside the scope, with the full ID number and
// phone, and records the view in the audit log.
func (s *Service) ViewTask(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Task, error) {
	var t Task
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = s.task(ctx, tx, scope, id); err != nil {
			return err
		}
		if t.PersonID != 0 {
			if err := tx.QueryRowContext(ctx, "SELECT name FROM people WHERE id = $1", t.PersonID).Scan(&t.PersonName); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("push task %d: its person: %w", id, err)
			}
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionView, "pushtask", fmt.Sprint(id), t.UnitCode,
			"查看核查任务 "+t.Name+" "+personal.MaskID(t.IDNumber))
	})
	return t, err
}

// taskCounts is the source of task counts inside scope, with the columns
// taskWhere filters on and n, when the unit codes matter to digits digits
// (12 to tell a township's queue from its villages; 9 to group by
// township): push_task_counts, kept by triggers per township and per
// village (or queue), list, status, outcome and deadline (migration 0026)
// when the scope is a village or wider — O(units × lists), not a pass over
// the tasks; a narrower scope's few tasks counted from push_tasks. Its
// scope placeholders are $1 and $2, as taskWhere's.
func taskCounts(scope jurisdiction.Scope, digits int) string {
	switch need := max(len(scope.Code()), digits); {
	case need <= 9:
		return "(SELECT unit_code, list_id, status, outcome, deadline_at, n FROM push_task_counts WHERE lvl = 9)"
	case need <= 12:
		return "(SELECT unit_code, list_id, status, outcome, deadline_at, n FROM push_task_counts WHERE lvl = 12)"
	}
	return `(SELECT unit_code, list_id, status, outcome, deadline_at, COUNT(*) AS n FROM push_tasks
		WHERE ` + scope.Where("unit_code", 1) + ` GROUP BY unit_code, list_id, status, outcome, deadline_at)`
}
