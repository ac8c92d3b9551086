package returnee

import (
	"context"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/riskarea"
)

// Service keeps the returnee ledger, sweeps and self-reports.
type Service struct {
	db    *db.DB
	reg   *registry.Service
	units *jurisdiction.Store
	risk  *riskarea.Service
	now   func() time.Time
	// Assigner, when set, receives the control category of arrivals from
	// risk areas as they are recorded or verified.
	Assigner CategoryAssigner
}

// NewService returns a Service.
func NewService(d *db.DB, reg *registry.Service, units *jurisdiction.Store, risk *riskarea.Service, now func() time.Time) *Service {
	return &Service{db: d, reg: reg, units: units, risk: risk, now: now}
}

// Record adds an arrival to the ledger, or merges it into the same person's
// arrival whose date lies within MergeWindowDays (sources accumulate; blank
// fields are filled). The person is found in the registry by ID number, else
// by phone and name, and created in the destination household or village
// when unknown. The bool reports a merge.
func (s *Service) Record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, a Arrival) (Arrival, bool, error) {
	return s.record(ctx, actor, scope, a)
}
