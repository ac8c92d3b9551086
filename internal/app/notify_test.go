package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/notify"
)

// Overdue push tasks reach the village by inbox and SMS (through a
// loopback SendSms that checks the signature), once per four hours; the
// provider's receipt marks the message delivered.
func TestOverduePushTasksNotified(t *testing.T) {
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		var got []url.Values
		sms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			v, _ := url.ParseQuery(string(b))
			p := map[string]string{}
			for k := range v {
				p[k] = v.Get(k)
			}
			if notify.AliyunSign("POST", p, "app-secret") != v.Get("Signature") {
				w.WriteHeader(400)
				io.WriteString(w, `{"Code":"SignatureDoesNotMatch"}`)
				return
			}
			mu.Lock()
			got = append(got, v)
			mu.Unlock()
			io.WriteString(w, `{"Code":"OK","BizId":"B-`+v.Get("OutId")+`"}`)
		}))
		defer sms.Close()
		dbtest.Tree(t, d)
		e := apptest.StartWith(t, d, func(c *app.Config) {
			c.Notify = notify.Config{SMS: notify.SMSConfig{Endpoint: sms.URL, AccessKeyID: "id", AccessKeySecret: "app-secret",
				SignName: "鄠邑防控", Template: "SMS_1", ReceiptToken: "tok123"}}
		})
		u := e.AddUser(t, "cun", auth.RoleVillage, dbtest.VillageA)
		if _, err := d.W().Exec(`UPDATE users SET phone = '13800000011' WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-time.Hour).UnixMilli()
		var list int64
		if err := d.W().QueryRow(`INSERT INTO push_lists (source, name, unit_code, headers, mapping, deadline_hours, created_by, created_at)
			VALUES ('test', '推送', $1, '[]', '{}', 12, 'x', 0) RETURNING id`, dbtest.County).Scan(&list); err != nil {
			t.Fatal(err)
		}
		for i, st := range []string{"open", "open", "done"} {
			if _, err := d.W().Exec(`INSERT INTO push_tasks (list_id, row_no, raw, unit_code, outcome, status, deadline_at, created_at)
				VALUES ($1, $2, '{}', $3, 'matched', $4, $5, 0)`, list, i, dbtest.VillageA, st, past); err != nil {
				t.Fatal(err)
			}
		}
		e.AddUser(t, "zhen", auth.RoleTownship, dbtest.TownshipA)
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			// The village's message and its township's summary.
			if n, err := e.App.NotifyOverdueTasks(ctx); err != nil || n != 2 {
				t.Fatalf("overdue events = %d %v, want 2", n, err)
			}
		}
		// The township's cadre gets the township's summary once, not the
		// village's message.
		z := e.Login(t, "zhen", apptest.Password)
		if _, body := z.Get("/inbox"); strings.Count(body, "涉及1个单位") != 1 || strings.Contains(body, "西街社区居委会有2条") {
			t.Fatalf("township inbox: %s", body)
		}
		c := e.Login(t, "cun", apptest.Password)
		st, body := c.Get("/inbox")
		if st != 200 || strings.Count(body, "有2条大数据推送核查任务已超过时限") != 1 {
			t.Fatalf("inbox %d: %s", st, body)
		}
		if n, err := e.App.Notify.DeliverOnce(ctx); err != nil || n != 1 {
			t.Fatalf("deliver = %d %v", n, err)
		}
		if len(got) != 1 || got[0].Get("PhoneNumbers") != "13800000011" || got[0].Get("TemplateCode") != "SMS_1" {
			t.Fatalf("provider got %v", got)
		}
		receipt := func(tok string) int {
			b, _ := json.Marshal([]notify.AliyunReceipt{{PhoneNumber: "13800000011", Success: true, BizID: "B-" + got[0].Get("OutId"), ErrCode: "DELIVERED"}})
			resp, err := http.Post(e.Server.URL+"/hooks/sms/aliyun/"+tok, "application/json", strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if st := receipt("wrong"); st != 404 {
			t.Fatalf("receipt with a wrong token: %d", st)
		}
		if st := receipt("tok123"); st != 200 {
			t.Fatalf("receipt: %d", st)
		}
		var status string
		d.R().QueryRow(`SELECT status FROM notify_outbox`).Scan(&status)
		if status != notify.StatusDelivered {
			t.Fatalf("status after the receipt: %s", status)
		}
	})
}
