package site_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/site"
)

var who = audit.Actor{UserID: 1, Username: "tester", Role: "site", Unit: dbtest.TownshipA, IP: "127.0.0.1"}

// fixed is 2026-03-10 09:00 in Shanghai.
var fixed = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

type env struct {
	s        *site.Service
	reg      *registry.Service
	rec      *recorder
	a, a2, b registry.Person
}

// recorder passes site events on to next (the measures service, or
// site.NoMeasures), checking it is called inside the stay's transaction,
// and then fails when told to.
type recorder struct {
	d       *db.DB
	next    site.SiteEventRecorder
	fail    error
	outside bool
}

func (r *recorder) RecordSiteEvent(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64, event, where string) error {
	if !r.d.InTransaction(ctx) {
		r.outside = true
	}
	if err := r.next.RecordSiteEvent(ctx, who, scope, personID, event, where); err != nil {
		return err
	}
	return r.fail
}

func setup(t *testing.T, d *db.DB) env {
	dbtest.Tree(t, d)
	now := func() time.Time { return fixed }
	units := jurisdiction.NewStore(d, now)
	reg := registry.NewService(d, units, now)
	all := jurisdiction.System("test")
	mk := func(name, id, unit string) registry.Person {
		p, err := reg.CreatePerson(context.Background(), who, all, registry.Person{Name: name, IDNumber: dbtest.ID(id), UnitCode: unit})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rec := &recorder{d: d, next: site.NoMeasures}
	return env{s: site.NewService(d, units, rec, now), reg: reg, rec: rec,
		a: mk("西街甲", "61011819800101001", dbtest.VillageA), a2: mk("东街乙", "61011819800101002", dbtest.VillageA2),
		b: mk("余下丙", "61011819800101003", dbtest.VillageB)}
}

// orderCentral assigns p a close contact's control measure (集中隔离 first,
// under the shipped policy), as 流调 does: a site of another township may
// then receive p by ID number.
func orderCentral(t *testing.T, d *db.DB, p registry.Person) {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return fixed }
	ps := policy.NewStore(d, now)
	if err := ps.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	ms := measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, now)
	tracer := audit.Actor{UserID: 2, Username: "liudiao", Role: "tracing", Unit: dbtest.County, IP: "127.0.0.1"}
	if err := ms.AssignCategory(ctx, tracer, p.ID, "close_contact", "2026-03-09", "流调", ""); err != nil {
		t.Fatal(err)
	}
}

func isConflict(err error, msg string) bool {
	return errors.Is(err, errs.ErrConflict) && strings.Contains(err.Error(), msg)
}

