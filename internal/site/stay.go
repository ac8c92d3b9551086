package site

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
)

const stayColumns = `st.id, st.site_id, s.name, s.unit_code, st.person_id, p.name, p.unit_code, COALESCE(p.id_number, ''), p.phone,
	COALESCE(st.room_id, 0), COALESCE(r.no, ''), st.status, st.reason, st.from_place, st.vehicle, st.transfer_at, st.checkin_at,
	st.checkout_at, st.outcome, st.outcome_to, st.note, st.version, st.created_at, st.updated_at`

const stayFrom = ` FROM site_stays st JOIN sites s ON s.id = st.site_id JOIN people p ON p.id = st.person_id
	LEFT JOIN site_rooms r ON r.id = st.room_id`

// seenBy is the read predicate of stays: the site or the person in scope
// (bound to the scope's Args as $1, $2); atSites: the site only (a
// quarantine site's own account sees the people in its sites, not its
// jurisdiction's people staying elsewhere).
func seenBy(scope jurisdiction.Scope, atSites bool) string {
	if atSites {
		return "(" + scope.Where("s.unit_code", 1) + ")"
	}
	return "((" + scope.Where("s.unit_code", 1) + ") OR (" + scope.Where("p.unit_code", 1) + "))"
}

func scanStay(row interface{ Scan(...any) error }) (Stay, error) {
	var x Stay
	err := row.Scan(&x.ID, &x.SiteID, &x.SiteName, &x.SiteUnit, &x.PersonID, &x.PersonName, &x.PersonUnit, &x.IDNumber, &x.Phone,
		&x.RoomID, &x.RoomNo, &x.Status, &x.Reason, &x.FromPlace, &x.Vehicle, &x.TransferAt, &x.CheckinAt,
		&x.CheckoutAt, &x.Outcome, &x.OutcomeTo, &x.Note, &x.Version, &x.CreatedAt, &x.UpdatedAt)
	return x, err
}

// Open reports a stay still under way (转运中 or 在住).
func (x Stay) Open() bool { return x.Status == StayTransfer || x.Status == StayIn }

// IDMasked and PhoneMasked are what lists show.
func (x Stay) IDMasked() string    { return personal.MaskID(x.IDNumber) }
func (x Stay) PhoneMasked() string { return personal.MaskPhone(x.Phone) }

