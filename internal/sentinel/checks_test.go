package sentinel_test

import (
	"context"
	"errors"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/sentinel"
)

func TestMorningChecksAreTheSchoolsReturn(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		school := e.mk(t, dbtest.VillageA, "西街小学", sentinel.KindSchool)
		if _, err := e.s.SubmitCheck(ctx, who, e.townA, e.clinic, sentinel.Check{Group: "一班", Present: 30}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("a clinic's 晨午检: %v", err)
		}
		if _, err := e.s.SubmitCheck(ctx, who, e.townA, school, sentinel.Check{Group: "一班", Present: 3, Fevers: 5}); !errs.IsInvalid(err) {
			t.Errorf("more fevers than pupils: %v", err)
		}
		day, err := e.s.SubmitCheck(ctx, who, e.townA, school, sentinel.Check{Group: "三年级二班", Present: 40})
		if err != nil || !day.Zero() {
			t.Fatalf("a zero check: %+v %v", day, err)
		}
		if _, err := e.s.SubmitCheck(ctx, who, e.townA, school, sentinel.Check{Group: "四年级一班", Present: 38, AbsentIll: 2, Fevers: 1}); err != nil {
			t.Fatal(err)
		}
		// The same class again replaces its figures.
		day, err = e.s.SubmitCheck(ctx, who, e.townA, school, sentinel.Check{Group: "四年级一班", Present: 39, AbsentIll: 1, Fevers: 2})
		if err != nil || len(day.Checks) != 2 || day.Total.Present != 79 || day.Total.AbsentIll != 1 || day.Total.Fevers != 2 || day.Zero() {
			t.Fatalf("the day: %+v %v", day, err)
		}
		rt, ok, err := e.s.ReturnOf(ctx, school.ID, "2026-03-10")
		if err != nil || !ok || rt.Fevers != 2 || rt.Revisions != 3 {
			t.Fatalf("the school's return follows its checks: %+v %v %v", rt, ok, err)
		}
	})
}

func TestReferralLoop(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		fc := e.mk(t, dbtest.TownshipA, "甘亭卫生院发热门诊", sentinel.KindFeverClinic)
		other := e.mk(t, dbtest.TownshipB, "余下卫生院发热哨点", sentinel.KindTownshipFever)
		if _, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "转诊甲", Phone: "13912345678", Temp: "38.3",
			Action: sentinel.ActionRefer, ReferTo: e.clinic.ID}); !errs.IsInvalid(err) {
			t.Errorf("a referral to a clinic that may not treat fever: %v", err)
		}
		r, err := e.s.ReportFever(ctx, who, e.townA, e.clinic, sentinel.ReportInput{Name: "转诊甲", Phone: "13912345678", Temp: "38.3",
			Action: sentinel.ActionRefer, ReferTo: fc.ID})
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.s.FeverClinics(ctx, dbtest.VillageA)
		if err != nil || len(list) != 2 {
			t.Errorf("fever clinics of the county: %+v %v", list, err)
		}
		in, err := e.s.Referred(ctx, fc)
		if err != nil || len(in) != 1 || in[0].ID != r.ID || in[0].ArrivedAt != 0 {
			t.Fatalf("referred to the fever clinic: %+v %v", in, err)
		}
		if err := e.s.Arrived(ctx, who, other, r.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another fever room confirms: %v", err)
		}
		if err := e.s.Arrived(ctx, who, fc, r.ID); err != nil {
			t.Fatal(err)
		}
		// The referring clinic sees the arrival on its report.
		mine, err := e.s.Reports(ctx, e.townA, sentinel.ReportFilter{SentinelID: e.clinic.ID})
		if err != nil || len(mine) != 1 || mine[0].ArrivedAt == 0 || mine[0].ReferredName != fc.Name {
			t.Fatalf("the clinic's report: %+v %v", mine, err)
		}
	})
}
