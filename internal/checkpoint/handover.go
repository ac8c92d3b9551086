package checkpoint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/returnee"
)

// Hand-over statuses (移交状态).
const (
	AwaitReceipt = "待接收"
	Received     = "已接收"
	Outgoing     = "待发协查" // destination outside the county: an outgoing 协查
)

// Handover is a person handed over at a checkpoint (移交属地): a receive
// task for the destination village with a deadline, or an outgoing 协查.
type Handover struct {
	ID             int64  `json:"id"`
	CheckID        int64  `json:"check_id"`
	CheckpointID   int64  `json:"checkpoint_id"`
	CheckpointName string `json:"checkpoint_name"`
	FromUnit       string `json:"from_unit"`
	VillageCode    string `json:"village_code"`
	VillageName    string `json:"village_name"`
	DestCode       string `json:"dest_code"`
	DestText       string `json:"dest_text"`
	Outgoing       bool   `json:"outgoing"`
	PersonID       int64  `json:"person_id"`
	ArrivalID      int64  `json:"arrival_id"`
	Status         string `json:"status"`
	DueAt          int64  `json:"due_at"`
	ReceivedAt     int64  `json:"received_at"`
	ReceivedBy     string `json:"received_by"`
	// ReceivedByName is the receiving cadre's name (their account's).
	ReceivedByName string `json:"received_by_name,omitempty"`
	ReceiptNote    string `json:"receipt_note"`
	EscalatedAt    int64  `json:"escalated_at"`
	CreatedAt      int64  `json:"created_at"`
	// The person and the check, from the check log.
	Name       string `json:"name"`
	IDNumber   string `json:"id_number"`
	Phone      string `json:"phone"`
	Plate      string `json:"plate"`
	FromName   string `json:"from_name"`
	FromLevel  string `json:"from_level"`
	RuleReason string `json:"reason"` // the rule or override that handed them over
	// Overdue: awaiting receipt past the deadline (computed at read).
	Overdue bool `json:"overdue"`
}

// Due is the deadline as text.
func (h Handover) Due() string { return clock.Format(h.DueAt) }

// Created is the hand-over's time as text.
func (h Handover) Created() string { return clock.Format(h.CreatedAt) }

// handOver records the person's arrival in the returnee ledger (source
// 卡口移交) and the village's receive task, or an outgoing 协查 for a
// destination outside the county. It runs in the check's transaction.
func (s *Service) handOver(ctx context.Context, tx *sql.Tx, who audit.Actor, county jurisdiction.Scope, cp Checkpoint, rules RuleSet, c *Check) error {
	now := s.now()
	h := Handover{CheckID: c.ID, CheckpointID: cp.ID, FromUnit: cp.UnitCode, DestText: c.ToText, CreatedAt: now.UnixMilli(),
		DueAt: now.Add(time.Duration(rules.ReceiveHours) * time.Hour).UnixMilli()}
	if c.Resident && c.ToCode != "" {
		a, _, err := s.ledger.Record(ctx, who, county, returnee.Arrival{Name: c.Name, IDNumber: c.IDNumber, Phone: c.Phone,
			VillageCode: c.ToCode, OriginCode: c.FromCode, OriginText: c.FromText, ArrivedOn: c.Day, Transport: transportOf(c.VehicleType),
			TransportNo: c.Plate, Source: returnee.SourceCheckpoint, TestSampledAt: c.TestSampledAt,
			SourceRef: fmt.Sprintf("checkpoint-check:%d", c.ID), Note: fmt.Sprintf("卡口“%s”移交：%s", cp.Name, c.Explanation)})
		if err != nil {
			return err
		}
		h.VillageCode, h.DestCode, h.PersonID, h.ArrivalID, h.Status = jurisdiction.VillageOf(a.VillageCode), a.VillageCode, a.PersonID, a.ID, AwaitReceipt
	} else {
		h.Outgoing, h.Status = true, Outgoing
		if k, ok := s.places.Resolve(c.ToText).Resolved(); ok {
			h.DestCode = k.Code
		}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO checkpoint_handovers (check_id, checkpoint_id, from_unit, village_code, dest_code, dest_text,
		outgoing, person_id, arrival_id, status, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		h.CheckID, h.CheckpointID, h.FromUnit, h.VillageCode, h.DestCode, h.DestText, boolInt(h.Outgoing), h.PersonID, h.ArrivalID,
		h.Status, h.DueAt, h.CreatedAt).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("insert hand-over: %w", err)
	}
	c.HandoverID = h.ID
	if h.Outgoing {
		return nil
	}
	// The destination village receives within the deadline: tell it now.
	h.CheckpointName, h.Name, h.FromName = cp.Name, c.Name, c.FromName
	if h.FromName == "" {
		h.FromName = c.FromText
	}
	if h.VillageName, err = unitName(ctx, tx, h.VillageCode); err != nil {
		return err
	}
	return s.emitHandover(ctx, EventHandover, h)
}

