package pushlist

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sheet"
)

// FeedbackHeaders are the columns the feedback file appends to the pushed
// file's own.
// 所属村 names the village (社区), 所属组 the group when the task is in one;
// 原文件行号 is the row's number in the file as sent.
var FeedbackHeaders = []string{"核查结果", "核查时间", "核查人", "所属村", "所属组", "匹配方式", "备注", "处理情况", "原文件行号"}

// Feedback writes the feedback file (回传) of a list inside the scope: the
// pushed file's columns and rows in their order, every row present, with
// FeedbackHeaders appended. The export is audited. It returns the number of
// rows written.
func (s *Service) Feedback(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, listID int64, w io.Writer) (int, error) {
	l, err := s.GetList(ctx, scope, listID)
	if err != nil {
		return 0, err
	}
	if err := audit.Record(ctx, s.db.W(), s.now(), who, audit.ActionExport, "pushlist", fmt.Sprint(l.ID), l.UnitCode,
		fmt.Sprintf("下载推送名单“%s”回传文件（%d行）", l.Name, l.Rows)); err != nil {
		return 0, err
	}
	listScope, err := scope.Narrow(l.UnitCode) // GetList checked that the list's unit lies in scope
	if err != nil {
		return 0, err
	}
	names, err := s.unitNames(ctx, listScope)
	if err != nil {
		return 0, err
	}
	width := len(l.Headers)
	sw, err := sheet.NewWriter(w, "回传", append(append([]string(nil), l.Headers...), FeedbackHeaders...), nil)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT row_no, raw, unit_code, outcome, match_method, route_method, reason, status, result,
		result_note, answered_at, answered_by, deadline_at FROM push_tasks WHERE list_id = $1 ORDER BY row_no`, listID)
	if err != nil {
		return 0, fmt.Errorf("feedback %d: %w", listID, err)
	}
	defer rows.Close()
	now := s.now().UnixMilli()
	n := 0
	out := make([]string, width+len(FeedbackHeaders))
	for rows.Next() {
		var raw, unit, outcome, match, route, reason, status, result, note, by string
		var at, deadline int64
		var rowNo int
		if err := rows.Scan(&rowNo, &raw, &unit, &outcome, &match, &route, &reason, &status, &result, &note, &at, &by, &deadline); err != nil {
			return n, err
		}
		clear(out)
		copy(out[:width], strings.Split(raw, rawSep))
		f := out[width:]
		switch status {
		case StatusDone:
			f[0], f[1], f[2] = result, clock.Format(at), by
		case StatusOpen:
			f[0] = "待核查"
			if deadline < now {
				f[0] = "逾期未核查"
			}
		default:
			f[0] = StatusName(status)
		}
		village := jurisdiction.VillageOf(unit)
		if village == "" {
			village = unit // a township or county queue
		}
		f[3] = names[village]
		if village != unit {
			f[4] = names[unit]
		}
		if len(unit) < 12 && status == StatusOpen {
			f[3] += "（待分派）"
		}
		f[5] = joinReason(match, route)
		f[6] = joinReason(reason, note)
		f[7] = OutcomeName(outcome)
		f[8] = itoa(rowNo)
		if err := sw.WriteRow(out); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, sw.Close()
}

func (s *Service) unitNames(ctx context.Context, scope jurisdiction.Scope) (map[string]string, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT code, name FROM units WHERE "+scope.Where("code", 1), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("unit names: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		m[c] = n
	}
	return m, rows.Err()
}
