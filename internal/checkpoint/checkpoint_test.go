package checkpoint_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/checkpoint"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
)

var who = audit.Actor{UserID: 1, Username: "kakou", Role: "checkpoint", Unit: dbtest.TownshipA, IP: "127.0.0.1"}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	e     *apptest.Env
	s     *checkpoint.Service
	clk   *fakeClock
	scope jurisdiction.Scope // TownshipA's checkpoint account
	cp    checkpoint.Checkpoint
}

// setup starts the app at 2022-01-05 10:00 (Shanghai) with a checkpoint
// of TownshipA on duty and 郑州金水 a high-risk area.
func setup(t *testing.T, d *db.DB) env {
	t.Helper()
	apptest.NeedPlaces(t)
	dbtest.Tree(t, d)
	clk := &fakeClock{t: time.Date(2022, 1, 5, 2, 0, 0, 0, time.UTC)}
	e := apptest.StartWith(t, d, func(c *app.Config) { c.Now = clk.Now })
	ctx := context.Background()
	if _, err := e.App.RiskAreas.Add(ctx, who, riskarea.Entry{Code: "410105", PlaceName: "金水区", Level: "高", EffectiveFrom: "2022-01-01"}); err != nil {
		t.Fatal(err)
	}
	scope, err := jurisdiction.System("test").Narrow(dbtest.TownshipA)
	if err != nil {
		t.Fatal(err)
	}
	s := e.App.Checkpoints
	cp, err := s.CreateCheckpoint(ctx, who, scope, checkpoint.Checkpoint{UnitCode: dbtest.TownshipA, Name: "G108甘亭收费站", Kind: "国省道",
		StaffPerShift: 2, LeaderPost: "镇干部"})
	if err != nil {
		t.Fatal(err)
	}
	return env{e: e, s: s, clk: clk, scope: scope, cp: cp}
}

func person(name, from, to, code string, star bool, tested string) checkpoint.PersonIn {
	return checkpoint.PersonIn{Name: name, From: from, To: to, Temp: "36.5", HealthCode: code, Star: star, TestSampledAt: tested}
}

func withID(p checkpoint.PersonIn, id string) checkpoint.PersonIn {
	p.IDNumber = id
	return p
}

func field(err error) string {
	var inv *errs.Invalid
	if errors.As(err, &inv) {
		return inv.Field
	}
	return ""
}

