package checkpoint

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
)

// Kinds of entrance and checkpoint (卡口类型).
var Kinds = []string{"高速出口", "国省道", "村口主路", "村口小路", "小区门岗", "车站", "港口机场"}

// Statuses of a checkpoint: 值守 (manned), 封堵 (blocked with boards or
// earth), 撤除 (removed).
const (
	Manned  = "值守"
	Blocked = "封堵"
	Removed = "撤除"
)

// Statuses lists the statuses in display order.
var Statuses = []string{Manned, Blocked, Removed}

// Checkpoint is one entrance or checkpoint of a village or township.
type Checkpoint struct {
	ID            int64  `json:"id"`
	UnitCode      string `json:"unit_code"`
	UnitName      string `json:"unit_name"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	PlaceCode     string `json:"place_code"` // the division code where it stands
	Address       string `json:"address"`
	Status        string `json:"status"`
	StatusSince   string `json:"status_since"`    // YYYY-MM-DD
	StaffPerShift int    `json:"staff_per_shift"` // people required on each shift
	LeaderPost    string `json:"leader_post"`     // who leads the shift (带班)
	Note          string `json:"note"`
	Version       int64  `json:"version"`
	CreatedAt     int64  `json:"created_at"`
	UpdatedAt     int64  `json:"updated_at"`
	// MannedNow: manned, and a shift with people on it covers this moment
	// (computed on reads that ask for it).
	MannedNow bool `json:"manned_now"`
}

// StatusEntry is one status a checkpoint had from a date.
type StatusEntry struct {
	Status    string `json:"status"`
	Since     string `json:"since"`
	Note      string `json:"note"`
	CreatedBy string `json:"created_by"`
}

const checkpointCols = `c.id, c.unit_code, COALESCE(u.name, ''), c.name, c.kind, c.place_code, c.address, c.status, c.status_since,
	c.staff_per_shift, c.leader_post, c.note, c.version, c.created_at, c.updated_at`

func scanCheckpoint(row interface{ Scan(...any) error }) (Checkpoint, error) {
	var c Checkpoint
	err := row.Scan(&c.ID, &c.UnitCode, &c.UnitName, &c.Name, &c.Kind, &c.PlaceCode, &c.Address, &c.Status, &c.StatusSince,
		&c.StaffPerShift, &c.LeaderPost, &c.Note, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func (s *Service) checkpoint(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Checkpoint, error) {
	lo, hi := scope.Args()
	c, err := scanCheckpoint(q.QueryRowContext(ctx, "SELECT "+checkpointCols+
		" FROM checkpoints c LEFT JOIN units u ON u.code = c.unit_code WHERE c.id = $1 AND "+scope.Where("c.unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("checkpoint %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("checkpoint %d: %w", id, err)
	}
	return c, nil
}

// Checkpoint returns one checkpoint inside the scope.
func (s *Service) Checkpoint(ctx context.Context, scope jurisdiction.Scope, id int64) (Checkpoint, error) {
	c, err := s.checkpoint(ctx, s.db.R(), scope, id)
	if err != nil {
		return c, err
	}
	list := []Checkpoint{c}
	if err := s.markManned(ctx, list); err != nil {
		return c, err
	}
	return list[0], nil
}

// Checkpoints lists the checkpoints inside the scope, narrowed to unit
// when given, with whether each is manned now.
func (s *Service) Checkpoints(ctx context.Context, scope jurisdiction.Scope, unit string) ([]Checkpoint, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, fmt.Errorf("checkpoints of %s: %w", unit, err)
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+checkpointCols+
		" FROM checkpoints c LEFT JOIN units u ON u.code = c.unit_code WHERE "+scope.Where("c.unit_code", 1)+" ORDER BY c.unit_code, c.name", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	defer rows.Close()
	var out []Checkpoint
	for rows.Next() {
		c, err := scanCheckpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.markManned(ctx, out)
}

// markManned sets MannedNow: status 值守 and a shift covering now with
// at least one member.
func (s *Service) markManned(ctx context.Context, list []Checkpoint) error {
	now := s.now().UnixMilli()
	for i := range list {
		if list[i].Status != Manned {
			continue
		}
		var n int
		if err := s.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM checkpoint_shifts h
			WHERE h.checkpoint_id = $1 AND h.starts_at <= $2 AND h.ends_at > $2
			AND EXISTS (SELECT 1 FROM checkpoint_shift_members m WHERE m.shift_id = h.id)`, list[i].ID, now).Scan(&n); err != nil {
			return fmt.Errorf("checkpoint manned: %w", err)
		}
		list[i].MannedNow = n > 0
	}
	return nil
}

