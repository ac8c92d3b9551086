package sampling_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/sampling"
)

// TestResultsLongCells: a line with a cell over sheet.FreeTextChars is
// refused with "单元格内容过长", and no message repeats more than a clipped
// value of the file.
func TestResultsLongCells(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 2, 5)
		lab, err := f.svc.AddLab(ctx, manager, county, sampling.Lab{CampaignID: f.campaign.ID, Name: "区疾控实验室", CapacityPerHour: 100})
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("阳", 1200)
		csv := []byte("试管条码,检测结果\n" +
			"T1," + long + "\n" + // a cell too long
			"T2," + strings.Repeat("阴", 900) + "\n" + // a bad result, echoed
			strings.Repeat("T", 900) + ",阴性\n") // a bad tube, echoed
		rep, err := f.svc.ImportResults(ctx, sampler, townA, f.campaign.ID, lab.ID, bytes.NewReader(csv), int64(len(csv)), false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.BadRows != 3 || len(rep.Errors) != 3 {
			t.Fatalf("report %+v", rep)
		}
		if e := rep.Errors[0]; e.Row != 2 || !strings.Contains(e.Message, "单元格内容过长") || !strings.Contains(e.Message, "检测结果") {
			t.Errorf("long cell: %+v", e)
		}
		for _, e := range rep.Errors {
			if n := len([]rune(e.Message)) + len([]rune(e.Tube)); n > 160 {
				t.Errorf("row %d echoes %d characters: %.80s…", e.Row, n, e.Message)
			}
		}
	})
}