// TestLogVehicle: a vehicle of three — a green pass, a resident with a
// star and no test handed to 西街社区, an outsider from a high-risk area
// turned back — each with the rule that decided; a resend is not a second
// record; the hand-over is in the ledger and the village's receive list,
// is received, and an unreceived one escalates once.
func TestLogVehicle(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		in := checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "veh-1", Plate: "陕a 12345", VehicleType: "小客车", People: []checkpoint.PersonIn{
			person("张司机", "西安雁塔", "", "绿码", false, ""),
			withID(person("李返乡", "北京朝阳区", "西街社区", "green", true, ""), dbtest.ID("11010519900307001")),
			person("王外地", "郑州金水", "", "green", false, "2022-01-04 09:00"),
		}}
		res, err := x.s.Log(ctx, who, x.scope, in)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct{ outcome, key string }{{checkpoint.Pass, "green"}, {checkpoint.HandOver, "star_resident"}, {checkpoint.TurnBack, "risk_outsider"}}
		for i, c := range res.Checks {
			if c.Outcome != want[i].outcome || c.RuleKey != want[i].key || c.RuleVersion != "2021 双逢查验" {
				t.Errorf("person %d: %s by %s (%s), want %s by %s", i, c.Outcome, c.RuleKey, c.RuleVersion, want[i].outcome, want[i].key)
			}
		}
		if c := res.Checks[2]; c.FromCode != "410105" || c.FromLevel != riskarea.High || !c.Abnormal {
			t.Errorf("郑州金水 resolved to %q level %q abnormal %v", c.FromCode, c.FromLevel, c.Abnormal)
		}
		if c := res.Checks[1]; c.ToCode != dbtest.VillageA || !c.Resident || c.HandoverID == 0 || c.Plate != "陕A12345" {
			t.Errorf("resident: to %q resident %v hand-over %d plate %q", c.ToCode, c.Resident, c.HandoverID, c.Plate)
		}
		again, err := x.s.Log(ctx, who, x.scope, in)
		if err != nil || !again.Replayed || len(again.Checks) != 3 || again.Checks[1].ID != res.Checks[1].ID {
			t.Fatalf("resend: %+v, %v", again, err)
		}
		// The ledger has the arrival, source 卡口移交, in 西街社区.
		rows, err := x.e.App.Returnees.List(ctx, jurisdiction.System("test"), returnee.Filter{Unit: dbtest.VillageA, Source: returnee.SourceCheckpoint})
		if err != nil || len(rows) != 1 || rows[0].Name != "李返乡" || rows[0].TransportNo != "陕A12345" {
			t.Fatalf("ledger: %+v, %v", rows, err)
		}
		// The village's receive list has it; TownshipB's has nothing.
		village, _ := jurisdiction.System("test").Narrow(dbtest.VillageA)
		list, err := x.s.Handovers(ctx, village, checkpoint.HandoverFilter{Status: checkpoint.AwaitReceipt})
		if err != nil || len(list) != 1 || list[0].Name != "李返乡" || list[0].ArrivalID != rows[0].ID {
			t.Fatalf("village list: %+v, %v", list, err)
		}
		other, _ := jurisdiction.System("test").Narrow(dbtest.TownshipB)
		if l, _ := x.s.Handovers(ctx, other, checkpoint.HandoverFilter{}); len(l) != 0 {
			t.Errorf("TownshipB sees %d hand-overs", len(l))
		}
		if _, err := x.s.Receive(ctx, who, other, list[0].ID, ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("TownshipB receives: %v", err)
		}
		figs, err := x.e.App.Checkpoints.Todo(ctx, village, dbtest.VillageA, "2022-01-05")
		if err != nil || figs[0].Value != 1 {
			t.Errorf("todo: %+v, %v", figs, err)
		}
		// 12 hours later it escalates, once.
		x.clk.Add(13 * time.Hour)
		esc, err := x.s.Escalate(ctx)
		if err != nil || len(esc) != 1 || esc[0].ID != list[0].ID {
			t.Fatalf("escalate: %+v, %v", esc, err)
		}
		if esc, _ := x.s.Escalate(ctx); len(esc) != 0 {
			t.Errorf("escalated twice: %+v", esc)
		}
		h, err := x.s.Receive(ctx, who, village, list[0].ID, "已签接收承诺书，居家健康监测")
		if err != nil || h.Status != checkpoint.Received {
			t.Fatalf("receive: %+v, %v", h, err)
		}
		if _, err := x.s.Receive(ctx, who, village, list[0].ID, ""); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("received twice: %v", err)
		}
		// The day's figures.
		f, err := x.s.Figures(ctx, x.scope, "", "2022-01-05")
		if err != nil || len(f) != 1 || f[0].Vehicles != 1 || f[0].People != 3 || f[0].TurnedBack != 1 || f[0].HandedOver != 1 || f[0].Abnormal != 2 {
			t.Errorf("figures: %+v, %v", f, err)
		}
	})
}

// TestOverrideAndOutgoing: the officer may change the outcome with a
// reason only; a hand-over to a place outside the county is an outgoing
// 协查, not an arrival.
func TestOverrideAndOutgoing(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		p := person("赵过境", "西安雁塔", "郑州金水", "green", false, "")
		p.Override = checkpoint.HandOver
		_, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-1", Plate: "豫A88888", People: []checkpoint.PersonIn{p}})
		if field(err) != "people.0.override_reason" {
			t.Fatalf("override without a reason: %v", err)
		}
		p.OverrideReason = "目的地协查要求点对点移交"
		res, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-1", Plate: "豫A88888", People: []checkpoint.PersonIn{p}})
		if err != nil {
			t.Fatal(err)
		}
		if c := res.Checks[0]; c.RuleOutcome != checkpoint.Pass || c.Outcome != checkpoint.HandOver || !c.Overridden() {
			t.Errorf("override: %+v", c)
		}
		out, err := x.s.Handovers(ctx, x.scope, checkpoint.HandoverFilter{Outgoing: true})
		if err != nil || len(out) != 1 || out[0].DestCode != "410105" || out[0].Status != checkpoint.Outgoing {
			t.Fatalf("outgoing: %+v, %v", out, err)
		}
		if n, _ := x.e.App.Returnees.List(ctx, jurisdiction.System("test"), returnee.Filter{Source: returnee.SourceCheckpoint}); len(n) != 0 {
			t.Errorf("an outgoing hand-over made an arrival: %+v", n)
		}
		// Bad input names the person and the field.
		bad := person("钱", "西安", "", "紫码", false, "")
		_, err = x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-2", Plate: "陕A1", People: []checkpoint.PersonIn{person("孙", "西安", "", "green", false, ""), bad}})
		if field(err) != "people.1.health_code" || !strings.Contains(err.Error(), "第2人") {
			t.Errorf("bad code: %v", err)
		}
		// A hand-over names the village, not just the township.
		tw := person("褚", "西安", "甘亭街道", "green", true, "")
		tw.IDNumber, tw.Override, tw.OverrideReason = dbtest.ID("61011819800101088"), checkpoint.HandOver, "本县居民"
		if _, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-4", Plate: "陕A3", People: []checkpoint.PersonIn{tw}}); field(err) != "people.0.to" {
			t.Errorf("hand-over to a township: %v", err)
		}
		// Two villages of the county go by 西街: the officer is asked which,
		// and the person is not taken for an outsider; 西街村 is the one.
		if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ('610118100002', $1, 5, '西街村委会', '村', 0)",
			dbtest.TownshipB); err != nil {
			t.Fatal(err)
		}
		amb := person("卫", "西安雁塔", "西街", "green", false, "")
		if _, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-5", Plate: "陕A5", People: []checkpoint.PersonIn{amb}}); field(err) != "people.0.to" ||
			!strings.Contains(err.Error(), "有多处") || !strings.Contains(err.Error(), "余下镇西街村委会") {
			t.Errorf("an ambiguous village: %v", err)
		}
		amb.To = "西街村"
		if res, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-5", Plate: "陕A5", People: []checkpoint.PersonIn{amb}}); err != nil ||
			len(res.Checks) != 1 || res.Checks[0].ToCode != "610118100002" || !res.Checks[0].Resident {
			t.Errorf("西街村: %+v %v", res, err)
		}
		// A blocked checkpoint logs nothing.
		if _, err := x.s.SetStatus(ctx, who, x.scope, x.cp.ID, checkpoint.Blocked, "", "夜间封堵"); err != nil {
			t.Fatal(err)
		}
		if _, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "o-3", Plate: "陕A2", People: []checkpoint.PersonIn{p}}); field(err) != "checkpoint_id" {
			t.Errorf("blocked checkpoint logged: %v", err)
		}
	})
}

