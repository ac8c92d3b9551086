package sampling

// Walk-ins (流动人员): people sampled at a table though not in the round's
// snapshot (visitors, floating population, someone from the next township,
// a registered person outside the area). A walk-in is registered by ID
// number, name and phone into the tube in hand like a scan: it takes a
// place in the pool (takePlace), is idempotent by its scan_id and goes
// through the same group commit. It is kept in test_walkins, apart from
// the samples of targets: coverage counts it apart, and the walk-ins of a
// positive or invalid pool are listed on the retest page for follow-up.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// WalkinRequest is a walk-in registered at a sampling table. ScanID is the
// client's, as for a scan.
type WalkinRequest struct {
	ScanID     string `json:"scan_id"`
	CampaignID int64  `json:"campaign_id"`
	PointID    int64  `json:"point_id"`
	Tube       string `json:"tube"`
	IDNumber   string `json:"id_number"`
	Name       string `json:"name"`
	Phone      string `json:"phone"`
}

// walkin is what a ScanRequest carries for a walk-in, checked.
type walkin struct {
	name, phone string
}

// Walkin registers a walk-in (流动人员). The ID number, name and phone are
// checked first: a mistyped one is an *errs.Invalid of its field
// (id_number, name, phone) and nothing is written. A person registered
// inside the caller's part of the round is sampled as by a scan of their ID
// number; anyone else becomes a walk-in (with their person_id when the ID
// number is registered elsewhere). Refusals are answered as by Scan.
func (s *Service) Walkin(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, in WalkinRequest) (ScanResult, error) {
	req, err := walkinScan(in)
	if err != nil {
		return ScanResult{}, err
	}
	return s.Scan(ctx, actor, scope, req)
}

// walkinScan checks a walk-in and makes it a scan.
func walkinScan(in WalkinRequest) (ScanRequest, error) {
	id, err := personal.NormalizeIDNumber(in.IDNumber)
	if err != nil {
		return ScanRequest{}, errs.Invalidf("id_number", "%s", err.Error())
	}
	name, err := personal.Name(in.Name)
	if err != nil {
		return ScanRequest{}, errs.Invalidf("name", "%s", err.Error())
	}
	if name == "" || !validText(name, 50) {
		return ScanRequest{}, errs.Invalidf("name", "请填写姓名（不超过50字）")
	}
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		if phone, err = personal.NormalizePhone(in.Phone); err != nil {
			return ScanRequest{}, errs.Invalidf("phone", "%s", err.Error())
		}
	}
	return ScanRequest{ScanID: in.ScanID, CampaignID: in.CampaignID, PointID: in.PointID, Tube: in.Tube, Code: id,
		walkin: &walkin{name: name, phone: phone}}, nil
}

// previousWalkin answers a walk-in already registered: this scan_id
// (replayed) or this ID number in the round (already sampled).
func previousWalkin(ctx context.Context, tx db.Querier, campaignID int64, idNumber, scanID string) (ScanResult, bool, error) {
	var r ScanResult
	var closed int64
	var name, sid string
	err := tx.QueryRowContext(ctx, `SELECT w.id, w.scan_id, w.sampled_at, w.name, t.barcode, t.count, t.pool_size, t.closed_at
		FROM test_walkins w JOIN test_tubes t ON t.id = w.tube_id
		WHERE w.scan_id = $1 OR (w.campaign_id = $2 AND w.id_number = $3)
		ORDER BY CASE WHEN w.scan_id = $1 THEN 0 ELSE 1 END LIMIT 1`, scanID, campaignID, idNumber).
		Scan(&r.SampleID, &sid, &r.SampledAt, &name, &r.Tube, &r.PoolCount, &r.PoolSize, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("earlier walk-in: %w", err)
	}
	r.Walkin = true
	if sid == scanID {
		return replayed(r, name, closed), true, nil
	}
	r.Result, r.PersonName, r.PoolFull = ResultAlreadySampled, MaskName(name), closed != 0
	r.Message = fmt.Sprintf("%s 本轮已采样（流动人员，试管 %s），无需重复采样", r.PersonName, r.Tube)
	return r, true, nil
}

