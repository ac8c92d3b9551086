package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/notify"
)

// benchNotify measures events through the outbox (通知发送): n events
// emitted one per transaction (as a domain's change emits them) while two
// workers send them as SMS to a loopback SendSms receiver, until the last
// is sent; beside the limit of the same run, n bare single-row INSERTs of
// outbox rows, one per transaction, on the same database.
func benchNotify(ctx context.Context, n int, pgURL string) error {
	url, cleanup := tempDB("notify.db")
	defer cleanup()
	if err := notifyOn(ctx, "SQLite (synchronous=NORMAL)", url, n); err != nil {
		return err
	}
	if pgURL != "" {
		scratch, drop, err := scratchPostgres(ctx, pgURL, "fkbench_notify")
		if err != nil {
			return err
		}
		defer drop()
		return notifyOn(ctx, "PostgreSQL", scratch, n)
	}
	return nil
}

func notifyOn(ctx context.Context, engine, url string, n int) error {
	d, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	for _, u := range [][3]any{{"61", nil, 1}, {"6101", "61", 2}, {"610118", "6101", 3}, {"610118001", "610118", 4}, {"610118001001", "610118001", 5}} {
		if _, err := d.W().ExecContext(ctx, `INSERT INTO units (code, parent_code, level, name, created_at) VALUES ($1, $2, $3, '基准', 0)`, u[0], u[1], u[2]); err != nil {
			return err
		}
	}
	var sent atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sent.Add(1)
		io.WriteString(w, `{"Code":"OK","Message":"OK","BizId":"b"}`)
	}))
	defer recv.Close()

	// The limit: n single-row outbox INSERTs, one transaction each.
	start := time.Now()
	for i := range n {
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO notify_outbox (kind, unit_code, channel, target, body, vars, status, next_at, created_at)
				VALUES ('bench.bare', '610118001001', 'sms', $1, '基准测试消息', '{}', 'sent', $2, $2)`, fmt.Sprintf("139%08d", i), time.Now().UnixMilli())
			return err
		}); err != nil {
			return err
		}
	}
	bare := time.Since(start)

	types := []notify.EventType{{Kind: "bench.alert", Name: "基准", Template: "【防控】${name}体温异常，请核实", Vars: []string{"name"},
		Channels: []string{notify.ChannelSMS}}}
	sms := notify.NewAliyunSMS(notify.SMSConfig{Endpoint: recv.URL, AccessKeyID: "id", AccessKeySecret: "secret", SignName: "基准", Template: "SMS_1"}, time.Now)
	svc := notify.NewService(d, types, []notify.Channel{sms}, nil, notify.NoRoster, notify.Options{PerSecond: 1e6, PerTargetHour: 1 << 30}, time.Now)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		svc.Run(runCtx, 2, 5*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	start = time.Now()
	for i := range n {
		if err := svc.Emit(ctx, notify.Event{Kind: "bench.alert", Unit: "610118001001", Vars: map[string]string{"name": "张三"},
			Phones: []string{fmt.Sprintf("138%08d", i)}, Key: fmt.Sprint(i)}); err != nil {
			stop()
			return err
		}
	}
	emitted := time.Since(start)
	for sent.Load() < int64(n) && time.Since(start) < 10*time.Minute {
		time.Sleep(2 * time.Millisecond)
	}
	total := time.Since(start)
	stop()
	<-done
	var ok int
	d.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'bench.alert' AND status = 'sent'`).Scan(&ok)
	fmt.Printf("%s, %d events\n", engine, n)
	fmt.Printf("  limit: bare outbox INSERTs, one per transaction   %8.0f rows/s\n", rate(n, bare))
	fmt.Printf("  Emit (dedup key, template, outbox row) per tx     %8.0f events/s  (%.0f%% of the limit)\n", rate(n, emitted), 100*rate(n, emitted)/rate(n, bare))
	fmt.Printf("  through the outbox to the loopback SendSms        %8.0f events/s  (%.0f%% of the limit; %d sent, %d marked sent)\n",
		rate(int(sent.Load()), total), 100*rate(int(sent.Load()), total)/rate(n, bare), sent.Load(), ok)
	return nil
}