// stay reads a stay: for writes the site must be in the scope; for reads
// the site or the person.
func (s *Service) stay(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, scope jurisdiction.Scope, id int64, write bool) (Stay, error) {
	lo, hi := scope.Args()
	pred := seenBy(scope, write)
	x, err := scanStay(q.QueryRowContext(ctx, "SELECT "+stayColumns+stayFrom+" WHERE "+pred+" AND st.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Stay{}, fmt.Errorf("stay %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Stay{}, fmt.Errorf("stay %d: %w", id, err)
	}
	return x, nil
}

// ViewStay returns a stay with the person's full ID number and phone, and
// writes the view to the audit log.
func (s *Service) ViewStay(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Stay, error) {
	return s.viewStay(ctx, who, scope, id, false)
}

// ViewStayAtSites is ViewStay of a stay at a site in the scope only (a
// quarantine site's account).
func (s *Service) ViewStayAtSites(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64) (Stay, error) {
	return s.viewStay(ctx, who, scope, id, true)
}

func (s *Service) viewStay(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, atSites bool) (Stay, error) {
	x, err := s.stay(ctx, s.db.R(), scope, id, atSites)
	if err != nil {
		return Stay{}, err
	}
	if err := s.record(ctx, s.db.W(), who, audit.ActionView, "site_stay", x.ID, x.PersonUnit,
		"查看隔离记录 "+x.PersonName+" "+x.IDMasked()+"（"+x.SiteName+"）"); err != nil {
		return Stay{}, err
	}
	return x, nil
}

// StayFilter narrows a list of stays.
type StayFilter struct {
	SiteID int64
	Open   bool   // only 转运中 and 在住
	Status string // one status
	// Due keeps the people checked in who are due today: DueRelease or
	// DueTest (today.go).
	Due string
	Q   string // full ID number or name prefix
	// AtSites keeps the stays at sites in the scope (a quarantine site's
	// account), not those of the scope's people elsewhere.
	AtSites bool
	Limit   int
	Offset  int
}

// Stays lists the stays the scope sees: at its sites, or of its people.
// ID numbers and phones stay in the rows for masking; lists show them masked.
func (s *Service) Stays(ctx context.Context, scope jurisdiction.Scope, f StayFilter) ([]Stay, error) {
	from, args, err := s.stayQuery(scope, f)
	if err != nil {
		return nil, err
	}
	limit, offset := f.Limit, f.Offset
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	if offset < 0 {
		offset = 0
	}
	q := "SELECT " + stayColumns + from +
		fmt.Sprintf(" ORDER BY st.open DESC, st.updated_at DESC, st.id DESC LIMIT %d OFFSET %d", limit, offset)
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list stays: %w", err)
	}
	defer rows.Close()
	var out []Stay
	for rows.Next() {
		x, err := scanStay(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// TransferInput starts a stay: the person (by ID number, or by registry
// id), why, from where, in which vehicle and when; with RoomID the person
// is checked in at once.
type TransferInput struct {
	IDNumber   string
	PersonID   int64
	Reason     string
	FromPlace  string
	Vehicle    string
	TransferAt int64 // Unix ms; now when 0
	RoomID     int64
	Note       string
}

// Reasons are the usual categories of people sent to a site.
var Reasons = []string{"密切接触者", "密接的密接", "入境人员", "高风险区来返人员", "中风险区来返人员", "其他"}

// ReceivingScope is whom a site may receive by ID number: anyone registered
// in its county. That is wider than the caller's scope by design (a
// township's site takes people from the whole county, 转运 across
// townships), so it is not narrowed from the caller's scope but cut from the
// whole country, for a site the caller's scope has been checked to contain.
// Only the ID-number path uses it: the caller must already hold the full ID
// number (the person's card, the transfer order), and an ID number not
// registered and one registered elsewhere get the same answer. A registry id
// (person_id) names only people the caller sees. A site without a valid unit
// code receives nobody.
func ReceivingScope(x Site) jurisdiction.Scope {
	county := x.UnitCode
	if len(county) >= 6 {
		county = county[:6]
	}
	recv, err := jurisdiction.System("site receiving county").Narrow(county)
	if err != nil {
		return jurisdiction.Scope{}
	}
	return recv
}

// Transfer registers a person on the way to a site (转运), and checks them
// in when a room is given. The site must be in the caller's scope; the person
// is found by ID number among the people registered in the site's county
// (ReceivingScope), or by registry id among the people of the caller's scope:
// an id outside it is not found (404) and nothing is written, so registry ids
// cannot be walked to list the county.
func (s *Service) Transfer(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, siteID int64, in TransferInput) (Stay, error) {
	x, err := s.site(ctx, s.db.R(), scope, siteID)
	if err != nil {
		return Stay{}, err
	}
	if x.Status == SiteClosed {
		return Stay{}, &errs.Conflict{Message: x.Name + " 已停用，不能安排转运"}
	}
	if err := cleanNames(map[string]*string{"隔离原因": &in.Reason, "出发地": &in.FromPlace, "转运车辆": &in.Vehicle, "备注": &in.Note}); err != nil {
		return Stay{}, err
	}
	if in.Reason == "" {
		in.Reason = "其他"
	}
	for _, f := range []struct{ name, v string }{{"隔离原因", in.Reason}, {"出发地", in.FromPlace}, {"转运车辆", in.Vehicle}, {"备注", in.Note}} {
		if len([]rune(f.v)) > 100 {
			return Stay{}, errs.Invalidf(f.name, "请在100字以内")
		}
	}
	now := s.now().UnixMilli()
	if in.TransferAt == 0 {
		in.TransferAt = now
	}
	if in.TransferAt > now+24*3600*1000 {
		return Stay{}, errs.Invalidf("转运时间", "转运时间不能晚于明天")
	}
	pid, err := s.findPerson(ctx, scope, ReceivingScope(x), in)
	if err != nil {
		return Stay{}, err
	}
	var out Stay
	// The stay and the note on the person's measure commit together.
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var id int64
		if err := s.refuseOpen(ctx, tx, pid); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO site_stays (site_id, person_id, status, open, reason, from_place, vehicle, transfer_at,
			note, version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
			siteID, pid, StayTransfer, in.Reason, in.FromPlace, in.Vehicle, in.TransferAt, in.Note, now).Scan(&id)
		if err != nil {
			return err
		}
		st, err := s.stay(ctx, tx, scope, id, true) // the site is in scope: s.site checked it
		if err != nil {
			return err
		}
		sum := fmt.Sprintf("转运 %s %s 至 %s（%s", st.PersonName, st.IDMasked(), x.Name, in.Reason)
		if in.Vehicle != "" {
			sum += "，车辆 " + in.Vehicle
		}
		if err := s.record(ctx, tx, who, audit.ActionCreate, "site_stay", id, st.PersonUnit, sum+"）"); err != nil {
			return err
		}
		event := "转运"
		if in.RoomID != 0 {
			if err := s.checkIn(ctx, tx, who, x, st, in.RoomID, 0); err != nil {
				return err
			}
			event = "入住"
		}
		if out, err = s.stay(ctx, tx, scope, id, true); err != nil {
			return err
		}
		return s.tellMeasures(ctx, who, out, event)
	})
	if err != nil {
		return Stay{}, fmt.Errorf("transfer to site %d: %w", siteID, err)
	}
	return out, nil
}

// findPerson resolves the person of a transfer: by registry id within the
// caller's scope; by ID number within the caller's scope or, within recv
// (the site's county), someone ordered into central quarantine (an active
// control measure with a 集中隔离 phase: 流调 or 指挥部 decided it). A
// typed ID number of anyone else in the county is answered as one not
// found — a site account cannot use transfers to look people up (their
// stays show the full number and phone).
func (s *Service) findPerson(ctx context.Context, scope, recv jurisdiction.Scope, in TransferInput) (int64, error) {
	var pid int64
	switch {
	case strings.TrimSpace(in.IDNumber) != "":
		id, verr := personal.NormalizeIDNumber(in.IDNumber)
		if verr != nil {
			return 0, errs.Invalidf("身份证号", "%s", verr.Error())
		}
		lo, hi := recv.Args()
		slo, shi := scope.Args()
		// 'active' is measure.StatusActive.
		err := s.db.R().QueryRowContext(ctx, `SELECT id FROM people WHERE id_number = $1
			AND `+registry.PeopleInScope("", recv, 2)+` AND (`+scope.Where("unit_code", 4)+`
				OR EXISTS (SELECT 1 FROM measures m JOIN measure_phases ph ON ph.measure_id = m.id
					WHERE m.person_id = people.id AND m.status = 'active' AND ph.type = $6))`,
			id, lo, hi, slo, shi, policy.Central).Scan(&pid)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errs.Invalidf("身份证号", "没有找到可转运的该人员：本辖区人员台账中没有此人，或此人没有集中隔离的管控措施（请先由所在村(社区)登记，或由流调、指挥部下达管控措施）")
		}
		if err != nil {
			return 0, fmt.Errorf("find person: %w", err)
		}
	case in.PersonID != 0:
		lo, hi := scope.Args()
		err := s.db.R().QueryRowContext(ctx, `SELECT id FROM people WHERE id = $1
			AND `+registry.PeopleInScope("", scope, 2), in.PersonID, lo, hi).Scan(&pid)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("person %d: %w", in.PersonID, errs.ErrNotFound)
		}
		if err != nil {
			return 0, fmt.Errorf("find person: %w", err)
		}
	default:
		return 0, errs.Invalidf("身份证号", "请填写被转运人员的身份证号")
	}
	return pid, nil
}

