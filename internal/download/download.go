// Package download keeps the files a user fetches after an action (下载),
// such as an import's full error report, for a short time. They live in the
// database, so that any instance behind the load balancer serves them, and
// only the user who made one can fetch it.
package download

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// TTL is how long a download is kept.
const TTL = time.Hour

// Store keeps downloads.
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns the store of d.
func NewStore(d *db.DB, now func() time.Time) *Store { return &Store{db: d, now: now} }

// Put keeps body, named name, for userID and returns its token. Downloads
// older than TTL are removed on the way.
func (s *Store) Put(ctx context.Context, userID int64, name string, body []byte) (string, error) {
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	now := s.now()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM downloads WHERE created_at < $1", now.Add(-TTL).UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO downloads (token, user_id, name, body, created_at) VALUES ($1, $2, $3, $4, $5)",
			token, userID, name, body, now.UnixMilli())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("keep download: %w", err)
	}
	return token, nil
}

// Expire deletes the downloads older than TTL (Put does too, on the way;
// this keeps a quiet server from holding them).
func (s *Store) Expire(ctx context.Context) error {
	_, err := s.db.W().ExecContext(ctx, "DELETE FROM downloads WHERE created_at < $1", s.now().Add(-TTL).UnixMilli())
	return err
}

// Get returns the name and content of the download token of userID;
// another user's, an expired or an unknown one is errs.ErrNotFound.
func (s *Store) Get(ctx context.Context, userID int64, token string) (string, []byte, error) {
	var name string
	var body []byte
	err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT name, body FROM downloads WHERE token = $1 AND user_id = $2 AND created_at >= $3",
		token, userID, s.now().Add(-TTL).UnixMilli()).Scan(&name, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("download: %w", errs.ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("download: %w", err)
	}
	return name, body, nil
}