// clean validates a checkpoint's fields.
func (s *Service) clean(ctx context.Context, scope jurisdiction.Scope, c *Checkpoint) error {
	var err error
	if c.Name, err = personal.Name(c.Name); err != nil || c.Name == "" || len([]rune(c.Name)) > 40 {
		return errs.Invalidf("name", "请填写卡口名称（40字以内）")
	}
	if !slices.Contains(Kinds, c.Kind) {
		return errs.Invalidf("kind", "请选择类型：%s", strings.Join(Kinds, "、"))
	}
	if c.Address, err = personal.Name(c.Address); err != nil || len([]rune(c.Address)) > 100 {
		return errs.Invalidf("address", "位置请在100字以内")
	}
	if c.Note, err = personal.Text(c.Note); err != nil || len([]rune(c.Note)) > 300 {
		return errs.Invalidf("note", "备注请在300字以内")
	}
	if c.LeaderPost, err = personal.Name(c.LeaderPost); err != nil || len([]rune(c.LeaderPost)) > 30 {
		return errs.Invalidf("leader_post", "带班岗位请在30字以内")
	}
	if c.StaffPerShift < 1 || c.StaffPerShift > 50 {
		return errs.Invalidf("staff_per_shift", "每班人数应为1到50")
	}
	u, err := s.units.Get(ctx, scope, c.UnitCode)
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Invalidf("unit_code", "单位不存在或不在您的辖区内")
	}
	if err != nil {
		return err
	}
	if u.Level < jurisdiction.LevelCounty || u.Level > jurisdiction.LevelGroup {
		return errs.Invalidf("unit_code", "卡口登记在县、镇(街道)、村(社区)或小区")
	}
	c.PlaceCode = strings.TrimSpace(c.PlaceCode)
	if c.PlaceCode == "" {
		c.PlaceCode = c.UnitCode
	}
	if !strings.HasPrefix(c.PlaceCode, countyOf(c.UnitCode)) || strings.Trim(c.PlaceCode, "0123456789") != "" {
		return errs.Invalidf("place_code", "位置区划代码应为本县的区划代码")
	}
	return nil
}

