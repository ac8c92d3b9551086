package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

func newService(t *testing.T, d *db.DB, c *clockAt, sms *smsServer, robots []notify.Robot, opt notify.Options) *notify.Service {
	t.Helper()
	var chans []notify.Channel
	if sms != nil {
		chans = append(chans, notify.NewAliyunSMS(notify.SMSConfig{Endpoint: sms.URL, AccessKeyID: "LTAIkey", AccessKeySecret: sms.secret,
			SignName: "鄠邑防控", Template: "SMS_0000", Timeout: 300 * time.Millisecond}, c.Now))
	}
	if len(robots) > 0 {
		rc, err := notify.NewRobotChannel(robots, time.Second, c.Now)
		if err != nil {
			t.Fatal(err)
		}
		chans = append(chans, rc)
	}
	return notify.NewService(d, testTypes, chans, robots, notify.NoRoster, opt, c.Now)
}

var alertVars = map[string]string{"village": "西街社区", "name": "张三", "temp": "38.5"}

// The outbox rows and inbox rows commit or roll back with the caller's change.
func TestEmitJoinsCallerTransaction(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		vu, _ := seed(t, d)
		sms := newSMSServer(t, "secret")
		s := newService(t, d, c, sms, nil, notify.Options{})
		ctx := context.Background()
		boom := errors.New("the change failed")
		err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars, Key: "a1"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox`) + count(t, d, `SELECT COUNT(*) FROM notify_inbox`); n != 0 {
			t.Fatalf("%d rows after a rolled-back change", n)
		}
		err = d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			return s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars, Key: "a1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		// SMS to the grid worker and to the village user; the village user's inbox.
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE channel = 'sms'`); n != 2 {
			t.Fatalf("sms rows = %d, want 2", n)
		}
		items, unread, err := s.Inbox(ctx, vu, 10, 0)
		if err != nil || unread != 1 || len(items) != 1 {
			t.Fatalf("inbox = %v %d %v", items, unread, err)
		}
		if items[0].Body != "西街社区张三体温38.5℃，请核实" || items[0].Link != "/alerts/张三" {
			t.Fatalf("inbox item = %+v", items[0])
		}
		// The same key within 30 minutes: nothing more.
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars, Key: "a1"}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox`); n != 2 {
			t.Fatalf("duplicate emitted: %d rows", n)
		}
		c.Add(31 * time.Minute)
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars, Key: "a1"}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox`); n != 4 {
			t.Fatalf("after the window: %d rows, want 4", n)
		}
		drain(t, s)
		got := sms.sent()
		if len(got) != 4 || sms.bad != 0 {
			t.Fatalf("provider got %d (bad signatures %d)", len(got), sms.bad)
		}
		if g := got[0]; g.Get("SignName") != "鄠邑防控" || g.Get("TemplateCode") != "" && g.Get("TemplateParam") == "" {
			t.Fatalf("request %v", g)
		}
		if err := s.MarkRead(ctx, vu, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Unread(ctx, vu); n != 0 {
			t.Fatalf("unread after mark = %d", n)
		}
	})
}

