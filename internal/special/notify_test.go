package special_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/notify/notifytest"
	"fangkong/internal/special"
)

// An opened 特报 tells the township and the county command at once (in the
// report's transaction); a stage whose clock runs out unacknowledged tells
// the county command, once.
func TestSpecialReportsAreNotified(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		var mu sync.Mutex
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-06 08:00", clock.Shanghai)
		clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		n := notify.NewService(d, special.Events, []notify.Channel{notifytest.SMS{}}, nil, notify.NoRoster, notify.Options{}, clk)
		s := special.NewService(d, jurisdiction.NewStore(d, clk), n, clk)
		user := func(name, role, unit string) int64 {
			var id int64
			if err := d.W().QueryRow(`INSERT INTO users (username, display_name, password_hash, role, unit_code, phone, created_at, updated_at)
				VALUES ($1, $1, 'x', $2, $3, '13800000001', 0, 0) RETURNING id`, name, role, unit).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		tu, cu, vu := user("zhen", "township", dbtest.TownshipA), user("xian", "command", dbtest.County), user("cun", "village", dbtest.VillageA)
		inbox := func(u int64) []string {
			rows, err := d.R().Query(`SELECT kind, body FROM notify_inbox WHERE user_id = $1 ORDER BY id`, u)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var k, b string
				rows.Scan(&k, &b)
				out = append(out, k+" "+b)
			}
			return out
		}
		ctx := context.Background()
		_, err := s.Open(ctx, cadre, jurisdiction.System("test"), special.Trigger{Kind: "positive", Unit: dbtest.VillageA, Title: "发现1例阳性"})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []int64{tu, cu} {
			got := inbox(u)
			if len(got) != 1 || !strings.HasPrefix(got[0], special.EventOpened+" ") || !strings.Contains(got[0], "发现1例阳性") ||
				!strings.Contains(got[0], "请镇街于2026-12-06 09:00:00前") {
				t.Errorf("user %d after the opening: %q", u, got)
			}
		}
		if got := inbox(vu); len(got) != 0 {
			t.Errorf("the village told of its own report: %q", got)
		}
		// 09:30: the township's clock ran out; the county is told, once.
		mu.Lock()
		now = now.Add(90 * time.Minute)
		mu.Unlock()
		for range 2 {
			if _, err := s.Escalate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got := inbox(cu)
		if len(got) != 2 || !strings.HasPrefix(got[1], special.EventLate+" ") || !strings.Contains(got[1], "镇街未在2026-12-06 09:00:00前确认接收") {
			t.Errorf("county after the township's clock: %q", got)
		}
		if got := inbox(tu); len(got) != 1 {
			t.Errorf("the township told of its own lateness: %q", got)
		}
	})
}
