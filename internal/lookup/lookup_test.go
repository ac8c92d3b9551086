package lookup_test

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
	"fangkong/internal/lookup"
	"fangkong/internal/registry"
)

// flow is a workflow holding one person.
type flow struct{ person int64 }

func (f flow) InWorkflow(_ context.Context, _ audit.Actor, _ jurisdiction.Scope, id int64) (string, error) {
	if id == f.person {
		return "本岗位移交的管控对象", nil
	}
	return "", nil
}

type codes map[string]int64

func (c codes) PersonByCode(_ context.Context, code string) (int64, error) {
	if id, ok := c[code]; ok {
		return id, nil
	}
	return 0, errs.ErrNotFound
}

func TestFindAndReach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		reg := registry.NewService(d, jurisdiction.NewStore(d, clock), clock)
		all := jurisdiction.System("test")
		mk := func(name, id, phone, unit string) registry.Person {
			p, err := reg.CreatePerson(ctx, audit.Actor{Username: "seed"}, all, registry.Person{Name: name, IDNumber: dbtest.ID(id), Phone: phone, UnitCode: unit})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		a := mk("西街甲", "61011819800101001", "13800001111", dbtest.VillageA)
		b := mk("西街乙", "61011819800101002", "13800002222", dbtest.VillageA)
		mk("西街丙", "61011819800101003", "13800002222", dbtest.VillageA2) // shares b's phone
		far := mk("余下丁", "61011819800101004", "13800004444", dbtest.VillageB)
		s := lookup.NewService(d, codes{"PCODE0000000001": b.ID}, map[string][]lookup.Workflow{"tracing": {flow{person: a.ID}}}, clock)
		tracer := audit.Actor{UserID: 9, Username: "liudiao", Role: "tracing", Unit: dbtest.TownshipA}
		town := jurisdiction.Grant(dbtest.TownshipA)

		// In the caller's workflow: full values, and why.
		got, err := s.Find(ctx, tracer, town, lookup.Key{IDNumber: a.IDNumber}, false)
		if err != nil || got.PersonID != a.ID || !got.Full || got.IDNumber != a.IDNumber || got.Phone != a.Phone || got.Why == "" {
			t.Fatalf("workflow person: %+v %v", got, err)
		}
		// Not in it: masked; by sampling code too.
		got, err = s.Find(ctx, tracer, town, lookup.Key{Code: "pcode0000000001"}, false)
		if err != nil || got.PersonID != b.ID || got.Full || got.IDNumber == b.IDNumber || !strings.Contains(got.IDNumber, "*") || got.Phone != "138****2222" {
			t.Fatalf("other person: %+v %v", got, err)
		}
		// Those who browse the ledger see full values.
		if got, _ := s.Find(ctx, tracer, town, lookup.Key{IDNumber: b.IDNumber}, true); !got.Full || got.IDNumber != b.IDNumber {
			t.Errorf("browsing role: %+v", got)
		}
		// A phone shared by two people names neither; one key at a time;
		// outside the scope is not found.
		if _, err := s.Find(ctx, tracer, town, lookup.Key{Phone: "138-0000-2222"}, false); !errors.Is(err, errs.ErrConflict) || strings.Contains(err.Error(), "西街") {
			t.Errorf("shared phone: %v", err)
		}
		if _, err := s.Find(ctx, tracer, town, lookup.Key{IDNumber: a.IDNumber, Phone: a.Phone}, false); !errs.IsInvalid(err) {
			t.Errorf("two keys: %v", err)
		}
		if _, err := s.Find(ctx, tracer, town, lookup.Key{IDNumber: far.IDNumber}, false); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("outside the scope: %v", err)
		}
		// Every look-up is audited, found or not, never with a full key.
		rows, err := d.R().Query("SELECT entity_id, subject_unit, summary FROM audit_log WHERE action = $1 AND user_id = 9 ORDER BY id", audit.ActionLookup)
		if err != nil {
			t.Fatal(err)
		}
		var entries []string
		for rows.Next() {
			var id, unit, sum string
			rows.Scan(&id, &unit, &sum)
			entries = append(entries, id+"|"+unit+"|"+sum)
		}
		rows.Close()
		if len(entries) != 5 {
			t.Fatalf("audited %d look-ups: %q", len(entries), entries)
		}
		for _, e := range entries {
			for _, full := range []string{a.IDNumber, b.IDNumber, far.IDNumber, "13800002222", "PCODE0000000001"} {
				if strings.Contains(e, full) {
					t.Errorf("audit entry %q holds %s", e, full)
				}
			}
		}
		if !strings.Contains(entries[4], "未找到") || !strings.Contains(entries[3], "对应多人") {
			t.Errorf("misses not audited as such: %q", entries)
		}

		// Reach: a person looked up, or in the workflow; not one never
		// looked up, nor after ReachFor, nor outside the scope.
		cp := audit.Actor{UserID: 10, Username: "kakou", Role: "checkpoint", Unit: dbtest.TownshipA}
		if err := s.Reach(ctx, cp, town, b.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("never looked up: %v", err)
		}
		if err := s.Reach(ctx, tracer, town, a.ID); err != nil {
			t.Errorf("workflow person: %v", err)
		}
		if _, err := s.Find(ctx, cp, town, lookup.Key{IDNumber: b.IDNumber}, false); err != nil {
			t.Fatal(err)
		}
		if err := s.Reach(ctx, cp, town, b.ID); err != nil {
			t.Errorf("looked up: %v", err)
		}
		if err := s.Reach(ctx, cp, town, far.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("outside the scope: %v", err)
		}
		now = now.Add(lookup.ReachFor + time.Minute)
		if err := s.Reach(ctx, cp, town, b.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("after %s: %v", lookup.ReachFor, err)
		}
	})
}
