package returnee

import (
	"context"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/wire"
)

// Service keeps the returnee ledger, sweeps and self-reports.
type Service struct {
	db     *db.DB
	reg    *registry.Service
	units  *jurisdiction.Store
	levels LevelLookup
	// assigner receives the control category of arrivals from risk areas
	// as they are recorded, verified or relevelled, in the same transaction.
	assigner CategoryAssigner
	now      func() time.Time
}

// NewService returns a Service. All dependencies are required: levels is
// the risk-area history (riskarea.NewLookup), assigner the measures service
// (NoAssign where arrivals are to come under no measure).
func NewService(d *db.DB, reg *registry.Service, units *jurisdiction.Store, levels LevelLookup, assigner CategoryAssigner,
	now func() time.Time) *Service {
	const ctor = "returnee.NewService"
	wire.Need(ctor, "db", d)
	wire.Need(ctor, "registry", reg)
	wire.Need(ctor, "units", units)
	wire.Need(ctor, "levels", levels)
	wire.Need(ctor, "assigner", assigner)
	wire.Need(ctor, "now", now)
	return &Service{db: d, reg: reg, units: units, levels: levels, assigner: assigner, now: now}
}

// Record adds an arrival to the ledger, or merges it into the same person's
// arrival whose date lies within MergeWindowDays (sources accumulate; blank
// fields are filled). The person is found in the registry by ID number, else
// by phone and name, and created in the destination household or village
// when unknown. The bool reports a merge. The person's creation, the
// arrival and the control measure it calls for are one transaction, which
// joins the caller's (a push task answered 在村, db.InTx).
func (s *Service) Record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, a Arrival) (Arrival, bool, error) {
	return s.record(ctx, actor, scope, a)
}
