package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// User is an account.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	UnitCode    string
	Phone       string
	MustChange  bool
	Disabled    bool
	CreatedAt   int64
}

// Scope is the user's jurisdiction: the subtree of their unit. This is where
// every request's scope is granted (an API token acts as its user).
func (u User) Scope() jurisdiction.Scope { return jurisdiction.Grant(u.UnitCode) }

// Can reports whether the user's role has the capability.
func (u User) Can(c Capability) bool { return u.Role.Can(c) }

// Actor is the user as the audit log records them.
func (u User) Actor(ip, requestID string) audit.Actor {
	return audit.Actor{UserID: u.ID, Username: u.Username, Role: string(u.Role), Unit: u.UnitCode, IP: ip, RequestID: requestID}
}

// Service manages users, sessions and tokens.
type Service struct {
	db     *db.DB
	units  *jurisdiction.Store
	hasher *Hasher
	now    func() time.Time
	// SessionTTL is the idle lifetime of a session; SessionMax its absolute one.
	SessionTTL, SessionMax time.Duration
	cache                  *authCache
}

// NewService returns a Service.
func NewService(d *db.DB, units *jurisdiction.Store, now func() time.Time) *Service {
	return &Service{db: d, units: units, hasher: NewHasher(2), now: now, SessionTTL: 12 * time.Hour, SessionMax: 7 * 24 * time.Hour,
		cache: newAuthCache(authCacheTTL, authCacheMax)}
}

const userColumns = "id, username, display_name, role, unit_code, phone, must_change, disabled, created_at"

func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var must, disabled int
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitCode, &u.Phone, &must, &disabled, &u.CreatedAt}, extra...)
	err := row.Scan(dest...)
	u.MustChange, u.Disabled = must == 1, disabled == 1
	return u, err
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,32}$`)

// NewUser is what an admin fills in to create an account.
type NewUser struct {
	Username    string
	DisplayName string
	Role        Role
	UnitCode    string
	Phone       string
	Password    string
	// MustChange makes the user set a new password at first login; accounts
	// an admin creates always have it.
	MustChange bool
}

// CreateUser adds an account inside the creator's scope.
func (s *Service) CreateUser(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, nu NewUser) (User, error) {
	p, err := s.prepareUser(ctx, scope, nu)
	if err != nil {
		return User{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error { return s.insertUser(ctx, tx, who, &p) })
	if db.IsUniqueViolation(err) {
		return User{}, &errs.Conflict{Message: "用户名已被使用：" + p.u.Username}
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", nu.Username, err)
	}
	return p.u, nil
}

// preparedUser is an account checked and its password hashed, ready to
// insert.
type preparedUser struct {
	u        User
	hash     string
	roleName string
	unitName string
}

// prepareUser checks a new account against the rules and the scope and
// hashes its password (slow by design: outside any transaction).
func (s *Service) prepareUser(ctx context.Context, scope jurisdiction.Scope, nu NewUser) (preparedUser, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	var err error
	if nu.DisplayName, err = personal.Name(nu.DisplayName); err != nil {
		return preparedUser{}, errs.Invalidf("姓名", "%s", err.Error())
	}
	if !usernameRE.MatchString(nu.Username) {
		return preparedUser{}, errs.Invalidf("用户名", "用户名为3到32位字母、数字、下划线、点或减号")
	}
	if nu.DisplayName == "" || len([]rune(nu.DisplayName)) > 30 {
		return preparedUser{}, errs.Invalidf("姓名", "请填写姓名（30字以内）")
	}
	ri, ok := nu.Role.Info()
	if !ok {
		return preparedUser{}, errs.Invalidf("角色", "未知角色")
	}
	// The unit is typed by name ("南涝村") or code.
	unit, err := s.units.Find(ctx, scope, "所属单位", nu.UnitCode)
	if err != nil {
		return preparedUser{}, err
	}
	nu.UnitCode = unit.Code
	if !slices.Contains(ri.Levels, unit.Level) {
		return preparedUser{}, errs.Invalidf("所属单位", "%s账号不能建在%s一级（%s）", ri.Name, unit.LevelName(), unit.Name)
	}
	if nu.Phone != "" {
		if nu.Phone, err = personal.NormalizePhone(nu.Phone); err != nil {
			return preparedUser{}, errs.Invalidf("手机号", "%s", err.Error())
		}
	}
	if err := CheckPasswordRule(nu.Password); err != nil {
		return preparedUser{}, err
	}
	hash, err := s.hasher.Hash(ctx, nu.Password)
	if err != nil {
		return preparedUser{}, err
	}
	return preparedUser{u: User{Username: nu.Username, DisplayName: nu.DisplayName, Role: nu.Role, UnitCode: nu.UnitCode, Phone: nu.Phone,
		MustChange: nu.MustChange}, hash: hash, roleName: ri.Name, unitName: unit.Name}, nil
}

// insertUser writes a prepared account and its audit entry inside tx.
func (s *Service) insertUser(ctx context.Context, tx *sql.Tx, who audit.Actor, p *preparedUser) error {
	now := s.now().UnixMilli()
	p.u.CreatedAt = now
	err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, unit_code, phone, must_change, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8) RETURNING id`,
		p.u.Username, p.u.DisplayName, p.hash, string(p.u.Role), p.u.UnitCode, p.u.Phone, boolInt(p.u.MustChange), now).Scan(&p.u.ID)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, s.now(), who, audit.ActionCreate, "user", fmt.Sprint(p.u.ID), p.u.UnitCode,
		"新增账号 "+p.u.Username+"（"+p.roleName+"，"+p.unitName+"）")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// User returns an account inside the scope.