// refuseOpen refuses a second open stay of one person.
func (s *Service) refuseOpen(ctx context.Context, tx *sql.Tx, pid int64) error {
	var site, status string
	err := tx.QueryRowContext(ctx, `SELECT s.name, st.status FROM site_stays st JOIN sites s ON s.id = st.site_id
		WHERE st.person_id = $1 AND st.open = 1`, pid).Scan(&site, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return &errs.Conflict{Message: fmt.Sprintf("该人员已在 %s（%s），不能重复安排；请先办理转出或解除", site, status)}
}

// checkIn puts the person of an open stay in a room of its site.
func (s *Service) checkIn(ctx context.Context, tx *sql.Tx, who audit.Actor, x Site, st Stay, roomID, roomVersion int64) error {
	now := s.now().UnixMilli()
	res, err := tx.ExecContext(ctx, `UPDATE site_rooms SET occupants = occupants + 1, status = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND site_id = $4 AND occupants < beds AND status IN ($5, $1) AND ($6 = 0 OR version = $6)`,
		RoomOccupied, now, roomID, x.ID, RoomFree, roomVersion)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.whyNotFree(ctx, tx, x, roomID, roomVersion)
	}
	res, err = tx.ExecContext(ctx, `UPDATE site_stays SET status = $1, room_id = $2, checkin_at = $3, version = version + 1, updated_at = $3
		WHERE id = $4 AND version = $5 AND status = $6`, StayIn, roomID, now, st.ID, st.Version, StayTransfer)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.ErrConflict
	}
	var no string
	if err := tx.QueryRowContext(ctx, "SELECT no FROM site_rooms WHERE id = $1", roomID).Scan(&no); err != nil {
		return err
	}
	return s.record(ctx, tx, who, audit.ActionUpdate, "site_stay", st.ID, st.PersonUnit,
		fmt.Sprintf("入住 %s %s 房间 %s（%s）", x.Name, no, st.PersonName, st.IDMasked()))
}