// The provider's errors and a timeout are retried with back-off; a refused
// number is not; the receipt marks a message delivered.
func TestSMSRetriesAndReceipts(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		seed(t, d)
		sms := newSMSServer(t, "s3cret")
		sms.script = []func() (int, string){
			func() (int, string) { return 200, `{"Code":"isp.SYSTEM_ERROR","Message":"系统错误"}` },
			func() (int, string) { return 503, `upstream` },
			func() (int, string) { time.Sleep(600 * time.Millisecond); return 200, `{"Code":"OK","BizId":"late"}` },
		}
		s := newService(t, d, c, sms, nil, notify.Options{Backoff: time.Minute})
		ctx := context.Background()
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageB, Vars: alertVars, Phones: []string{"13700000007"}}); err != nil {
			t.Fatal(err)
		}
		want := []struct {
			wait     time.Duration
			attempts int
		}{{0, 1}, {time.Minute, 2}, {2 * time.Minute, 3}}
		for _, w := range want {
			c.Add(w.wait)
			if n, err := s.DeliverOnce(ctx); err != nil || n != 1 {
				t.Fatalf("deliver = %d %v", n, err)
			}
			var st string
			var att int
			d.R().QueryRow(`SELECT status, attempts FROM notify_outbox`).Scan(&st, &att)
			if st != notify.StatusQueued || att != w.attempts {
				t.Fatalf("after attempt %d: %s %d", w.attempts, st, att)
			}
			// Not due before its back-off ends.
			if n, _ := s.DeliverOnce(ctx); n != 0 {
				t.Fatal("retried before the back-off")
			}
		}
		c.Add(4 * time.Minute)
		drain(t, s)
		log, counts, err := s.Log(ctx, jurisdiction.Grant(dbtest.County), notify.LogFilter{})
		if err != nil || counts.Sent != 1 || len(log) != 1 || log[0].ProviderID == "" {
			t.Fatalf("log = %+v %+v %v", log, counts, err)
		}
		if ok, err := s.Receipt(ctx, notify.ChannelSMS, log[0].ProviderID, true, "用户接收成功"); !ok || err != nil {
			t.Fatalf("receipt = %v %v", ok, err)
		}
		x, err := s.Delivery(ctx, jurisdiction.Grant(dbtest.TownshipB), log[0].ID)
		if err != nil || x.Status != notify.StatusDelivered {
			t.Fatalf("delivery = %+v %v", x, err)
		}
		if _, err := s.Delivery(ctx, jurisdiction.Grant(dbtest.TownshipA), log[0].ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("other township sees it: %v", err)
		}

		// A refused number fails at once and may be resent.
		sms.mu.Lock()
		sms.script = append(sms.script, nil, func() (int, string) { return 200, `{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}` })
		sms.mu.Unlock()
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageB, Vars: alertVars, Phones: []string{"13700000008"}}); err != nil {
			t.Fatal(err)
		}
		drain(t, s)
		log, counts, _ = s.Log(ctx, jurisdiction.Grant(dbtest.County), notify.LogFilter{})
		if counts.Failed != 1 || log[0].Status != notify.StatusFailed || !strings.Contains(log[0].LastError, "MOBILE_NUMBER_ILLEGAL") || log[0].Attempts != 1 {
			t.Fatalf("failures first: %+v", log[0])
		}
		who := audit.Actor{Username: "zhihuibu", Unit: dbtest.County}
		if err := s.Resend(ctx, who, jurisdiction.Grant(dbtest.TownshipA), log[0].ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("resend outside scope = %v", err)
		}
		if err := s.Resend(ctx, who, jurisdiction.Grant(dbtest.County), log[0].ID); err != nil {
			t.Fatal(err)
		}
		drain(t, s)
		if _, counts, _ = s.Log(ctx, jurisdiction.Grant(dbtest.County), notify.LogFilter{}); counts.Sent != 1 || counts.Failed != 0 {
			t.Fatalf("after resend: %+v", counts)
		}
		if sms.bad != 0 {
			t.Fatalf("%d requests with a bad signature", sms.bad)
		}
	})
}

// One phone gets at most PerTargetHour messages an hour; the rest wait.
func TestPerRecipientLimit(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		seed(t, d)
		sms := newSMSServer(t, "k")
		s := newService(t, d, c, sms, nil, notify.Options{PerTargetHour: 2})
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageB, Vars: alertVars, Phones: []string{"13700000007"}}); err != nil {
				t.Fatal(err)
			}
		}
		drain(t, s)
		if n := len(sms.sent()); n != 2 {
			t.Fatalf("sent %d within the hour, want 2", n)
		}
		c.Add(61 * time.Minute)
		drain(t, s)
		if n := len(sms.sent()); n != 3 {
			t.Fatalf("sent %d after the hour, want 3", n)
		}
	})
}

