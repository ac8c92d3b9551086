package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
)

// Login throttling: failures counted per account and per address over a window.
const (
	throttleWindow   = 15 * time.Minute
	maxFailsAccount  = 5
	maxFailsAddress  = 30
	ErrThrottledText = "登录失败次数过多，请15分钟后再试"
)

// ErrBadLogin is a wrong username or password (never saying which).
var ErrBadLogin = errors.New("用户名或密码错误")

// Session is a logged-in browser.
type Session struct {
	Token     string // only known right after login
	ID        string // sha256 of the token
	UserID    int64
	CSRF      string
	ExpiresAt int64
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// dummyHash is verified when the account does not exist, so that a wrong
// username takes as long as a wrong password.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2a8DBkqFKXkF0Yx0nW4i9l1DkmWPDTH7yVfSxyCxJaE"

// Login checks a username and password and opens a session.
func (s *Service) Login(ctx context.Context, username, password, ip string) (Session, User, error) {
	now := s.now()
	since := now.Add(-throttleWindow).UnixMilli()
	for _, k := range []struct {
		key string
		max int
	}{{"u:" + username, maxFailsAccount}, {"ip:" + ip, maxFailsAddress}} {
		var n int
		if err := s.db.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2", k.key, since).Scan(&n); err != nil {
			return Session{}, User{}, fmt.Errorf("login: %w", err)
		}
		if n >= k.max {
			return Session{}, User{}, fmt.Errorf("%s: %w", ErrThrottledText, errs.ErrTooMany)
		}
	}
	var hash string
	u, err := scanUser(s.db.R().QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE username = $1", username), &hash)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	if !found {
		hash = dummyHash
	}
	ok, err := s.hasher.Verify(ctx, hash, password)
	if err != nil {
		return Session{}, User{}, err
	}
	if !found || !ok || u.Disabled {
		s.recordFailure(ctx, username, ip)
		return Session{}, User{}, ErrBadLogin
	}
	s.db.W().ExecContext(ctx, "DELETE FROM login_failures WHERE key = $1", "u:"+username)
	sess := Session{Token: newToken(), UserID: u.ID, CSRF: newToken(), ExpiresAt: now.Add(s.SessionTTL).UnixMilli()}
	sess.ID = tokenHash(sess.Token)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf, ip, created_at, seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6)`, sess.ID, u.ID, sess.CSRF, ip, now.UnixMilli(), sess.ExpiresAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip, ""), audit.ActionLogin, "user", fmt.Sprint(u.ID), u.UnitCode, "登录")
	})
	if err != nil {
		return Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	return sess, u, nil
}

func (s *Service) recordFailure(ctx context.Context, username, ip string) {
	now := s.now().UnixMilli()
	s.db.W().ExecContext(ctx, "INSERT INTO login_failures (key, at) VALUES ($1, $2), ($3, $2)", "u:"+username, now, "ip:"+ip)
	s.db.W().ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", now-int64(24*time.Hour/time.Millisecond))
}

// SessionUser resolves a session token to its user, extending the session
// while it is used; expired sessions and disabled users are refused.
func (s *Service) SessionUser(ctx context.Context, token string) (Session, User, error) {
	if token == "" {
		return Session{}, User{}, errs.ErrUnauthenticated
	}
	id := tokenHash(token)
	now := s.now()
	if e, ok := s.cache.get(id, now); ok && e.tokenID == 0 && now.UnixMilli() < e.sess.ExpiresAt {
		return e.sess, e.user, nil
	}
	gen := s.cache.generation()
	var sess Session
	var created, seen int64
	u, err := scanUser(s.db.R().QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.unit_code, u.phone, u.must_change, u.disabled, u.created_at,
		s.csrf, s.expires_at, s.created_at, s.seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`, id), &sess.CSRF, &sess.ExpiresAt, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, errs.ErrUnauthenticated
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("session: %w", err)
	}
	if u.Disabled || now.UnixMilli() >= sess.ExpiresAt || now.Sub(time.UnixMilli(created)) > s.SessionMax {
		s.db.W().ExecContext(ctx, "DELETE FROM sessions WHERE id = $1", id)
		return Session{}, User{}, errs.ErrUnauthenticated
	}
	sess.ID, sess.UserID = id, u.ID
	// Slide the expiry, writing at most once a minute per session.
	if now.Sub(time.UnixMilli(seen)) > time.Minute {
		sess.ExpiresAt = now.Add(s.SessionTTL).UnixMilli()
		s.db.W().ExecContext(ctx, "UPDATE sessions SET seen_at = $1, expires_at = $2 WHERE id = $3", now.UnixMilli(), sess.ExpiresAt, id)
	}
	s.cache.put(id, cacheEntry{user: u, sess: sess}, now, gen)
	return sess, u, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	id := tokenHash(token)
	defer s.cache.drop(id)
	_, err := s.db.W().ExecContext(ctx, "DELETE FROM sessions WHERE id = $1", id)
	return err
}

// APIToken is a bearer token of a machine client; it acts as its user.
type APIToken struct {
	ID         int64
	Name       string
	CreatedAt  int64
	LastUsedAt int64
	RevokedAt  int64
}

// CreateToken issues a new API token for a user; the plain token is shown once.
func (s *Service) CreateToken(ctx context.Context, u User, name string) (string, APIToken, error) {
	if name == "" || len([]rune(name)) > 40 {
		return "", APIToken{}, errs.Invalidf("名称", "请填写令牌用途（40字以内）")
	}
	plain := "fk_" + newToken()
	t := APIToken{Name: name, CreatedAt: s.now().UnixMilli()}
	err := s.db.W().QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		u.ID, name, tokenHash(plain), t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return "", APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return plain, t, nil
}

// Tokens lists a user's tokens.
func (s *Service) Tokens(ctx context.Context, u User) ([]APIToken, error) {
	rows, err := s.db.R().QueryContext(ctx, "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id", u.ID)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the user's tokens.
func (s *Service) RevokeToken(ctx context.Context, u User, id int64) error {
	defer s.cache.dropToken(id)
	res, err := s.db.W().ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at = 0", s.now().UnixMilli(), id, u.ID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %d: %w", id, errs.ErrNotFound)
	}
	return nil
}

// TokenUser resolves a bearer token to its user.
func (s *Service) TokenUser(ctx context.Context, token string) (User, error) {
	hash := tokenHash(token)
	now := s.now()
	if e, ok := s.cache.get(hash, now); ok && e.tokenID != 0 {
		return e.user, nil
	}
	gen := s.cache.generation()
	var tid, lastUsed int64
	u, err := scanUser(s.db.R().QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.unit_code, u.phone, u.must_change, u.disabled, u.created_at,
		t.id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at = 0`, hash), &tid, &lastUsed)
	if err != nil || u.Disabled {
		return User{}, errs.ErrUnauthenticated
	}
	if now := now.UnixMilli(); now-lastUsed > 60_000 {
		s.db.W().ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, tid)
	}
	u.MustChange = false // machine clients have no password to change
	s.cache.put(hash, cacheEntry{user: u, tokenID: tid}, now, gen)
	return u, nil
}
