package returnee

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sheet"
)

// ExportHeaders are the columns of the returnee ledger export (以村为单位建立台账，以镇为单位汇总上报).
var ExportHeaders = []string{"村(社区)代码", "村(社区)", "姓名", "身份证号", "手机号", "来源地代码", "来源地", "具体地点",
	"离开时风险等级", "离开日期", "返乡日期", "交通方式", "车次/航班/车牌", "信息来源", "核酸采样时间", "症状", "聚集活动",
	"同住/同行人员", "核实状态", "备注"}

var exportWidths = []float64{15, 18, 10, 20, 14, 12, 22, 16, 12, 12, 12, 8, 14, 20, 16, 10, 16, 16, 8, 20}

// Export streams the arrivals of a unit inside the scope as XLSX, with full
// ID numbers and phones (the township's report upward), and writes the
// export to the audit log.
func (s *Service) Export(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, unitCode string, w io.Writer) (int, error) {
	unit, err := s.units.Get(ctx, scope, unitCode)
	if err != nil {
		return 0, err
	}
	if scope, err = scope.Narrow(unit.Code); err != nil {
		return 0, err
	}
	names := map[string]string{}
	vs, err := s.units.Units(ctx, scope, jurisdiction.LevelVillage)
	if err != nil {
		return 0, err
	}
	for _, v := range vs {
		names[v.Code] = v.Name
	}
	if unit.Level == jurisdiction.LevelVillage {
		names[unit.Code] = unit.Name
	}
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+arrivalColumns+` FROM returnees r JOIN people p ON p.id = r.person_id
		WHERE `+scope.Where("r.unit_code", 1)+` ORDER BY r.unit_code, r.arrived_on, r.id`, lo, hi)
	if err != nil {
		return 0, fmt.Errorf("export returnees %s: %w", unitCode, err)
	}
	defer rows.Close()
	n, err := writeArrivals(w, rows, names)
	// Recorded even when the client went away: rows that left before the
	// failure are an export too (the entry then says it was cut off).
	actx := context.WithoutCancel(ctx)
	if err != nil {
		if aerr := audit.Record(actx, s.db.W(), s.now(), actor, audit.ActionExport, "returnee", unit.Code, unit.Code,
			fmt.Sprintf("导出返乡人员台账 %s（中断，已读出%d条）", unit.Name, n)); aerr != nil {
			return n, errors.Join(err, aerr)
		}
		return n, err
	}
	err = audit.Record(actx, s.db.W(), s.now(), actor, audit.ActionExport, "returnee", unit.Code, unit.Code,
		fmt.Sprintf("导出返乡人员台账 %s（%d条）", unit.Name, n))
	return n, err
}

// writeArrivals writes the rows as the export's sheet and returns how many
// it read.
func writeArrivals(w io.Writer, rows *sql.Rows, names map[string]string) (int, error) {
	sw, err := sheet.NewWriter(w, "返乡人员台账", ExportHeaders, exportWidths)
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		a, err := scanArrival(rows)
		if err != nil {
			return n, err
		}
		v := jurisdiction.VillageOf(a.VillageCode)
		name, level := a.OriginName, a.OriginLevel
		if a.PlacePending() { // what was typed, and the level unknown
			name = a.OriginText + "（地点待核实）"
			if level == "" {
				level = "未知"
			}
		}
		if err := sw.WriteRow([]string{v, names[v], a.Name, a.IDNumber, a.Phone, a.OriginCode, name, a.OriginDetail,
			level, a.DepartedOn, a.ArrivedOn, a.Transport, a.TransportNo, strings.Join(a.Sources, "、"), a.TestSampledAt,
			a.Symptoms, a.Gatherings, a.Companions, a.Status, a.Note}); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, sw.Close()
}
