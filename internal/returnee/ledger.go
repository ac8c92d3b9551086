package returnee

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/riskarea"
)

const arrivalColumns = `r.id, r.person_id, r.name, COALESCE(p.id_number, ''), p.phone, r.unit_code, COALESCE(r.household_id, 0),
	r.origin_code, r.origin_name, r.origin_detail, r.origin_level, r.departed_on, r.arrived_on, r.transport, r.transport_no,
	r.sources, r.source_refs, r.test_sampled_at, r.symptoms, r.gatherings, r.companions, r.status, r.note,
	r.version, r.created_at, r.updated_at, r.origin_text, r.origin_status`

func scanArrival(row interface{ Scan(...any) error }) (Arrival, error) {
	var a Arrival
	var sources string
	err := row.Scan(&a.ID, &a.PersonID, &a.Name, &a.IDNumber, &a.Phone, &a.VillageCode, &a.HouseholdID,
		&a.OriginCode, &a.OriginName, &a.OriginDetail, &a.OriginLevel, &a.DepartedOn, &a.ArrivedOn, &a.Transport, &a.TransportNo,
		&sources, &a.SourceRef, &a.TestSampledAt, &a.Symptoms, &a.Gatherings, &a.Companions, &a.Status, &a.Note,
		&a.Version, &a.CreatedAt, &a.UpdatedAt, &a.OriginText, &a.OriginStatus)
	if sources != "" {
		a.Sources = strings.Split(sources, ",")
		a.Source = a.Sources[0]
	}
	return a, err
}

func (s *Service) arrival(ctx context.Context, scope jurisdiction.Scope, id int64) (Arrival, error) {
	lo, hi := scope.Args()
	a, err := scanArrival(s.db.R().QueryRowContext(ctx, "SELECT "+arrivalColumns+
		" FROM returnees r JOIN people p ON p.id = r.person_id WHERE r.id = $1 AND "+scope.Where("r.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Arrival{}, fmt.Errorf("arrival %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Arrival{}, fmt.Errorf("arrival %d: %w", id, err)
	}
	return a, nil
}

// View returns an arrival with the person's full ID number and phone, and
// writes the view to the audit log.
func (s *Service) View(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64) (Arrival, error) {
	a, err := s.arrival(ctx, scope, id)
	if err != nil {
		return Arrival{}, err
	}
	if err := audit.Record(ctx, s.db.W(), s.now(), actor, audit.ActionView, "returnee", fmt.Sprint(a.ID), a.VillageCode,
		"查看返乡登记 "+a.Name+" "+personal.MaskID(a.IDNumber)); err != nil {
		return Arrival{}, err
	}
	return a, nil
}

// Row is an arrival as lists show it: ID number and phone masked.
type Row struct {
	Arrival
	IDMasked    string
	PhoneMasked string
}

// Rank is the origin level's rank (3 high … 0 none).
func (a Arrival) Rank() int { return riskarea.Rank(a.OriginLevel) }

func rowOf(a Arrival) Row {
	r := Row{Arrival: a, IDMasked: personal.MaskID(a.IDNumber), PhoneMasked: personal.MaskPhone(a.Phone)}
	r.Arrival.IDNumber, r.Arrival.Phone = "", ""
	return r
}

// Filter narrows a list of arrivals.
type Filter struct {
	Unit     string // unit inside the scope; "" = whole scope
	Status   string
	Place    string // PlacePending: only origins waiting for a person to pick the place
	Source   string
	Rank     int    // minimum origin rank (1 low … 3 high); 0 = any
	RankEq   int    // exact origin rank (1 low … 3 high, as Tally.ByRank); 0 = any
	From, To string // arrival dates, inclusive
	Q        string // name prefix, full ID number or phone
	PersonID int64
	Limit    int
	Offset   int
}

// listWhere is the WHERE conditions of a list (the scope's first, on
// $1 and $2) and their arguments; List and Count share them.
func listWhere(scope jurisdiction.Scope, f Filter) ([]string, []any) {
	lo, hi := scope.Args()
	where := []string{scope.Where("r.unit_code", 1)}
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Status != "" {
		add("r.status = ?", f.Status)
	}
	if f.Source != "" {
		add("r.sources LIKE ?", "%"+f.Source+"%")
	}
	if f.Place != "" {
		add("r.origin_status = ?", f.Place)
	}
	if f.Rank > 0 {
		add("r.origin_rank >= ?", f.Rank)
	}
	if f.RankEq > 0 {
		add("r.origin_rank = ?", f.RankEq)
	}
	if f.From != "" {
		add("r.arrived_on >= ?", f.From)
	}
	if f.To != "" {
		add("r.arrived_on <= ?", f.To)
	}
	if f.PersonID != 0 {
		add("r.person_id = ?", f.PersonID)
	}
	if q := strings.TrimSpace(personal.Halfwidth(f.Q)); q != "" {
		if id, err := personal.NormalizeIDNumber(q); err == nil {
			add("p.id_number = ?", id)
		} else if ph, err := personal.NormalizePhone(q); err == nil {
			add("p.phone = ?", ph)
		} else {
			add(`r.name LIKE ? ESCAPE '\'`, strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q)+"%")
		}
	}
	return where, args
}

// Count counts the arrivals List lists for f (all pages), with the same
// conditions. Filters of the counted keys alone (unit, status, place,
// rank, arrival dates) sum the returnee counters (migration 0026) — a few
// rows per unit, as Tally reads them; the others (source, name, ID number,
// phone, person) count the scope's returnees (returnees_days).
func (s *Service) Count(ctx context.Context, scope jurisdiction.Scope, f Filter) (int, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return 0, fmt.Errorf("returnees of %s: %w", f.Unit, err)
	}
	where, args := listWhere(scope, f)
	days := f.From != "" || f.To != ""
	var from string
	switch need := len(scope.Code()); {
	case f.Source != "" || f.Q != "" || f.PersonID != 0:
		from = "returnees r JOIN people p ON p.id = r.person_id"
		if strings.TrimSpace(f.Q) == "" {
			from = "returnees r"
		}
		q := "SELECT COUNT(*) FROM " + from + " WHERE " + strings.Join(where, " AND ")
		var n int
		if err := s.db.R().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("count returnees: %w", err)
		}
		return n, nil
	case days && need <= 6:
		from = "(SELECT unit_code, arrived_on, origin_rank, status, origin_status, n FROM returnee_day_counts WHERE lvl = 6)"
	case days && need <= 9:
		from = "(SELECT unit_code, arrived_on, origin_rank, status, origin_status, n FROM returnee_day_counts WHERE lvl = 9)"
	case !days && need <= 9:
		from = "(SELECT unit_code, origin_rank, status, origin_status, n FROM returnee_counts WHERE lvl = 9)"
	case !days && need <= 12:
		from = "(SELECT unit_code, origin_rank, status, origin_status, n FROM returnee_counts WHERE lvl = 12)"
	default: // finer than the counters: the scope's own rows
		from = "(SELECT unit_code, arrived_on, origin_rank, status, origin_status, 1 AS n FROM returnees WHERE " +
			scope.Where("unit_code", 1) + ")"
	}
	var n int
	if err := s.db.R().QueryRowContext(ctx, "SELECT CAST(COALESCE(SUM(r.n), 0) AS BIGINT) FROM "+from+" r WHERE "+
		strings.Join(where, " AND "), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count returnees: %w", err)
	}
	return n, nil
}