// TestRuleChangeOnItsDate: a new version takes effect on its date, with
// no deploy: yellow codes turned back from 2022-01-06.
func TestRuleChangeOnItsDate(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		v, err := x.s.RulesOn(ctx, "2022-01-05")
		if err != nil {
			t.Fatal(err)
		}
		v.Name, v.BasedOn, v.EffectiveFrom = "2022 黄码劝返", v.Name, "2022-01-06"
		v.Rules = append([]checkpoint.Rule(nil), v.Rules...)
		for i := range v.Rules {
			if v.Rules[i].Key == "yellow" {
				v.Rules[i].Outcome, v.Rules[i].Description = checkpoint.TurnBack, "黄码：劝返"
			}
		}
		if _, err := x.s.CreateRules(ctx, who, v); err != nil {
			t.Fatal(err)
		}
		yellow := func(id string) checkpoint.Check {
			res, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: id, Plate: "陕A3",
				People: []checkpoint.PersonIn{person("周", "西安", "", "yellow", false, "")}})
			if err != nil {
				t.Fatal(err)
			}
			return res.Checks[0]
		}
		if c := yellow("y-1"); c.Outcome != checkpoint.Sample || c.RuleVersion != "2021 双逢查验" {
			t.Errorf("before the date: %s by %s", c.Outcome, c.RuleVersion)
		}
		x.clk.Add(24 * time.Hour)
		if c := yellow("y-2"); c.Outcome != checkpoint.TurnBack || c.RuleVersion != "2022 黄码劝返" {
			t.Errorf("on the date: %s by %s", c.Outcome, c.RuleVersion)
		}
		if _, err := d.W().Exec("UPDATE checkpoint_rule_versions SET note = 'x'"); err == nil {
			t.Error("a stored version was changed")
		}
	})
}

