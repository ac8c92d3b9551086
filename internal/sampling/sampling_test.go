package sampling_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sampling"
)

var (
	manager = audit.Actor{UserID: 1, Username: "town", Role: "township", Unit: dbtest.TownshipA, IP: "127.0.0.1"}
	sampler = audit.Actor{UserID: 2, Username: "sampler", Role: "sampling", Unit: dbtest.TownshipA, IP: "127.0.0.1"}
	townA   = jurisdiction.Grant(dbtest.TownshipA)
	county  = jurisdiction.Grant(dbtest.County)
)

type fixture struct {
	reg      *registry.Service
	svc      *sampling.Service
	campaign sampling.Campaign
	point    sampling.Point
	people   map[string][]registry.Person // by village
	hook     *assigned                    // the measures service as the service sees it
}

// setup makes n people in each of VillageA, VillageA2 and VillageB, and an
// active campaign over the county with a point in VillageA.
func setup(t *testing.T, d *db.DB, n, pool int) *fixture {
	t.Helper()
	ctx := context.Background()
	dbtest.Tree(t, d)
	units := jurisdiction.NewStore(d, time.Now)
	hook := &assigned{}
	f := &fixture{reg: registry.NewService(d, units, time.Now), svc: sampling.NewService(d, units, hook, time.Now),
		people: map[string][]registry.Person{}, hook: hook}
	for vi, v := range []string{dbtest.VillageA, dbtest.VillageA2, dbtest.VillageB} {
		h, err := f.reg.CreateHousehold(ctx, manager, county, registry.Household{UnitCode: v, Address: "测试路" + fmt.Sprint(vi) + "号", Phone: "13800000000"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			p, err := f.reg.CreatePerson(ctx, manager, county, registry.Person{Name: fmt.Sprintf("测试%d号%d", vi, i),
				IDNumber: dbtest.ID(fmt.Sprintf("61011819800101%d%02d", vi, i)), HouseholdID: h.ID, UnitCode: v,
				Residence: registry.ResidentLocal, Phone: "13912345678", Relation: map[bool]string{true: "户主", false: "其他"}[i == 0]})
			if err != nil {
				t.Fatal(err)
			}
			f.people[v] = append(f.people[v], p)
		}
	}
	c, err := f.svc.CreateCampaign(ctx, manager, county, sampling.CampaignInput{UnitCode: dbtest.County, Name: "第一轮全员核酸",
		StartsOn: "2022-01-05", EndsOn: "2022-01-06", PoolSize: pool})
	if err != nil {
		t.Fatal(err)
	}
	f.point, err = f.svc.AddPoint(ctx, manager, county, sampling.Point{CampaignID: c.ID, UnitCode: dbtest.VillageA, Name: "西街广场", Address: "西街1号", Tables: 4})
	if err != nil {
		t.Fatal(err)
	}
	if f.campaign, err = f.svc.StartCampaign(ctx, manager, county, c.ID); err != nil {
		t.Fatal(err)
	}
	if f.campaign.TargetCount != 3*n {
		t.Fatalf("targets %d, want %d", f.campaign.TargetCount, 3*n)
	}
	return f
}

func TestScan(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 7, 5)
		code0, err := f.svc.PersonCode(ctx, townA, f.people[dbtest.VillageA][0].ID)
		if err != nil {
			t.Fatal(err)
		}
		req := sampling.ScanRequest{ScanID: "s1", CampaignID: f.campaign.ID, PointID: f.point.ID, Tube: "T0001", Code: code0}
		r, err := f.svc.Scan(ctx, sampler, townA, req)
		if err != nil || r.Result != sampling.ResultAdded || r.PoolCount != 1 || r.PoolSize != 5 {
			t.Fatalf("first scan: %+v %v", r, err)
		}
		if r.PersonName != "测***0" {
			t.Errorf("masked name %q", r.PersonName)
		}
		// Retry of the same scan: replayed, no second sample.
		r2, err := f.svc.Scan(ctx, sampler, townA, req)
		if err != nil || r2.Result != sampling.ResultReplayed || r2.SampleID != r.SampleID {
			t.Fatalf("replay: %+v %v", r2, err)
		}
		// The same person again under a new scan id: already sampled, earlier tube.
		req.ScanID, req.Tube = "s2", "T0002"
		r3, err := f.svc.Scan(ctx, sampler, townA, req)
		if err != nil || r3.Result != sampling.ResultAlreadySampled || r3.Tube != "T0001" {
			t.Fatalf("already sampled: %+v %v", r3, err)
		}
		// By ID number (the second typed with spaces, into the tube typed
		// with spaces); fill the tube to 5; the 6th is refused.
		for i := 1; i < 6; i++ {
			p := f.people[dbtest.VillageA2][i]
			code, tube := p.IDNumber, "t0001"
			if i == 2 {
				code, tube = code[:4]+" "+code[4:10]+"\u3000"+code[10:], " t 00 01"
			}
			r, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: fmt.Sprint("id", i), CampaignID: f.campaign.ID,
				PointID: f.point.ID, Tube: tube, Code: code})
			if i < 5 {
				if err != nil || r.Result != sampling.ResultAdded || r.PoolCount != i+1 || r.PoolFull != (i == 4) {
					t.Fatalf("scan %d: %+v %v", i, r, err)
				}
			} else if !errs.IsInvalid(err) || r.Result != sampling.ResultRefused {
				t.Fatalf("scan into full tube: %+v %v", r, err)
			}
		}
		// Outside the sampler's township: refused, nothing written.
		before := count(t, d, "test_samples")
		r, err = f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: "out", CampaignID: f.campaign.ID, PointID: f.point.ID,
			Tube: "T0003", Code: f.people[dbtest.VillageB][0].IDNumber})
		if !errs.IsInvalid(err) || r.Message == "" || count(t, d, "test_samples") != before || count(t, d, "test_tubes") != 1 {
			t.Fatalf("outside scope: %+v %v", r, err)
		}
		// Unknown code.
		if _, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: "x", CampaignID: f.campaign.ID, PointID: f.point.ID,
			Tube: "T0003", Code: "PZZZZZZZZZZZZZZZ"}); !errs.IsInvalid(err) {
			t.Fatalf("unknown code: %v", err)
		}
		// Campaign invisible from a scope of another county.
		if _, err := f.svc.Scan(ctx, sampler, jurisdiction.Grant("610122"), sampling.ScanRequest{ScanID: "y", CampaignID: f.campaign.ID,
			PointID: f.point.ID, Tube: "T0003", Code: code0}); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("other county: %v", err)
		}
		// Close by hand.
		if _, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: "z", CampaignID: f.campaign.ID, PointID: f.point.ID,
			Tube: "T0004", Code: f.people[dbtest.VillageA][1].IDNumber}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CloseTube(ctx, sampler, townA, f.campaign.ID, "T0004"); err != nil {
			t.Fatal(err)
		}
		if r, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: "z2", CampaignID: f.campaign.ID, PointID: f.point.ID,
			Tube: "T0004", Code: f.people[dbtest.VillageA][2].IDNumber}); !errs.IsInvalid(err) {
			t.Fatalf("scan into closed tube: %+v %v", r, err)
		}
		if n := count(t, d, "test_samples"); n != 6 {
			t.Errorf("%d samples, want 6", n)
		}
	})
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Counts are scoped like rows: a village or township looking at a county
// round sees how many of its own people it targets, in the list and in the
// round, never the county's total.
func TestTargetCountIsTheViewers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 4, 5)
		for _, c := range []struct {
			name  string
			scope jurisdiction.Scope
			want  int
		}{{"county", county, 12}, {"township A", townA, 8}, {"village A", jurisdiction.Grant(dbtest.VillageA), 4}} {
			list, err := f.svc.Campaigns(ctx, c.scope)
			if err != nil || len(list) != 1 {
				t.Fatalf("%s: campaigns %v %v", c.name, list, err)
			}
			one, err := f.svc.Campaign(ctx, c.scope, f.campaign.ID)
			if err != nil {
				t.Fatal(err)
			}
			if list[0].TargetCount != c.want || one.TargetCount != c.want {
				t.Errorf("%s sees %d targets in the list and %d in the round, want %d", c.name, list[0].TargetCount, one.TargetCount, c.want)
			}
		}
	})
}

