package report

import (
	"context"
	"database/sql"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Input is what the confirming cadre sends: the values they reviewed, the
// zeros they confirmed, their name and notes.
type Input struct {
	Unit      string
	Seen      map[string]int  // the values on the form the cadre reviewed
	Zero      map[string]bool // 零报告: each figure at zero, confirmed
	Note      string
	Confirmer string
}

// ErrChanged is the answer when the live figures moved while the cadre
// reviewed them: the form is shown again with the new figures.
var ErrChanged = &errs.Conflict{Message: "核对期间数据有更新，请重新核对后提交"}

// Submit compiles unit's report afresh and stores it as the next version,
// confirmed by in.Confirmer. Every figure the cadre reviewed must still
// be the live one (else ErrChanged with the new draft), and every known
// figure at zero must be confirmed in in.Zero (the 零报告). A submission
// after the level's deadline is stored as late.
func (s *Service) Submit(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in Input) (Report, Draft, error) {
	d, err := s.Compile(ctx, scope, in.Unit)
	if err != nil {
		return Report{}, d, err
	}
	if in.Confirmer, err = cleanText("confirmer", in.Confirmer, 20); err != nil {
		return Report{}, d, err
	}
	if in.Confirmer == "" {
		return Report{}, d, errs.Invalidf("confirmer", "请填写确认人姓名")
	}
	if in.Note, err = cleanText("note", in.Note, 1000); err != nil {
		return Report{}, d, err
	}
	for i, l := range d.Lines {
		if !l.Known {
			continue
		}
		if v, ok := in.Seen[l.Key]; !ok || v != l.Value {
			return Report{}, d, ErrChanged
		}
		if l.Value == 0 {
			if !in.Zero[l.Key] {
				return Report{}, d, errs.Invalidf("zero_"+l.Key, "“%s”为0，请勾选确认（零报告）", l.Label)
			}
			d.Lines[i].ZeroConfirmed = true
		}
	}
	now := s.now()
	r := Report{UnitCode: d.Unit.Code, UnitName: d.Unit.Name, Level: reportLevel(d.Unit.Level), Day: d.Day, AsOf: d.AsOf,
		Lines: d.Lines, Note: in.Note, Confirmer: in.Confirmer, UserID: who.UserID, SubmittedAt: now,
		OnTime: !now.After(at(d.Day, d.Template.Deadline))}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, &r); err != nil {
			return err
		}
		kind := "日报告"
		if r.Zero() {
			kind = "零报告"
		}
		return audit.Record(ctx, tx, now, who, "submit", "daily_report", fmt.Sprint(r.ID), r.UnitCode,
			fmt.Sprintf("%s %s 第%d版，确认人%s", kind, r.Day, r.Version, r.Confirmer))
	})
	return r, d, err
}
