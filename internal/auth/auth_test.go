package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

var admin = audit.Actor{UserID: 0, Username: "cli", Role: "admin"}

func TestPasswordHash(t *testing.T) {
	h := auth.NewHasher(1)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "secret123")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q %v", enc, err)
	}
	if ok, _ := h.Verify(ctx, enc, "secret123"); !ok {
		t.Error("right password refused")
	}
	if ok, _ := h.Verify(ctx, enc, "secret124"); ok {
		t.Error("wrong password accepted")
	}
	for _, bad := range []string{"short1", "onlyletters", "12345678"} {
		if auth.CheckPasswordRule(bad) == nil {
			t.Errorf("weak password %q accepted", bad)
		}
	}
}

func TestUsersSessionsTokens(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		s := auth.NewService(d, jurisdiction.NewStore(d, now), now)
		county := jurisdiction.Grant(dbtest.County)

		// Role and level rules.
		if _, err := s.CreateUser(ctx, admin, county, auth.NewUser{Username: "wgy", DisplayName: "网格员", Role: auth.RoleVillage, UnitCode: dbtest.TownshipA, Password: "abc12345"}); !errs.IsInvalid(err) {
			t.Errorf("village worker on a township: %v", err)
		}
		if _, err := s.CreateUser(ctx, admin, jurisdiction.Grant(dbtest.TownshipB), auth.NewUser{Username: "wgy", DisplayName: "网格员", Role: auth.RoleVillage, UnitCode: dbtest.VillageA, Password: "abc12345"}); !errs.IsInvalid(err) {
			t.Errorf("user created outside the creator's scope: %v", err)
		}
		u, err := s.CreateUser(ctx, admin, county, auth.NewUser{Username: "wgy", DisplayName: "网格员", Role: auth.RoleVillage, UnitCode: dbtest.VillageA, Password: "abc12345", MustChange: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, admin, county, auth.NewUser{Username: "wgy", DisplayName: "x", Role: auth.RoleVillage, UnitCode: dbtest.VillageA, Password: "abc12345"}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("duplicate username: %v", err)
		}
		var hash string
		d.R().QueryRow("SELECT password_hash FROM users WHERE id = $1", u.ID).Scan(&hash)
		if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "abc12345") {
			t.Errorf("stored hash %q", hash)
		}

		sess, lu, err := s.Login(ctx, "wgy", "abc12345", "10.0.0.1")
		if err != nil || !lu.MustChange {
			t.Fatalf("login: %v %+v", err, lu)
		}
		_, su, err := s.SessionUser(ctx, sess.Token)
		if err != nil || su.ID != u.ID || su.Scope().Code() != dbtest.VillageA {
			t.Fatalf("session user %+v %v", su, err)
		}
		if err := s.ChangeOwnPassword(ctx, su.Actor("", ""), su, sess.ID, "abc12345", "newpass99"); err != nil {
			t.Fatal(err)
		}
		// Expiry: idle past the TTL ends the session.
		clock = clock.Add(13 * time.Hour)
		if _, _, err := s.SessionUser(ctx, sess.Token); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("expired session accepted: %v", err)
		}

		// Throttling per account: the 6th try is refused even with the right password.
		for i := 0; i < 5; i++ {
			if _, _, err := s.Login(ctx, "wgy", "wrong-pass1", "10.0.0.2"); !errors.Is(err, auth.ErrBadLogin) {
				t.Fatalf("try %d: %v", i, err)
			}
		}
		if _, _, err := s.Login(ctx, "wgy", "newpass99", "10.0.0.3"); !errors.Is(err, errs.ErrTooMany) {
			t.Errorf("throttled login: %v", err)
		}
		clock = clock.Add(16 * time.Minute)
		if _, _, err := s.Login(ctx, "wgy", "newpass99", "10.0.0.3"); err != nil {
			t.Errorf("login after the window: %v", err)
		}
		// Unknown users fail the same way.
		if _, _, err := s.Login(ctx, "nobody", "whatever1", "10.0.0.4"); !errors.Is(err, auth.ErrBadLogin) {
			t.Errorf("unknown user: %v", err)
		}

		// API tokens act as their user, until revoked.
		plain, tok, err := s.CreateToken(ctx, u, "检测机构对接")
		if err != nil {
			t.Fatal(err)
		}
		tu, err := s.TokenUser(ctx, plain)
		if err != nil || tu.ID != u.ID {
			t.Fatalf("token user %+v %v", tu, err)
		}
		if err := s.RevokeToken(ctx, u, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, plain); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("revoked token accepted: %v", err)
		}
		// Disabling ends sessions.
		sess2, _, _ := s.Login(ctx, "wgy", "newpass99", "10.0.0.5")
		if err := s.SetDisabled(ctx, admin, county, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, sess2.Token); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("disabled user's session accepted: %v", err)
		}
	})
}

// Changing one's password ends the account's other sessions, in the
// database and in this process's cache, keeps the session that changed it,
// and revokes the account's API tokens (a leaked password may have minted
// them).
func TestChangePasswordEndsOtherSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		s := auth.NewService(d, jurisdiction.NewStore(d, now), now)
		u, err := s.CreateUser(ctx, admin, jurisdiction.Grant(dbtest.County), auth.NewUser{Username: "wgy", DisplayName: "网格员",
			Role: auth.RoleVillage, UnitCode: dbtest.VillageA, Password: "abc12345"})
		if err != nil {
			t.Fatal(err)
		}
		here, _, err := s.Login(ctx, "wgy", "abc12345", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		stolen, _, err := s.Login(ctx, "wgy", "abc12345", "10.6.6.6")
		if err != nil {
			t.Fatal(err)
		}
		plain, _, err := s.CreateToken(ctx, u, "攻击者的令牌")
		if err != nil {
			t.Fatal(err)
		}
		// All three are cached before the change.
		for _, tok := range []string{here.Token, stolen.Token} {
			if _, _, err := s.SessionUser(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.TokenUser(ctx, plain); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangeOwnPassword(ctx, u.Actor("10.0.0.1", ""), u, here.ID, "abc12345", "newpass99"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, here.Token); err != nil {
			t.Errorf("the session that changed the password was ended: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, stolen.Token); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("another session survived the password change: %v", err)
		}
		if _, err := s.TokenUser(ctx, plain); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("an API token survived the password change: %v", err)
		}
		var n int
		d.R().QueryRow("SELECT COUNT(*) FROM sessions WHERE user_id = $1", u.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d sessions in the database, want 1", n)
		}
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND summary LIKE '%修改本人密码%'", fmt.Sprint(u.ID)).Scan(&n)
		if n != 1 {
			t.Errorf("%d audit entries of the change, want 1", n)
		}
		// An admin's reset ends every session and revokes the tokens too.
		plain2, _, _ := s.CreateToken(ctx, u, "扫码枪")
		s.TokenUser(ctx, plain2)
		if err := s.SetPassword(ctx, admin, jurisdiction.Grant(dbtest.County), u.ID, "Reset-pass-2026", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, here.Token); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("a session survived the admin's reset: %v", err)
		}
		if _, err := s.TokenUser(ctx, plain2); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("an API token survived the admin's reset: %v", err)
		}
	})
}