// TestScopeAndShifts: another township's checkpoint account sees neither
// the checkpoint nor its log; a manned checkpoint without its shift filled
// raises the alert once, and a filled roster clears it.
func TestScopeAndShifts(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		if _, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "s-1", Plate: "陕A4",
			People: []checkpoint.PersonIn{person("吴", "西安", "", "green", false, "")}}); err != nil {
			t.Fatal(err)
		}
		other, _ := jurisdiction.System("test").Narrow(dbtest.TownshipB)
		if _, err := x.s.Checkpoint(ctx, other, x.cp.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("TownshipB sees the checkpoint: %v", err)
		}
		if l, _ := x.s.Checks(ctx, other, checkpoint.CheckFilter{}); len(l) != 0 {
			t.Errorf("TownshipB sees %d checks", len(l))
		}
		if _, err := x.s.Log(ctx, who, other, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "s-2", Plate: "陕A5",
			People: []checkpoint.PersonIn{person("郑", "西安", "", "green", false, "")}}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("TownshipB logs at TownshipA's checkpoint: %v", err)
		}
		// 10:00: the day shift (08–16) has nobody.
		alerts, err := x.s.AlertUnfilled(ctx)
		if err != nil || len(alerts) != 1 || alerts[0].Slot != 1 {
			t.Fatalf("alerts: %+v, %v", alerts, err)
		}
		if again, _ := x.s.AlertUnfilled(ctx); len(again) != 0 {
			t.Errorf("alerted twice: %+v", again)
		}
		for _, m := range []checkpoint.Member{{Name: "镇干部甲", Category: "干部", Leader: true}, {Name: "民兵乙", Category: "民兵"}} {
			if err := x.s.AddMember(ctx, who, x.scope, x.cp.ID, "2022-01-05", 1, m); err != nil {
				t.Fatal(err)
			}
		}
		if u, _ := x.s.Unfilled(ctx, x.scope, x.clk.Now()); len(u) != 0 {
			t.Errorf("filled shift still unfilled: %+v", u)
		}
		if c, _ := x.s.Checkpoint(ctx, x.scope, x.cp.ID); !c.MannedNow {
			t.Error("checkpoint with its shift filled is not manned now")
		}
		// 20:00 the night is not covered; at 00:00 the night shift alerts first.
		cov, err := x.s.NightCoverage(ctx, x.scope, "", "2022-01-05")
		if err != nil || len(cov) != 1 || cov[0].Manned != 1 || cov[0].NightCovered != 0 {
			t.Errorf("coverage: %+v, %v", cov, err)
		}
		x.clk.Add(14 * time.Hour) // 2022-01-06 00:00
		alerts, err = x.s.AlertUnfilled(ctx)
		if err != nil || len(alerts) != 1 || !alerts[0].Night || alerts[0].Day != "2022-01-06" {
			t.Fatalf("night alert: %+v, %v", alerts, err)
		}
	})
}

// TestIncidents: an incident is recorded with its police case number and
// seen from the checkpoint's jurisdiction only; a description is required.
func TestIncidents(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		if _, err := x.s.ReportIncident(ctx, who, x.scope, checkpoint.Incident{CheckpointID: x.cp.ID, Kind: "强行冲卡"}); field(err) != "description" {
			t.Errorf("no description: %v", err)
		}
		in, err := x.s.ReportIncident(ctx, who, x.scope, checkpoint.Incident{CheckpointID: x.cp.ID, Kind: "强行冲卡",
			Description: "货车拒绝停车查验，冲过卡口", Plate: "豫a 11111", PoliceCase: "JQ20220105001"})
		if err != nil || in.Plate != "豫A11111" {
			t.Fatalf("report: %+v, %v", in, err)
		}
		list, err := x.s.Incidents(ctx, x.scope, "", 0)
		if err != nil || len(list) != 1 || list[0].PoliceCase != "JQ20220105001" || list[0].CheckpointName != x.cp.Name {
			t.Errorf("incidents: %+v, %v", list, err)
		}
		other, _ := jurisdiction.System("test").Narrow(dbtest.TownshipB)
		if l, _ := x.s.Incidents(ctx, other, "", 0); len(l) != 0 {
			t.Errorf("TownshipB sees %d incidents", len(l))
		}
		if _, err := x.s.ReportIncident(ctx, who, other, checkpoint.Incident{CheckpointID: x.cp.ID, Kind: "强行冲卡", Description: "冲过卡口逃逸"}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("TownshipB reports at TownshipA's checkpoint: %v", err)
		}
	})
}

// TestWorkflow: a person handed over at the caller's checkpoint is its work
// until the village receives them.
func TestWorkflow(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		res, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "w-1", Plate: "陕A8",
			People: []checkpoint.PersonIn{withID(person("冯", "西安", dbtest.VillageA, "green", true, ""), dbtest.ID("61011819800101099"))}})
		if err != nil {
			t.Fatal(err)
		}
		h, err := x.s.Handover(ctx, x.scope, res.Checks[0].HandoverID)
		if err != nil {
			t.Fatal(err)
		}
		if why, err := x.s.InWorkflow(ctx, who, x.scope, h.PersonID); err != nil || why == "" {
			t.Errorf("handed-over person not in the workflow: %q, %v", why, err)
		}
		other, _ := jurisdiction.System("test").Narrow(dbtest.TownshipB)
		if why, _ := x.s.InWorkflow(ctx, who, other, h.PersonID); why != "" {
			t.Errorf("in TownshipB's workflow: %q", why)
		}
		if _, err := x.s.Receive(ctx, who, x.scope, h.ID, ""); err != nil {
			t.Fatal(err)
		}
		if why, _ := x.s.InWorkflow(ctx, who, x.scope, h.PersonID); why != "" {
			t.Errorf("received person still in the workflow: %q", why)
		}
	})
}
