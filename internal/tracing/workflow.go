package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
)

// InWorkflow says whether a person is part of a tracer's work: a case, or a
// contact of a case, inside the caller's scope. It returns why ("" when
// not): a look-up by the tracing role then shows the person in full
// (package lookup).
func (s *Service) InWorkflow(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, personID int64) (string, error) {
	lo, hi := scope.Args()
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_cases WHERE person_id = $1 AND `+scope.Where("unit_code", 2),
		personID, lo, hi).Scan(&n); err != nil {
		return "", fmt.Errorf("tracing workflow of %d: %w", personID, err)
	}
	if n > 0 {
		return "本辖区病例", nil
	}
	var cat string
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(category), '') FROM tracing_contacts WHERE person_id = $1 AND `+
		scope.Where("unit_code", 2), personID, lo, hi).Scan(&cat)
	if err != nil {
		return "", fmt.Errorf("tracing workflow of %d: %w", personID, err)
	}
	var k int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_contacts WHERE person_id = $1 AND `+
		scope.Where("unit_code", 2), personID, lo, hi).Scan(&k); err != nil {
		return "", err
	}
	if k > 0 {
		return "病例的接触者（" + CategoryName(cat) + "）", nil
	}
	return "", nil
}

// Run escalates missed case clocks every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	clock.Every(ctx, interval, false, func(ctx context.Context) {
		n, err := s.Escalate(ctx)
		if err != nil && log != nil && ctx.Err() == nil {
			log.Warn("tracing escalation", "err", err)
		}
		if n > 0 && log != nil {
			log.Info("tracing escalation", "cases", n)
		}
	})
}
