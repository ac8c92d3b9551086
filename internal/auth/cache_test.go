package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Sessions and tokens are cached for a few seconds: a change made through
// this process applies at once; one made elsewhere (another instance, here
// raw SQL) within the TTL.
func TestAuthCache(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dbtest.Tree(t, d)
		clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		s := auth.NewService(d, jurisdiction.NewStore(d, now), now)
		county := jurisdiction.Grant(dbtest.County)
		u, err := s.CreateUser(ctx, admin, county, auth.NewUser{Username: "cyy", DisplayName: "采样员", Role: auth.RoleSampling, UnitCode: dbtest.VillageA, Password: "abc12345", MustChange: true})
		if err != nil {
			t.Fatal(err)
		}
		sess, _, err := s.Login(ctx, "cyy", "abc12345", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, su, err := s.SessionUser(ctx, sess.Token); err != nil || !su.MustChange {
			t.Fatalf("session: %v %+v", err, su)
		}
		// Changing the password here is seen at once (no stale must_change).
		if err := s.ChangeOwnPassword(ctx, u.Actor("", ""), u, sess.ID, "abc12345", "newpass99"); err != nil {
			t.Fatal(err)
		}
		if _, su, err := s.SessionUser(ctx, sess.Token); err != nil || su.MustChange {
			t.Fatalf("after password change: %v %+v", err, su)
		}
		// Another instance logs the session out: seen within the TTL.
		d.W().Exec("DELETE FROM sessions WHERE user_id = $1", u.ID)
		if _, _, err := s.SessionUser(ctx, sess.Token); err != nil {
			t.Errorf("cached session refused within the TTL: %v", err)
		}
		clock = clock.Add(6 * time.Second)
		if _, _, err := s.SessionUser(ctx, sess.Token); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("deleted session accepted after the TTL: %v", err)
		}
		// Logout in this process ends the session at once.
		sess2, _, _ := s.Login(ctx, "cyy", "newpass99", "10.0.0.1")
		s.SessionUser(ctx, sess2.Token)
		s.Logout(ctx, sess2.Token)
		if _, _, err := s.SessionUser(ctx, sess2.Token); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("logged-out session accepted: %v", err)
		}
		// Tokens: a password reset by an admin drops the user's cached
		// token and sessions; revocation elsewhere is seen within the TTL.
		plain, tok, _ := s.CreateToken(ctx, u, "扫码枪")
		if _, err := s.TokenUser(ctx, plain); err != nil {
			t.Fatal(err)
		}
		d.W().Exec("UPDATE api_tokens SET revoked_at = 1 WHERE id = $1", tok.ID)
		if _, err := s.TokenUser(ctx, plain); err != nil {
			t.Errorf("cached token refused within the TTL: %v", err)
		}
		clock = clock.Add(6 * time.Second)
		if _, err := s.TokenUser(ctx, plain); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("revoked token accepted after the TTL: %v", err)
		}
		plain2, _, _ := s.CreateToken(ctx, u, "扫码枪2")
		s.TokenUser(ctx, plain2)
		if err := s.SetDisabled(ctx, admin, county, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, plain2); !errors.Is(err, errs.ErrUnauthenticated) {
			t.Errorf("disabled user's cached token accepted: %v", err)
		}
	})
}
