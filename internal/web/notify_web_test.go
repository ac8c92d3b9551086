package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/notify"
)

// TestNotifyPages: the template editor keeps what was typed with the
// message beside its field, previews, saves versions; the test send goes
// to a loopback 钉钉 robot that checks its signature, and a failure shows
// on the page and first in the log, where it can be resent; messages to
// residents show the count to confirm before anything is sent.
func TestNotifyPages(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		var hits atomic.Int64
		fail := atomic.Bool{}
		robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ts := r.URL.Query().Get("timestamp")
			var b map[string]any
			json.NewDecoder(r.Body).Decode(&b)
			if r.URL.Query().Get("sign") != notify.DingTalkSign(ts, "SECweb") || b["msgtype"] != "text" {
				io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
				return
			}
			hits.Add(1)
			if fail.Load() {
				io.WriteString(w, `{"errcode":300001,"errmsg":"token is not exist"}`)
				return
			}
			io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
		}))
		defer robot.Close()
		dbtest.Tree(t, d)
		e := apptest.StartWith(t, d, func(c *app.Config) {
			c.Notify = notify.Config{Robots: []notify.Robot{{Name: "甘亭街道工作群", Kind: notify.RobotDingTalk,
				URL: robot.URL + "/robot/send?access_token=abc", Secret: "SECweb", Unit: dbtest.TownshipA}}}
		})
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)
		post := func(path string, form url.Values, want int, has ...string) string {
			t.Helper()
			st, body := c.Post(path, form)
			if st != want {
				t.Fatalf("POST %s: %d, want %d\n%.600s", path, st, want, body)
			}
			for _, h := range has {
				if !strings.Contains(body, h) {
					t.Errorf("POST %s: missing %q", path, h)
				}
			}
			return body
		}
		const tpl = "/notify/templates/measure.abnormal"
		post(tpl, url.Values{"body": {"请核实${who}的情况"}, "sms": {"1"}}, 400, "未知的变量 ${who}", "请核实${who}的情况", `name="sms" value="1" checked`)
		post(tpl, url.Values{"body": {"${unit}的${name}体温异常"}, "preview": {"1"}}, 200, `<output id="preview">西街社区的张三体温异常</output>`)
		post(tpl, url.Values{"body": {"${unit}的${name}体温异常，请核实"}, "robot": {"1"}}, http.StatusSeeOther)
		if st, body := c.Get(tpl); st != 200 || !strings.Contains(body, "第 1 版") || !strings.Contains(body, "${unit}的${name}体温异常，请核实") {
			t.Fatalf("versions: %d %.400s", st, body)
		}

		post("/notify/test", url.Values{"channel": {"robot"}, "to": {"甘亭街道工作群"}}, 200, `<p id="test-result"><b>发送成功</b>`)
		post("/notify/test", url.Values{"channel": {"robot"}, "to": {"没有的群"}}, 400, "没有这个机器人", `value="没有的群"`)
		fail.Store(true)
		post("/notify/test", url.Values{"channel": {"robot"}, "to": {"甘亭街道工作群"}}, 200, "发送失败", "300001")
		if hits.Load() != 2 {
			t.Fatalf("robot hits %d, want 2", hits.Load())
		}
		st, body := c.Get("/notify")
		if st != 200 || strings.Index(body, "300001") > strings.Index(body, `data-l="状态">已发送`) || !strings.Contains(body, `<b id="failed">1</b>`) {
			t.Fatalf("log: failures first: %.1500s", body)
		}
		var id int64
		d.R().QueryRow(`SELECT id FROM notify_outbox WHERE status = 'failed'`).Scan(&id)
		fail.Store(false)
		post("/notify/messages/"+itoa(id)+"/resend", nil, http.StatusSeeOther)
		if n, err := e.App.Notify.DeliverOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("deliver after resend: %d %v", n, err)
		}

		// Residents: the count first; nothing queued until confirmed (and
		// without an SMS account, the confirmation is refused).
		if _, err := d.W().Exec(`INSERT INTO people (name, unit_code, phone, created_at, updated_at) VALUES ('村民', $1, '13611112222', 0, 0)`, dbtest.VillageA); err != nil {
			t.Fatal(err)
		}
		post("/notify/residents", url.Values{"unit": {dbtest.VillageA}, "body": {"请于今日18时前到采样点采样"}}, 200, `<b id="count">1</b>`, "136****2222")
		// The village by name; the confirm page shows the text as residents receive it, signed.
		post("/notify/residents", url.Values{"unit": {"西街社区"}, "body": {"请于今日18时前到采样点采样"}}, 200, `<b id="count">1</b>`,
			"请于今日18时前到采样点采样——西街社区居委会")
		post("/notify/residents", url.Values{"unit": {dbtest.VillageA}, "body": {"请于今日18时前到采样点采样"}, "confirm": {"1"}}, 400, "短信渠道未配置")
		post("/notify/residents", url.Values{"unit": {"610124100001"}, "body": {"x"}}, 400, "不在您的辖区内")
		var queued int
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_outbox WHERE kind = 'notify.residents'`).Scan(&queued)
		if queued != 0 {
			t.Fatalf("%d resident messages queued without confirmation", queued)
		}
	})
}
