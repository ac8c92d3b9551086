package checkpoint_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/checkpoint"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/notify/notifytest"
)

// inbox lists a user's checkpoint messages as "kind unit link".
func inbox(t *testing.T, d *db.DB, user int64) []string {
	return notifytest.Inbox(t, d, user, "checkpoint.")
}

// A hand-over tells the destination village; not received by its deadline
// it tells the village and its township; a shift unfilled at its start
// tells the checkpoint's township — each once.
func TestCheckpointAlertsAreNotified(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		x := setup(t, d)
		ctx := context.Background()
		vu := notifytest.AddUser(t, d, "cun", "village", dbtest.VillageA, "13800000001")
		tu := notifytest.AddUser(t, d, "zhen", "township", dbtest.TownshipA, "13800000002")
		res, err := x.s.Log(ctx, who, x.scope, checkpoint.VehicleIn{CheckpointID: x.cp.ID, ClientID: "n-1", Plate: "陕A12345", People: []checkpoint.PersonIn{
			withID(person("李返乡", "北京朝阳区", "西街社区", "green", true, ""), dbtest.ID("11010519900307001"))}})
		if err != nil {
			t.Fatal(err)
		}
		id := res.Checks[0].HandoverID
		handover := checkpoint.EventHandover + " " + dbtest.VillageA + " /handovers"
		if got := inbox(t, d, vu); len(got) != 1 || got[0] != handover {
			t.Fatalf("village inbox after the hand-over: %q", got)
		}
		if got := inbox(t, d, tu); len(got) != 0 {
			t.Fatalf("township told of the hand-over: %q", got)
		}
		var body string
		d.R().QueryRow(`SELECT body FROM notify_inbox WHERE user_id = $1 AND kind = $2`, vu, checkpoint.EventHandover).Scan(&body)
		if want := "李返乡（来自北京市朝阳区）至西街社区居委会，请在12小时内"; !strings.Contains(body, want) {
			t.Errorf("message %q lacks %q", body, want)
		}

		// 10:00: the day shift has nobody; alerted once.
		for range 2 {
			if _, err := x.s.AlertUnfilled(ctx); err != nil {
				t.Fatal(err)
			}
		}
		unfilled := fmt.Sprintf("%s %s /checkpoints/%d", checkpoint.EventUnfilled, dbtest.TownshipA, x.cp.ID)
		if got := inbox(t, d, tu); len(got) != 1 || got[0] != unfilled {
			t.Fatalf("township inbox after the unfilled shift: %q", got)
		}

		x.clk.Add(13 * time.Hour)
		for range 2 {
			if _, err := x.s.Escalate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		late := checkpoint.EventHandoverLate + " " + dbtest.VillageA + " /handovers"
		if got := inbox(t, d, vu); len(got) != 2 || got[1] != late {
			t.Fatalf("village inbox after the escalation: %q", got)
		}
		if got := inbox(t, d, tu); len(got) != 2 || got[1] != late {
			t.Fatalf("township inbox after the escalation: %q", got)
		}
		var keys int
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_dedup WHERE dedup_key IN ($1, $2)`,
			fmt.Sprintf("%s|checkpoint-handover:%d", checkpoint.EventHandover, id),
			fmt.Sprintf("%s|checkpoint-handover:%d:late", checkpoint.EventHandoverLate, id)).Scan(&keys)
		if keys != 2 {
			t.Errorf("%d de-duplication keys, want 2", keys)
		}
	})
}