// A sampling account's workflow: the people it sampled in an active round;
// codes resolve to people, a household code is refused.
func TestSamplingWorkflowAndCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, 2, 5)
		a, b := f.people[dbtest.VillageA][0], f.people[dbtest.VillageA][1]
		code, err := f.svc.PersonCode(ctx, townA, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := f.svc.PersonByCode(ctx, " "+strings.ToLower(code)); err != nil || id != a.ID {
			t.Errorf("person by code: %d %v", id, err)
		}
		hcode, _ := f.svc.HouseholdCode(ctx, townA, a.HouseholdID)
		if _, err := f.svc.PersonByCode(ctx, hcode); !errs.IsInvalid(err) {
			t.Errorf("household code: %v", err)
		}
		if _, err := f.svc.PersonByCode(ctx, "PZZZZZZZZZZZZZZZ"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown code: %v", err)
		}
		if _, err := f.svc.Scan(ctx, sampler, townA, sampling.ScanRequest{ScanID: "w1", CampaignID: f.campaign.ID, PointID: f.point.ID,
			Tube: "T0001", Code: code}); err != nil {
			t.Fatal(err)
		}
		if why, err := f.svc.InWorkflow(ctx, sampler, townA, a.ID); err != nil || !strings.Contains(why, "由您采样") {
			t.Errorf("sampled by the caller: %q %v", why, err)
		}
		other := audit.Actor{UserID: 99, Username: "other", Role: "sampling", Unit: dbtest.TownshipA}
		for _, c := range []struct {
			who audit.Actor
			id  int64
		}{{other, a.ID}, {sampler, b.ID}} {
			if why, err := f.svc.InWorkflow(ctx, c.who, townA, c.id); err != nil || why != "" {
				t.Errorf("%s, person %d: %q %v", c.who.Username, c.id, why, err)
			}
		}
	})
}
