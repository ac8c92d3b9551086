package measure_test

import (
	"context"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/notify/notifytest"
	"fangkong/internal/policy"
)

// Alerts reach people: an abnormal check tells the village's responsible
// people and cadres and the township; 脱管 tells the village, and its
// escalation the township — each once, in the alert's transaction.
func TestAlertsAreNotified(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &fakeClock{at("2022-07-03", "10:00")}
		dbtest.Tree(t, d)
		ps := policy.NewStore(d, c.now)
		if err := ps.EnsureDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		n := notify.NewService(d, measure.Events, []notify.Channel{notifytest.SMS{}}, nil, notify.NoRoster, notify.Options{}, c.now)
		s := measure.NewService(d, ps, measure.NoRoundResults, n, c.now)
		var vu, tu int64
		q := `INSERT INTO users (username, display_name, password_hash, role, unit_code, phone, created_at, updated_at)
			VALUES ($1, $1, 'x', $2, $3, $4, 0, 0) RETURNING id`
		d.W().QueryRow(q, "cun", "village", dbtest.VillageA, "13800000001").Scan(&vu)
		d.W().QueryRow(q, "zhen", "township", dbtest.TownshipA, "13800000002").Scan(&tu)
		d.W().Exec(`INSERT INTO responsibles (unit_code, duty, name, phone, created_at) VALUES ($1, '网格员', '李四', '13900000009', 0)`, dbtest.VillageA)
		pa := addPerson(t, d, dbtest.VillageA, "张密接")
		if err := s.AssignCategory(ctx, actorA, pa, "close_contact", "2022-07-01", "流调", ""); err != nil {
			t.Fatal(err)
		}
		m, err := s.Active(ctx, scopeA, pa)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: "38.4"}); err != nil {
			t.Fatal(err)
		}
		inbox := func(user int64) []string {
			items, _, err := n.Inbox(ctx, user, 20, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range items {
				out = append(out, x.Kind+" "+x.Body)
			}
			return out
		}
		if got := inbox(vu); len(got) != 1 || !strings.Contains(got[0], "张密接健康监测异常：体温 38.4℃") {
			t.Fatalf("village inbox %q", got)
		}
		if got := inbox(tu); len(got) != 1 || !strings.HasPrefix(got[0], measure.EventAbnormal) {
			t.Fatalf("township inbox %q", got)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = $1`, measure.EventAbnormal); k != 3 {
			t.Fatalf("%d SMS for the abnormal check, want 3 (grid worker, village and township cadres)", k)
		}
		// A second abnormal check the same day: the alert is already open, nobody is told again.
		if _, err := s.RecordCheck(ctx, actorA, scopeA, m.ID, measure.CheckInput{Temp: "38.6"}); err != nil {
			t.Fatal(err)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE kind = $1`, measure.EventAbnormal); k != 3 {
			t.Fatalf("told again: %d", k)
		}
		// 07-04 missed entirely: 脱管 to the village; six hours later the township.
		if _, err := s.Sweep(ctx, at("2022-07-05", "03:00")); err != nil {
			t.Fatal(err)
		}
		missed := count(t, d, `SELECT COUNT(*) FROM measure_alerts WHERE kind IN ('missed_check', 'missed_test')`)
		if k := count(t, d, `SELECT COUNT(*) FROM notify_inbox WHERE kind = $1 AND user_id = $2`, measure.EventMissed, vu); k != missed || k < 2 {
			t.Fatalf("脱管 messages to the village: %d, want one per alert (%d)", k, missed)
		}
		if _, err := s.Sweep(ctx, at("2022-07-05", "03:30")); err != nil {
			t.Fatal(err)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM notify_inbox WHERE kind = $1`, measure.EventMissed); k != missed {
			t.Fatalf("a repeated sweep told again: %d", k)
		}
		if _, err := s.Sweep(ctx, at("2022-07-05", "09:30")); err != nil {
			t.Fatal(err)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM notify_inbox WHERE kind = $1 AND user_id = $2`, measure.EventEscalated, tu); k != missed {
			t.Fatalf("escalations to the township: %d, want %d", k, missed)
		}
	})
}
