// Package notifytest is what the domains' notification tests share: a
// signed-in user to receive messages, that user's inbox as lines, and an
// SMS channel that accepts every message (the inbox is what they check).
package notifytest

import (
	"context"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/notify"
)

// SMS is an SMS channel that accepts every message.
type SMS struct{}

// Name is the SMS channel's name.
func (SMS) Name() string { return notify.ChannelSMS }

// Send accepts the message.
func (SMS) Send(context.Context, notify.Message) (string, error) { return "", nil }

// AddUser adds a signed-in user of role at unit with phone and returns its id.
func AddUser(t testing.TB, d *db.DB, name, role, unit, phone string) int64 {
	t.Helper()
	var id int64
	err := d.W().QueryRow(`INSERT INTO users (username, display_name, password_hash, role, unit_code, phone, created_at, updated_at)
		VALUES ($1, $1, 'x', $2, $3, $4, 0, 0) RETURNING id`, name, role, unit, phone).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Inbox lists a user's messages whose kind starts with prefix ("" for
// all), oldest first, as "kind unit link".
func Inbox(t testing.TB, d *db.DB, user int64, prefix string) []string {
	t.Helper()
	rows, err := d.R().Query(`SELECT kind, unit_code, link FROM notify_inbox WHERE user_id = $1 AND kind LIKE $2 ORDER BY id`, user, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, u, l string
		if err := rows.Scan(&k, &u, &l); err != nil {
			t.Fatal(err)
		}
		out = append(out, k+" "+u+" "+l)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
