package site

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/wire"
)

// SiteEventRecorder is the measures service (管控措施) as this package needs
// it: told of each 转运, 入住 and 转出/解除 so that the person's active
// measure notes it. It is called inside the stay's transaction and must
// join it (db.InTx): its error undoes the stay's change. errs.ErrNotFound
// (no active measure) is not an error and must be returned before joining.
type SiteEventRecorder interface {
	RecordSiteEvent(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64, event, site string) error
}

type noMeasures struct{}

func (noMeasures) RecordSiteEvent(context.Context, audit.Actor, jurisdiction.Scope, int64, string, string) error {
	return nil
}

// NoMeasures tells no one of site events: for sites kept without the
// measures module (demo loading, tests of sites alone).
var NoMeasures SiteEventRecorder = noMeasures{}

// Service reads and writes sites, rooms, checklists, staff and stays. Every
// method takes the caller's Scope; records outside it are not found.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	now   func() time.Time
	// measures hears of every transfer, check-in and check-out.
	measures SiteEventRecorder
}

// NewService returns a Service; all dependencies are required (measures:
// the measures service, or NoMeasures).
func NewService(d *db.DB, units *jurisdiction.Store, measures SiteEventRecorder, now func() time.Time) *Service {
	wire.Need("site.NewService", "db", d)
	wire.Need("site.NewService", "units", units)
	wire.Need("site.NewService", "measures", measures)
	wire.Need("site.NewService", "now", now)
	return &Service{db: d, units: units, measures: measures, now: now}
}

func (s *Service) today() string { return clock.Day(s.now()) }

func (s *Service) record(ctx context.Context, q db.Querier, who audit.Actor, action, entity string, id int64, unit, summary string) error {
	return audit.Record(ctx, q, s.now(), who, action, entity, fmt.Sprint(id), unit, summary)
}

const siteColumns = `s.id, s.unit_code, COALESCE(u.name, ''), s.name, s.address, s.contact_name, s.contact_phone, s.status,
	s.staff_test_every, s.version, s.created_at, s.updated_at`

func scanSite(row interface{ Scan(...any) error }) (Site, error) {
	var x Site
	err := row.Scan(&x.ID, &x.UnitCode, &x.UnitName, &x.Name, &x.Address, &x.ContactName, &x.ContactPhone, &x.Status,
		&x.StaffTestEvery, &x.Version, &x.CreatedAt, &x.UpdatedAt)
	return x, err
}