func TestSiteFlow(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county, townA, townB := jurisdiction.Grant(dbtest.County), jurisdiction.Grant(dbtest.TownshipA), jurisdiction.Grant(dbtest.TownshipB)
		villageA, villageB := jurisdiction.Grant(dbtest.VillageA), jurisdiction.Grant(dbtest.VillageB)

		// Sites belong to a county or township inside the scope.
		if _, err := e.s.CreateSite(ctx, who, townA, site.Site{Name: "甲点", UnitCode: dbtest.VillageA}); !errs.IsInvalid(err) {
			t.Errorf("site under a village: %v", err)
		}
		if _, err := e.s.CreateSite(ctx, who, townA, site.Site{Name: "甲点", UnitCode: dbtest.TownshipB}); !errs.IsInvalid(err) {
			t.Errorf("site outside scope: %v", err)
		}
		sa, err := e.s.CreateSite(ctx, who, townA, site.Site{Name: "甘亭酒店", UnitCode: dbtest.TownshipA, ContactPhone: "13800001111"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Site(ctx, townB, sa.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("township B sees township A's site: %v", err)
		}
		if _, err := e.s.Site(ctx, villageA, sa.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village sees a township's site: %v", err)
		}

		// Bulk rooms: floors 1–5 × rooms 01–20, then again (all skipped).
		added, skipped, err := e.s.AddRooms(ctx, who, townA, sa.ID, site.RoomBatch{FloorFrom: 1, FloorTo: 5, RoomFrom: 1, RoomTo: 20, Bathroom: true})
		if err != nil || added != 100 || skipped != 0 {
			t.Fatalf("add rooms: %d %d %v", added, skipped, err)
		}
		if added, skipped, _ = e.s.AddRooms(ctx, who, townA, sa.ID, site.RoomBatch{FloorFrom: 5, FloorTo: 6, RoomFrom: 20, RoomTo: 20}); added != 1 || skipped != 1 {
			t.Errorf("second batch: added %d skipped %d", added, skipped)
		}
		if _, _, err := e.s.AddRooms(ctx, who, townA, sa.ID, site.RoomBatch{No: "双人间", FloorFrom: 1, Beds: 2}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.AddRooms(ctx, who, townB, sa.ID, site.RoomBatch{FloorFrom: 1, FloorTo: 1, RoomFrom: 1, RoomTo: 1}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("rooms from outside: %v", err)
		}
		rooms, err := e.s.Rooms(ctx, townA, sa.ID)
		if err != nil || len(rooms) != 102 {
			t.Fatalf("rooms %d %v", len(rooms), err)
		}
		room := map[string]site.Room{}
		for _, r := range rooms {
			room[r.No] = r
		}
		if r := room["101"]; r.Floor != 1 || r.Beds != 1 || !r.Bathroom || r.Status != site.RoomFree {
			t.Errorf("room 101: %+v", r)
		}
		if len(site.Floors(rooms)) != 6 {
			t.Errorf("floors: %d", len(site.Floors(rooms)))
		}

		// Transfer: the township-A site receives a township-B villager (same
		// county) once 流调 ordered them into central quarantine; before, the
		// ID number is answered as not found and nothing is written.
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber}); !errs.IsInvalid(err) ||
			!strings.Contains(err.Error(), "没有找到可转运的该人员") {
			t.Fatalf("a township-B villager under no measure: %v", err)
		}
		orderCentral(t, d, e.b)
		stB, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber, Reason: "密切接触者", Vehicle: "陕A12345"})
		if err != nil || stB.Status != site.StayTransfer {
			t.Fatalf("transfer: %+v %v", stB, err)
		}
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber}); !isConflict(err, "不能重复安排") {
			t.Errorf("second open stay: %v", err)
		}
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: dbtest.ID("61012419700707007")}); !errs.IsInvalid(err) {
			t.Errorf("unknown person: %v", err)
		}
		stB, err = e.s.CheckIn(ctx, who, townA, stB.ID, stB.Version, room["101"].ID, room["101"].Version)
		if err != nil || stB.Status != site.StayIn || stB.RoomNo != "101" {
			t.Fatalf("check in: %+v %v", stB, err)
		}
		// Double occupancy is refused with a clear message; stale room versions too.
		stA, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.a.IDNumber})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CheckIn(ctx, who, townA, stA.ID, stA.Version, room["101"].ID, 0); !isConflict(err, "已住满") {
			t.Errorf("double occupancy: %v", err)
		}
		if _, err := e.s.CheckIn(ctx, who, townA, stA.ID, stA.Version, room["102"].ID, room["102"].Version+5); !isConflict(err, "状态已变化") {
			t.Errorf("stale room version: %v", err)
		}
		if _, err := e.s.CheckIn(ctx, who, townB, stA.ID, stA.Version, room["102"].ID, 0); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("check-in from outside: %v", err)
		}
		// A two-bed room takes two.
		if _, err := e.s.CheckIn(ctx, who, townA, stA.ID, 0, room["双人间"].ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.a2.IDNumber, RoomID: room["双人间"].ID}); err != nil {
			t.Fatalf("second bed: %v", err)
		}

		// Who sees the stays: the site's township, the county, each person's village.
		count := func(scope jurisdiction.Scope) int {
			list, err := e.s.Stays(ctx, scope, site.StayFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if got := []int{count(townA), count(county), count(townB), count(villageA), count(villageB)}; got[0] != 3 || got[1] != 3 || got[2] != 1 || got[3] != 1 || got[4] != 1 {
			t.Errorf("stays seen by townA, county, townB, villageA, villageB: %v", got)
		}
		if _, err := e.s.ViewStay(ctx, who, villageA, stB.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village A sees village B's villager: %v", err)
		}
		if x, err := e.s.ViewStay(ctx, who, villageB, stB.ID); err != nil || x.IDNumber != e.b.IDNumber {
			t.Errorf("village B views own villager: %+v %v", x, err)
		}
		// A village may see its villager's stay but not act on it.
		if _, err := e.s.CheckOut(ctx, who, villageB, stB.ID, 0, site.OutRelease, "", ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("village checks out: %v", err)
		}

		// Check-out: the room becomes 待消杀 until cleaned.
		if _, err := e.s.CheckOut(ctx, who, townA, stB.ID, stB.Version, site.OutHospital, "", ""); !errs.IsInvalid(err) {
			t.Errorf("hospital without name: %v", err)
		}
		if _, err := e.s.CheckOut(ctx, who, townA, stB.ID, stB.Version, site.OutRelease, "", "期满解除"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CheckOut(ctx, who, townA, stB.ID, 0, site.OutRelease, "", ""); !isConflict(err, "不能重复办理") {
			t.Errorf("second check-out: %v", err)
		}
		r, _ := e.s.Room(ctx, townA, room["101"].ID)
		if r.Status != site.RoomDirty || r.Occupants != 0 {
			t.Errorf("room after check-out: %+v", r)
		}
		stB2, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber})
		if err != nil {
			t.Fatalf("second stay after release: %v", err)
		}
		if _, err := e.s.CheckIn(ctx, who, townA, stB2.ID, 0, r.ID, 0); !isConflict(err, "待消杀") {
			t.Errorf("dirty room: %v", err)
		}
		if _, err := e.s.SetRoomStatus(ctx, who, townA, r.ID, site.RoomFree, r.Version-1); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("stale clean: %v", err)
		}
		if r, err = e.s.SetRoomStatus(ctx, who, townA, r.ID, site.RoomFree, r.Version); err != nil || r.Status != site.RoomFree {
			t.Fatalf("clean: %+v %v", r, err)
		}
		if _, err := e.s.SetRoomStatus(ctx, who, townA, room["双人间"].ID, site.RoomClosed, 0); !isConflict(err, "在住") {
			t.Errorf("closing an occupied room: %v", err)
		}
		if _, err := e.s.CheckIn(ctx, who, townA, stB2.ID, 0, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}

		// Occupancy and the standard: 3 residents need 1 room.
		x, err := e.s.Site(ctx, townA, sa.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o := x.Occupancy; o.Rooms != 102 || o.Occupied != 2 || o.In != 3 || o.Beds != 103 || o.Free != 100 {
			t.Errorf("occupancy %+v", o)
		}
		dash, err := e.s.Occupancy(ctx, county, "")
		if err != nil {
			t.Fatal(err)
		}
		if dash.Total.Residents != 3 || dash.Total.Need != 1 || dash.Total.Gap != 0 || len(dash.Counties) != 1 || dash.Counties[0].Rooms != 102 {
			t.Errorf("dashboard %+v", dash)
		}
		var audited int
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'site_stay' AND subject_unit = $1", dbtest.VillageB).Scan(&audited)
		if audited < 5 {
			t.Errorf("stay steps audited under the person's village: %d", audited)
		}
	})
}

