package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/notify"
)

// Two instances on one database, each with two workers, send every message
// exactly once.
func TestTwoInstancesSendOnce(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		seed(t, d)
		sms := newSMSServer(t, "k")
		sms.delay = time.Millisecond
		ctx := context.Background()
		d2, err := db.Open(ctx, d.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		opt := notify.Options{Batch: 7, PerSecond: 1e6, PerTargetHour: 1000}
		a := newService(t, d, c, sms, nil, opt)
		b := newService(t, d2, c, sms, nil, opt)
		const n = 300
		for i := 0; i < n; i++ {
			phone := fmt.Sprintf("137%08d", i)
			if err := a.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageB, Vars: alertVars, Phones: []string{phone}}); err != nil {
				t.Fatal(err)
			}
		}
		runCtx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, s := range []*notify.Service{a, a, b, b} {
			wg.Add(1)
			go func(s *notify.Service) {
				defer wg.Done()
				for runCtx.Err() == nil {
					if _, err := s.DeliverOnce(runCtx); err != nil && runCtx.Err() == nil {
						t.Error(err)
						return
					}
				}
			}(s)
		}
		deadline := time.Now().Add(60 * time.Second)
		for count(t, d, `SELECT COUNT(*) FROM notify_outbox WHERE status = 'sent'`) < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		sms.mu.Lock()
		defer sms.mu.Unlock()
		if len(sms.byOut) != n || len(sms.got) != n {
			t.Fatalf("provider got %d requests for %d messages, want %d", len(sms.got), len(sms.byOut), n)
		}
		for id, k := range sms.byOut {
			if k != 1 {
				t.Fatalf("message %s sent %d times", id, k)
			}
		}
		var owners int
		d.R().QueryRow(`SELECT COUNT(DISTINCT lease_owner) FROM notify_outbox`).Scan(&owners)
		if owners < 2 {
			t.Fatalf("only %d claims: the workers did not share the work", owners)
		}
	})
}

// robotServer stands in for the three robot webhooks; it checks each
// kind's body and signature.
func robotServer(t *testing.T, secret string, now func() time.Time, answer func(kind string) string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var b map[string]any
		json.Unmarshal(raw, &b)
		kind := strings.TrimPrefix(r.URL.Path, "/")
		ok := r.Header.Get("Content-Type") == "application/json; charset=utf-8"
		text := ""
		switch kind {
		case "wecom":
			ok = ok && b["msgtype"] == "text" && r.URL.Query().Get("key") == "wk"
			text, _ = b["text"].(map[string]any)["content"].(string)
		case "dingtalk":
			ts := r.URL.Query().Get("timestamp")
			ok = ok && b["msgtype"] == "text" && r.URL.Query().Get("access_token") == "dt" &&
				ts == fmt.Sprint(now().UnixMilli()) && r.URL.Query().Get("sign") == notify.DingTalkSign(ts, secret)
			text, _ = b["text"].(map[string]any)["content"].(string)
		case "feishu":
			ts, _ := b["timestamp"].(string)
			ok = ok && b["msg_type"] == "text" && ts == fmt.Sprint(now().Unix()) && b["sign"] == notify.FeishuSign(ts, secret)
			text, _ = b["content"].(map[string]any)["text"].(string)
		}
		if !ok {
			io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match","code":19021,"msg":"sign match fail"}`)
			return
		}
		ans := answer(kind)
		if strings.Contains(ans, `":0,`) {
			mu.Lock()
			got = append(got, kind+":"+text)
			mu.Unlock()
		}
		io.WriteString(w, ans)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

// 企业微信, 钉钉 (加签) and 飞书 (签名) robots get the message of the events of
// their subtree; a wrong secret fails at once; a frequency limit is retried.
func TestRobots(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		seed(t, d)
		limited := 1
		var mu sync.Mutex
		srv, got := robotServer(t, "SECxyz", c.Now, func(kind string) string {
			mu.Lock()
			defer mu.Unlock()
			if kind == "wecom" && limited > 0 {
				limited--
				return `{"errcode":45009,"errmsg":"api freq out of limit"}`
			}
			if kind == "feishu" {
				return `{"code":0,"msg":"success"}`
			}
			return `{"errcode":0,"errmsg":"ok"}`
		})
		robots := []notify.Robot{
			{Name: "县指挥部企业微信群", Kind: notify.RobotWeCom, URL: srv.URL + "/wecom?key=wk", Unit: dbtest.County},
			{Name: "甘亭钉钉群", Kind: notify.RobotDingTalk, URL: srv.URL + "/dingtalk?access_token=dt", Secret: "SECxyz", Unit: dbtest.TownshipA},
			{Name: "余下飞书群", Kind: notify.RobotFeishu, URL: srv.URL + "/feishu", Secret: "SECxyz", Unit: dbtest.TownshipB},
			{Name: "错误密钥", Kind: notify.RobotDingTalk, URL: srv.URL + "/dingtalk?access_token=dt", Secret: "wrong", Unit: dbtest.TownshipA},
		}
		s := newService(t, d, c, nil, robots, notify.Options{Backoff: time.Minute})
		ctx := context.Background()
		if err := s.Emit(ctx, notify.Event{Kind: "test.alert", Unit: dbtest.VillageA, Vars: alertVars}); err != nil {
			t.Fatal(err)
		}
		drain(t, s)
		c.Add(time.Minute)
		drain(t, s)
		body := "西街社区张三体温38.5℃，请核实"
		want := map[string]bool{"wecom:" + body: true, "dingtalk:" + body: true}
		if len(*got) != 2 || !want[(*got)[0]] || !want[(*got)[1]] {
			t.Fatalf("robots got %q", *got)
		}
		var st, last string
		var att int
		d.R().QueryRow(`SELECT status, last_error, attempts FROM notify_outbox WHERE target = '错误密钥'`).Scan(&st, &last, &att)
		if st != notify.StatusFailed || !strings.Contains(last, "310000") || att != 1 {
			t.Fatalf("wrong secret: %s %q %d", st, last, att)
		}
		if strings.Contains(last, srv.URL) {
			t.Fatal("the webhook URL (a credential) is in the log")
		}
		d.R().QueryRow(`SELECT status, attempts FROM notify_outbox WHERE target = '县指挥部企业微信群'`).Scan(&st, &att)
		if st != notify.StatusSent || att != 2 {
			t.Fatalf("wecom after a frequency limit: %s %d", st, att)
		}
	})
}
