package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
)

// benchSites times check-ins at a quarantine site (集中隔离点) on SQLite: n
// demo people transferred and checked in one by one, each in its own
// transaction with its audit entries, against the limit of n bare
// transactions of the same writes on the same database; then the county
// occupancy dashboard on the whole demo county.
func benchSites(ctx context.Context, n int) error {
	url, cleanup := tempDB("sites.db")
	defer cleanup()
	a, err := app.New(ctx, app.Config{DB: url, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{}); err != nil {
		return err
	}
	who, all := audit.Actor{Username: "fkbench", Role: "command"}, jurisdiction.System("fkbench sites")
	x, err := a.Sites.CreateSite(ctx, who, all, site.Site{Name: "基准测试隔离点", UnitCode: demo.CountyCode})
	if err != nil {
		return err
	}
	for f := 1; (f-1)*50 < n; f += 40 { // 40 floors × 50 rooms per batch
		if _, _, err := a.Sites.AddRooms(ctx, who, all, x.ID, site.RoomBatch{FloorFrom: f, FloorTo: min(99, f+39), RoomFrom: 1, RoomTo: 50, Bathroom: true}); err != nil {
			return err
		}
	}
	rooms, err := a.Sites.Rooms(ctx, all, x.ID)
	if err != nil {
		return err
	}
	rows, err := a.DB.R().QueryContext(ctx, `SELECT id FROM people WHERE active = 1 AND id NOT IN (SELECT person_id FROM site_stays)
		ORDER BY id LIMIT $1`, n)
	if err != nil {
		return err
	}
	var people []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		people = append(people, id)
	}
	rows.Close()
	if len(people) < n || len(rooms) < n {
		return fmt.Errorf("only %d people and %d rooms for %d check-ins", len(people), len(rooms), n)
	}

	// The limit: n write transactions of the check-in's five writes (a stay
	// inserted, a room and the stay updated, two log rows), with no reads or
	// checks, on tables of the same shape.
	for _, q := range []string{"CREATE TABLE bench_stays (id INTEGER PRIMARY KEY, person_id INTEGER, room_id INTEGER, at INTEGER)",
		"CREATE TABLE bench_rooms (id INTEGER PRIMARY KEY, occupants INTEGER)",
		"CREATE TABLE bench_log (id INTEGER PRIMARY KEY, at INTEGER, summary TEXT)",
		"INSERT INTO bench_rooms (id, occupants) SELECT id, 0 FROM site_rooms"} {
		if _, err := a.DB.W().ExecContext(ctx, q); err != nil {
			return err
		}
	}
	start := time.Now()
	for i := range n {
		if err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
			now := time.Now().UnixMilli()
			var id int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO bench_stays (person_id, at) VALUES ($1, $2) RETURNING id", people[i], now).Scan(&id); err != nil {
				return err
			}
			for _, w := range []struct {
				q    string
				args []any
			}{
				{"UPDATE bench_rooms SET occupants = occupants + 1 WHERE id = $1", []any{rooms[i].ID}},
				{"UPDATE bench_stays SET room_id = $1 WHERE id = $2", []any{rooms[i].ID, id}},
				{"INSERT INTO bench_log (at, summary) VALUES ($1, $2)", []any{now, "转运"}},
				{"INSERT INTO bench_log (at, summary) VALUES ($1, $2)", []any{now, "入住"}},
			} {
				if _, err := tx.ExecContext(ctx, w.q, w.args...); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	raw := time.Since(start)

	start = time.Now()
	for i := range n {
		if _, err := a.Sites.Transfer(ctx, who, all, x.ID, site.TransferInput{PersonID: people[i], RoomID: rooms[i].ID}); err != nil {
			return fmt.Errorf("check-in %d: %w", i, err)
		}
	}
	took := time.Since(start)

	start = time.Now()
	d, err := a.Sites.Occupancy(ctx, benchCounty(demo.CountyCode), "")
	if err != nil {
		return err
	}
	dash := time.Since(start)
	fmt.Printf("fkbench sites (SQLite, demo county of %d people):\n", d.Total.Residents)
	fmt.Printf("  %d transfers with check-in, one transaction each with two audit entries: %.0f/s (%s)\n", n, rate(n, took), took.Round(time.Millisecond))
	fmt.Printf("  limit: %d transactions of the same five writes without reads or checks: %.0f/s (%s); ratio %.2f\n", n, rate(n, raw), raw.Round(time.Millisecond), raw.Seconds()/took.Seconds())
	fmt.Printf("  county occupancy dashboard (%d sites, %d rooms, %d in, gap %d): %s\n", d.Total.Sites, d.Total.Rooms, d.Total.In, d.Total.Gap, dash.Round(time.Millisecond))
	return nil
}
