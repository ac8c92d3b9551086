package checkpoint

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
)

// The three shifts of a day (三班倒), Asia/Shanghai: the night shift
// 00:00–08:00, the day shift 08:00–16:00 and the evening shift 16:00–24:00.
// Within a shift people rotate every two hours (the rotation is theirs; the
// roster says who is on the shift and who leads it).
var Slots = []struct {
	Name        string
	Start, Hour int // start hour, length in hours
	Night       bool
}{{"夜班 00:00–08:00", 0, 8, true}, {"白班 08:00–16:00", 8, 8, false}, {"晚班 16:00–24:00", 16, 8, false}}

// SlotAt is the slot and day of an instant.
func SlotAt(t time.Time) (day string, slot int) {
	t = t.In(clock.Shanghai)
	return t.Format("2006-01-02"), t.Hour() / 8
}

func slotBounds(day string, slot int) (start, end time.Time, err error) {
	d, err := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	if err != nil {
		return
	}
	start = d.Add(time.Duration(Slots[slot].Start) * time.Hour)
	return start, start.Add(time.Duration(Slots[slot].Hour) * time.Hour), nil
}

// MemberCategories are who staffs a checkpoint (巡防队).
var MemberCategories = []string{"干部", "党员", "民兵", "志愿者", "民警", "医务人员"}

// Member is one person on a shift.
type Member struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
	Phone    string `json:"phone"`
	Leader   bool   `json:"leader"` // leads the shift (带班)
}

// Shift is one slot of a checkpoint's day with the people on it.
type Shift struct {
	ID             int64    `json:"id"` // 0: nobody rostered yet
	CheckpointID   int64    `json:"checkpoint_id"`
	CheckpointName string   `json:"checkpoint_name"`
	UnitCode       string   `json:"unit_code"`
	Day            string   `json:"day"`
	Slot           int      `json:"slot"`
	Name           string   `json:"name"`
	Night          bool     `json:"night"`
	StartsAt       int64    `json:"starts_at"`
	EndsAt         int64    `json:"ends_at"`
	Required       int      `json:"required"`
	Members        []Member `json:"members"`
}

// Filled: enough people and a leader.
func (h Shift) Filled() bool {
	return len(h.Members) >= h.Required && slices.ContainsFunc(h.Members, func(m Member) bool { return m.Leader })
}

// Roster is a checkpoint's three shifts of a day.
func (s *Service) Roster(ctx context.Context, scope jurisdiction.Scope, id int64, day string) (Checkpoint, []Shift, error) {
	cp, err := s.checkpoint(ctx, s.db.R(), scope, id)
	if err != nil {
		return cp, nil, err
	}
	if !validDay(day) {
		return cp, nil, errs.Invalidf("day", "日期无效")
	}
	shifts, err := s.shifts(ctx, s.db.R(), cp, day)
	return cp, shifts, err
}

func (s *Service) shifts(ctx context.Context, q db.Querier, cp Checkpoint, day string) ([]Shift, error) {
	out := make([]Shift, len(Slots))
	for i := range Slots {
		start, end, err := slotBounds(day, i)
		if err != nil {
			return nil, err
		}
		out[i] = Shift{CheckpointID: cp.ID, CheckpointName: cp.Name, UnitCode: cp.UnitCode, Day: day, Slot: i, Name: Slots[i].Name,
			Night: Slots[i].Night, StartsAt: start.UnixMilli(), EndsAt: end.UnixMilli(), Required: cp.StaffPerShift}
	}
	rows, err := q.QueryContext(ctx, `SELECT h.slot, h.id, m.id, m.name, m.category, m.phone, m.leader FROM checkpoint_shifts h
		LEFT JOIN checkpoint_shift_members m ON m.shift_id = h.id WHERE h.checkpoint_id = $1 AND h.day = $2 ORDER BY h.slot, m.leader DESC, m.id`, cp.ID, day)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var slot int
		var sid int64
		var mid sql.NullInt64
		var name, cat, phone sql.NullString
		var leader sql.NullInt64
		if err := rows.Scan(&slot, &sid, &mid, &name, &cat, &phone, &leader); err != nil {
			return nil, err
		}
		if slot < 0 || slot >= len(out) {
			continue
		}
		out[slot].ID = sid
		if mid.Valid {
			out[slot].Members = append(out[slot].Members, Member{ID: mid.Int64, Name: name.String, Category: cat.String, Phone: phone.String, Leader: leader.Int64 == 1})
		}
	}
	return out, rows.Err()
}

// ensureShift returns the shift row's id, creating it.
func (s *Service) ensureShift(ctx context.Context, tx *sql.Tx, cp Checkpoint, day string, slot int) (int64, error) {
	start, end, err := slotBounds(day, slot)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM checkpoint_shifts WHERE checkpoint_id = $1 AND day = $2 AND slot = $3", cp.ID, day, slot).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO checkpoint_shifts (checkpoint_id, unit_code, day, slot, starts_at, ends_at, night, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, cp.ID, cp.UnitCode, day, slot, start.UnixMilli(), end.UnixMilli(),
		boolInt(Slots[slot].Night), s.now().UnixMilli()).Scan(&id)
	return id, err
}

