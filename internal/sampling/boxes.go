package sampling

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Box is a transport box (转运箱) of closed tubes from a point to a lab.
type Box struct {
	ID         int64
	CampaignID int64
	Code       string
	PointID    int64
	PointName  string
	UnitCode   string
	LabID      int64
	LabName    string
	Tubes      int
	PackedAt   int64
	HandedAt   int64
	ReceivedAt int64
}

// Times renders the box's times for pages.
func (b Box) Packed() string   { return clock.Format(b.PackedAt) }
func (b Box) Handed() string   { return fmtOpt(b.HandedAt) }
func (b Box) Received() string { return fmtOpt(b.ReceivedAt) }

func fmtOpt(ms int64) string {
	if ms == 0 {
		return ""
	}
	return clock.Format(ms)
}

// PackBox puts closed tubes of a point into a new box. Every tube must be
// closed, of this campaign and point, and not in another box; otherwise
// nothing is packed and the error names the tubes.
func (s *Service) PackBox(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, campaignID, pointID int64, code string, tubes []string) (Box, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return Box{}, err
	}
	area := effective(scope, c.UnitCode)
	var b Box
	err = s.db.R().QueryRowContext(ctx, "SELECT id, unit_code, name FROM test_points WHERE id = $1 AND campaign_id = $2", pointID, c.ID).
		Scan(&b.PointID, &b.UnitCode, &b.PointName)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !area.Contains(b.UnitCode)) {
		return Box{}, errs.Invalidf("采样点", "采样点不存在或不在您的辖区内")
	}
	if err != nil {
		return Box{}, fmt.Errorf("point: %w", err)
	}
	code = normTube(code)
	if code == "" {
		code = "BOX-" + newCode('B')[1:]
	}
	if !validTube(code) {
		return Box{}, errs.Invalidf("转运箱编号", "转运箱编号应为4–40位数字、字母或 - _")
	}
	var list []string
	seen := map[string]bool{}
	for _, t := range tubes {
		for _, f := range strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == '，' || r == '\n' || r == ' ' || r == '\r' }) {
			if f = normTube(f); f != "" && !seen[f] {
				seen[f] = true
				list = append(list, f)
			}
		}
	}
	if len(list) == 0 || len(list) > 1000 {
		return Box{}, errs.Invalidf("试管", "请扫入1–1000支已封管的试管")
	}
	b.CampaignID, b.Code, b.PackedAt = c.ID, code, s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var bad []string
		ids := make([]int64, 0, len(list))
		for _, t := range list {
			var id, cid, pid, closed int64
			var box sql.NullInt64
			err := tx.QueryRowContext(ctx, "SELECT id, campaign_id, point_id, closed_at, box_id FROM test_tubes WHERE barcode = $1", t).
				Scan(&id, &cid, &pid, &closed, &box)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("tube %s: %w", t, err)
			}
			if err != nil || cid != c.ID || pid != b.PointID || closed == 0 || box.Valid {
				bad = append(bad, t)
				continue
			}
			ids = append(ids, id)
		}
		if len(bad) > 0 {
			return errs.Invalidf("试管", "以下试管不存在、未封管、不属于本采样点或已装箱：%s", strings.Join(bad, "、"))
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO test_boxes (campaign_id, code, point_id, unit_code, packed_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING RETURNING id`, c.ID, code, b.PointID, b.UnitCode, b.PackedAt, actor.UserID).Scan(&b.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return &errs.Conflict{Message: "转运箱编号 " + code + " 已使用"}
		}
		if err != nil {
			return fmt.Errorf("pack box: %w", err)
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE test_tubes SET box_id = $1 WHERE id = $2", b.ID, id); err != nil {
				return fmt.Errorf("pack box: %w", err)
			}
		}
		b.Tubes = len(ids)
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionCreate, "box", fmt.Sprint(b.ID), b.UnitCode,
			fmt.Sprintf("装箱 %s：%d 管", code, len(ids)))
	})
	return b, err
}

// box loads a box inside the caller's part of its campaign.
func (s *Service) box(ctx context.Context, scope jurisdiction.Scope, id int64) (Box, error) {
	var b Box
	var lab sql.NullInt64
	err := s.db.R().QueryRowContext(ctx, `SELECT b.id, b.campaign_id, b.code, b.point_id, p.name, b.unit_code, b.lab_id, COALESCE(l.name, ''),
		(SELECT COUNT(*) FROM test_tubes t WHERE t.box_id = b.id), b.packed_at, b.handed_at, b.received_at
		FROM test_boxes b JOIN test_points p ON p.id = b.point_id LEFT JOIN test_labs l ON l.id = b.lab_id WHERE b.id = $1`, id).
		Scan(&b.ID, &b.CampaignID, &b.Code, &b.PointID, &b.PointName, &b.UnitCode, &lab, &b.LabName, &b.Tubes, &b.PackedAt, &b.HandedAt, &b.ReceivedAt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Contains(b.UnitCode)) {
		return Box{}, fmt.Errorf("box %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Box{}, fmt.Errorf("box %d: %w", id, err)
	}
	b.LabID = lab.Int64
	return b, nil
}

// HandOver records that a box left the point for a lab of the campaign.
func (s *Service) HandOver(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, boxID, labID int64) (Box, error) {
	b, err := s.box(ctx, scope, boxID)
	if err != nil {
		return b, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM test_labs WHERE id = $1 AND campaign_id = $2", labID, b.CampaignID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalidf("检测机构", "请选择本轮的检测机构")
		}
		res, err := tx.ExecContext(ctx, "UPDATE test_boxes SET lab_id = $1, handed_at = $2 WHERE id = $3 AND handed_at = 0", labID, s.now().UnixMilli(), b.ID)
		if err != nil {
			return fmt.Errorf("hand over: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Conflict{Message: "转运箱已交接"}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE test_tubes SET lab_id = $1 WHERE box_id = $2", labID, b.ID); err != nil {
			return fmt.Errorf("hand over: %w", err)
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "box", fmt.Sprint(b.ID), b.UnitCode, "转运箱交接 "+b.Code)
	})
	if err != nil {
		return Box{}, err
	}
	return s.box(ctx, scope, boxID)
}

// Receive records that a lab received a box.
func (s *Service) Receive(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, boxID int64) (Box, error) {
	b, err := s.box(ctx, scope, boxID)
	if err != nil {
		return b, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE test_boxes SET received_at = $1 WHERE id = $2 AND handed_at <> 0 AND received_at = 0", s.now().UnixMilli(), b.ID)
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Conflict{Message: "转运箱尚未交接或已签收"}
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "box", fmt.Sprint(b.ID), b.UnitCode, "实验室签收 "+b.Code)
	})
	if err != nil {
		return Box{}, err
	}
	return s.box(ctx, scope, boxID)
}

// Boxes lists a campaign's boxes inside the scope, newest first.
func (s *Service) Boxes(ctx context.Context, scope jurisdiction.Scope, campaignID int64) ([]Box, error) {
	c, err := s.Campaign(ctx, scope, campaignID)
	if err != nil {
		return nil, err
	}
	lo, hi := effective(scope, c.UnitCode).Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT b.id, b.campaign_id, b.code, b.point_id, p.name, b.unit_code, COALESCE(b.lab_id, 0), COALESCE(l.name, ''),
		(SELECT COUNT(*) FROM test_tubes t WHERE t.box_id = b.id), b.packed_at, b.handed_at, b.received_at
		FROM test_boxes b JOIN test_points p ON p.id = b.point_id LEFT JOIN test_labs l ON l.id = b.lab_id
		WHERE b.campaign_id = $1 AND `+effective(scope, c.UnitCode).Where("b.unit_code", 2)+` ORDER BY b.id DESC LIMIT 500`, c.ID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("boxes: %w", err)
	}
	defer rows.Close()
	var out []Box
	for rows.Next() {
		var b Box
		if err := rows.Scan(&b.ID, &b.CampaignID, &b.Code, &b.PointID, &b.PointName, &b.UnitCode, &b.LabID, &b.LabName, &b.Tubes,
			&b.PackedAt, &b.HandedAt, &b.ReceivedAt); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
