package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/notify"
)

// clockAt is a settable clock.
type clockAt struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clockAt { return &clockAt{t: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)} }

func (c *clockAt) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clockAt) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var testTypes = []notify.EventType{
	{Kind: "test.alert", Name: "测试预警", Template: "${village}${name}体温${temp}℃，请核实", Vars: []string{"village", "name", "temp"},
		Sample:   map[string]string{"village": "西街社区", "name": "张三", "temp": "38.2"},
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot}, Link: "/alerts/${name}",
		To: []notify.Recipient{{Duty: "网格员"}, {Role: "village"}}, EscalateAfter: time.Hour},
	{Kind: "test.quiet", Name: "站内提醒", Template: "${name}待核实", Vars: []string{"name"},
		To: []notify.Recipient{{Role: "village"}}},
}

// seed adds the fixture tree, a village user with a phone, a township user,
// and a grid worker of VillageA in the responsibles table.
func seed(t *testing.T, d *db.DB) (villageUser, townUser int64) {
	t.Helper()
	dbtest.Tree(t, d)
	q := `INSERT INTO users (username, display_name, password_hash, role, unit_code, phone, created_at, updated_at)
		VALUES ($1, $2, 'x', $3, $4, $5, 0, 0) RETURNING id`
	if err := d.W().QueryRow(q, "cun", "村干部", "village", dbtest.VillageA, "13800000001").Scan(&villageUser); err != nil {
		t.Fatal(err)
	}
	if err := d.W().QueryRow(q, "zhen", "镇干部", "township", dbtest.TownshipA, "13800000002").Scan(&townUser); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W().Exec(`INSERT INTO responsibles (unit_code, duty, name, phone, created_at) VALUES ($1, '网格员', '李四', '13900000009', 0)`, dbtest.VillageA); err != nil {
		t.Fatal(err)
	}
	return
}

// smsServer is a loopback stand-in for Alibaba Cloud's SendSms: it checks
// the signature of every request and answers as scripted (nil: OK).
type smsServer struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	got    []url.Values
	bad    int                    // requests whose signature did not verify
	script []func() (int, string) // answers for the first requests
	calls  atomic.Int64
	byOut  map[string]int
	delay  time.Duration
}

func newSMSServer(t *testing.T, secret string) *smsServer {
	s := &smsServer{secret: secret, byOut: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		v, _ := url.ParseQuery(string(body))
		p := map[string]string{}
		for k := range v {
			p[k] = v.Get(k)
		}
		ok := r.Method == http.MethodPost && v.Get("Action") == "SendSms" && v.Get("SignatureMethod") == "HMAC-SHA1" &&
			notify.AliyunSign("POST", p, s.secret) == v.Get("Signature")
		s.mu.Lock()
		var step func() (int, string)
		if int(n) <= len(s.script) {
			step = s.script[n-1]
		}
		if !ok {
			s.bad++
		}
		s.mu.Unlock()
		if !ok {
			w.WriteHeader(400)
			io.WriteString(w, `{"Code":"SignatureDoesNotMatch","Message":"bad"}`)
			return
		}
		if step != nil {
			status, ans := step()
			w.WriteHeader(status)
			io.WriteString(w, ans)
			return
		}
		if s.delay > 0 {
			time.Sleep(s.delay)
		}
		s.mu.Lock()
		s.got = append(s.got, v)
		s.byOut[v.Get("OutId")]++
		s.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]string{"Code": "OK", "Message": "OK", "BizId": "biz-" + v.Get("OutId"), "RequestId": "r"})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *smsServer) sent() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.got...)
}

// drain runs DeliverOnce until nothing is due.
func drain(t *testing.T, s *notify.Service) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		n, err := s.DeliverOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("outbox never drained")
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