// Templates: versions, preview, unknown placeholders refused, and Emit
// uses the newest version and its channels.
func TestTemplates(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		vu, _ := seed(t, d)
		s := newService(t, d, c, newSMSServer(t, "k"), nil, notify.Options{})
		ctx := context.Background()
		who := audit.Actor{Username: "zhihuibu", Unit: dbtest.County}
		p, err := s.Preview("test.alert", "请${name}立即复测（${temp}℃）")
		if err != nil || p != "请张三立即复测（38.2℃）" {
			t.Fatalf("preview = %q %v", p, err)
		}
		if _, err := s.SaveTemplate(ctx, who, "test.alert", "${nobody}", nil, ""); !errs.IsInvalid(err) {
			t.Fatalf("unknown placeholder: %v", err)
		}
		x, err := s.SaveTemplate(ctx, who, "test.alert", "新版：${name}", []string{notify.ChannelSMS}, "SMS_123")
		if err != nil || x.Version != 1 {
			t.Fatalf("save = %+v %v", x, err)
		}
		x, err = s.SaveTemplate(ctx, who, "test.alert", "第二版：${name}", nil, "")
		if err != nil || x.Version != 2 {
			t.Fatalf("save 2 = %+v %v", x, err)
		}
		vs, err := s.Versions(ctx, "test.alert")
		if err != nil || len(vs) != 3 || vs[0].Version != 2 || vs[2].Version != 0 {
			t.Fatalf("versions = %+v %v", vs, err)
		}
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars}); err != nil {
			t.Fatal(err)
		}
		items, _, _ := s.Inbox(ctx, vu, 5, 0)
		if len(items) != 1 || items[0].Body != "第二版：张三" {
			t.Fatalf("inbox = %+v", items)
		}
		// Version 2 has no channels: inbox only.
		if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox`); n != 0 {
			t.Fatalf("%d outbox rows for an inbox-only template", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE entity = 'notify_template'`); n != 2 {
			t.Fatalf("audit rows = %d", n)
		}
	})
}

// An alert nobody handles goes to the township, then the county; a handled
// one stops.
func TestEscalation(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		_, tu := seed(t, d)
		s := newService(t, d, c, newSMSServer(t, "k"), nil, notify.Options{})
		ctx := context.Background()
		for _, key := range []string{"open", "handled"} {
			if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars, Key: key}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Handled(ctx, "test.alert", "handled"); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Escalate(ctx); err != nil || n != 0 {
			t.Fatalf("escalated before due: %d %v", n, err)
		}
		c.Add(61 * time.Minute)
		if n, err := s.Escalate(ctx); err != nil || n != 1 {
			t.Fatalf("escalate = %d %v", n, err)
		}
		items, _, _ := s.Inbox(ctx, tu, 5, 0)
		if len(items) != 1 || !strings.HasPrefix(items[0].Body, "【升级提醒·1级】") {
			t.Fatalf("township inbox = %+v", items)
		}
		if n, _ := s.Escalate(ctx); n != 0 {
			t.Fatal("escalated twice at once")
		}
		c.Add(61 * time.Minute)
		if n, _ := s.Escalate(ctx); n != 1 {
			t.Fatal("not escalated to the county")
		}
		c.Add(61 * time.Minute)
		if n, _ := s.Escalate(ctx); n != 0 {
			t.Fatal("escalated above the county")
		}
	})
}

// An event of a 村民小组 reaches its village's cadres and grid workers (and
// the group's own), and one at a township's own level reaches the
// township's cadres: the cadres of the unit the event is at.
func TestRecipientsOfGroupAndTownshipEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		vu, tu := seed(t, d)
		if _, err := d.W().Exec(`INSERT INTO responsibles (unit_code, duty, name, phone, created_at) VALUES ($1, '网格员', '王组长', '13900000010', 0)`, dbtest.GroupA1); err != nil {
			t.Fatal(err)
		}
		s := newService(t, d, c, newSMSServer(t, "secret"), nil, notify.Options{})
		ctx := context.Background()
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.GroupA1, Vars: alertVars, Key: "g1"}); err != nil {
			t.Fatal(err)
		}
		if items, _, err := s.Inbox(ctx, vu, 10, 0); err != nil || len(items) != 1 {
			t.Errorf("the village cadre's inbox for a group's event: %d items, %v", len(items), err)
		}
		for _, phone := range []string{"13900000009", "13900000010"} {
			if n := count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE channel = 'sms' AND target = '`+phone+`'`); n != 1 {
				t.Errorf("SMS to the grid worker %s: %d", phone, n)
			}
		}
		if err := s.Emit(ctx, notify.Event{Kind: "test.quiet", Unit: dbtest.TownshipA, Vars: alertVars, Key: "t1"}); err != nil {
			t.Fatal(err)
		}
		if items, _, err := s.Inbox(ctx, tu, 10, 0); err != nil || len(items) != 1 {
			t.Errorf("the township cadre's inbox for a township-level event: %d items, %v", len(items), err)
		}
	})
}
