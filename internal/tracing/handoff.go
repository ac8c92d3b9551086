package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/site"
)

// HandOffInput names judged contacts of a case to hand over, and the
// quarantine site they are transferred to (0: measures only, e.g. 居家).
type HandOffInput struct {
	ContactIDs []int64
	SiteID     int64
}

// HandOffResult counts what a hand-off did.
type HandOffResult struct {
	Assigned    int // put under close_contact / secondary_contact
	Transferred int // transfer (转运) opened to the site
	Xiecha      int // outside the county's registry: on the 协查 list
}

// HandOff puts judged close and secondary contacts under their measures
// with day zero = the last exposure, and opens their transfer to the site,
// all in one transaction: any refusal (a person already at a site, outside
// the caller's scope) undoes the whole hand-off. Contacts not in the
// county's registry cannot be put under measures here: they go to the
// outgoing 协查 list.
func (s *Service) HandOff(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID int64, in HandOffInput) (HandOffResult, error) {
	var res HandOffResult
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return res, err
	}
	if len(in.ContactIDs) == 0 {
		return res, errs.Invalidf("接触者", "请勾选要移交的人")
	}
	lo, hi := scope.Args()
	type item struct {
		id, pid, last   int64
		cat, name, unit string
		outside         bool
	}
	var items []item
	for _, id := range in.ContactIDs {
		var x item
		var pid sql.NullInt64
		var outside int
		var status string
		err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT id, person_id, last_exposure, category, name, unit_code, outside, status
			FROM tracing_contacts WHERE id = $1 AND case_id = $2 AND `+scope.Where("unit_code", 3), id, caseID, lo, hi).
			Scan(&x.id, &pid, &x.last, &x.cat, &x.name, &x.unit, &outside, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return res, fmt.Errorf("contact %d: %w", id, errs.ErrNotFound)
		}
		if err != nil {
			return res, err
		}
		if x.cat != CatClose && x.cat != CatSecondary {
			return res, &errs.Conflict{Message: x.name + " 未判定为密接或次密接，不能移交"}
		}
		if status != StatusJudged {
			return res, &errs.Conflict{Message: x.name + " 已移交（" + status + "）"}
		}
		x.pid, x.outside = pid.Int64, outside == 1 || !pid.Valid
		items = append(items, x)
	}
	now := s.now().UnixMilli()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res = HandOffResult{}
		var ins []measure.AssignInput
		var told []handed
		for _, x := range items {
			if x.outside {
				continue
			}
			cat := "close_contact"
			if x.cat == CatSecondary {
				cat = "secondary_contact"
			}
			ins = append(ins, measure.AssignInput{PersonID: x.pid, Category: cat, DayZero: dayOf(x.last), Source: "流调",
				Note: fmt.Sprintf("病例 %s（编号 %d）的%s", c.Name, c.ID, CategoryName(x.cat))})
		}
		if len(ins) > 0 {
			n, err := s.measures.AssignMany(ctx, who, scope, ins)
			if err != nil {
				return err
			}
			res.Assigned = n
		}
		for _, x := range items {
			status := StatusControlled
			var stay any
			switch {
			case x.outside:
				status = StatusXiecha
				res.Xiecha++
			case in.SiteID != 0:
				reason := "密切接触者"
				if x.cat == CatSecondary {
					reason = "密接的密接"
				}
				st, err := s.transfers.Transfer(ctx, who, scope, in.SiteID, site.TransferInput{PersonID: x.pid, Reason: reason,
					Note: fmt.Sprintf("流调：病例编号 %d", c.ID)})
				if err != nil {
					return fmt.Errorf("%s：%w", x.name, err)
				}
				stay = st.ID
				status = StatusTransferred
				res.Transferred++
			}
			// Only a contact still 已判定: a concurrent hand-off of the same
			// person undoes this one.
			res2, err := tx.ExecContext(ctx, `UPDATE tracing_contacts SET status = $1, stay_id = $2, handed_at = $3, updated_at = $3,
				version = version + 1 WHERE id = $4 AND status = $5`, status, stay, now, x.id, StatusJudged)
			if err != nil {
				return err
			}
			if n, err := res2.RowsAffected(); err != nil || n != 1 {
				return &errs.Conflict{Message: x.name + " 已由他人移交"}
			}
			if !x.outside {
				told = append(told, handed{id: x.id, unit: x.unit, name: x.name})
			}
		}
		// Each contact's village sees them in its work: tell it.
		if err := s.emitHandOff(ctx, tx, told, in.SiteID != 0); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_case", caseID, c.UnitCode,
			fmt.Sprintf("移交管控 %d 人，转运 %d 人，协查 %d 人", res.Assigned, res.Transferred, res.Xiecha))
	})
	if err != nil {
		return HandOffResult{}, fmt.Errorf("hand off contacts of case %d: %w", caseID, err)
	}
	return res, nil
}
