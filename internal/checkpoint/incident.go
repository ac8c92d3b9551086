package checkpoint

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// IncidentKinds are the incidents a checkpoint reports to the police.
var IncidentKinds = []string{"强行冲卡", "辱骂工作人员", "殴打工作人员", "拒不配合查验", "其他"}

// Incident is one incident at a checkpoint, with the police case number
// (接警/立案编号) once the police gave one.
type Incident struct {
	ID             int64  `json:"id"`
	CheckpointID   int64  `json:"checkpoint_id"`
	CheckpointName string `json:"checkpoint_name"`
	UnitCode       string `json:"unit_code"`
	OccurredAt     int64  `json:"occurred_at"`
	Kind           string `json:"kind"`
	Description    string `json:"description"`
	Plate          string `json:"plate"`
	PoliceCase     string `json:"police_case"`
	CreatedBy      string `json:"created_by"`
}

// Time is when it happened, Asia/Shanghai.
func (x Incident) Time() string { return clock.Format(x.OccurredAt) }

// ReportIncident records an incident at a checkpoint inside the scope
// (OccurredAt 0: now).
func (s *Service) ReportIncident(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, x Incident) (Incident, error) {
	cp, err := s.checkpoint(ctx, s.db.R(), scope, x.CheckpointID)
	if err != nil {
		return x, err
	}
	if !slices.Contains(IncidentKinds, x.Kind) {
		return x, errs.Invalidf("kind", "请选择：%s", strings.Join(IncidentKinds, "、"))
	}
	if x.Description, err = personal.Text(x.Description); err != nil || len([]rune(x.Description)) < 4 || len([]rune(x.Description)) > 500 {
		return x, errs.Invalidf("description", "请简要写明经过（4到500字）")
	}
	x.Plate = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(personal.Halfwidth(x.Plate)), " ", ""))
	if len([]rune(x.Plate)) > 12 {
		return x, errs.Invalidf("plate", "车牌请在12字以内")
	}
	if x.PoliceCase, err = personal.Name(x.PoliceCase); err != nil || len([]rune(x.PoliceCase)) > 40 {
		return x, errs.Invalidf("police_case", "警情编号请在40字以内")
	}
	now := s.now().UnixMilli()
	if x.OccurredAt == 0 {
		x.OccurredAt = now
	}
	if x.OccurredAt > now {
		return x, errs.Invalidf("occurred_at", "发生时间不能晚于现在")
	}
	x.UnitCode, x.CheckpointName, x.CreatedBy = cp.UnitCode, cp.Name, who.Username
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO checkpoint_incidents (checkpoint_id, unit_code, occurred_at, kind, description, plate,
			police_case, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			cp.ID, cp.UnitCode, x.OccurredAt, x.Kind, x.Description, x.Plate, x.PoliceCase, who.Username, now).Scan(&x.ID); err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "checkpoint_incident", x.ID, cp.UnitCode,
			fmt.Sprintf("卡口“%s”%s（警情编号：%s）", cp.Name, x.Kind, x.PoliceCase))
	})
	return x, err
}

// Incidents lists the incidents inside the scope (narrowed to unit), newest
// first.
func (s *Service) Incidents(ctx context.Context, scope jurisdiction.Scope, unit string, limit int) ([]Incident, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, `SELECT i.id, i.checkpoint_id, COALESCE(c.name, ''), i.unit_code, i.occurred_at, i.kind,
		i.description, i.plate, i.police_case, i.created_by FROM checkpoint_incidents i LEFT JOIN checkpoints c ON c.id = i.checkpoint_id
		WHERE `+scope.Where("i.unit_code", 1)+` ORDER BY i.occurred_at DESC, i.id DESC LIMIT $3`, lo, hi, limit)
	if err != nil {
		return nil, fmt.Errorf("incidents: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		var x Incident
		if err := rows.Scan(&x.ID, &x.CheckpointID, &x.CheckpointName, &x.UnitCode, &x.OccurredAt, &x.Kind, &x.Description, &x.Plate,
			&x.PoliceCase, &x.CreatedBy); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
