package checkpoint

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/wire"
)

// Places is the risk-area history and the place resolver as checks need
// them (riskarea.Lookup): where a person came from, typed as a name, and
// that place's risk level today.
type Places interface {
	LevelOn(ctx context.Context, code, detail, day string) (riskarea.Match, error)
	PlaceName(code string) string
	Resolve(text string) place.Result
}

// Ledger is the returnee ledger (returnee.Service) as hand-overs need it:
// the arrival of a handed-over person, source 卡口移交. It joins the
// caller's transaction (db.InTx): its error undoes the check.
type Ledger interface {
	Record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, a returnee.Arrival) (returnee.Arrival, bool, error)
}

// Service keeps the register, rosters, check log, hand-overs and
// incidents. Every method takes the caller's Scope; records outside it are
// not found.
type Service struct {
	db     *db.DB
	units  *jurisdiction.Store
	places Places
	ledger Ledger
	// notifier tells of hand-overs and of the alerts (notify), in their
	// transactions.
	notifier notify.Emitter
	now      func() time.Time
}

// NewService returns a Service; every dependency is required (notifier:
// the notifications service, or notify.Discard).
func NewService(d *db.DB, units *jurisdiction.Store, places Places, ledger Ledger, notifier notify.Emitter, now func() time.Time) *Service {
	wire.Need("checkpoint.NewService", "db", d)
	wire.Need("checkpoint.NewService", "units", units)
	wire.Need("checkpoint.NewService", "places", places)
	wire.Need("checkpoint.NewService", "ledger", ledger)
	wire.Need("checkpoint.NewService", "notifier", notifier)
	wire.Need("checkpoint.NewService", "now", now)
	return &Service{db: d, units: units, places: places, ledger: ledger, notifier: notifier, now: now}
}

func (s *Service) today() string { return clock.Day(s.now()) }

func (s *Service) record(ctx context.Context, q db.Querier, who audit.Actor, action, entity string, id int64, unit, summary string) error {
	return audit.Record(ctx, q, s.now(), who, action, entity, fmt.Sprint(id), unit, summary)
}

// countyOf is the county code of a unit code (its first 6 digits).
func countyOf(code string) string {
	if len(code) < 6 {
		return code
	}
	return code[:6]
}
