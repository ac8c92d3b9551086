package demo_test

import (
	"testing"

	"fangkong/internal/db"
)

// checkCheckpoints: the demo has checkpoints with today's rosters, a day's
// check log, and two hand-overs to the grid worker's village in the ledger.
func checkCheckpoints(t *testing.T, d *db.DB) {
	var cps, blocked, checks, vehicles, handovers, arrivals, members int
	for q, dst := range map[string]*int{
		"SELECT COUNT(*) FROM checkpoints":                             &cps,
		"SELECT COUNT(*) FROM checkpoints WHERE status = '封堵'":         &blocked,
		"SELECT COUNT(*) FROM checkpoint_checks":                       &checks,
		"SELECT COUNT(DISTINCT vehicle_ref) FROM checkpoint_checks":    &vehicles,
		"SELECT COUNT(*) FROM checkpoint_shift_members":                &members,
		"SELECT COUNT(*) FROM checkpoint_handovers WHERE outgoing = 0": &handovers,
		"SELECT COUNT(*) FROM returnees WHERE sources LIKE '%卡口移交%'":   &arrivals,
	} {
		if err := d.R().QueryRow(q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if cps < 5 || blocked < 1 || vehicles < 42 || checks <= vehicles || members == 0 {
		t.Errorf("demo checkpoints %d (blocked %d), checks %d in %d vehicles, %d on rosters", cps, blocked, checks, vehicles, members)
	}
	if handovers < 2 || arrivals < 2 {
		t.Errorf("demo hand-overs %d, their arrivals %d", handovers, arrivals)
	}
	var home, toHome int
	d.R().QueryRow(`SELECT COUNT(*) FROM checkpoint_handovers h JOIN users u ON u.username = 'wanggeyuan' AND h.village_code = u.unit_code`).Scan(&toHome)
	d.R().QueryRow(`SELECT COUNT(*) FROM users WHERE username = 'wanggeyuan'`).Scan(&home)
	if home == 1 && toHome != 2 {
		t.Errorf("%d hand-overs to the grid worker's village, want 2", toHome)
	}
}
