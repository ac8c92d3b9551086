// Package tracing owns cases and contact tracing (病例与流调): cases with
// their classification history and clocks (2 h online report, 4 h
// trajectory, 24 h preliminary report), the tracing rules per disease as
// versioned, effective-dated data (look-back, co-presence windows, clocks),
// place codes (场所码) and their scans (imported platform logs and
// fangkong's own public scan page), trajectories (活动轨迹), contacts
// computed from pluggable candidate Sources and judged by tracers
// (密切接触者 / 密接的密接 / 一般接触 / 排除), the hand-off of judged
// contacts to control measures and quarantine-site transfer in one
// transaction, clusters (聚集性疫情) and the chain graph, and the outgoing
// 协查 list of contacts registered outside the county.
package tracing

import (
	"context"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/registry"
	"fangkong/internal/site"
	"fangkong/internal/wire"
)

// Measures is the measures service as tracing needs it: judged contacts are
// put under close_contact / secondary_contact in one call, joining the
// caller's transaction.
type Measures interface {
	AssignMany(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, ins []measure.AssignInput) (int, error)
}

// Transfers is the quarantine sites' service as tracing needs it: a
// transfer (转运) of a person to a site, joining the caller's transaction.
type Transfers interface {
	Transfer(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, siteID int64, in site.TransferInput) (site.Stay, error)
}

// People registers a case's person who is not yet in the registry.
type People interface {
	CreatePerson(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, p registry.Person) (registry.Person, error)
}

// Places resolves a typed address to a division code (internal/place).
type Places interface {
	Resolve(s string) place.Result
}

// Service reads and writes cases, places, scans, contacts and
// trajectories. Every method that touches personal data takes the caller's
// Scope; records outside it are not found.
type Service struct {
	db        *db.DB
	people    People
	measures  Measures
	transfers Transfers
	places    Places
	sources   []Source
	// notifier tells of missed clocks and hand-offs (notify), in their
	// transactions.
	notifier notify.Emitter
	now      func() time.Time
}

// NewService returns a Service; all dependencies are required. sources are
// the candidate sources in the order their evidence is shown; nil gives
// DefaultSources. notifier is the notifications service, or notify.Discard.
func NewService(d *db.DB, people People, measures Measures, transfers Transfers, places Places, sources []Source, notifier notify.Emitter, now func() time.Time) *Service {
	wire.Need("tracing.NewService", "db", d)
	wire.Need("tracing.NewService", "people", people)
	wire.Need("tracing.NewService", "measures", measures)
	wire.Need("tracing.NewService", "transfers", transfers)
	wire.Need("tracing.NewService", "places", places)
	wire.Need("tracing.NewService", "notifier", notifier)
	wire.Need("tracing.NewService", "now", now)
	if sources == nil {
		sources = DefaultSources()
	}
	return &Service{db: d, people: people, measures: measures, transfers: transfers, places: places, sources: sources, notifier: notifier, now: now}
}

func (s *Service) record(ctx context.Context, q db.Querier, who audit.Actor, action, entity string, id int64, unit, summary string) error {
	return audit.Record(ctx, q, s.now(), who, action, entity, fmt.Sprint(id), unit, summary)
}

// dayStart is 00:00 Shanghai of day (YYYY-MM-DD) in Unix ms.
func dayStart(day string) (int64, error) {
	t, err := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}

// dayOf is the Shanghai calendar day of an instant in ms.
func dayOf(ms int64) string { return clock.Day(time.UnixMilli(ms)) }

func invalidf(field, format string, args ...any) error { return errs.Invalidf(field, format, args...) }

// errorsInvalid turns a file-reading error into a validation failure shown
// beside the file field.
func errorsInvalid(err error) error { return errs.Invalidf("文件", "%s", err.Error()) }