func TestChecklistStaffAndGap(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county := jurisdiction.Grant(dbtest.County)
		x, err := e.s.CreateSite(ctx, who, county, site.Site{Name: "区集中隔离点", UnitCode: dbtest.County, StaffTestEvery: 2})
		if err != nil {
			t.Fatal(err)
		}
		var in []site.CheckInput
		for _, it := range site.CheckItems {
			if it.Required {
				in = append(in, site.CheckInput{Item: it.Name, Result: "pass"})
			}
		}
		in[0].Result = "fail"
		if ready, err := e.s.SaveChecks(ctx, who, county, x.ID, in); err != nil || ready {
			t.Errorf("one item failed: ready %v %v", ready, err)
		}
		if _, err := e.s.SaveChecks(ctx, who, county, x.ID, []site.CheckInput{{Item: "生活区", Result: "pass", CheckedOn: "2026-03-11"}}); !errs.IsInvalid(err) {
			t.Errorf("future date: %v", err)
		}
		if ready, err := e.s.SaveChecks(ctx, who, county, x.ID, []site.CheckInput{{Item: in[0].Item, Result: "pass", CheckedOn: "2026-03-09"}}); err != nil || !ready {
			t.Errorf("all passed: ready %v %v", ready, err)
		}
		checks, ready, _ := e.s.Checklist(ctx, county, x.ID)
		if !ready || checks[0].CheckedOn != "2026-03-09" || checks[0].CheckedBy != "tester" {
			t.Errorf("checklist %+v", checks[0])
		}
		if _, _, err := e.s.Checklist(ctx, jurisdiction.Grant(dbtest.TownshipA), x.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("township sees county site: %v", err)
		}

		// Staff every 2 days: tested on the 8th is due today (10th), on the 7th overdue.
		for _, c := range []struct{ last, want string }{{"2026-03-09", site.TestOK}, {"2026-03-08", site.TestDue}, {"2026-03-07", site.TestOverdue}, {"", site.TestOverdue}} {
			if got := site.TestStateOn(c.last, "2026-03-10", 2); got != c.want {
				t.Errorf("last %q: %s, want %s", c.last, got, c.want)
			}
		}
		st, err := e.s.AddStaff(ctx, who, county, x.ID, site.Staff{Name: "护士张", Post: "医护", Phone: "13900001234",
			IDNumber: dbtest.ID("61011819900101004"), LastTestOn: "2026-03-07", Doses: 3, LastDoseOn: "2021-12-01"})
		if err != nil || st.TestState != site.TestOverdue {
			t.Fatalf("add staff: %+v %v", st, err)
		}
		if _, err := e.s.AddStaff(ctx, who, county, x.ID, site.Staff{Name: "无岗位"}); !errs.IsInvalid(err) {
			t.Errorf("staff without post: %v", err)
		}
		st.LastTestOn = "2026-03-10"
		if st, err = e.s.UpdateStaff(ctx, who, county, st); err != nil || st.TestState != site.TestOK {
			t.Errorf("record test: %+v %v", st, err)
		}
		if _, err := e.s.UpdateStaff(ctx, who, county, site.Staff{ID: st.ID, Name: "护士张", Post: "医护", Version: 1}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("stale staff version: %v", err)
		}

		// 3 residents, 0 usable rooms: a gap of 1.
		dash, err := e.s.Occupancy(ctx, county, dbtest.County)
		if err != nil || dash.Total.Gap != 1 || dash.Total.Need != 1 {
			t.Errorf("gap: %+v %v", dash.Total, err)
		}
		if _, err := e.s.Occupancy(ctx, jurisdiction.Grant(dbtest.TownshipA), dbtest.TownshipB); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("occupancy of another township: %v", err)
		}
	})
}

