package sampling_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/sampling"
)

// TestResultsLabHeaders: a lab's report is read as its system names the
// columns (条码号 and 结果, a 样本编号 of the lab's own beside the
// barcode); a report with no barcode column names what is missing and
// what the header row holds.
func TestResultsLabHeaders(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 2, 5)
		for i, p := range f.people[dbtest.VillageA] {
			if _, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: fmt.Sprint("h", i), CampaignID: f.campaign.ID,
				PointID: f.point.ID, Tube: "LB2001", Code: p.IDNumber}); err != nil {
				t.Fatal(err)
			}
		}
		lab, err := f.svc.AddLab(ctx, manager, county, sampling.Lab{CampaignID: f.campaign.ID, Name: "第三方实验室", CapacityPerHour: 2000})
		if err != nil {
			t.Fatal(err)
		}
		sent := []byte("鄠邑区新型冠状病毒核酸检测结果报告单,,,,\n" +
			"序号,样本编号,条码号,检测项目,结果\n" +
			"1,S0001,LB2001,新型冠状病毒核酸,阴性(-)\n" +
			"检验者：某某,,审核者：某某,,\n")
		rep, err := f.svc.ImportResults(ctx, sampler, townA, f.campaign.ID, lab.ID, bytes.NewReader(sent), int64(len(sent)), false)
		if err != nil || !rep.Applied || rep.Negative != 1 || rep.BadRows != 0 {
			t.Fatalf("report with 条码号 and 结果: %+v %v", rep, err)
		}
		none := []byte("序号,检测项目,结果\n1,新型冠状病毒核酸,阴性\n")
		_, err = f.svc.ImportResults(ctx, sampler, townA, f.campaign.ID, lab.ID, bytes.NewReader(none), int64(len(none)), false)
		if !errs.IsInvalid(err) || !strings.Contains(err.Error(), "试管条码") || strings.Contains(err.Error(), "缺少列：试管条码、检测结果") ||
			!strings.Contains(err.Error(), "序号、检测项目、结果") {
			t.Fatalf("no barcode column: %v", err)
		}
	})
}