func transportOf(vehicleType string) string {
	switch vehicleType {
	case "客车":
		return "客车"
	case "步行":
		return "其他"
	}
	return "自驾"
}

const handoverCols = `h.id, h.check_id, h.checkpoint_id, COALESCE(c.name, ''), h.from_unit, h.village_code, COALESCE(u.name, ''),
	h.dest_code, h.dest_text, h.outgoing, h.person_id, h.arrival_id, h.status, h.due_at, h.received_at, h.received_by,
	h.receipt_note, h.escalated_at, h.created_at, k.name, k.id_number, k.phone, k.plate, k.from_name, k.from_level,
	CASE WHEN k.override_reason <> '' THEN k.override_reason ELSE k.rule_key END, COALESCE(us.display_name, '')`

const handoverFrom = ` FROM checkpoint_handovers h JOIN checkpoint_checks k ON k.id = h.check_id
	LEFT JOIN checkpoints c ON c.id = h.checkpoint_id LEFT JOIN units u ON u.code = h.village_code
	LEFT JOIN users us ON us.username = h.received_by AND h.received_by <> ''`

func (s *Service) scanHandover(row interface{ Scan(...any) error }) (Handover, error) {
	var h Handover
	var outgoing int
	err := row.Scan(&h.ID, &h.CheckID, &h.CheckpointID, &h.CheckpointName, &h.FromUnit, &h.VillageCode, &h.VillageName,
		&h.DestCode, &h.DestText, &outgoing, &h.PersonID, &h.ArrivalID, &h.Status, &h.DueAt, &h.ReceivedAt, &h.ReceivedBy,
		&h.ReceiptNote, &h.EscalatedAt, &h.CreatedAt, &h.Name, &h.IDNumber, &h.Phone, &h.Plate, &h.FromName, &h.FromLevel, &h.RuleReason, &h.ReceivedByName)
	h.Outgoing = outgoing == 1
	h.Overdue = h.Status == AwaitReceipt && h.DueAt < s.now().UnixMilli()
	return h, err
}

// HandoverFilter narrows the hand-overs.
type HandoverFilter struct {
	Unit     string // a unit inside the scope
	Status   string // 待接收, 已接收, 待发协查 ("" = all)
	Overdue  bool
	Outgoing bool // the outgoing 协查 list (by the checkpoint's unit)
	Limit    int
	Offset   int
}

