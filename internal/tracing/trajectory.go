package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Transports are the ways of travel of a trajectory entry.
var Transports = []string{"", "步行", "自驾", "公交", "出租/网约车", "火车", "飞机", "长途客车", "其他"}

// Entry is one time-ranged entry of a case's trajectory (活动轨迹).
type Entry struct {
	ID           int64
	CaseID       int64
	StartsAt     int64
	EndsAt       int64
	PlaceID      int64
	Place        string
	Address      string
	DivisionCode string
	Transport    string
	TransportNo  string // train or flight number, plate
	Seat         string
	Source       string // scan, sample, manual
	Note         string
}

// SourceName is the Chinese name of the entry's source.
func (e Entry) SourceName() string {
	switch e.Source {
	case "scan":
		return "场所码"
	case "sample":
		return "采样记录"
	}
	return "流调录入"
}

// Trajectory returns a case's trajectory in time order; the view is audited.
func (s *Service) Trajectory(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64) (Case, []Entry, error) {
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return Case{}, nil, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT id, case_id, starts_at, ends_at, COALESCE(place_id, 0), place, address,
		division_code, transport, transport_no, seat, source, note FROM tracing_trajectory WHERE case_id = $1 ORDER BY starts_at, id`, caseID)
	if err != nil {
		return Case{}, nil, fmt.Errorf("trajectory of case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.CaseID, &e.StartsAt, &e.EndsAt, &e.PlaceID, &e.Place, &e.Address, &e.DivisionCode, &e.Transport,
			&e.TransportNo, &e.Seat, &e.Source, &e.Note); err != nil {
			return Case{}, nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return Case{}, nil, err
	}
	if err := s.record(ctx, s.db.Writer(ctx), who, audit.ActionView, "tracing_trajectory", caseID, c.UnitCode, "查看活动轨迹 "+c.Name); err != nil {
		return Case{}, nil, err
	}
	return c, out, nil
}

// Prefill adds the case's own scans and samples inside its window to its
// trajectory (those not there yet) and returns how many it added.
func (s *Service) Prefill(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64) (int, error) {
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return 0, err
	}
	now := s.now().UnixMilli()
	n := 0
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n = 0
		res, err := tx.ExecContext(ctx, `INSERT INTO tracing_trajectory (case_id, starts_at, place_id, place, address, division_code, source, created_at)
			SELECT $1, x.scanned_at, x.place_id, p.name, p.address, p.unit_code, 'scan', $4
			FROM tracing_scans x JOIN tracing_places p ON p.id = x.place_id
			WHERE x.person_id = $2 AND x.scanned_at >= $3 AND x.scanned_at <= $5
			AND NOT EXISTS (SELECT 1 FROM tracing_trajectory t WHERE t.case_id = $1 AND t.starts_at = x.scanned_at AND t.place_id = x.place_id)`,
			caseID, c.PersonID, c.WindowFrom, now, c.IsolatedAt)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n += int(k)
		res, err = tx.ExecContext(ctx, `INSERT INTO tracing_trajectory (case_id, starts_at, place, address, division_code, source, created_at)
			SELECT $1, x.sampled_at, COALESCE(tp.name, '采样点'), COALESCE(tp.address, ''), x.unit_code, 'sample', $4
			FROM test_samples x LEFT JOIN test_points tp ON tp.id = x.point_id
			WHERE x.person_id = $2 AND x.sampled_at >= $3 AND x.sampled_at <= $5
			AND NOT EXISTS (SELECT 1 FROM tracing_trajectory t WHERE t.case_id = $1 AND t.starts_at = x.sampled_at AND t.source = 'sample')`,
			caseID, c.PersonID, c.WindowFrom, now, c.IsolatedAt)
		if err != nil {
			return err
		}
		k, _ = res.RowsAffected()
		n += int(k)
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_trajectory", caseID, c.UnitCode, fmt.Sprintf("由扫码与采样记录预填轨迹 %d 条", n))
	})
	return n, err
}

// AddEntry adds an entry a tracer typed; the address is resolved to a
// division code when the text names one place.
func (s *Service) AddEntry(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64, e Entry) (Entry, error) {
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return Entry{}, err
	}
	for name, v := range map[string]*string{"地点": &e.Place, "地址": &e.Address, "车次/航班": &e.TransportNo, "座位": &e.Seat, "备注": &e.Note} {
		t, err := personal.Text(*v)
		if err != nil || len([]rune(t)) > 100 {
			return Entry{}, errs.Invalidf(name, "请在100字以内")
		}
		*v = t
	}
	if e.Place == "" && e.Address == "" {
		return Entry{}, errs.Invalidf("地点", "请填写地点或地址")
	}
	if e.StartsAt == 0 {
		return Entry{}, errs.Invalidf("开始时间", "请填写开始时间")
	}
	if e.EndsAt != 0 && e.EndsAt < e.StartsAt {
		return Entry{}, errs.Invalidf("结束时间", "不能早于开始时间")
	}
	ok := false
	for _, t := range Transports {
		ok = ok || t == e.Transport
	}
	if !ok {
		return Entry{}, errs.Invalidf("交通方式", "请选择：%s", strings.Join(Transports[1:], "、"))
	}
	if e.DivisionCode == "" && e.Address != "" {
		if cand, ok := s.places.Resolve(e.Address).Resolved(); ok {
			e.DivisionCode = cand.Code
		}
	}
	e.CaseID, e.Source = caseID, "manual"
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO tracing_trajectory (case_id, starts_at, ends_at, place, address, division_code,
			transport, transport_no, seat, source, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			caseID, e.StartsAt, e.EndsAt, e.Place, e.Address, e.DivisionCode, e.Transport, e.TransportNo, e.Seat, e.Source, e.Note,
			s.now().UnixMilli()).Scan(&e.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_trajectory", caseID, c.UnitCode, "添加轨迹 "+e.Place)
	})
	return e, err
}
