package download_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/download"
	"fangkong/internal/errs"
)

func TestPutGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		var users [2]int64
		for i, name := range []string{"a", "b"} {
			if err := d.W().QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, unit_code, created_at, updated_at)
				VALUES ($1, $1, 'x', 'village', $2, 0, 0) RETURNING id`, name, dbtest.VillageA).Scan(&users[i]); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
		s := download.NewStore(d, func() time.Time { return now })
		body := bytes.Repeat([]byte{0, 1, 2, 0xff}, 100_000)
		tok, err := s.Put(ctx, users[0], "错误报告.xlsx", body)
		if err != nil {
			t.Fatal(err)
		}
		name, got, err := s.Get(ctx, users[0], tok)
		if err != nil || name != "错误报告.xlsx" || !bytes.Equal(got, body) {
			t.Fatalf("own download: %q, %d bytes, %v", name, len(got), err)
		}
		if _, _, err := s.Get(ctx, users[1], tok); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another user's download: %v", err)
		}
		if _, _, err := s.Get(ctx, users[0], "0123"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		now = now.Add(download.TTL + time.Second)
		if _, _, err := s.Get(ctx, users[0], tok); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("expired download: %v", err)
		}
		// Expired rows leave the database without waiting for the next Put.
		if err := s.Expire(ctx); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := d.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM downloads").Scan(&left); err != nil || left != 0 {
			t.Errorf("after Expire %d downloads are left (%v)", left, err)
		}
		if _, err := s.Put(ctx, users[1], "x", []byte("y")); err != nil {
			t.Fatal(err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM downloads").Scan(&n)
		if n != 1 {
			t.Errorf("%d downloads kept, want the expired one gone", n)
		}
	})
}
