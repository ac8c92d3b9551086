package site

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
)

const roomColumns = `r.id, r.site_id, r.no, r.floor, r.beds, r.bathroom, r.status, r.occupants, r.version, r.updated_at`

func scanRoom(row interface{ Scan(...any) error }) (Room, error) {
	var r Room
	var bath int
	err := row.Scan(&r.ID, &r.SiteID, &r.No, &r.Floor, &r.Beds, &bath, &r.Status, &r.Occupants, &r.Version, &r.UpdatedAt)
	r.Bathroom = bath == 1
	return r, err
}

// Rooms lists a site's rooms by floor and number, with the names of the
// people in each.
func (s *Service) Rooms(ctx context.Context, scope jurisdiction.Scope, siteID int64) ([]Room, error) {
	if _, err := s.site(ctx, s.db.R(), scope, siteID); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+roomColumns+" FROM site_rooms r WHERE r.site_id = $1 ORDER BY r.floor, r.no", siteID)
	if err != nil {
		return nil, fmt.Errorf("rooms of site %d: %w", siteID, err)
	}
	defer rows.Close()
	var out []Room
	idx := map[int64]int{}
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return nil, err
		}
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	g, err := s.db.R().QueryContext(ctx, `SELECT st.room_id, p.name FROM site_stays st JOIN people p ON p.id = st.person_id
		WHERE st.site_id = $1 AND st.open = 1 AND st.room_id IS NOT NULL ORDER BY st.id`, siteID)
	if err != nil {
		return nil, fmt.Errorf("guests of site %d: %w", siteID, err)
	}
	defer g.Close()
	for g.Next() {
		var id int64
		var name string
		if err := g.Scan(&id, &name); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].Guests = append(out[i].Guests, name)
		}
	}
	return out, g.Err()
}

// Floor groups rooms of one floor, for the room grid.
type Floor struct {
	Floor int
	Rooms []Room
}

// Floors groups rooms (sorted by floor) by floor.
func Floors(rooms []Room) []Floor {
	var out []Floor
	for _, r := range rooms {
		if len(out) == 0 || out[len(out)-1].Floor != r.Floor {
			out = append(out, Floor{Floor: r.Floor})
		}
		out[len(out)-1].Rooms = append(out[len(out)-1].Rooms, r)
	}
	return out
}

// RoomBatch describes rooms to add at once: floors FloorFrom..FloorTo ×
// rooms RoomFrom..RoomTo on each, numbered floor and two-digit room
// (5, 7 → "507"), or one room named No.
type RoomBatch struct {
	No                 string
	FloorFrom, FloorTo int
	RoomFrom, RoomTo   int
	Beds               int
	Bathroom           bool
}

// MaxBatch bounds the rooms one batch may add.
const MaxBatch = 2000

