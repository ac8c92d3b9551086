package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/sheet"
)

// Export writes a report version as an XLSX workbook in the template's
// order and wording: the unit, 截至, each figure, the confirmation.
func Export(w io.Writer, r Report) error {
	x, err := sheet.NewWriter(w, "日报告", []string{"项目", "数值", "说明"}, []float64{28, 12, 40})
	if err != nil {
		return err
	}
	rows := [][]string{
		{"单位", r.UnitName, r.UnitCode},
		{"日期", r.Day, fmt.Sprintf("第%d版", r.Version)},
		{"截至", Stamp(r.AsOf), ""},
	}
	for _, l := range r.Lines {
		switch {
		case !l.Known:
			rows = append(rows, []string{l.Label, "", "无此项"})
		case l.ZeroConfirmed:
			rows = append(rows, []string{l.Label, "0", "零报告（已确认）"})
		default:
			rows = append(rows, []string{l.Label, strconv.Itoa(l.Value), ""})
		}
	}
	onTime := "按时"
	if !r.OnTime {
		onTime = "逾期报送"
	}
	rows = append(rows, []string{"确认人", r.Confirmer, clock.Format(r.SubmittedAt.UnixMilli()) + " " + onTime}, []string{"备注", r.Note, ""})
	for _, row := range rows {
		if err := x.WriteRow(row); err != nil {
			return err
		}
	}
	return x.Close()
}

// Stamp is the report's 截至 time: "YYYY-MM-DD HH:MM" in Shanghai.
func Stamp(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02 15:04") }