// TestConcurrentCheckIn: many people race for one single room; exactly one
// gets it and the others are told it is full.
func TestConcurrentCheckIn(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		all := jurisdiction.System("test")
		x, err := e.s.CreateSite(ctx, who, all, site.Site{Name: "单间点", UnitCode: dbtest.County})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.AddRooms(ctx, who, all, x.ID, site.RoomBatch{No: "8801", FloorFrom: 8}); err != nil {
			t.Fatal(err)
		}
		rooms, _ := e.s.Rooms(ctx, all, x.ID)
		var stays []site.Stay
		for _, p := range []registry.Person{e.a, e.a2, e.b} {
			st, err := e.s.Transfer(ctx, who, all, x.ID, site.TransferInput{PersonID: p.ID})
			if err != nil {
				t.Fatal(err)
			}
			stays = append(stays, st)
		}
		errc := make(chan error, len(stays))
		for _, st := range stays {
			go func() {
				_, err := e.s.CheckIn(ctx, who, all, st.ID, st.Version, rooms[0].ID, 0)
				errc <- err
			}()
		}
		won := 0
		for range stays {
			if err := <-errc; err == nil {
				won++
			} else if !isConflict(err, "已住满") {
				t.Errorf("loser: %v", err)
			}
		}
		r, _ := e.s.Room(ctx, all, rooms[0].ID)
		if won != 1 || r.Occupants != 1 || r.Status != site.RoomOccupied {
			t.Errorf("winners %d, room %+v", won, r)
		}
	})
}