// whyNotFree explains a refused room.
func (s *Service) whyNotFree(ctx context.Context, tx *sql.Tx, x Site, roomID, roomVersion int64) error {
	var r Room
	r, err := scanRoom(tx.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM site_rooms r WHERE r.id = $1 AND r.site_id = $2", roomID, x.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Invalidf("房间", "%s 没有这个房间", x.Name)
	}
	if err != nil {
		return err
	}
	switch {
	case r.Occupants >= r.Beds:
		return &errs.Conflict{Message: fmt.Sprintf("房间 %s 已住满（%d 床，已住 %d 人），不能重复安排入住，请选择其他房间", r.No, r.Beds, r.Occupants)}
	case r.Status == RoomDirty:
		return &errs.Conflict{Message: fmt.Sprintf("房间 %s 待消杀，消杀完成后才能入住", r.No)}
	case r.Status == RoomClosed:
		return &errs.Conflict{Message: fmt.Sprintf("房间 %s 已停用", r.No)}
	case roomVersion != 0 && r.Version != roomVersion:
		return &errs.Conflict{Message: fmt.Sprintf("房间 %s 的状态已变化，请刷新后重新选择", r.No)}
	}
	return errs.ErrConflict
}

// tellMeasures notes a site event on the person's active measure, inside
// the stay's transaction: when it fails, the stay's change does not stand.
func (s *Service) tellMeasures(ctx context.Context, who audit.Actor, st Stay, event string) error {
	where := st.SiteName
	if st.RoomNo != "" {
		where += " " + st.RoomNo + "室"
	}
	if st.OutcomeTo != "" {
		where += " → " + st.OutcomeTo
	}
	err := s.measures.RecordSiteEvent(ctx, who, ReceivingScope(Site{UnitCode: st.SiteUnit}), st.PersonID, event, where)
	if err == nil || errors.Is(err, errs.ErrNotFound) {
		return nil // no active measure: nothing to note
	}
	return fmt.Errorf("note %s on the person's measure: %w", event, err)
}

