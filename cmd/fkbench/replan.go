package main

import (
	"context"
	"database/sql"
	"fmt"
	neturl "net/url"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/policy"
)

// benchReplan: N close contacts under a 14-day 集中隔离 version are
// re-planned under 第九版 (7 days), preview then apply in one transaction;
// beside it, the raw rate of the same database rewriting the same rows (one
// UPDATE per measure row batch, and deleting and re-inserting the phase and
// test rows) in one transaction.
func benchReplan(ctx context.Context, people int, pgURL string) error {
	url, cleanup := tempDB("replan.db")
	defer cleanup()
	if err := replanOn(ctx, "SQLite", url, people); err != nil {
		return err
	}
	if pgURL != "" {
		scratch, drop, err := scratchPostgres(ctx, pgURL, "fkbench_replan")
		if err != nil {
			return err
		}
		defer drop()
		return replanOn(ctx, "PostgreSQL", scratch, people)
	}
	return nil
}

// scratchPostgres creates a database of its own on the server.
func scratchPostgres(ctx context.Context, server, name string) (string, func(), error) {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, err
	}
	admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	u, err := neturl.Parse(server)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}

func replanOn(ctx context.Context, engine, url string, people int) error {
	d, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	ps := policy.NewStore(d, time.Now)
	if err := ps.EnsureDefaults(ctx); err != nil {
		return err
	}
	svc := measure.NewService(d, ps, measure.NoRoundResults, notify.Discard, time.Now)
	who := audit.Actor{Username: "fkbench", Role: "command", Unit: "610118"}
	// A county with 20 villages and the people.
	const county, township = "610118", "610118001"
	var villages []string
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for _, u := range [][4]string{{"61", "", "1", "陕西省"}, {"6101", "61", "2", "西安市"}, {county, "6101", "3", "鄠邑区"}, {township, county, "4", "甘亭街道"}} {
			var parent any
			if u[1] != "" {
				parent = u[1]
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, '', 0)",
				u[0], parent, u[2], u[3]); err != nil {
				return err
			}
		}
		for i := 1; i <= 20; i++ {
			code := fmt.Sprintf("%s%03d", township, i)
			villages = append(villages, code)
			if _, err := tx.ExecContext(ctx, "INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, 5, $3, '村', 0)",
				code, township, fmt.Sprintf("第%d村", i)); err != nil {
				return err
			}
		}
		in, err := d.NewInserter(ctx, tx, "people", []string{"id", "name", "unit_code", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		for i := 1; i <= people; i++ {
			if err := in.Add(i, fmt.Sprintf("密接%05d", i), villages[i%len(villages)], 0, 0); err != nil {
				return err
			}
		}
		return in.Close()
	})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	// The county's 14-day version, and everyone under it.
	base, err := ps.ByName(ctx, policy.Ninth)
	if err != nil {
		return err
	}
	v14 := *base
	v14.Name, v14.BasedOn, v14.EffectiveFrom = "县14天", base.Name, "2022-01-01"
	v14.Rules = append([]policy.Rule(nil), base.Rules...)
	for i, r := range v14.Rules {
		if r.Category == "close_contact" {
			r.Phases = append([]policy.PhaseRule(nil), r.Phases...)
			r.Phases[0].Days, r.Phases[0].TestDays = 14, []int{1, 4, 7, 14}
			v14.Rules[i] = r
		}
	}
	if _, err := ps.CreateVersion(ctx, who, v14); err != nil {
		return err
	}
	today := clock.Day(time.Now())
	ins := make([]measure.AssignInput, people)
	for i := range ins {
		ins[i] = measure.AssignInput{PersonID: int64(i + 1), Category: "close_contact", DayZero: policy.AddDays(today, -(i % 14)), Version: "县14天"}
	}
	t0 := time.Now()
	if _, err := svc.AssignMany(ctx, who, benchCounty(county), ins); err != nil {
		return err
	}
	assignTook := time.Since(t0)
	var phaseRows, testRows int
	d.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM measure_phases").Scan(&phaseRows)
	d.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM measure_tests").Scan(&testRows)

	scope := benchCounty(county)
	t0 = time.Now()
	pre, err := svc.Preview(ctx, scope, base.ID)
	if err != nil {
		return err
	}
	previewTook := time.Since(t0)
	t0 = time.Now()
	got, err := svc.Apply(ctx, who, scope, base.ID)
	if err != nil {
		return err
	}
	applyTook := time.Since(t0)
	if got.Counts != pre.Counts {
		return fmt.Errorf("preview %+v != apply %+v", pre.Counts, got.Counts)
	}

	// Raw: the same number of rows rewritten in one transaction.
	t0 = time.Now()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for lo := 1; lo <= people; lo += 500 {
			ids := make([]string, 0, 500)
			for id := lo; id < lo+500 && id <= people; id++ {
				ids = append(ids, fmt.Sprint(id))
			}
			if _, err := tx.ExecContext(ctx, "UPDATE measures SET updated_at = updated_at + 1, version = version + 1 WHERE id IN ("+strings.Join(ids, ",")+")"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	rawUpdate := time.Since(t0)
	t0 = time.Now()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT measure_id, seq, unit_code, type, name, start_date, end_date, checks_daily FROM measure_phases")
		if err != nil {
			return err
		}
		var keep [][]any
		for rows.Next() {
			r := make([]any, 8)
			var a, b, h int64
			var c, e, f, g string
			var nm string
			if err := rows.Scan(&a, &b, &c, &e, &nm, &f, &g, &h); err != nil {
				rows.Close()
				return err
			}
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = a, b, c, e, nm, f, g, h
			keep = append(keep, r)
		}
		rows.Close()
		if _, err := tx.ExecContext(ctx, "DELETE FROM measure_phases"); err != nil {
			return err
		}
		in, err := d.NewInserter(ctx, tx, "measure_phases", []string{"measure_id", "seq", "unit_code", "type", "name", "start_date", "end_date", "checks_daily"}, "")
		if err != nil {
			return err
		}
		for _, r := range keep {
			if err := in.Add(r...); err != nil {
				return err
			}
		}
		return in.Close()
	})
	if err != nil {
		return err
	}
	rawPhases := time.Since(t0)

	c := got.Counts
	fmt.Printf("%s, %d people under 14-day 集中隔离 (%d phase rows, %d test rows; bulk assignment took %s)\n",
		engine, people, phaseRows, testRows, assignTook.Round(time.Millisecond))
	fmt.Printf("  preview under 第九版:   %8s  %9.0f people/s  (extended %d, shortened %d, releasable %d, unchanged %d)\n",
		previewTook.Round(time.Millisecond), rate(people, previewTook), c.Extended, c.Shortened, c.Released, c.Unchanged)
	fmt.Printf("  apply (one tx):        %8s  %9.0f people/s  (target < 10 s for 10,000)\n", applyTook.Round(time.Millisecond), rate(people, applyTook))
	fmt.Printf("  raw: UPDATE %d measure rows in one tx:          %8s  %9.0f rows/s\n", people, rawUpdate.Round(time.Millisecond), rate(people, rawUpdate))
	fmt.Printf("  raw: delete and re-insert %d phase rows, one tx: %8s  %9.0f rows/s\n", phaseRows, rawPhases.Round(time.Millisecond), rate(phaseRows, rawPhases))
	fmt.Printf("  apply / raw measure update: %.1f×\n", applyTook.Seconds()/rawUpdate.Seconds())
	return nil
}