// applyWalkin adds a walk-in to a pool; req.Code is the checked ID number.
func (s *Service) applyWalkin(ctx context.Context, tx db.Querier, sc *scanCtx, req ScanRequest, c *Campaign, pt *Point,
	area jurisdiction.Scope, tube string) (ScanResult, error) {
	p, registered, err := lookupPerson(ctx, tx, req.Code)
	if err != nil {
		return ScanResult{}, err
	}
	if registered && area.Contains(p.unit) {
		// Registered here: an ordinary sample.
		return s.applyPersonScan(ctx, tx, sc, req, c, pt, area, tube)
	}
	var personID sql.NullInt64
	if registered {
		personID = sql.NullInt64{Int64: p.id, Valid: true}
	}
	previous := func() (ScanResult, bool, error) {
		if r, ok, err := previousWalkin(ctx, tx, c.ID, req.Code, req.ScanID); err != nil || ok {
			return r, ok, err
		}
		if r, ok, err := replay(ctx, tx, req.ScanID); err != nil || ok {
			return r, ok, err
		}
		if registered {
			// Sampled as a member of the round by a sampler whose area holds them.
			return earlier(ctx, tx, c.ID, p.id, req.ScanID, p.name)
		}
		return ScanResult{}, false, nil
	}
	// Walk-ins are few: look for an earlier one before taking a place (a
	// registered person's sample has no unique index to stop a walk-in).
	if r, ok, err := previous(); err != nil || ok {
		return r, err
	}
	t, answered, err := s.takePlace(ctx, tx, sc, req, c, pt, tube, previous)
	if err != nil {
		return ScanResult{}, err
	}
	if answered != nil {
		return *answered, nil
	}
	w := req.walkin
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO test_walkins (scan_id, campaign_id, tube_id, point_id, unit_code, id_number, name, phone,
		person_id, sampled_at, sampler_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
		req.ScanID, c.ID, t.id, pt.ID, pt.UnitCode, req.Code, w.name, w.phone, personID, sc.now, req.Actor.UserID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// A concurrent copy or the same ID number: give the place back.
		if _, err := tx.ExecContext(ctx, `UPDATE test_tubes SET count = count - 1, closed_at = 0 WHERE id = $1`, t.id); err != nil {
			return ScanResult{}, fmt.Errorf("release tube place: %w", err)
		}
		if r, ok, err := previous(); err != nil || ok {
			return r, err
		}
		return ScanResult{}, errors.New("walk-in conflicts but no earlier one found")
	}
	if err != nil {
		return ScanResult{}, fmt.Errorf("add walk-in: %w", err)
	}
	if err := audit.Record(ctx, tx, s.now(), req.Actor, audit.ActionCreate, "sample_walkin", fmt.Sprint(id), pt.UnitCode,
		"流动人员采样登记 试管 "+tube); err != nil {
		return ScanResult{}, err
	}
	r := ScanResult{Result: ResultAdded, SampleID: id, Tube: tube, PoolCount: t.count, PoolSize: t.poolSize,
		PoolFull: t.closedAt != 0, PersonName: MaskName(w.name), SampledAt: sc.now, Walkin: true}
	r.Message = fmt.Sprintf("流动人员 %s 已登记，试管 %s：%d/%d", r.PersonName, tube, t.count, t.poolSize)
	if r.PoolFull {
		r.Message += "，已满封管，请换新试管"
	}
	return r, nil
}

// WalkinRow is a walk-in in a list, with the pool's result; the ID number
// is masked, the phone kept for follow-up (pages mask it for roles that do
// not read people).
type WalkinRow struct {
	ID          int64
	Name        string
	IDMasked    string
	Phone       string
	PhoneMasked string
	Registered  bool // the ID number is in the registry, outside the area
	UnitCode    string
	UnitName    string
	Point       string
	Tube        string
	Result      string
	SampledAt   int64
}

// ResultName is the Chinese label of the pool's result.
func (w WalkinRow) ResultName() string { return ResultName(w.Result) }

// Walkins lists the walk-ins of a unit; with flagged, only those in a
// positive or invalid pool (to follow up like the members on the retest
// list). Ordered by unit and registration; total is their count.
func (s *Service) Walkins(ctx context.Context, scope jurisdiction.Scope, campaignID int64, unitCode string, flagged bool, limit, offset int) ([]WalkinRow, int, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return nil, 0, err
	}
	_, unitScope, err := s.area(ctx, scope, c, unitCode)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := unitScope.Args()
	where := ` FROM test_walkins w JOIN test_tubes t ON t.id = w.tube_id
		WHERE w.campaign_id = $1 AND ` + unitScope.Where("w.unit_code", 2)
	if flagged {
		where += ` AND t.result IN ('positive', 'invalid')`
	}
	var total int
	if err := s.db.R().QueryRowContext(ctx, "SELECT COUNT(*)"+where, c.ID, lo, hi).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("walk-ins: %w", err)
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT w.id, w.name, w.id_number, w.phone, w.person_id IS NOT NULL, w.unit_code,
		COALESCE((SELECT name FROM units WHERE code = w.unit_code), ''), COALESCE((SELECT name FROM test_points WHERE id = w.point_id), ''),
		t.barcode, t.result, w.sampled_at`+where+` ORDER BY w.unit_code, w.id LIMIT $4 OFFSET $5`, c.ID, lo, hi, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("walk-ins: %w", err)
	}
	defer rows.Close()
	var out []WalkinRow
	for rows.Next() {
		var r WalkinRow
		var id string
		if err := rows.Scan(&r.ID, &r.Name, &id, &r.Phone, &r.Registered, &r.UnitCode, &r.UnitName, &r.Point, &r.Tube, &r.Result, &r.SampledAt); err != nil {
			return nil, 0, err
		}
		r.IDMasked, r.PhoneMasked = personal.MaskID(id), personal.MaskPhone(r.Phone)
		out = append(out, r)
	}
	return out, total, rows.Err()
}