// CreateCheckpoint registers a checkpoint with its first status, from today
// unless StatusSince says otherwise.
func (s *Service) CreateCheckpoint(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, c Checkpoint) (Checkpoint, error) {
	if err := s.clean(ctx, scope, &c); err != nil {
		return c, err
	}
	if c.Status == "" {
		c.Status = Manned
	}
	if !slices.Contains(Statuses, c.Status) {
		return c, errs.Invalidf("status", "请选择状态：%s", strings.Join(Statuses, "、"))
	}
	if c.StatusSince == "" {
		c.StatusSince = s.today()
	}
	if !validDay(c.StatusSince) || c.StatusSince > s.today() {
		return c, errs.Invalidf("status_since", "状态日期应为不晚于今天的日期")
	}
	now := s.now().UnixMilli()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO checkpoints (unit_code, name, kind, place_code, address, status, status_since,
			staff_per_shift, leader_post, note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			c.UnitCode, c.Name, c.Kind, c.PlaceCode, c.Address, c.Status, c.StatusSince, c.StaffPerShift, c.LeaderPost, c.Note, now).Scan(&c.ID)
		if db.IsUniqueViolation(err) {
			return errs.Invalidf("name", "本单位已有名为“%s”的卡口", c.Name)
		}
		if err != nil {
			return fmt.Errorf("insert checkpoint: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoint_statuses (checkpoint_id, status, since, note, created_by, created_at)
			VALUES ($1, $2, $3, '设立', $4, $5)`, c.ID, c.Status, c.StatusSince, who.Username, now); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "checkpoint", c.ID, c.UnitCode, fmt.Sprintf("登记卡口“%s”（%s，%s）", c.Name, c.Kind, c.Status))
	})
	if err != nil {
		return Checkpoint{}, err
	}
	return s.Checkpoint(ctx, scope, c.ID)
}

// UpdateCheckpoint changes a checkpoint's description (not its status:
// SetStatus), guarded by its version.
func (s *Service) UpdateCheckpoint(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, c Checkpoint) (Checkpoint, error) {
	old, err := s.checkpoint(ctx, s.db.R(), scope, c.ID)
	if err != nil {
		return c, err
	}
	c.UnitCode = old.UnitCode
	if err := s.clean(ctx, scope, &c); err != nil {
		return c, err
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE checkpoints SET name = $1, kind = $2, place_code = $3, address = $4, staff_per_shift = $5,
			leader_post = $6, note = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10`,
			c.Name, c.Kind, c.PlaceCode, c.Address, c.StaffPerShift, c.LeaderPost, c.Note, s.now().UnixMilli(), c.ID, c.Version)
		if db.IsUniqueViolation(err) {
			return errs.Invalidf("name", "本单位已有名为“%s”的卡口", c.Name)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Conflict{Message: "卡口信息已被他人修改，请刷新后重试"}
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "checkpoint", c.ID, c.UnitCode, fmt.Sprintf("修改卡口“%s”", c.Name))
	})
	if err != nil {
		return Checkpoint{}, err
	}
	return s.Checkpoint(ctx, scope, c.ID)
}

// SetStatus records a checkpoint's new status from a date (值守/封堵/撤除).
func (s *Service) SetStatus(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, status, since, note string) (Checkpoint, error) {
	c, err := s.checkpoint(ctx, s.db.R(), scope, id)
	if err != nil {
		return c, err
	}
	if !slices.Contains(Statuses, status) {
		return c, errs.Invalidf("status", "请选择状态：%s", strings.Join(Statuses, "、"))
	}
	if since == "" {
		since = s.today()
	}
	if !validDay(since) || since > s.today() || since < c.StatusSince {
		return c, errs.Invalidf("since", "日期应在 %s 到今天之间", c.StatusSince)
	}
	if note, err = personal.Text(note); err != nil || len([]rune(note)) > 200 {
		return c, errs.Invalidf("note", "说明请在200字以内")
	}
	now := s.now().UnixMilli()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE checkpoints SET status = $1, status_since = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			status, since, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoint_statuses (checkpoint_id, status, since, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, status, since, note, who.Username, now); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "checkpoint", id, c.UnitCode, fmt.Sprintf("卡口“%s”自%s起%s", c.Name, since, status))
	})
	if err != nil {
		return Checkpoint{}, err
	}
	return s.Checkpoint(ctx, scope, id)
}

// StatusHistory lists a checkpoint's statuses, newest first.
func (s *Service) StatusHistory(ctx context.Context, scope jurisdiction.Scope, id int64) ([]StatusEntry, error) {
	if _, err := s.checkpoint(ctx, s.db.R(), scope, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT status, since, note, created_by FROM checkpoint_statuses
		WHERE checkpoint_id = $1 ORDER BY since DESC, id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusEntry
	for rows.Next() {
		var e StatusEntry
		if err := rows.Scan(&e.Status, &e.Since, &e.Note, &e.CreatedBy); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func validDay(d string) bool {
	if len(d) != 10 {
		return false
	}
	_, err := personal.ParseDate(d)
	return err == nil
}
