package main_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
)

// kill -9 during a burst of events: every event committed (by another
// process, as a domain's change would) is sent after the restart; no
// message is lost, none is sent that was not committed, and the only
// repeats are the messages whose send the kill interrupted (in flight:
// at most one per sender of the killed instance). On PostgreSQL a second
// instance runs throughout: the two never send one message twice except
// for those in flight at the kill.
func TestKill9DuringNotificationBurst(t *testing.T) {
	bin := build(t)
	t.Run("sqlite", func(t *testing.T) {
		notifyKill9(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "notify.db"), false)
	})
	t.Run("postgres", func(t *testing.T) { notifyKill9(t, bin, dbtest.PostgresURL(t), true) })
}

// smsReceiver stands in for SendSms: it verifies the signature and counts
// requests per OutId (the outbox row).
type smsReceiver struct {
	mu    sync.Mutex
	byOut map[string]int
	total atomic.Int64
	bad   atomic.Int64
}

func (r *smsReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	v, _ := url.ParseQuery(string(b))
	p := map[string]string{}
	for k := range v {
		p[k] = v.Get(k)
	}
	if notify.AliyunSign("POST", p, "kill-secret") != v.Get("Signature") {
		r.bad.Add(1)
		w.WriteHeader(400)
		return
	}
	time.Sleep(2 * time.Millisecond) // a provider takes a moment
	r.mu.Lock()
	r.byOut[v.Get("OutId")]++
	r.mu.Unlock()
	r.total.Add(1)
	io.WriteString(w, `{"Code":"OK","BizId":"b`+v.Get("OutId")+`"}`)
}

func (r *smsReceiver) distinct() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.byOut) }

// serveNotify starts `fangkong serve` with SMS pointed at endpoint.
func serveNotify(t *testing.T, bin, dbURL, endpoint string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "FANGKONG_SMS_ACCESS_KEY_ID=kill-id", "FANGKONG_SMS_ACCESS_KEY_SECRET=kill-secret",
		"FANGKONG_SMS_SIGN_NAME=防控测试", "FANGKONG_SMS_TEMPLATE=SMS_K", "FANGKONG_SMS_ENDPOINT="+endpoint,
		"FANGKONG_NOTIFY_LEASE=2s", "FANGKONG_DATA="+t.TempDir())
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case addr := <-found:
		return "http://" + addr, cmd
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil
}

func notifyKill9(t *testing.T, bin, dbURL string, second bool) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dbtest.Tree(t, d)
	recv := &smsReceiver{byOut: map[string]int{}}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	// This process emits, as a domain's change would; the servers send.
	emitter := notify.NewService(d, measure.Events, []notify.Channel{notify.NewAliyunSMS(notify.SMSConfig{Endpoint: srv.URL}, time.Now)},
		nil, notify.NoRoster, notify.Options{}, time.Now)

	_, a := serveNotify(t, bin, dbURL, srv.URL)
	if second {
		serveNotify(t, bin, dbURL, srv.URL)
	}
	const n = 600
	var killed atomic.Bool
	var inFlightAtKill int
	for i := range n {
		err := emitter.Emit(ctx, notify.Event{Kind: measure.EventAbnormal, Unit: dbtest.VillageB, Key: fmt.Sprint("k", i),
			Vars: map[string]string{"name": fmt.Sprint("人员", i)}, Phones: []string{fmt.Sprintf("137%08d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		if !killed.Load() && recv.total.Load() >= 150 {
			killed.Store(true)
			a.Process.Signal(syscall.SIGKILL)
			a.Wait()
			d.R().QueryRow(`SELECT COUNT(*) FROM notify_outbox WHERE status = 'queued' AND lease_until > 0`).Scan(&inFlightAtKill)
		}
		if i%50 == 0 {
			time.Sleep(20 * time.Millisecond) // a burst over about a second, not one instant
		}
	}
	if !killed.Load() {
		// Emitting outran the sending: kill now, mid-delivery.
		for recv.total.Load() < 150 {
			time.Sleep(5 * time.Millisecond)
		}
		killed.Store(true)
		a.Process.Signal(syscall.SIGKILL)
		a.Wait()
	}
	sentAtKill := recv.total.Load()
	serveNotify(t, bin, dbURL, srv.URL) // the restart
	deadline := time.Now().Add(90 * time.Second)
	for recv.distinct() < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // a lease's worth: any late duplicate would arrive now
	var committed, sent int
	d.R().QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) FROM notify_outbox WHERE kind = $1`,
		measure.EventAbnormal).Scan(&committed, &sent)
	recv.mu.Lock()
	defer recv.mu.Unlock()
	dups := 0
	for id, k := range recv.byOut {
		var row int
		d.R().QueryRow(`SELECT COUNT(*) FROM notify_outbox WHERE id = $1`, id).Scan(&row)
		if row != 1 {
			t.Errorf("sent message %s has no committed outbox row", id)
		}
		dups += k - 1
	}
	t.Logf("%d events committed, %d sent before the kill, %d leased at the kill; after restart %d distinct messages received, %d repeats, %d rows marked sent",
		committed, sentAtKill, inFlightAtKill, len(recv.byOut), dups, sent)
	if committed != n || len(recv.byOut) != n || sent != n {
		t.Fatalf("committed %d, received %d distinct, marked sent %d; want %d each", committed, len(recv.byOut), sent, n)
	}
	if recv.bad.Load() != 0 {
		t.Fatalf("%d requests with a bad signature", recv.bad.Load())
	}
	// The killed instance ran 2 senders: at most 2 messages were on the wire.
	if dups > 2 {
		t.Fatalf("%d messages sent twice; only those in flight at the kill (≤ 2) may be", dups)
	}
}
