package notify_test

import (
	"context"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// TestPurgeMessagesClearsRecipients: a message sent before the cutoff loses
// its number, name and text and keeps its kind and status; one still
// queued, or sent since, keeps them.
func TestPurgeMessagesClearsRecipients(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		c := newClock()
		s := newService(t, d, c, nil, nil, notify.Options{})
		ctx := context.Background()
		old, recent := c.Now().Add(-40*24*time.Hour).UnixMilli(), c.Now().Add(-time.Hour).UnixMilli()
		for _, m := range []struct {
			name, status string
			at           int64
		}{{"旧", "delivered", old}, {"排队", "queued", old}, {"新", "sent", recent}} {
			if _, err := d.W().ExecContext(ctx, `INSERT INTO notify_outbox (kind, unit_code, channel, target, target_name, body, status, next_at, created_at)
				VALUES ('test.alert', $1, 'sms', '13900000009', $2, '西街社区张三体温38.2℃，请核实', $3, $4, $4)`, dbtest.VillageA, m.name, m.status, m.at); err != nil {
				t.Fatal(err)
			}
		}
		county := jurisdiction.Grant(dbtest.County)
		if _, err := s.PurgeMessages(ctx, county, c.Now().Add(-30*24*time.Hour), false); err != nil {
			t.Fatal(err)
		}
		var cleared, kept int
		if err := d.R().QueryRow(`SELECT COUNT(CASE WHEN target = '' AND body = '' AND target_name = '' AND status = 'delivered' THEN 1 END),
			COUNT(CASE WHEN target <> '' AND body <> '' THEN 1 END) FROM notify_outbox`).Scan(&cleared, &kept); err != nil {
			t.Fatal(err)
		}
		if cleared != 1 || kept != 2 {
			t.Errorf("after the purge: %d cleared (want the old delivered one), %d kept (want the queued and the recent)", cleared, kept)
		}
	})
}
