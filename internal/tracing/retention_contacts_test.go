package tracing_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/tracing"
)

// TestPurgeContactsClearsIdentifiers: a contact untouched since the cutoff
// loses its ID number, phone and evidence (its key no longer carries
// them) and keeps its name and status; a recent one keeps everything.
func TestPurgeContactsClearsIdentifiers(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		c := e.person("病例乙", dbtest.VillageA, 0)
		kase, err := e.svc.CreateCase(ctx, who, e.county, tracing.CaseInput{PersonID: c.ID, Classification: "无症状感染者",
			FoundVia: "混管复核", FoundAt: at("2026-03-10 08:00"), OnsetDate: "2026-03-08"})
		if err != nil {
			t.Fatal(err)
		}
		old, recent := at("2026-03-11 08:00"), at("2026-04-20 08:00")
		for i, r := range []struct {
			key     string
			updated int64
		}{{"id:610118198001010011", old}, {"ph:13900000011", recent}} {
			if _, err := d.W().ExecContext(ctx, `INSERT INTO tracing_contacts (case_id, person_key, name, id_number, phone, unit_code, evidence,
				status, created_at, updated_at) VALUES ($1, $2, $3, '610118198001010011', '13900000011', $4, '3月9日 同在超市', '已判定', $5, $5)`,
				kase.ID, r.key, []string{"旧接触者", "新接触者"}[i], dbtest.VillageA, r.updated); err != nil {
				t.Fatal(err)
			}
		}
		cutoff := time.UnixMilli(at("2026-04-01 00:00"))
		counts, err := e.svc.PurgeContacts(ctx, e.county, cutoff, true)
		if err != nil || counts[dbtest.County] != 1 {
			t.Fatalf("dry run: %v, %v", counts, err)
		}
		if _, err := e.svc.PurgeContacts(ctx, e.county, cutoff, false); err != nil {
			t.Fatal(err)
		}
		rows, err := d.R().QueryContext(ctx, "SELECT name, id_number, phone, evidence, person_key, status FROM tracing_contacts ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string][5]string{}
		for rows.Next() {
			var name string
			var v [5]string
			if err := rows.Scan(&name, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
				t.Fatal(err)
			}
			got[name] = v
		}
		if o := got["旧接触者"]; o[0] != "" || o[1] != "" || o[2] != "" || o[3] == "id:610118198001010011" || o[4] != "已判定" {
			t.Errorf("old contact after the purge: %q", o)
		}
		if n := got["新接触者"]; n[0] == "" || n[1] == "" || n[2] == "" || n[3] != "ph:13900000011" {
			t.Errorf("recent contact after the purge: %q", n)
		}
		if again, err := e.svc.PurgeContacts(ctx, e.county, cutoff, true); err != nil || len(again) != 0 {
			t.Errorf("a second run finds %v, %v", again, err)
		}
	})
}
