package notify_test

import (
	"context"
	"errors"
	"testing"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// A message to residents: the count is confirmed before sending, opt-outs
// are left out, the send is audited, and a unit outside the scope is refused.
func TestResidents(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		seed(t, d)
		sms := newSMSServer(t, "k")
		s := newService(t, d, c, sms, nil, notify.Options{PerSecond: 1e6})
		ctx := context.Background()
		for i, p := range []string{"13600000001", "13600000002", "13600000003", ""} {
			if _, err := d.W().Exec(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)`,
				"村民"+string(rune('甲'+i)), dbtest.GroupA1, p); err != nil {
				t.Fatal(err)
			}
		}
		who := audit.Actor{Username: "zhihuibu", Unit: dbtest.County}
		if err := s.OptOut(ctx, who, "136 0000 0002"); err != nil {
			t.Fatal(err)
		}
		county := jurisdiction.Grant(dbtest.County)
		in := notify.Residents{Unit: dbtest.VillageA, Phones: "13600000003\n13700000004\n12345", Body: "请于今日18时前到西街社区采样点采样"}
		list, err := s.ResidentTargets(ctx, county, in)
		if err != nil || len(list.Phones) != 3 || list.OptedOut != 1 || list.Invalid != 1 {
			t.Fatalf("targets = %+v %v", list, err)
		}
		if _, err := s.ResidentTargets(ctx, jurisdiction.Grant(dbtest.TownshipB), in); !errs.IsInvalid(err) {
			t.Fatalf("outside the scope: %v", err)
		}
		in.Confirm = 4
		if _, err := s.SendResidents(ctx, who, county, in); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("unconfirmed count: %v", err)
		}
		in.Confirm = 3
		n, err := s.SendResidents(ctx, who, county, in)
		if err != nil || n != 3 {
			t.Fatalf("send = %d %v", n, err)
		}
		drain(t, s)
		got := map[string]string{}
		for _, v := range sms.sent() {
			got[v.Get("PhoneNumbers")] = v.Get("TemplateParam")
		}
		if len(got) != 3 || got["13600000002"] != "" || got["13700000004"] != `{"content":"请于今日18时前到西街社区采样点采样——西街社区居委会"}` {
			// signed by the unit that speaks (and the sender's name, when the actor has one)
			t.Fatalf("sent %v", got)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE entity = 'notify_residents' AND summary LIKE '向 3 名群众%'`); k != 1 {
			t.Fatalf("audit rows %d", k)
		}
		// An event naming the opted-out phone does not reach it either.
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageB, Vars: alertVars, Phones: []string{"13600000002"}}); err != nil {
			t.Fatal(err)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE target = '13600000002'`); k != 0 {
			t.Fatalf("opted-out phone queued %d", k)
		}
	})
}
