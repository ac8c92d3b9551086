package registry_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

func TestDeregisterAndReinstate(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		fill(t, s)
		scope := jurisdiction.Grant(dbtest.VillageA)
		rows, _ := s.People(ctx, scope, registry.PersonFilter{Q: "王桂兰"})
		if len(rows) != 1 {
			t.Fatalf("found %d", len(rows))
		}
		id := rows[0].ID
		countA := func() int {
			c, _, err := s.Stats(ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, v := range c {
				n += v.People
			}
			return n
		}
		before := countA()
		file := export(t, s, dbtest.VillageA) // taken while she is on the register

		for _, bad := range [][2]string{{"出国", "2026-11-01"}, {"死亡", "2026-13-01"}, {"死亡", "2099-01-01"}, {"死亡", "1900-01-01"}} {
			if _, err := s.Deregister(ctx, who, scope, id, bad[0], bad[1]); !errs.IsInvalid(err) {
				t.Errorf("deregister %v: %v", bad, err)
			}
		}
		if _, err := s.Deregister(ctx, who, jurisdiction.Grant(dbtest.VillageB), id, "死亡", "2026-11-01"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("deregister outside scope: %v", err)
		}
		p, err := s.Deregister(ctx, who, scope, id, "死亡", "2026-11-01")
		if err != nil || p.Active || p.LeftReason != "死亡" {
			t.Fatalf("deregister: %+v %v", p, err)
		}
		if n := countA(); n != before-1 {
			t.Errorf("count after 注销 %d, want %d", n, before-1)
		}
		if rows, _ := s.People(ctx, scope, registry.PersonFilter{Q: "王桂兰"}); len(rows) != 0 {
			t.Error("deregistered person still listed")
		}
		if rows, _ := s.People(ctx, scope, registry.PersonFilter{Deregistered: true}); len(rows) != 1 || rows[0].ID != id {
			t.Errorf("deregistered list %+v", rows)
		}
		if got := readAll(t, export(t, s, dbtest.VillageA)); strings.Contains(strings.Join(flatten(got), ","), "王桂兰") {
			t.Error("deregistered person exported")
		}
		full, _ := s.ViewPerson(ctx, who, scope, id)
		if _, err := s.UpdatePerson(ctx, who, scope, full); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("edit of a deregistered person: %v", err)
		}
		// An older ledger still listing her is refused row by row, not silently revived.
		rep, err := s.ImportLedger(ctx, who, scope, bytes.NewReader(file), int64(len(file)), registry.ImportAllOrNothing)
		if err != nil || rep.Applied || rep.BadRows != 1 || !strings.Contains(rep.Errors[0].Reason, "已注销") {
			t.Errorf("import of a deregistered ID: %+v %v", rep, err)
		}
		if _, err := s.Deregister(ctx, who, scope, id, "死亡", "2026-11-01"); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("second deregister: %v", err)
		}
		if p, err = s.Reinstate(ctx, who, scope, id); err != nil || !p.Active {
			t.Fatalf("reinstate: %+v %v", p, err)
		}
		if n := countA(); n != before {
			t.Errorf("count after reinstating %d, want %d", n, before)
		}
		if _, err := s.Reinstate(ctx, who, scope, id); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("reinstating an active person: %v", err)
		}
	})
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
