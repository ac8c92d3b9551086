package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/duty"
	"fangkong/internal/jurisdiction"
)

// TestSpotCheckShown: a 查岗 shows who answered and when on the roster,
// and the inspector calling unit after unit from the county's roster comes
// back to that roster, not to the one unit's.
func TestSpotCheckShown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "ducha8", auth.RoleInspector, dbtest.County)
		c := e.Login(t, "ducha8", apptest.Password)
		sh, err := e.App.Duty.AddShift(context.Background(), audit.Actor{Username: "seed"}, jurisdiction.System("test"), duty.Input{UnitCode: dbtest.TownshipA,
			Day: clock.Day(time.Now()), Start: "00:00", Hours: 24, Leader: "带班领导", Person: "张值班"})
		if err != nil {
			t.Fatal(err)
		}
		roster := "/duty?day=" + clock.Day(time.Now())
		if st, _ := c.PostFrom(roster, fmt.Sprintf("/duty/%d/check", sh.ID), url.Values{"answered": {"1"}, "answerer": {"张值班"}}); st != 303 || c.Location != roster {
			t.Errorf("after the check: %d → %q, want back to %q", st, c.Location, roster)
		}
		if _, page := c.Get(roster); !strings.Contains(page, "应答人 张值班") {
			t.Errorf("the roster does not say who answered")
		}
	})
}
