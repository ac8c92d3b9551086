package pushlist

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/returnee"
)

// Answer is a village's answer to a task.
type Answer struct {
	Result    string // one of Results
	Note      string
	ArrivedOn string // arrival date the answer 在村 confirms; the pushed date when empty
	// Sex and BirthDate register a person the registry does not know and
	// whose ID number is missing or invalid (在村 only).
	Sex, BirthDate string
	Version        int64 // the version the answer is based on; 0 = any
}

// AnswerTask records the answer to an open (or already answered) task
// inside the scope. 在村 also records the arrival in the returnee ledger
// (source 大数据推送), with the person and the control measure it calls
// for, in the answer's transaction: all of it commits or none.
func (s *Service) AnswerTask(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, a Answer) (Task, error) {
	if !slices.Contains(Results, a.Result) {
		return Task{}, errs.Invalidf("核查结果", "请选择核查结果：%s", strings.Join(Results, "/"))
	}
	var err error
	if a.Note, err = personal.Text(a.Note); err != nil {
		return Task{}, errs.Invalidf("备注", "%s", err.Error())
	}
	if utf8.RuneCountInString(a.Note) > 200 {
		return Task{}, errs.Invalidf("备注", "备注超过200字")
	}
	if a.ArrivedOn != "" {
		if a.ArrivedOn = normDate(a.ArrivedOn); a.ArrivedOn == "" {
			return Task{}, errs.Invalidf("到达日期", "到达日期格式应为 2026-11-20")
		}
	}
	t, err := s.task(ctx, s.db.R(), scope, id)
	if err != nil {
		return Task{}, err
	}
	switch {
	case t.Status == StatusDuplicate || t.Status == StatusRejected || t.Status == StatusCancelled:
		return Task{}, &errs.Conflict{Message: "该行为" + StatusName(t.Status) + "，无需核查"}
	case t.Queued():
		return Task{}, errs.Invalidf("所属村", "该任务在待分派队列中，请先分派到村（社区）")
	case a.Version > 0 && a.Version != t.Version:
		return Task{}, errs.ErrConflict
	}
	var arr *returnee.Arrival
	if a.Result == ResultInVillage && t.ArrivalID == 0 {
		arr = &returnee.Arrival{PersonID: t.PersonID, Name: t.Name, Phone: t.Phone, VillageCode: t.UnitCode,
			OriginText: t.Origin, ArrivedOn: a.ArrivedOn, Source: returnee.SourcePush,
			SourceRef: fmt.Sprint("push-task:", t.ID), Note: a.Note, Sex: a.Sex, BirthDate: a.BirthDate,
			Status: returnee.StatusVerified}
		if _, err := personal.NormalizeIDNumber(t.IDNumber); err == nil {
			arr.IDNumber = t.IDNumber
		}
		if arr.ArrivedOn == "" {
			arr.ArrivedOn = t.ArrivalDate
		}
		if arr.ArrivedOn == "" {
			arr.ArrivedOn = clock.Day(s.now())
		}
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		arrivalID := t.ArrivalID
		if arr != nil {
			rec, _, err := s.arrivals.Record(ctx, who, scope, *arr)
			if err != nil {
				return err
			}
			arrivalID = rec.ID
		}
		res, err := tx.ExecContext(ctx, `UPDATE push_tasks SET status = $1, result = $2, result_note = $3, arrival_id = $4,
			answered_at = $5, answered_by = $6, version = version + 1 WHERE id = $7 AND version = $8`,
			StatusDone, a.Result, a.Note, arrivalID, s.now().UnixMilli(), who.Username, id, t.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.ErrConflict
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "pushtask", fmt.Sprint(id), t.UnitCode,
			"核查任务 "+t.Name+"："+a.Result)
	})
	if err != nil {
		return Task{}, fmt.Errorf("answer push task %d: %w", id, err)
	}
	return s.task(ctx, s.db.Reader(ctx), scope, id)
}

// RouteTask moves an open task waiting in a township or county queue to a
// village or group inside the caller's scope (人工分派).
func (s *Service) RouteTask(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, unitCode string, version int64) (Task, error) {
	t, err := s.task(ctx, s.db.R(), scope, id)
	if err != nil {
		return Task{}, err
	}
	if t.Status != StatusOpen || !t.Queued() {
		return Task{}, &errs.Conflict{Message: "只有待分派队列中未核查的任务可以分派"}
	}
	if version > 0 && version != t.Version {
		return Task{}, errs.ErrConflict
	}
	unitCode = strings.TrimSpace(unitCode)
	u, err := s.units.Get(ctx, scope, unitCode)
	if err != nil || (u.Level != jurisdiction.LevelVillage && u.Level != jurisdiction.LevelGroup) {
		return Task{}, errs.Invalidf("分派到", "请选择您辖区内的村（社区）或组，%q 不可用", unitCode)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE push_tasks SET unit_code = $1, route_method = $2, version = version + 1
			WHERE id = $3 AND version = $4 AND status = 'open'`, u.Code, "人工分派（"+who.Username+"）", id, t.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.ErrConflict
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "pushtask", fmt.Sprint(id), u.Code,
			"核查任务 "+t.Name+" 分派到 "+u.Name)
	})
	if err != nil {
		return Task{}, fmt.Errorf("route push task %d: %w", id, err)
	}
	return s.task(ctx, s.db.R(), scope, id)
}
