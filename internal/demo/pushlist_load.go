package demo

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/pushlist"
)

// loadPushLists gives the command centre live push-list numbers: a list
// pushed by public security 30 hours ago, mostly verified, the rest
// overdue; and a telecom list pushed 2 hours ago, just started.
func loadPushLists(ctx context.Context, d *db.DB, units *jurisdiction.Store, places *place.Resolver, now time.Time, seed int64) error {
	cfg := PushListConfig{Seed: seed, Today: now}
	rows, err := d.R().QueryContext(ctx, `SELECT p.name, p.id_number, p.birth_date, p.phone, u.name FROM people p
		JOIN units u ON u.code = SUBSTR(p.unit_code, 1, 12) WHERE p.id % 97 = 0 AND p.id_number IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("demo push lists: %w", err)
	}
	for rows.Next() {
		var p PushPerson
		if err := rows.Scan(&p.Name, &p.IDNumber, &p.BirthDate, &p.Phone, &p.VillageName); err != nil {
			rows.Close()
			return err
		}
		cfg.People = append(cfg.People, p)
	}
	rows.Close()
	vs, err := units.Units(ctx, demoCounty(), jurisdiction.LevelVillage)
	if err != nil {
		return err
	}
	for _, v := range vs {
		cfg.Villages = append(cfg.Villages, Village{Code: v.Code, Name: v.Name})
	}
	ts, err := units.Units(ctx, demoCounty(), jurisdiction.LevelTownship)
	if err != nil {
		return err
	}
	for _, t := range ts {
		cfg.Townships = append(cfg.Townships, t.Name)
	}
	who := audit.Actor{Username: "demo", Role: "command", Unit: CountyCode}
	for i, l := range []struct {
		source string
		rows   int
		ago    time.Duration
		done   float64
	}{{"公安", 12_000, 30 * time.Hour, 0.85}, {"电信运营商", 6_000, 2 * time.Hour, 0.15}} {
		at := now.Add(-l.ago)
		cfg.Seed, cfg.Rows = seed+int64(i), l.rows
		var b bytes.Buffer
		if err := WritePushList(&b, cfg); err != nil {
			return err
		}
		svc := pushlist.NewService(d, units, pushlist.NoArrivals, places, func() time.Time { return at })
		list, err := svc.Import(ctx, who, demoCounty(), bytes.NewReader(b.Bytes()), int64(b.Len()),
			pushlist.ImportOptions{Source: l.source, Name: fmt.Sprintf("%s推送名单（演示）", l.source)})
		if err != nil {
			return fmt.Errorf("demo push list: %w", err)
		}
		if err := answerSome(ctx, d, list.ID, at, now, l.done, seed); err != nil {
			return err
		}
	}
	return nil
}

// answerSome answers a share of a list's open village tasks at times
// between the push and now, as the villages would have.
func answerSome(ctx context.Context, d *db.DB, listID int64, from, to time.Time, share float64, seed int64) error {
	rows, err := d.R().QueryContext(ctx, "SELECT id FROM push_tasks WHERE list_id = $1 AND status = 'open' AND LENGTH(unit_code) >= 12", listID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(listID)))
	span := to.Sub(from)
	results := []string{pushlist.ResultInVillage, pushlist.ResultInVillage, pushlist.ResultInVillage, pushlist.ResultReturned,
		pushlist.ResultLeft, pushlist.ResultNotFound}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if rng.Float64() >= share {
				continue
			}
			// Most answers come within the day; some late.
			after := time.Duration(rng.ExpFloat64() * float64(6*time.Hour))
			if after > span {
				after = time.Duration(rng.Int64N(int64(span)))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE push_tasks SET status = 'done', result = $1, answered_at = $2,
				answered_by = 'demo', version = version + 1 WHERE id = $3`, results[rng.IntN(len(results))], from.Add(after).UnixMilli(), id); err != nil {
				return err
			}
		}
		return nil
	})
}