// TestStayAndMeasureOneTransaction: a transfer, check-in or check-out and
// its note on the person's control measure commit together; when the note
// fails, the stay, the room and the measure are as before. A person with no
// active measure is checked in all the same.
func TestStayAndMeasureOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		townA := jurisdiction.Grant(dbtest.TownshipA)
		now := func() time.Time { return fixed }
		ps := policy.NewStore(d, now)
		if err := ps.EnsureDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		ms := measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, now)
		e.rec.next = ms
		if err := ms.AssignCategory(ctx, who, e.a.ID, "close_contact", "2026-03-09", "流调", ""); err != nil {
			t.Fatal(err)
		}
		sa, err := e.s.CreateSite(ctx, who, townA, site.Site{Name: "甘亭酒店", UnitCode: dbtest.TownshipA})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.AddRooms(ctx, who, townA, sa.ID, site.RoomBatch{FloorFrom: 1, FloorTo: 1, RoomFrom: 1, RoomTo: 2}); err != nil {
			t.Fatal(err)
		}
		rooms, err := e.s.Rooms(ctx, townA, sa.ID)
		if err != nil || len(rooms) != 2 {
			t.Fatalf("rooms %d %v", len(rooms), err)
		}
		note := func() string {
			m, err := ms.Active(ctx, townA, e.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			return m.Note
		}
		count := func(q string) int {
			var n int
			if err := d.R().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		unchanged := func(step, wantNote string, stays, occupants int) {
			t.Helper()
			if got := note(); got != wantNote {
				t.Errorf("%s: measure note %q, want %q", step, got, wantNote)
			}
			if n := count("SELECT COUNT(*) FROM site_stays"); n != stays {
				t.Errorf("%s: %d stays, want %d", step, n, stays)
			}
			if n := count("SELECT COALESCE(SUM(occupants), 0) FROM site_rooms"); n != occupants {
				t.Errorf("%s: %d occupants, want %d", step, n, occupants)
			}
		}
		e.rec.fail = errors.New("measure note failed")
		// Transfer straight into a room.
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.a.IDNumber, RoomID: rooms[0].ID}); !errors.Is(err, e.rec.fail) {
			t.Fatalf("transfer with a failing note: %v", err)
		}
		unchanged("transfer", "", 0, 0)
		// Transfer, then check in, then check out, each failing once first.
		e.rec.fail = nil
		st, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.a.IDNumber})
		if err != nil || !strings.Contains(note(), "转运 甘亭酒店") {
			t.Fatalf("transfer: %v, note %q", err, note())
		}
		before := note()
		e.rec.fail = errors.New("measure note failed")
		if _, err := e.s.CheckIn(ctx, who, townA, st.ID, st.Version, rooms[0].ID, 0); !errors.Is(err, e.rec.fail) {
			t.Fatalf("check-in with a failing note: %v", err)
		}
		unchanged("check-in", before, 1, 0)
		e.rec.fail = nil
		st, err = e.s.CheckIn(ctx, who, townA, st.ID, st.Version, rooms[0].ID, 0)
		if err != nil || st.Status != site.StayIn || !strings.Contains(note(), "入住 甘亭酒店 101室") {
			t.Fatalf("check-in: %+v %v, note %q", st, err, note())
		}
		before = note()
		e.rec.fail = errors.New("measure note failed")
		if _, err := e.s.CheckOut(ctx, who, townA, st.ID, st.Version, site.OutRelease, "", ""); !errors.Is(err, e.rec.fail) {
			t.Fatalf("check-out with a failing note: %v", err)
		}
		unchanged("check-out", before, 1, 1)
		e.rec.fail = nil
		if _, err := e.s.CheckOut(ctx, who, townA, st.ID, st.Version, site.OutRelease, "", ""); err != nil || !strings.Contains(note(), site.OutRelease) {
			t.Fatalf("check-out: %v, note %q", err, note())
		}
		// No active measure (a villager of the site's own township): the stay stands.
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.a2.IDNumber, RoomID: rooms[1].ID}); err != nil {
			t.Fatalf("transfer of a person without a measure: %v", err)
		}
		if e.rec.outside {
			t.Error("measures told outside the stay's transaction")
		}
	})
}

