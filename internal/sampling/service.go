// Package sampling runs mass testing (全员核酸检测): campaigns (检测轮次) over a
// unit's subtree with a snapshot of their target population, sampling points
// and labs, personal and household sampling codes (采样码, 一户一码), the
// registration of pooled samples (混采) by scanning a tube and then people,
// transport boxes (转运箱), lab results, single-tube retests of positive pools
// (单采单检), and coverage (应检尽检) with the list of people still untested.
package sampling

import (
	"context"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/wire"
)

// CategoryAssigner puts a person under a control-measure category: the
// measures service (package measure), or NoAssign.
type CategoryAssigner interface {
	AssignCategory(ctx context.Context, actor audit.Actor, personID int64, category, dayZero, source, note string) error
}

type noAssign struct{}

func (noAssign) AssignCategory(context.Context, audit.Actor, int64, string, string, string, string) error {
	return nil
}

// NoAssign puts no one under control measures: for testing kept without
// the measures module (demo loading, benchmarks, tests of testing alone).
var NoAssign CategoryAssigner = noAssign{}

// Service owns campaigns, samples, results and coverage. Every method takes
// the caller's Scope: records outside it are not found, people outside it
// cannot be sampled.
type Service struct {
	db    *db.DB
	units *jurisdiction.Store
	now   func() time.Time
	// assigner receives the members of positive pools.
	assigner CategoryAssigner
	sources  map[string]TargetSource
	// ingest batches concurrent scans into one transaction (ingest.go).
	ingest *db.Batcher[ScanRequest, ScanResult]
	// scanBatches and scanStmts count the batches applied (tries
	// included) and their statements, BEGIN and COMMIT included.
	scanBatches, scanStmts atomic.Int64
	// stmts keeps the statements of small batches prepared (SQLite).
	stmts *db.StmtCache
	// tallies are the rounds' counts by unit behind Summary (summary.go).
	tallies tallies
}

// NewService returns a Service; all dependencies are required (assigner:
// the measures service, or NoAssign).
func NewService(d *db.DB, units *jurisdiction.Store, assigner CategoryAssigner, now func() time.Time) *Service {
	wire.Need("sampling.NewService", "db", d)
	wire.Need("sampling.NewService", "units", units)
	wire.Need("sampling.NewService", "assigner", assigner)
	wire.Need("sampling.NewService", "now", now)
	s := &Service{db: d, units: units, assigner: assigner, now: now}
	s.stmts = d.NewStmtCache()
	s.ingest = db.NewBatcher(d, "scan", s.applyScans, scanQueueLen, scanBatchMax)
	s.ingest.SetWriters(scanWriters)
	return s
}

// DB exposes the handle (benchmarks, demo loading).
func (s *Service) DB() *db.DB { return s.db }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// visible reports whether a campaign over unit is visible from scope: the
// campaign's unit lies in the scope, or the scope lies in the campaign's unit.
func visible(scope jurisdiction.Scope, unit string) bool {
	return scope.Contains(unit) || strings.HasPrefix(scope.Code(), unit)
}

// effective is the narrower of the caller's scope and the campaign's unit:
// the part of the campaign the caller works in. Callers have checked the
// campaign visible from scope; were its unit still not to narrow the scope,
// nothing is effective (the zero Scope matches nothing).
func effective(scope jurisdiction.Scope, unit string) jurisdiction.Scope {
	if len(scope.Code()) >= len(unit) {
		return scope
	}
	e, _ := scope.Narrow(unit)
	return e
}

// ancestors lists every prefix of a unit code that is a unit code itself
// (2, 4, 6, 9, 12, 15 digits), the code included.
func ancestors(code string) []string {
	var out []string
	for _, n := range []int{2, 4, 6, 9, 12, 15} {
		if len(code) >= n {
			out = append(out, code[:n])
		}
	}
	return out
}

// MaskName hides all but the first and (for names of three or more
// characters) the last character: 王建国 → 王*国, 李娜 → 李*.
func MaskName(name string) string {
	r := []rune(name)
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return name
	case len(r) == 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

func validText(s string, max int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max
}