// List returns arrivals inside the scope, newest arrival first.
func (s *Service) List(ctx context.Context, scope jurisdiction.Scope, f Filter) ([]Row, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, fmt.Errorf("returnees of %s: %w", f.Unit, err)
	}
	where, args := listWhere(scope, f)
	walk := len(scope.Code()) < 12 && f.Q == "" && f.PersonID == 0
	if walk && s.db.Dialect == db.SQLite {
		// A county's or township's page walks returnees_arrived, newest
		// first, and stops at the page: most rows are in scope. The unit
		// is then a filter, not the index's range (which would read and
		// sort every returnee of the scope). PostgreSQL's statistics tell
		// it so without the hint (which it cannot estimate).
		where[0] = scope.Where("(r.unit_code || '')", 1)
	}
	limit, offset := f.Limit, f.Offset
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	order := fmt.Sprintf(" ORDER BY r.arrived_on DESC, r.id DESC LIMIT %d OFFSET %d", limit, max(offset, 0))
	q := "SELECT " + arrivalColumns + " FROM returnees r JOIN people p ON p.id = r.person_id WHERE " + strings.Join(where, " AND ") + order
	if walk {
		// The page first, then its people: PostgreSQL cannot tell how many
		// rows the unit filter keeps and joined every returnee of the
		// county to people before sorting (0.1 s at a million people).
		q = "SELECT " + arrivalColumns + " FROM (SELECT * FROM returnees r WHERE " + strings.Join(where, " AND ") + order +
			") r JOIN people p ON p.id = r.person_id ORDER BY r.arrived_on DESC, r.id DESC"
	}
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list returnees: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		a, err := scanArrival(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rowOf(a))
	}
	return out, rows.Err()
}

// SetStatus records the outcome of verifying an arrival (核实); version
// must be the version read. Verifying an arrival from a risk area hands the
// person to control measures (CategoryAssigner).
func (s *Service) SetStatus(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64, status, note string, version int64) (Arrival, error) {
	if !slices.Contains(Statuses, status) {
		return Arrival{}, errs.Invalidf("核实状态", "请选择：%s", strings.Join(Statuses, "、"))
	}
	note = strings.TrimSpace(note)
	if tooLong(note, 300) {
		return Arrival{}, errs.Invalidf("备注", "请在300字以内")
	}
	a, err := s.arrival(ctx, scope, id)
	if err != nil {
		return Arrival{}, err
	}
	if version == 0 {
		version = a.Version
	}
	if note == "" {
		note = a.Note
	}
	now := s.now().UnixMilli()
	wasVerified := a.Status == StatusVerified
	// The verification and the measure it calls for commit together.
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE returnees SET status = $1, note = $2, verified_by = $3, verified_at = $4,
			version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6`, status, note, actor.Username, now, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		if err := audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "returnee", fmt.Sprint(id), a.VillageCode,
			fmt.Sprintf("返乡登记 %s 核实：%s → %s", a.Name, a.Status, status)); err != nil {
			return err
		}
		if status == StatusVerified && !wasVerified {
			return s.assign(ctx, actor, a)
		}
		return nil
	})
	if err != nil {
		return Arrival{}, fmt.Errorf("verify arrival %d: %w", id, err)
	}
	a.Status, a.Note, a.Version, a.UpdatedAt = status, note, version+1, now
	return a, nil
}