// A registry id names only people the caller sees: a township's site
// account walking person ids of another township gets not-found and writes
// nothing (no stay, no audit entry); the ID-number path reaches the whole
// county for people ordered into central quarantine (转运 across townships).
func TestTransferByPersonIDStaysInScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		townA := jurisdiction.Grant(dbtest.TownshipA)
		sa, err := e.s.CreateSite(ctx, who, townA, site.Site{Name: "甘亭酒店", UnitCode: dbtest.TownshipA})
		if err != nil {
			t.Fatal(err)
		}
		rows := func() (n int) {
			d.R().QueryRow("SELECT (SELECT COUNT(*) FROM site_stays) + (SELECT COUNT(*) FROM audit_log WHERE entity = 'site_stay')").Scan(&n)
			return n
		}
		before := rows()
		if st, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{PersonID: e.b.ID}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("person id of another township: %+v %v, want not found", st, err)
		}
		if after := rows(); after != before {
			t.Errorf("a refused transfer wrote %d rows", after-before)
		}
		if st, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{PersonID: e.a.ID}); err != nil || st.PersonID != e.a.ID {
			t.Errorf("person id inside the township: %+v %v", st, err)
		}
		// By ID number: another township's villager only when ordered into
		// central quarantine — a site account cannot look people up with
		// transfers (a refused one writes nothing).
		if _, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber}); !errs.IsInvalid(err) {
			t.Errorf("ID number of another township, no measure: %v, want invalid", err)
		}
		if after := rows(); after != before+2 {
			t.Errorf("a refused transfer by ID number wrote %d rows", after-before-2)
		}
		orderCentral(t, d, e.b)
		if st, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber}); err != nil || st.PersonID != e.b.ID {
			t.Errorf("ID number of another township of the county, under a measure: %+v %v", st, err)
		}
	})
}

// A site account's view: the stays at its sites (and the people there are
// its workflow), not its township's people staying at another site.
func TestSiteAccountSeesItsSites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		county, townA := jurisdiction.Grant(dbtest.County), jurisdiction.Grant(dbtest.TownshipA)
		sa, err := e.s.CreateSite(ctx, who, townA, site.Site{Name: "甘亭酒店", UnitCode: dbtest.TownshipA})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.s.CreateSite(ctx, who, county, site.Site{Name: "县级隔离点", UnitCode: dbtest.County})
		if err != nil {
			t.Fatal(err)
		}
		orderCentral(t, d, e.b)
		here, err := e.s.Transfer(ctx, who, townA, sa.ID, site.TransferInput{IDNumber: e.b.IDNumber})
		if err != nil {
			t.Fatal(err)
		}
		away, err := e.s.Transfer(ctx, who, county, sc.ID, site.TransferInput{IDNumber: e.a.IDNumber}) // a township-A villager at the county's site
		if err != nil {
			t.Fatal(err)
		}
		if list, _ := e.s.Stays(ctx, townA, site.StayFilter{}); len(list) != 2 {
			t.Errorf("the township sees %d stays, want both", len(list))
		}
		if list, _ := e.s.Stays(ctx, townA, site.StayFilter{AtSites: true}); len(list) != 1 || list[0].ID != here.ID {
			t.Errorf("at its sites: %+v", list)
		}
		if _, err := e.s.ViewStayAtSites(ctx, who, townA, away.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("a stay elsewhere: %v", err)
		}
		if x, err := e.s.ViewStayAtSites(ctx, who, townA, here.ID); err != nil || x.IDNumber != e.b.IDNumber {
			t.Errorf("a stay at its site: %+v %v", x, err)
		}
		for _, c := range []struct {
			person int64
			in     bool
		}{{e.b.ID, true}, {e.a.ID, false}, {e.a2.ID, false}} {
			if why, err := e.s.InWorkflow(ctx, who, townA, c.person); err != nil || (why != "") != c.in {
				t.Errorf("person %d in the site's workflow: %q %v, want %v", c.person, why, err, c.in)
			}
		}
	})
}
