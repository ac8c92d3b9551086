package sentinel

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Advance moves a report inside the scope to its next state (the township
// health centre's work: 接收, 采样, 送检; the result from the lab): to must
// be one of Report.Next. A positive result flags the report for the
// command centre and opens a case (CaseIntake) in the same transaction.
func (s *Service) Advance(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, to, note string) (Report, error) {
	var r Report
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if r, err = s.report(ctx, tx, scope, id); err != nil {
			return err
		}
		if !slices.Contains(r.Next(), to) {
			if len(r.Next()) == 0 {
				return &errs.Conflict{Message: "该报告已有结果（" + r.Status + "），不能再变更"}
			}
			return errs.Invalidf("status", "“%s”之后只能是：%s", r.Status, strings.Join(r.Next(), "、"))
		}
		if note, err = cleanNote(note); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		from := r.Status
		// $1 the new state, $2 now, $3 the row, $4 the state read; more
		// arguments follow per step.
		set, args := "status = $1, version = version + 1", []any{to, now, r.ID, from}
		arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
		switch to {
		case StatusAcked:
			set += ", acked_at = $2, acked_by = " + arg(who.Username)
			r.AckedAt, r.AckedBy = now, who.Username
		case StatusSampled:
			set += ", sampled_at = $2"
			r.SampledAt = now
			if r.AckedAt == 0 {
				set += ", acked_at = $2, acked_by = " + arg(who.Username)
				r.AckedAt, r.AckedBy = now, who.Username
			}
		case StatusSent:
			set += ", sent_at = $2"
			r.SentAt = now
		case StatusNegative, StatusPositive:
			set += ", result = $1, result_at = $2"
			r.Result, r.ResultAt = to, now
			if to == StatusPositive {
				set += ", flagged = 1"
				r.Flagged = true
			}
		}
		if note != "" {
			set += ", note = " + arg(note)
			r.Note = note
		}
		res, err := tx.ExecContext(ctx, "UPDATE sentinel_reports SET "+set+" WHERE id = $3 AND status = $4", args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		r.Status = to
		if err := s.record(ctx, tx, who, audit.ActionUpdate, "sentinel_report", r.ID, r.UnitCode,
			fmt.Sprintf("发热病人报告 %s：%s → %s", r.Name, from, to)); err != nil {
			return err
		}
		if to == StatusPositive {
			// Told in the result's transaction: a case that cannot be
			// opened undoes the result and the message.
			if err := s.emitReport(ctx, EventPositive, r); err != nil {
				return err
			}
			return s.cases.OpenCase(ctx, who, r)
		}
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("advance sentinel report %d to %s: %w", id, to, err)
	}
	return r, nil
}

func cleanNote(note string) (string, error) {
	t, err := personalText(note)
	if err != nil || len([]rune(t)) > 200 {
		return "", errs.Invalidf("note", "备注请在200字以内，不含控制字符")
	}
	return t, nil
}

// Arrived confirms, at the fever clinic mine, that a patient referred to
// it arrived (闭环转诊): the referring clinic sees it on its report.
func (s *Service) Arrived(ctx context.Context, who audit.Actor, mine Sentinel, id int64) error {
	now := s.now().UnixMilli()
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE sentinel_reports SET arrived_at = $1, version = version + 1 WHERE id = $2 AND referred_to = $3 AND arrived_at = 0",
			now, id, mine.ID)
		if err != nil {
			return fmt.Errorf("arrival of report %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("referral %d to %s: %w", id, mine.Name, errs.ErrNotFound)
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "sentinel_report", id, mine.UnitCode, "转诊病人已到达 "+mine.Name)
	})
}

// Referred lists the patients referred to the fever clinic mine, not yet
// arrived first.
func (s *Service) Referred(ctx context.Context, mine Sentinel) ([]Report, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+reportColumns+reportFrom+
		" WHERE r.referred_to = $1 ORDER BY CASE WHEN r.arrived_at = 0 THEN 0 ELSE 1 END, r.reported_at DESC LIMIT 100", mine.ID)
	if err != nil {
		return nil, fmt.Errorf("referred to %d: %w", mine.ID, err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SweepResult is what one sweep did.
type SweepResult struct{ Escalated int }

// Sweep escalates to the county the reports the township left
// unacknowledged past their clock (超时未接收): they show as 已上报县 and
// on the command centre's list. Running it again escalates nothing twice.
func (s *Service) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var r SweepResult
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE sentinel_reports SET escalated_at = $1
			WHERE status = '已报告' AND escalated_at = 0 AND ack_due_at < $1 RETURNING id`, now.UnixMilli())
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.Sort(ids)
		n := len(ids)
		r.Escalated = n
		if n == 0 {
			return nil
		}
		// The township's cadres and the command centre are told of each,
		// in the escalation's transaction.
		for _, id := range ids {
			rep, err := s.report(ctx, tx, jurisdiction.System("sentinel clock"), id)
			if err != nil {
				return err
			}
			if err := s.emitReport(ctx, EventEscalated, rep); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Actor{Username: "system", Role: jurisdiction.System("sentinel clock").Job()},
			audit.ActionUpdate, "sentinel_report", "", "", fmt.Sprintf("%d份发热病人报告超时未接收，已上报县指挥部", n))
	})
	if err != nil {
		return SweepResult{}, fmt.Errorf("sentinel sweep: %w", err)
	}
	return r, nil
}

// Run sweeps every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	clock.Every(ctx, interval, false, func(ctx context.Context) {
		r, err := s.Sweep(ctx, s.now())
		if err != nil {
			if log != nil && ctx.Err() == nil {
				log.Warn("sentinel sweep", "err", err)
			}
			return
		}
		if log != nil && r.Escalated > 0 {
			log.Info("sentinel sweep", "escalated", r.Escalated)
		}
	})
}

// InWorkflow says whether a person is part of a sentinel account's work:
// reported by that account within the last 14 days. A look-up then shows
// the person in full.
func (s *Service) InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error) {
	lo, hi := scope.Args()
	var name string
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT s.name FROM sentinel_reports r JOIN sentinels s ON s.id = r.sentinel_id
		WHERE `+scope.Where("r.unit_code", 1)+` AND r.person_id = $3 AND r.created_by = $4 AND r.reported_at > $5
		ORDER BY r.reported_at DESC LIMIT 1`, lo, hi, personID, who.Username, s.now().Add(-14*24*time.Hour).UnixMilli()).Scan(&name)
	if isNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sentinel workflow of person %d: %w", personID, err)
	}
	return "本哨点报告的发热病人（" + name + "）", nil
}
