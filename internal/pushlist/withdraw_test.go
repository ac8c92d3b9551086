package pushlist_test

import (
	"context"
	"errors"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/errs"
	"fangkong/internal/pushlist"
)

// TestWithdraw: a list imported by mistake is withdrawn: its open tasks
// cancelled (and no longer answerable), the answered one kept, the list
// marked and the act audited; a second withdrawal is a conflict, and
// outside the scope the list does not exist.
func TestWithdraw(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := setup(t, d)
		l := importBytes(t, s, xlsx(t, []string{"姓名", "手机号", "目的地"}, [][]string{
			{"甲", "13700000001", dbtest.VillageA}, {"乙", "13700000002", dbtest.VillageA}, {"丙", "13700000003", dbtest.VillageA}}),
			pushlist.ImportOptions{Source: "公安"})
		tk := byRow(t, s, l.ID)
		if _, err := s.AnswerTask(ctx, worker, villA, tk[2].ID, pushlist.Answer{Result: pushlist.ResultInVillage}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Withdraw(ctx, centre, villB, l.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("withdraw outside the scope: %v", err)
		}
		got, n, err := s.Withdraw(ctx, centre, county, l.ID)
		if err != nil || n != 2 || got.WithdrawnAt == 0 || got.WithdrawnBy != "centre" || got.Done != 1 || got.Open != 0 {
			t.Fatalf("withdraw: %d cancelled, %+v, %v", n, got, err)
		}
		tk = byRow(t, s, l.ID)
		if tk[2].Status != pushlist.StatusDone || tk[3].Status != pushlist.StatusCancelled || tk[4].Status != pushlist.StatusCancelled {
			t.Fatalf("statuses %s %s %s", tk[2].Status, tk[3].Status, tk[4].Status)
		}
		if _, err := s.AnswerTask(ctx, worker, villA, tk[3].ID, pushlist.Answer{Result: pushlist.ResultInVillage}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("answering a cancelled task: %v", err)
		}
		if _, _, err := s.Withdraw(ctx, centre, county, l.ID); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("second withdrawal: %v", err)
		}
		var audits int
		d.R().QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'pushlist' AND summary LIKE '撤回%'").Scan(&audits)
		if audits != 1 {
			t.Fatalf("%d withdrawal audits, want 1", audits)
		}
	})
}
