package jurisdiction_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

func TestScopeContains(t *testing.T) {
	s := jurisdiction.Grant("610119")
	for _, c := range []string{"610119", "610119001", "610119001001001"} {
		if !s.Contains(c) {
			t.Errorf("%s should be in %v", c, s)
		}
	}
	for _, c := range []string{"610118999", "61012", "6101", "610120001", ""} {
		if s.Contains(c) {
			t.Errorf("%s should not be in %v", c, s)
		}
	}
	if s.Code() != "610119" || s.IsSystem() || s.IsZero() || s.Job() != "" {
		t.Errorf("granted scope: %v code %q system %v", s, s.Code(), s.IsSystem())
	}
}

func TestZeroScopeMatchesNothing(t *testing.T) {
	for _, s := range []jurisdiction.Scope{{}, jurisdiction.Grant("")} {
		if !s.IsZero() || s.IsSystem() {
			t.Errorf("%v: IsZero %v IsSystem %v", s, s.IsZero(), s.IsSystem())
		}
		for _, c := range []string{"", "61", "610118", "610118001001001"} {
			if s.Contains(c) {
				t.Errorf("zero scope contains %q", c)
			}
		}
		if n, err := s.Narrow("610118"); !errors.Is(err, errs.ErrNotFound) || !n.IsZero() {
			t.Errorf("zero scope narrowed to %v, %v", n, err)
		}
		if n, err := s.NarrowOpt(""); err != nil || !n.IsZero() {
			t.Errorf("zero scope NarrowOpt(\"\") = %v, %v", n, err)
		}
	}
}

func TestSystemScope(t *testing.T) {
	s := jurisdiction.System("nightly sweep")
	if !s.IsSystem() || s.IsZero() || s.Job() != "nightly sweep" || s.Code() != "" {
		t.Fatalf("system scope %v", s)
	}
	for _, c := range []string{"11", "610118", "659001001001001"} {
		if !s.Contains(c) {
			t.Errorf("system scope should contain %s", c)
		}
	}
	n, err := s.Narrow("610118")
	if err != nil || n.Code() != "610118" || n.IsSystem() || n.Job() != "nightly sweep" {
		t.Errorf("narrowed system scope %v, %v", n, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("System(\"\") should panic")
		}
	}()
	jurisdiction.System("")
}

func TestNarrow(t *testing.T) {
	s := jurisdiction.Grant(dbtest.TownshipA)
	for _, c := range []string{dbtest.TownshipA, dbtest.VillageA, dbtest.GroupA1} {
		n, err := s.Narrow(c)
		if err != nil || n.Code() != c {
			t.Errorf("Narrow(%s) = %v, %v", c, n, err)
		}
	}
	refused := []string{
		dbtest.TownshipB, dbtest.VillageB, // siblings
		dbtest.County, "6101", "61", // parents
		"", "6101180010", "61011800100x", "610118001 ", "x10118001001", "610118001001001001", // garbage
	}
	for _, c := range refused {
		if n, err := s.Narrow(c); !errors.Is(err, errs.ErrNotFound) || !n.IsZero() {
			t.Errorf("Narrow(%q) = %v, %v; want not found", c, n, err)
		}
		if c == "" {
			continue
		}
		if _, err := s.NarrowOpt(c); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("NarrowOpt(%q) = %v; want not found", c, err)
		}
	}
	if n, err := s.NarrowOpt(""); err != nil || n != s {
		t.Errorf("NarrowOpt(\"\") = %v, %v; want the scope itself", n, err)
	}
	// Narrowing twice only ever shrinks.
	v, _ := s.Narrow(dbtest.VillageA)
	if _, err := v.Narrow(dbtest.VillageA2); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("village scope narrowed to its sibling: %v", err)
	}
}

func TestWhereText(t *testing.T) {
	if got, want := jurisdiction.Grant("610118").Where("p.unit_code", 3), "p.unit_code >= $3 AND p.unit_code < $4"; got != want {
		t.Errorf("Where = %q, want %q", got, want)
	}
	// One SQL text whatever the scope, so a statement is prepared once.
	a := jurisdiction.Grant("61").Where("code", 1)
	for _, s := range []jurisdiction.Scope{{}, jurisdiction.System("t"), jurisdiction.Grant(dbtest.GroupA1)} {
		if s.Where("code", 1) != a {
			t.Errorf("%v: Where text %q differs", s, s.Where("code", 1))
		}
	}
}

// TestWhereSubtree runs the predicate on each database: it returns exactly
// the units of the subtree, placed at any argument position.
func TestWhereSubtree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		// Neighbours just outside the county on either side, and a code that
		// shares its first digits without being in the county.
		for _, u := range []struct {
			code, parent string
			level        int
		}{{"610117", "6101", 3}, {"610119", "6101", 3}, {"610119001", "610119", 4}, {"6102", "61", 2}, {"610111", "6101", 3}} {
			if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, 'x', '', 0)",
				u.code, u.parent, u.level); err != nil {
				t.Fatal(err)
			}
		}
		var all []string
		rows, err := d.R().QueryContext(ctx, "SELECT code FROM units ORDER BY code")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			all = append(all, c)
		}
		rows.Close()
		county, _ := jurisdiction.Grant("61").Narrow(dbtest.County)
		cases := []jurisdiction.Scope{
			{},
			jurisdiction.Grant(""),
			jurisdiction.System("test"),
			jurisdiction.Grant("61"),
			county,
			jurisdiction.Grant(dbtest.TownshipA),
			jurisdiction.Grant(dbtest.VillageA),
			jurisdiction.Grant(dbtest.GroupA1),
			jurisdiction.Grant("610119"),
		}
		for _, s := range cases {
			var want []string
			for _, c := range all {
				if s.Contains(c) {
					want = append(want, c)
				}
			}
			lo, hi := s.Args()
			rows, err := d.R().QueryContext(ctx, "SELECT code FROM units WHERE level >= $1 AND "+s.Where("code", 2)+" ORDER BY code", 0, lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			rows.Close()
			if !slices.Equal(got, want) {
				t.Errorf("%v: got %v, want %v", s, got, want)
			}
			switch {
			case s.IsZero() && len(got) != 0:
				t.Errorf("zero scope matched %v", got)
			case s.IsSystem() && len(got) != len(all):
				t.Errorf("system scope matched %d of %d", len(got), len(all))
			case s.Code() == dbtest.County && strings.Join(got, ",") != strings.Join(dbtestCounty, ","):
				t.Errorf("county scope matched %v", got)
			}
		}
	})
}

var dbtestCounty = []string{dbtest.County, dbtest.TownshipA, dbtest.VillageA, dbtest.GroupA1, dbtest.VillageA2, dbtest.TownshipB, dbtest.VillageB}