// AddMember puts a person on a checkpoint's shift (slot 0–2 of day).
func (s *Service) AddMember(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, day string, slot int, m Member) error {
	cp, err := s.checkpoint(ctx, s.db.R(), scope, id)
	if err != nil {
		return err
	}
	if !validDay(day) {
		return errs.Invalidf("day", "请填写日期，如2022-01-05")
	}
	if slot < 0 || slot >= len(Slots) {
		return errs.Invalidf("slot", "请选择班次")
	}
	if m.Name, err = personal.Name(m.Name); err != nil || m.Name == "" || len([]rune(m.Name)) > 30 {
		return errs.Invalidf("name", "请填写姓名（30字以内）")
	}
	if !slices.Contains(MemberCategories, m.Category) {
		return errs.Invalidf("category", "请选择身份：%s", strings.Join(MemberCategories, "、"))
	}
	if m.Phone = strings.TrimSpace(m.Phone); m.Phone != "" {
		if m.Phone, err = personal.NormalizePhone(m.Phone); err != nil {
			return errs.Invalidf("phone", "%s", err.Error())
		}
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sid, err := s.ensureShift(ctx, tx, cp, day, slot)
		if err != nil {
			return err
		}
		if m.Leader { // one leader per shift
			if _, err := tx.ExecContext(ctx, "UPDATE checkpoint_shift_members SET leader = 0 WHERE shift_id = $1", sid); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoint_shift_members (shift_id, name, category, phone, leader, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, sid, m.Name, m.Category, m.Phone, boolInt(m.Leader), s.now().UnixMilli()); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "checkpoint", cp.ID, cp.UnitCode,
			fmt.Sprintf("卡口“%s”%s %s排班：%s（%s）", cp.Name, day, Slots[slot].Name, m.Name, m.Category))
	})
}

// RemoveMember takes a person off a shift.
func (s *Service) RemoveMember(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, memberID int64) (Checkpoint, string, error) {
	var cpID int64
	var day string
	err := s.db.R().QueryRowContext(ctx, `SELECT h.checkpoint_id, h.day FROM checkpoint_shift_members m JOIN checkpoint_shifts h ON h.id = m.shift_id
		WHERE m.id = $1`, memberID).Scan(&cpID, &day)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, "", fmt.Errorf("shift member %d: %w", memberID, errs.ErrNotFound)
	}
	if err != nil {
		return Checkpoint{}, "", err
	}
	cp, err := s.checkpoint(ctx, s.db.R(), scope, cpID)
	if err != nil {
		return cp, "", err
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM checkpoint_shift_members WHERE id = $1", memberID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "checkpoint", cp.ID, cp.UnitCode, fmt.Sprintf("卡口“%s”%s 排班减一人", cp.Name, day))
	})
	return cp, day, err
}

// Unfilled lists the shifts running at t, at the manned checkpoints inside
// the scope, that lack people or a leader: the alert of a shift unfilled
// at its start (night shifts first).
func (s *Service) Unfilled(ctx context.Context, scope jurisdiction.Scope, t time.Time) ([]Shift, error) {
	cps, err := s.Checkpoints(ctx, scope, "")
	if err != nil {
		return nil, err
	}
	day, slot := SlotAt(t)
	var out []Shift
	for _, cp := range cps {
		if cp.Status != Manned {
			continue
		}
		shifts, err := s.shifts(ctx, s.db.R(), cp, day)
		if err != nil {
			return nil, err
		}
		if h := shifts[slot]; !h.Filled() {
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b Shift) int { return boolInt(b.Night) - boolInt(a.Night) })
	return out, nil
}

// AlertUnfilled finds the shifts unfilled at their start (now) across the
// county and marks each alerted once (alerted_at), returning the new
// alerts, each told to the checkpoint's township (EventUnfilled); the
// pages show Unfilled.
func (s *Service) AlertUnfilled(ctx context.Context) ([]Shift, error) {
	now := s.now()
	list, err := s.Unfilled(ctx, jurisdiction.System("checkpoint shift alerts"), now)
	if err != nil {
		return nil, err
	}
	var fresh []Shift
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		fresh = fresh[:0]
		for _, h := range list {
			cp := Checkpoint{ID: h.CheckpointID, UnitCode: h.UnitCode}
			sid, err := s.ensureShift(ctx, tx, cp, h.Day, h.Slot)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, "UPDATE checkpoint_shifts SET alerted_at = $1 WHERE id = $2 AND alerted_at = 0", now.UnixMilli(), sid)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				h.ID = sid
				// The checkpoint's township is told, in the marking's transaction.
				if err := s.emitUnfilled(ctx, h); err != nil {
					return err
				}
				fresh = append(fresh, h)
			}
		}
		return nil
	})
	return fresh, err
}
