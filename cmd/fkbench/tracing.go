package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/tracing"
)

// benchTracing measures contact tracing on SQLite (流调): scans rows of 7
// days are bulk-inserted (the raw batched insert rate), then the candidates
// of one case are computed over them beside the raw rate of an indexed
// range scan of the same index; importRows scan rows are imported from CSV
// files beside the raw insert rate; a chain graph of nodes cases is drawn.
func benchTracing(ctx context.Context, scans, importRows, nodes int) error {
	url, cleanup := tempDB("tracing.db")
	defer cleanup()
	now := time.Now()
	a, err := app.New(ctx, app.Config{DB: url, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, demo.Options{People: 50_000, SkipSampling: true}); err != nil {
		return err
	}
	all := jurisdiction.System("fkbench tracing")
	who := audit.Actor{Username: "fkbench", Role: "tracing"}
	places, err := a.Tracing.Places(ctx, all, "", "", 2000)
	if err != nil {
		return err
	}
	type person struct {
		id                     int64
		name, idn, phone, unit string
	}
	var ppl []person
	rows, err := a.DB.R().QueryContext(ctx, `SELECT id, name, COALESCE(id_number, ''), phone, unit_code FROM people WHERE active = 1`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p person
		rows.Scan(&p.id, &p.name, &p.idn, &p.phone, &p.unit)
		ppl = append(ppl, p)
	}
	rows.Close()
	var before int
	a.DB.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM tracing_scans").Scan(&before)

	// 1. The raw batched insert rate: scans rows of 7 days, 100,000 a transaction.
	rng := rand.New(rand.NewPCG(7, 14))
	start7 := now.Add(-7 * 24 * time.Hour).UnixMilli()
	t0 := time.Now()
	for done := 0; done < scans; {
		k := min(100_000, scans-done)
		if err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
			ins, err := a.DB.NewInserter(ctx, tx, "tracing_scans", []string{"place_id", "scanned_at", "person_id", "name", "id_number", "phone", "source"}, "")
			if err != nil {
				return err
			}
			defer ins.Close()
			for range k {
				p := ppl[rng.IntN(len(ppl))]
				at := start7 + rng.Int64N(7*24*3600*1000)
				if err := ins.Add(places[rng.IntN(len(places))].ID, at, p.id, p.name, p.idn, p.phone, "bench"); err != nil {
					return err
				}
			}
			return ins.Flush()
		}); err != nil {
			return err
		}
		done += k
	}
	rawInsert := rate(scans, time.Since(t0))
	total := before + scans
	fmt.Printf("scans in the table: %d over 7 days at %d places\n", total, len(places))
	fmt.Printf("raw batched insert (prepared INSERT, 100,000 rows a transaction, 2 indexes): %.0f rows/s\n", rawInsert)

	// 2. Candidates of one case: a person with scans in the window.
	var pid int64
	a.DB.R().QueryRowContext(ctx, `SELECT person_id FROM tracing_scans WHERE source = 'bench' ORDER BY id LIMIT 1`).Scan(&pid)
	c, err := a.Tracing.CreateCase(ctx, who, all, tracing.CaseInput{PersonID: pid, Classification: "确诊", FoundVia: "筛查",
		FoundAt: now.UnixMilli(), OnsetDate: clock.Day(now.Add(-72 * time.Hour))})
	if err != nil {
		return err
	}
	r, _ := a.Tracing.RuleOn(ctx, tracing.DiseaseCOVID, clock.Day(now))
	ix := tracing.Index{PersonID: pid, From: c.WindowFrom, To: c.IsolatedAt, ScanWindow: int64(r.ScanWindowMinutes) * 60000,
		SampleWindow: int64(r.SampleWindowMinutes) * 60000}
	var own int
	a.DB.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_scans WHERE person_id = $1 AND scanned_at >= $2 AND scanned_at <= $3`, pid, ix.From, ix.To).Scan(&own)
	t0 = time.Now()
	list, err := tracing.Compute(ctx, a.DB.R(), tracing.DefaultSources(), ix)
	if err != nil {
		return err
	}
	compute := time.Since(t0)
	t0 = time.Now()
	if _, err := a.Tracing.Refresh(ctx, who, all, c.ID); err != nil {
		return err
	}
	refresh := time.Since(t0)
	// The limit: an indexed range scan of (place_id, scanned_at), rows read per second.
	var scanned int
	t0 = time.Now()
	for _, p := range places[:min(20, len(places))] {
		var n int
		if err := a.DB.R().QueryRowContext(ctx, `SELECT COUNT(person_id) FROM tracing_scans WHERE place_id = $1 AND scanned_at >= $2 AND scanned_at <= $3`,
			p.ID, start7, now.UnixMilli()).Scan(&n); err != nil {
			return err
		}
		scanned += n
	}
	rangeRate := rate(scanned, time.Since(t0))
	var evidence int
	for _, x := range list {
		evidence += len(x.Evidence)
	}
	fmt.Printf("candidates of one case (%d own scans in the window, ±%d min): %d people, %d evidence rows in %v (compute) / %v (compute and store)\n",
		own, r.ScanWindowMinutes, len(list), evidence, compute.Round(time.Microsecond), refresh.Round(time.Microsecond))
	fmt.Printf("raw indexed range scan (place, time): %.0f rows/s — the %d evidence rows alone take %v at that rate\n",
		rangeRate, evidence, (time.Duration(float64(evidence)/rangeRate*1e9) * time.Nanosecond).Round(time.Microsecond))

	// 3. Import of scan rows from CSV files (at most 1,000,000 rows a file).
	dir, err := os.MkdirTemp("", "fkbench-scans-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var files []string
	for done := 0; done < importRows; {
		k := min(1_000_000, importRows-done)
		var b bytes.Buffer
		b.WriteString("姓名,证件号码,联系电话,场所编码,场所名称,扫码时间\n")
		for range k {
			p := ppl[rng.IntN(len(ppl))]
			pl := places[rng.IntN(len(places))]
			at := time.UnixMilli(start7 + rng.Int64N(7*24*3600*1000)).In(clock.Shanghai).Format("2006-01-02 15:04:05")
			b.WriteString(p.name + "," + p.idn + "," + p.phone + "," + pl.Code + "," + pl.Name + "," + at + "\n")
		}
		name := filepath.Join(dir, fmt.Sprintf("scans%d.csv", len(files)))
		if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
			return err
		}
		files = append(files, name)
		done += k
	}
	t0 = time.Now()
	imported := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		st, _ := f.Stat()
		res, err := a.Tracing.ImportScans(ctx, who, all, f, st.Size(), 0)
		f.Close()
		if err != nil {
			return err
		}
		imported += res.Inserted
	}
	imp := rate(imported, time.Since(t0))
	fmt.Printf("import of %d scan rows from %d CSV file(s): %.0f rows/s = %.0f%% of the raw batched insert rate\n",
		imported, len(files), imp, 100*imp/rawInsert)

	// 4. The chain graph of nodes cases over 30 days, drawn as SVG.
	g := tracing.Graph{}
	for i := range nodes {
		id := int64(i + 1)
		g.Nodes = append(g.Nodes, tracing.Node{ID: id, Label: "王* 确诊", Day: clock.Day(now.AddDate(0, 0, -30+i*30/max(1, nodes))), ClusterID: int64(i % 7)})
		if i > 0 {
			g.Edges = append(g.Edges, [2]int64{int64(rng.IntN(i) + 1), id})
		}
	}
	t0 = time.Now()
	svg := g.SVG(func(id int64) string { return "/tracing/cases/" + fmt.Sprint(id) })
	draw := time.Since(t0)
	fmt.Printf("chain graph of %d cases and %d edges: drawn in %v, %d bytes of SVG (%s)\n", len(g.Nodes), len(g.Edges),
		draw.Round(time.Microsecond), len(svg), strings.TrimSpace(fmt.Sprintf("%.1f MB", float64(len(svg))/1e6)))
	return nil
}