// CheckIn assigns a room to a person on the way (入住). stayVersion must be
// the stay's version read; roomVersion, when not 0, the room's.
func (s *Service) CheckIn(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, stayID, stayVersion, roomID, roomVersion int64) (Stay, error) {
	if roomID == 0 {
		return Stay{}, errs.Invalidf("房间", "请选择房间")
	}
	var out Stay
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st, err := s.stay(ctx, tx, scope, stayID, true)
		if err != nil {
			return err
		}
		if st.Status != StayTransfer {
			return &errs.Conflict{Message: fmt.Sprintf("%s 当前状态为%s，不能办理入住", st.PersonName, st.Status)}
		}
		if stayVersion != 0 && stayVersion != st.Version {
			return errs.ErrConflict
		}
		x, err := s.site(ctx, tx, scope, st.SiteID)
		if err != nil {
			return err
		}
		if err := s.checkIn(ctx, tx, who, x, st, roomID, roomVersion); err != nil {
			return err
		}
		if out, err = s.stay(ctx, tx, scope, stayID, true); err != nil {
			return err
		}
		return s.tellMeasures(ctx, who, out, "入住")
	})
	if err != nil {
		return Stay{}, fmt.Errorf("check in stay %d: %w", stayID, err)
	}
	return out, nil
}

// CheckOut ends a stay: 转出医院 or 转出他点 (to names where), or 解除隔离.
// The room, when empty, becomes 待消杀 until cleaned.
func (s *Service) CheckOut(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, stayID, stayVersion int64, outcome, to, note string) (Stay, error) {
	to, note = strings.TrimSpace(to), strings.TrimSpace(note)
	if !slices.Contains(Outcomes, outcome) {
		return Stay{}, errs.Invalidf("去向", "请选择：%s", strings.Join(Outcomes, "、"))
	}
	if outcome != OutRelease && to == "" {
		return Stay{}, errs.Invalidf("转往", "请填写转往的医院或隔离点")
	}
	if len([]rune(to)) > 100 {
		return Stay{}, errs.Invalidf("转往", "请在100字以内")
	}
	if len([]rune(note)) > 200 {
		return Stay{}, errs.Invalidf("备注", "请在200字以内")
	}
	status := StayOut
	if outcome == OutRelease {
		status = StayReleased
	}
	var out Stay
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st, err := s.stay(ctx, tx, scope, stayID, true)
		if err != nil {
			return err
		}
		if !st.Open() {
			return &errs.Conflict{Message: fmt.Sprintf("%s 已%s，不能重复办理", st.PersonName, strings.TrimPrefix(st.Status, "已"))}
		}
		if stayVersion != 0 && stayVersion != st.Version {
			return errs.ErrConflict
		}
		now := s.now().UnixMilli()
		res, err := tx.ExecContext(ctx, `UPDATE site_stays SET status = $1, open = 0, outcome = $2, outcome_to = $3, note = $4,
			checkout_at = $5, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7`,
			status, outcome, to, note, now, stayID, st.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		if st.RoomID != 0 && st.Status == StayIn {
			if _, err := tx.ExecContext(ctx, `UPDATE site_rooms SET occupants = occupants - 1,
				status = CASE WHEN occupants <= 1 THEN $1 ELSE status END, version = version + 1, updated_at = $2 WHERE id = $3`,
				RoomDirty, now, st.RoomID); err != nil {
				return err
			}
		}
		sum := fmt.Sprintf("%s %s %s（%s", outcome, st.PersonName, st.IDMasked(), st.SiteName)
		if st.RoomNo != "" {
			sum += " 房间 " + st.RoomNo
		}
		if to != "" {
			sum += "，转往 " + to
		}
		if err := s.record(ctx, tx, who, audit.ActionUpdate, "site_stay", stayID, st.PersonUnit, sum+"）"); err != nil {
			return err
		}
		if out, err = s.stay(ctx, tx, scope, stayID, true); err != nil {
			return err
		}
		return s.tellMeasures(ctx, who, out, outcome)
	})
	if err != nil {
		return Stay{}, fmt.Errorf("check out stay %d: %w", stayID, err)
	}
	return out, nil
}
