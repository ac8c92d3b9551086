package returnee

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/riskarea"
)

// Update corrects the details of an arrival (origin, dates, transport,
// test, symptoms, gatherings, companions, note); in.Version must be the
// version read. The origin's risk level is computed again from the history;
// a higher level hands the person to control measures again.
func (s *Service) Update(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, in Arrival) (Arrival, error) {
	old, err := s.arrival(ctx, scope, in.ID)
	if err != nil {
		return Arrival{}, err
	}
	a := old
	a.OriginCode, a.OriginName, a.OriginDetail, a.OriginText = in.OriginCode, in.OriginName, in.OriginDetail, in.OriginText
	a.DepartedOn, a.ArrivedOn, a.Transport, a.TransportNo = in.DepartedOn, in.ArrivedOn, in.Transport, in.TransportNo
	a.TestSampledAt, a.Symptoms, a.Gatherings, a.Companions, a.Note = in.TestSampledAt, in.Symptoms, in.Gatherings, in.Companions, in.Note
	a.IDNumber, a.Phone = "", "" // not edited here; validate would re-check them
	if err := validate(&a, s.today()); err != nil {
		return Arrival{}, err
	}
	if a.OriginCode == old.OriginCode && a.OriginText == old.OriginText && a.OriginName == "" && !old.PlacePending() {
		a.OriginName = old.OriginName // the same place: its name stays
	}
	s.resolveOrigin(&a)
	day := a.DepartedOn
	if day == "" {
		day = a.ArrivedOn
	}
	m, err := s.levels.LevelOn(ctx, a.OriginCode, a.OriginDetail, day)
	if err != nil {
		return Arrival{}, err
	}
	a.OriginLevel = m.Level
	now := s.now().UnixMilli()
	// The correction and the measure a higher level calls for commit together.
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE returnees SET origin_code = $1, origin_name = $2, origin_detail = $3, origin_level = $4,
			origin_rank = $5, departed_on = $6, arrived_on = $7, transport = $8, transport_no = $9, test_sampled_at = $10, symptoms = $11,
			gatherings = $12, companions = $13, note = $14, origin_text = $18, origin_status = $19, version = version + 1, updated_at = $15
			WHERE id = $16 AND version = $17`,
			a.OriginCode, a.OriginName, a.OriginDetail, a.OriginLevel, riskarea.Rank(a.OriginLevel), a.DepartedOn, a.ArrivedOn,
			a.Transport, a.TransportNo, a.TestSampledAt, a.Symptoms, a.Gatherings, a.Companions, a.Note, now, a.ID, in.Version,
			a.OriginText, a.OriginStatus)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		if err := audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "returnee", fmt.Sprint(a.ID), a.VillageCode,
			a.Name+"："+changes(old, a)); err != nil {
			return err
		}
		if riskarea.Rank(a.OriginLevel) > riskarea.Rank(old.OriginLevel) {
			return s.assign(ctx, actor, a)
		}
		return nil
	})
	if err != nil {
		return Arrival{}, fmt.Errorf("update arrival %d: %w", a.ID, err)
	}
	a.IDNumber, a.Phone = old.IDNumber, old.Phone
	a.Version, a.UpdatedAt = in.Version+1, now
	return a, nil
}

func changes(a, b Arrival) string {
	pairs := [][3]string{{"来源地", a.OriginCode + a.OriginDetail, b.OriginCode + b.OriginDetail}, {"风险等级", a.OriginLevel, b.OriginLevel},
		{"来源地（填写）", a.OriginText, b.OriginText}, {"地点", placeState(a), placeState(b)},
		{"离开日期", a.DepartedOn, b.DepartedOn}, {"返乡日期", a.ArrivedOn, b.ArrivedOn}, {"交通", a.Transport + a.TransportNo, b.Transport + b.TransportNo},
		{"核酸采样", a.TestSampledAt, b.TestSampledAt}, {"症状", a.Symptoms, b.Symptoms}, {"聚集", a.Gatherings, b.Gatherings},
		{"同住同行", a.Companions, b.Companions}, {"备注", a.Note, b.Note}}
	var out []string
	for _, p := range pairs {
		if p[1] != p[2] {
			out = append(out, p[0]+" "+p[1]+" → "+p[2])
		}
	}
	if len(out) == 0 {
		return "无变化"
	}
	return strings.Join(out, "；")
}

func placeState(a Arrival) string {
	if a.PlacePending() {
		return "地点待核实"
	}
	return "已确定"
}

// Get returns one arrival inside the scope as lists show it (ID number and
// phone masked; not audited).
func (s *Service) Get(ctx context.Context, scope jurisdiction.Scope, id int64) (Row, error) {
	a, err := s.arrival(ctx, scope, id)
	if err != nil {
		return Row{}, err
	}
	return rowOf(a), nil
}
