package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
)

// TestSentinelWeb: a report left unacknowledged goes up to the county and
// shows so to the county, the township and the clinic; the township takes
// it to a positive result, flagged for the county; a school's 晨午检 keeps
// what was typed beside a wrong figure and becomes its return; a fever
// clinic confirms a referred patient's arrival, which the clinic sees.
func TestSentinelWeb(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		ctx, all, svc := context.Background(), jurisdiction.System("test"), e.App.Sentinels
		mk := func(unit, name, kind, account string) sentinel.Sentinel {
			x, err := svc.CreateSentinel(ctx, seedActor, all, sentinel.Sentinel{UnitCode: unit, Name: name, Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			u := e.AddUser(t, account, auth.RoleSentinel, unit)
			if err := svc.Bind(ctx, seedActor, all, x.ID, sentinel.Account{ID: u.ID, Username: u.Username, Role: string(u.Role), UnitCode: u.UnitCode}); err != nil {
				t.Fatal(err)
			}
			return x
		}
		clinic := mk(dbtest.VillageA, "西街村卫生室", sentinel.KindVillageClinic, "cunyi")
		fc := mk(dbtest.TownshipA, "甘亭卫生院发热门诊", sentinel.KindFeverClinic, "fareimenzhen")
		mk(dbtest.VillageA, "西街小学", sentinel.KindSchool, "xiaoxue")
		e.AddUser(t, "xian", auth.RoleCommand, dbtest.County)
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		e.AddUser(t, "zhenB", auth.RoleTownship, dbtest.TownshipB)
		cy, school, fcc := e.Login(t, "cunyi", apptest.Password), e.Login(t, "xiaoxue", apptest.Password), e.Login(t, "fareimenzhen", apptest.Password)
		county, town, townB := e.Login(t, "xian", apptest.Password), e.Login(t, "zhen", apptest.Password), e.Login(t, "zhenB", apptest.Password)

		if st, _ := cy.Post("/sentinel/reports", url.Values{"name": {"超时张"}, "phone": {"13911112222"}, "temp": {"38.8"},
			"action": {sentinel.ActionRefer}, "refer_to": {fmt.Sprint(fc.ID)}}); st != 303 {
			t.Fatalf("report: %d", st)
		}
		if _, body := fcc.Get("/sentinel"); !strings.Contains(body, "超时张") || !strings.Contains(body, "已到达</button>") {
			t.Error("the fever clinic does not see the referred patient")
		}
		// The clock runs out: the sweep escalates it.
		if r, err := svc.Sweep(ctx, time.Now().Add(2*time.Hour+time.Minute)); err != nil || r.Escalated != 1 {
			t.Fatalf("sweep: %+v %v", r, err)
		}
		if _, body := county.Get("/sentinel-reports?status=escalated"); !strings.Contains(body, "超时张") || !strings.Contains(body, "已上报县") {
			t.Error("the county's escalated list lacks the report")
		}
		if _, body := townB.Get("/sentinel-reports?status=escalated"); strings.Contains(body, "超时张") {
			t.Error("another township sees the report")
		}
		if _, body := cy.Get("/sentinel"); !strings.Contains(body, "超时未接收，已上报县") {
			t.Error("the clinic does not see the escalation")
		}
		reps, err := svc.Reports(ctx, all, sentinel.ReportFilter{SentinelID: clinic.ID})
		if err != nil || len(reps) != 1 {
			t.Fatal(reps, err)
		}
		id := reps[0].ID
		for _, to := range []string{sentinel.StatusAcked, sentinel.StatusSampled, sentinel.StatusPositive} {
			if st, _ := town.Post(fmt.Sprintf("/sentinel-reports/%d/advance", id), url.Values{"to": {to}}); st != 303 {
				t.Fatalf("→ %s: %d", to, st)
			}
		}
		if _, body := county.Get("/sentinel-reports?status=flagged"); !strings.Contains(body, "超时张") {
			t.Error("the county's positives lack the report")
		}
		if _, body := town.Get(fmt.Sprintf("/sentinel-reports/%d", id)); !strings.Contains(body, "阳性：已报县指挥部") || !strings.Contains(body, "13911112222") {
			t.Error("the report's page")
		}
		// The fever clinic confirms the arrival; the clinic sees it.
		if st, _ := fcc.Post(fmt.Sprintf("/sentinel/referrals/%d/arrived", id), nil); st != 303 {
			t.Fatalf("arrival: %d", st)
		}
		if _, body := cy.Get("/sentinel"); !strings.Contains(body, "（已到达）") {
			t.Error("the clinic does not see the arrival")
		}
		// A school's 晨午检: a wrong figure comes back beside its field, the class kept.
		st, body := school.Post("/sentinel/checks", url.Values{"grp": {"三年级二班"}, "present": {"3"}, "fevers": {"9"}})
		if st != 400 || !strings.Contains(body, `id="err-check-fevers"`) || !strings.Contains(body, `value="三年级二班"`) {
			t.Errorf("a wrong 晨午检: %d", st)
		}
		if st, _ := school.Post("/sentinel/checks", url.Values{"grp": {"三年级二班"}, "present": {"40"}, "absent_ill": {"1"}, "fevers": {"1"}}); st != 303 {
			t.Fatalf("晨午检: %d", st)
		}
		if _, body := school.Get("/sentinel"); !strings.Contains(body, "今日发现发热 <b>1</b> 人") {
			t.Error("the school's return does not follow its 晨午检")
		}
		// The county's returns: the school reported, the clinic and the fever clinic did not.
		if _, body := county.Get("/sentinels"); !strings.Contains(body, `id="total-missing">2<`) {
			t.Error("the county's missing count")
		}
	})
}