// AddRooms adds the rooms of a batch to a site, skipping numbers it has
// already. It returns how many were added and skipped.
func (s *Service) AddRooms(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, siteID int64, b RoomBatch) (added, skipped int, err error) {
	x, err := s.site(ctx, s.db.R(), scope, siteID)
	if err != nil {
		return 0, 0, err
	}
	if b.Beds == 0 {
		b.Beds = 1
	}
	if b.Beds < 1 || b.Beds > 10 {
		return 0, 0, errs.Invalidf("床位数", "每间床位数请填1到10（一人一间为1）")
	}
	type room struct {
		no    string
		floor int
	}
	var list []room
	if no := strings.TrimSpace(b.No); no != "" {
		if len([]rune(no)) > 20 {
			return 0, 0, errs.Invalidf("房间号", "房间号请在20字以内")
		}
		if b.FloorFrom < 0 || b.FloorFrom > 99 {
			return 0, 0, errs.Invalidf("楼层", "楼层请填0到99")
		}
		list = append(list, room{no, b.FloorFrom})
	} else {
		if b.FloorFrom < 1 || b.FloorTo < b.FloorFrom || b.FloorTo > 99 {
			return 0, 0, errs.Invalidf("楼层", "请填写起止楼层（1到99，起不大于止）")
		}
		if b.RoomFrom < 1 || b.RoomTo < b.RoomFrom || b.RoomTo > 99 {
			return 0, 0, errs.Invalidf("房间序号", "请填写每层起止房间序号（1到99，起不大于止）")
		}
		if n := (b.FloorTo - b.FloorFrom + 1) * (b.RoomTo - b.RoomFrom + 1); n > MaxBatch {
			return 0, 0, errs.Invalidf("房间序号", "一次最多添加%d间，本次为%d间", MaxBatch, n)
		}
		for f := b.FloorFrom; f <= b.FloorTo; f++ {
			for r := b.RoomFrom; r <= b.RoomTo; r++ {
				list = append(list, room{fmt.Sprintf("%d%02d", f, r), f})
			}
		}
	}
	bath := 0
	if b.Bathroom {
		bath = 1
	}
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		added, skipped = 0, 0
		have := map[string]bool{}
		rows, err := tx.QueryContext(ctx, "SELECT no FROM site_rooms WHERE site_id = $1", siteID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var no string
			if err := rows.Scan(&no); err != nil {
				rows.Close()
				return err
			}
			have[no] = true
		}
		rows.Close()
		ins, err := s.db.NewInserter(ctx, tx, "site_rooms", []string{"site_id", "no", "floor", "beds", "bathroom", "status", "occupants", "version", "updated_at"}, "")
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, r := range list {
			if have[r.no] {
				skipped++
				continue
			}
			have[r.no] = true
			if err := ins.Add(siteID, r.no, r.floor, b.Beds, bath, RoomFree, 0, 1, now); err != nil {
				return err
			}
			added++
		}
		if err := ins.Close(); err != nil {
			return err
		}
		if added == 0 {
			return nil
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "site", siteID, x.UnitCode, fmt.Sprintf("%s 新增房间 %d 间", x.Name, added))
	})
	if err != nil {
		return 0, 0, fmt.Errorf("add rooms to site %d: %w", siteID, err)
	}
	return added, skipped, nil
}

// room reads a room whose site lies inside the scope.
func (s *Service) room(ctx context.Context, q db.Querier, scope jurisdiction.Scope, id int64) (Room, Site, error) {
	r, err := scanRoom(q.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM site_rooms r WHERE r.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Room{}, Site{}, fmt.Errorf("room %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Room{}, Site{}, fmt.Errorf("room %d: %w", id, err)
	}
	x, err := s.site(ctx, q, scope, r.SiteID)
	if err != nil {
		return Room{}, Site{}, err
	}
	return r, x, nil
}

// Room returns a room whose site lies inside the scope.
func (s *Service) Room(ctx context.Context, scope jurisdiction.Scope, id int64) (Room, error) {
	r, _, err := s.room(ctx, s.db.R(), scope, id)
	return r, err
}

// SetRoomStatus changes a room's status by hand: 空闲 after cleaning (消杀
// 完成) or to reopen it, 停用 to take it out of use. A room with people in it
// cannot be changed. version must be the version read.
func (s *Service) SetRoomStatus(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, status string, version int64) (Room, error) {
	if status != RoomFree && status != RoomClosed {
		return Room{}, errs.Invalidf("状态", "房间只能手动设为空闲（消杀完成）或停用")
	}
	var out Room
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, x, err := s.room(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if r.Occupants > 0 {
			return &errs.Conflict{Message: fmt.Sprintf("房间 %s 有 %d 人在住，不能改为%s", r.No, r.Occupants, status)}
		}
		if version != 0 && version != r.Version {
			return &errs.Conflict{Message: fmt.Sprintf("房间 %s 的状态已变化（现为%s），请刷新后重试", r.No, r.Status)}
		}
		now := s.now().UnixMilli()
		res, err := tx.ExecContext(ctx, `UPDATE site_rooms SET status = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND version = $4 AND occupants = 0`, status, now, id, r.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		what := map[bool]string{true: "消杀完成，恢复空闲", false: "改为" + status}[r.Status == RoomDirty && status == RoomFree]
		r.Status, r.Version, r.UpdatedAt = status, r.Version+1, now
		out = r
		return s.record(ctx, tx, who, audit.ActionUpdate, "site_room", id, x.UnitCode, x.Name+" 房间 "+r.No+" "+what)
	})
	if err != nil {
		return Room{}, fmt.Errorf("set room %d status: %w", id, err)
	}
	return out, nil
}

func validRoomStatus(st string) bool { return slices.Contains(RoomStatuses, st) }