// site reads a site inside the scope.
func (s *Service) site(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Site, error) {
	lo, hi := scope.Args()
	x, err := scanSite(q.QueryRowContext(ctx, "SELECT "+siteColumns+
		" FROM sites s LEFT JOIN units u ON u.code = s.unit_code WHERE s.id = $1 AND "+scope.Where("s.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Site{}, fmt.Errorf("site %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Site{}, fmt.Errorf("site %d: %w", id, err)
	}
	return x, nil
}

// Site returns a site inside the scope with its occupancy and readiness.
func (s *Service) Site(ctx context.Context, scope jurisdiction.Scope, id int64) (Site, error) {
	x, err := s.site(ctx, s.db.R(), scope, id)
	if err != nil {
		return Site{}, err
	}
	list := []Site{x}
	if err := s.fill(ctx, list); err != nil {
		return Site{}, err
	}
	return list[0], nil
}

// Sites lists the sites inside the scope, narrowed to unit when given.
func (s *Service) Sites(ctx context.Context, scope jurisdiction.Scope, unit string) ([]Site, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, fmt.Errorf("sites of %s: %w", unit, err)
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+siteColumns+
		" FROM sites s LEFT JOIN units u ON u.code = s.unit_code WHERE "+scope.Where("s.unit_code", 1)+" ORDER BY s.unit_code, s.name", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	defer rows.Close()
	var out []Site
	for rows.Next() {
		x, err := scanSite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.fill(ctx, out)
}

// fill adds occupancy and readiness to each site.
func (s *Service) fill(ctx context.Context, list []Site) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(list))
	marks := make([]string, len(list))
	for i, x := range list {
		idx[x.ID] = i
		args[i] = x.ID
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	in := "(" + strings.Join(marks, ",") + ")"
	rows, err := s.db.R().QueryContext(ctx, `SELECT site_id, status, COUNT(*), COALESCE(SUM(beds), 0) FROM site_rooms
		WHERE site_id IN `+in+` GROUP BY site_id, status`, args...)
	if err != nil {
		return fmt.Errorf("site rooms: %w", err)
	}
	for rows.Next() {
		var id int64
		var st string
		var n, beds int
		if err := rows.Scan(&id, &st, &n, &beds); err != nil {
			rows.Close()
			return err
		}
		o := &list[idx[id]].Occupancy
		o.addRooms(st, n, beds)
		if list[idx[id]].Status != SiteClosed && st != RoomClosed {
			o.Usable += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.R().QueryContext(ctx, `SELECT site_id, status, COUNT(*) FROM site_stays
		WHERE open = 1 AND site_id IN `+in+` GROUP BY site_id, status`, args...)
	if err != nil {
		return fmt.Errorf("site stays: %w", err)
	}
	for rows.Next() {
		var id int64
		var st string
		var n int
		if err := rows.Scan(&id, &st, &n); err != nil {
			rows.Close()
			return err
		}
		list[idx[id]].Occupancy.addStays(st, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	passed := map[int64]int{}
	rows, err = s.db.R().QueryContext(ctx, `SELECT site_id, item FROM site_checks WHERE passed = 1 AND site_id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("site checks: %w", err)
	}
	for rows.Next() {
		var id int64
		var item string
		if err := rows.Scan(&id, &item); err != nil {
			rows.Close()
			return err
		}
		if requiredItem(item) {
			passed[id]++
		}
	}
	rows.Close()
	need := requiredCount()
	for i := range list {
		list[i].Occupancy.Sites = 1
		list[i].Ready = passed[list[i].ID] == need
	}
	return rows.Err()
}

func (o *Occupancy) addRooms(status string, n, beds int) {
	o.Rooms += n
	o.Beds += beds
	switch status {
	case RoomFree:
		o.Free += n
	case RoomOccupied:
		o.Occupied += n
	case RoomDirty:
		o.Dirty += n
	case RoomClosed:
		o.Closed += n
	}
}

func (o *Occupancy) addStays(status string, n int) {
	switch status {
	case StayIn:
		o.In += n
	case StayTransfer:
		o.Transfer += n
	}
}

// Add sums another occupancy into o (not the residents and standard).
func (o *Occupancy) Add(x Occupancy) {
	o.Sites += x.Sites
	o.Rooms += x.Rooms
	o.Free += x.Free
	o.Occupied += x.Occupied
	o.Dirty += x.Dirty
	o.Closed += x.Closed
	o.Beds += x.Beds
	o.In += x.In
	o.Transfer += x.Transfer
	o.Usable += x.Usable
}

// Standard sets Residents, Need and Gap.
func (o *Occupancy) Standard(residents int) {
	o.Residents = residents
	o.Need = (residents*StandardPer10k + 9999) / 10000
	o.Gap = max(0, o.Need-o.Usable)
}

// Per10k is the usable rooms per 10,000 residents, one decimal.
func (o Occupancy) Per10k() string {
	if o.Residents == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", float64(o.Usable)*10000/float64(o.Residents))
}

func requiredItem(name string) bool {
	for _, c := range CheckItems {
		if c.Name == name {
			return c.Required
		}
	}
	return false
}

func requiredCount() int {
	n := 0
	for _, c := range CheckItems {
		if c.Required {
			n++
		}
	}
	return n
}

// cleanNames cleans one-line texts typed in (personal.Name), keyed by
// their field's label: control characters and direction overrides are
// refused, zero-width characters dropped.
func cleanNames(fields map[string]*string) error {
	for label, v := range fields {
		clean, err := personal.Name(*v)
		if err != nil {
			return errs.Invalidf(label, "%s", err.Error())
		}
		*v = clean
	}
	return nil
}

// validateSite normalises and checks a site and that its unit is a county
// or township inside the scope.
func (s *Service) validateSite(ctx context.Context, scope jurisdiction.Scope, x *Site) error {
	x.Name = personal.Halfwidth(x.Name)
	if err := cleanNames(map[string]*string{"名称": &x.Name, "地址": &x.Address, "联系人": &x.ContactName}); err != nil {
		return err
	}
	if x.Name == "" || len([]rune(x.Name)) > 50 {
		return errs.Invalidf("名称", "请填写隔离点名称（50字以内）")
	}
	if len([]rune(x.Address)) > 100 {
		return errs.Invalidf("地址", "地址请在100字以内")
	}
	if x.Status == "" {
		x.Status = SiteActive
	}
	if !slices.Contains(SiteStatuses, x.Status) {
		return errs.Invalidf("状态", "请选择：%s", strings.Join(SiteStatuses, "、"))
	}
	if x.StaffTestEvery == 0 {
		x.StaffTestEvery = 1
	}
	if x.StaffTestEvery < 1 || x.StaffTestEvery > MaxStaffTestEvery {
		return errs.Invalidf("工作人员检测频次", "请填写1到7之间的天数（1 = 每天一检）")
	}
	if x.ContactPhone != "" {
		ph, err := personal.NormalizePhone(x.ContactPhone)
		if err != nil {
			return errs.Invalidf("联系电话", "%s", err.Error())
		}
		x.ContactPhone = ph
	}
	if x.UnitCode == "" {
		return errs.Invalidf("所属单位", "请选择隔离点所属的县(区)或镇(街道)")
	}
	u, err := s.units.Get(ctx, scope, x.UnitCode)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Invalidf("所属单位", "%s 不存在或不在您的辖区内", x.UnitCode)
	}
	if err != nil {
		return err
	}
	if u.Level != jurisdiction.LevelCounty && u.Level != jurisdiction.LevelTownship {
		return errs.Invalidf("所属单位", "隔离点只能由县(区)或镇(街道)设立，%s 是%s", u.Name, u.LevelName())
	}
	return nil
}

// CreateSite adds a site.
func (s *Service) CreateSite(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, x Site) (Site, error) {
	if err := s.validateSite(ctx, scope, &x); err != nil {
		return Site{}, err
	}
	now := s.now().UnixMilli()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sites (unit_code, name, address, contact_name, contact_phone, status, staff_test_every,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
			x.UnitCode, x.Name, x.Address, x.ContactName, x.ContactPhone, x.Status, x.StaffTestEvery, now).Scan(&x.ID)
		if db.IsUniqueViolation(err) {
			return &errs.Conflict{Message: "该单位已有同名隔离点：" + x.Name}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "site", x.ID, x.UnitCode, "新增隔离点 "+x.Name)
	})
	if err != nil {
		return Site{}, fmt.Errorf("create site %q: %w", x.Name, err)
	}
	x.Version, x.CreatedAt, x.UpdatedAt = 1, now, now
	return x, nil
}

// UpdateSite changes a site; x.Version must be the version read.
func (s *Service) UpdateSite(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, x Site) (Site, error) {
	old, err := s.site(ctx, s.db.R(), scope, x.ID)
	if err != nil {
		return Site{}, err
	}
	if x.UnitCode == "" {
		x.UnitCode = old.UnitCode
	}
	if err := s.validateSite(ctx, scope, &x); err != nil {
		return Site{}, err
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sites SET unit_code = $1, name = $2, address = $3, contact_name = $4, contact_phone = $5,
			status = $6, staff_test_every = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10`,
			x.UnitCode, x.Name, x.Address, x.ContactName, x.ContactPhone, x.Status, x.StaffTestEvery, now, x.ID, x.Version)
		if db.IsUniqueViolation(err) {
			return &errs.Conflict{Message: "该单位已有同名隔离点：" + x.Name}
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "site", x.ID, x.UnitCode, "修改隔离点 "+x.Name+"（"+x.Status+"）")
	})
	if err != nil {
		return Site{}, fmt.Errorf("update site %d: %w", x.ID, err)
	}
	x.Version++
	x.CreatedAt, x.UpdatedAt = old.CreatedAt, now
	return x, nil
}