// Handovers lists hand-overs inside the scope, newest first: those to the
// scope's villages, or, for the outgoing list, those from the scope's
// checkpoints to places outside the county.
func (s *Service) Handovers(ctx context.Context, scope jurisdiction.Scope, f HandoverFilter) ([]Handover, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return nil, err
	}
	lo, hi := scope.Args()
	q := "SELECT " + handoverCols + handoverFrom + " WHERE "
	if f.Outgoing {
		q += scope.Where("h.from_unit", 1) + " AND h.outgoing = 1"
	} else {
		q += scope.Where("h.village_code", 1) + " AND h.outgoing = 0"
	}
	args := []any{lo, hi}
	if f.Status != "" {
		args = append(args, f.Status)
		q += fmt.Sprintf(" AND h.status = $%d", len(args))
	}
	if f.Overdue {
		args = append(args, AwaitReceipt, s.now().UnixMilli())
		q += fmt.Sprintf(" AND h.status = $%d AND h.due_at < $%d", len(args)-1, len(args))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	q += fmt.Sprintf(" ORDER BY h.created_at DESC, h.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("hand-overs: %w", err)
	}
	defer rows.Close()
	var out []Handover
	for rows.Next() {
		h, err := s.scanHandover(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Handover returns one hand-over to a village inside the scope.
func (s *Service) Handover(ctx context.Context, scope jurisdiction.Scope, id int64) (Handover, error) {
	lo, hi := scope.Args()
	h, err := s.scanHandover(s.db.Reader(ctx).QueryRowContext(ctx, "SELECT "+handoverCols+handoverFrom+
		" WHERE h.id = $1 AND ("+scope.Where("h.village_code", 2)+" OR "+scope.Where("h.from_unit", 2)+")", id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("hand-over %d: %w", id, errs.ErrNotFound)
	}
	return h, err
}

// Receive confirms the village received the person (接收), with a note
// (who signed the 接收承诺书, where the person is).
func (s *Service) Receive(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, note string) (Handover, error) {
	note, err := personal.Text(note)
	if err != nil || len([]rune(note)) > 200 {
		return Handover{}, errs.Invalidf("note", "说明请在200字以内")
	}
	lo, hi := scope.Args()
	var h Handover
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		h, err = s.scanHandover(tx.QueryRowContext(ctx, "SELECT "+handoverCols+handoverFrom+
			" WHERE h.id = $1 AND "+scope.Where("h.village_code", 2)+" AND h.outgoing = 0", id, lo, hi))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("hand-over %d: %w", id, errs.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if h.Status != AwaitReceipt {
			return &errs.Conflict{Message: "该移交人员已接收"}
		}
		h.Status, h.ReceivedAt, h.ReceivedBy, h.ReceiptNote, h.Overdue = Received, s.now().UnixMilli(), who.Username, note, false
		if _, err := tx.ExecContext(ctx, `UPDATE checkpoint_handovers SET status = $1, received_at = $2, received_by = $3, receipt_note = $4
			WHERE id = $5 AND status = $6`, Received, h.ReceivedAt, h.ReceivedBy, note, id, AwaitReceipt); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "checkpoint_handover", id, h.VillageCode, "接收卡口移交人员："+h.Name)
	})
	return h, err
}

// Escalate marks the hand-overs still awaiting receipt past their deadline
// as escalated (escalated_at), once each, and returns them: the township
// and the command centre see them as overdue, and the village and its
// township are told (EventHandoverLate).
func (s *Service) Escalate(ctx context.Context) ([]Handover, error) {
	now := s.now().UnixMilli()
	all := jurisdiction.System("checkpoint hand-over escalation")
	var out []Handover
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = out[:0]
		lo, hi := all.Args()
		rows, err := tx.QueryContext(ctx, "SELECT "+handoverCols+handoverFrom+" WHERE "+all.Where("h.village_code", 1)+
			" AND h.status = $3 AND h.due_at < $4 AND h.escalated_at = 0 ORDER BY h.id", lo, hi, AwaitReceipt, now)
		if err != nil {
			return err
		}
		for rows.Next() {
			h, err := s.scanHandover(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		marked := out[:0]
		for _, h := range out {
			h.EscalatedAt = now
			res, err := tx.ExecContext(ctx, "UPDATE checkpoint_handovers SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0", now, h.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // another sweep marked it
			}
			// The village and its township are told, in the marking's transaction.
			if err := s.emitHandover(ctx, EventHandoverLate, h); err != nil {
				return err
			}
			marked = append(marked, h)
		}
		out = marked
		return nil
	})
	return out, err
}
