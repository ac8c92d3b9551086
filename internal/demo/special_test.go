package demo_test

import (
	"testing"
	"time"

	"fangkong/internal/db"
	"fangkong/internal/demo"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/readiness"
	"fangkong/internal/special"
)

// checkSpecial: the demo has one open 特报 whose township clock has
// passed, and the county's readiness has gaps.
func checkSpecial(t *testing.T, d *db.DB) {
	ctx, all := t.Context(), jurisdiction.System("test")
	units := jurisdiction.NewStore(d, time.Now)
	card, err := special.NewService(d, units, notify.Discard, time.Now).Summary(ctx, all, demo.CountyCode, "")
	if f, _ := card.Get("special.open"); err != nil || f.Value != 1 {
		t.Errorf("open 特报: %+v %v", f, err)
	}
	if f, _ := card.Get("special.late"); f.Value != 1 || !f.Late {
		t.Errorf("late 特报: %+v", f)
	}
	r, err := readiness.NewService(d, units, time.Now).Get(ctx, all, demo.CountyCode)
	if err != nil || r.Score() == 100 || len(r.Gaps()) == 0 || r.Figures.Tracers != 18 || len(r.Children) == 0 {
		t.Errorf("readiness: score %d gaps %q figures %+v %v", r.Score(), r.Gaps(), r.Figures, err)
	}
}