func (s *Service) User(ctx context.Context, scope jurisdiction.Scope, id int64) (User, error) {
	lo, hi := scope.Args()
	u, err := scanUser(s.db.R().QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1 AND "+scope.Where("unit_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// ByUsername returns an account by name (for the command line).
func (s *Service) ByUsername(ctx context.Context, username string) (User, error) {
	u, err := scanUser(s.db.R().QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE username = $1", username))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %q: %w", username, errs.ErrNotFound)
	}
	return u, err
}

// Users lists the accounts inside the scope.
func (s *Service) Users(ctx context.Context, scope jurisdiction.Scope) ([]User, error) {
	lo, hi := scope.Args()
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+scope.Where("unit_code", 1)+" ORDER BY unit_code, username", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPassword sets a user's password (by an admin or the command line),
// ends all their sessions and revokes their API tokens: a reset usually
// follows a leaked or forgotten password, and whoever knew the old one may
// have signed in or made a token with it.
func (s *Service) SetPassword(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, password string, mustChange bool) error {
	u, err := s.User(ctx, scope, id)
	if err != nil {
		return err
	}
	if err := CheckPasswordRule(password); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	defer s.cache.dropUser(id)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, must_change = $2, updated_at = $3 WHERE id = $4",
			hash, boolInt(mustChange), s.now().UnixMilli(), id); err != nil {
			return err
		}
		ended, revoked, err := s.endCredentials(ctx, tx, id, "")
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "user", fmt.Sprint(id), u.UnitCode,
			fmt.Sprintf("重置密码 %s（结束会话 %d 个，作废API令牌 %d 个）", u.Username, ended, revoked))
	})
}

// ChangeOwnPassword lets a logged-in user replace their password. The
// session keepSession (the one making the change, by its id) stays signed
// in; the account's other sessions end and its API tokens are revoked, in
// the database and in this process's cache at once (another instance sees
// it within the cache's 5 seconds): a password is changed because it may
// have leaked, and whoever used it may have signed in elsewhere or made a
// token with it. The user makes new tokens on the 我的 page.
func (s *Service) ChangeOwnPassword(ctx context.Context, who audit.Actor, u User, keepSession, current, next string) error {
	var hash string
	if err := s.db.R().QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = $1", u.ID).Scan(&hash); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	ok, err := s.hasher.Verify(ctx, hash, current)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Invalidf("原密码", "原密码不正确")
	}
	if current == next {
		return errs.Invalidf("新密码", "新密码不能与原密码相同")
	}
	if err := CheckPasswordRule(next); err != nil {
		return err
	}
	newHash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	defer s.cache.dropUser(u.ID) // must_change, the other sessions and the tokens have changed
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, must_change = 0, updated_at = $2 WHERE id = $3",
			newHash, s.now().UnixMilli(), u.ID); err != nil {
			return err
		}
		ended, revoked, err := s.endCredentials(ctx, tx, u.ID, keepSession)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "user", fmt.Sprint(u.ID), u.UnitCode,
			fmt.Sprintf("修改本人密码（结束其他会话 %d 个，作废API令牌 %d 个）", ended, revoked))
	})
}

// endCredentials deletes a user's sessions but keep (a session id, or "")
// and revokes their API tokens; it returns how many of each.
func (s *Service) endCredentials(ctx context.Context, tx *sql.Tx, userID int64, keep string) (sessions, tokens int64, err error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", userID, keep)
	if err != nil {
		return 0, 0, fmt.Errorf("end sessions: %w", err)
	}
	sessions, _ = res.RowsAffected()
	res, err = tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at = 0", s.now().UnixMilli(), userID)
	if err != nil {
		return 0, 0, fmt.Errorf("revoke tokens: %w", err)
	}
	tokens, _ = res.RowsAffected()
	return sessions, tokens, nil
}

// SetDisabled disables or re-enables an account inside the scope.
func (s *Service) SetDisabled(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, disabled bool) error {
	u, err := s.User(ctx, scope, id)
	if err != nil {
		return err
	}
	defer s.cache.dropUser(id)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", boolInt(disabled), s.now().UnixMilli(), id); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id); err != nil {
				return err
			}
		}
		what := "启用账号 "
		if disabled {
			what = "停用账号 "
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "user", fmt.Sprint(id), u.UnitCode, what+u.Username)
	})
}
