// Package sentinel owns the sentinels (哨点) — village clinics, private
// clinics, pharmacies, township fever rooms, fever clinics, schools, care
// homes and markets — and what they report: fever reports (发热病人报告)
// with the township's 2-hour acknowledgement clock and its escalation to
// the county, the daily return of every sentinel (日报告、零报告) with the
// township's expected / reported / zero / missing figures, the buyers of
// the four drug classes a pharmacy registers (四类药品购买人员), each a
// verification task of the buyer's village with a test deadline, and the
// 晨午检 of schools and care homes. The clocks are effective-dated policy
// rows (Clocks). A positive result is flagged for the command centre and
// handed to a CaseIntake (the tracing domain's, when it exists).
package sentinel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/wire"
)

// People is the registry (户籍人口台账) as a fever report needs it: the
// registered person with this ID number or phone inside scope, to link the
// report to them. errs.ErrNotFound when there is none (a new person: the
// report keeps what was typed).
type People interface {
	PersonByKey(ctx context.Context, scope jurisdiction.Scope, idNumber, phone string) (int64, error)
}

// CaseIntake receives a fever report whose result is positive (阳性): the
// seam where the tracing domain (流调) opens a case. It is called inside
// the result's transaction and must join it (db.InTx); its error undoes
// the result.
type CaseIntake interface {
	OpenCase(ctx context.Context, who audit.Actor, r Report) error
}

type noIntake struct{}

func (noIntake) OpenCase(context.Context, audit.Actor, Report) error { return nil }

// NoIntake opens no case: a positive report is flagged for the command
// centre only (until the tracing domain is wired in internal/app).
var NoIntake CaseIntake = noIntake{}

// Service reads and writes sentinels and their reports. Every method takes
// the caller's Scope; records outside it are not found.
type Service struct {
	db     *db.DB
	units  *jurisdiction.Store
	people People
	cases  CaseIntake
	// notifier tells of new, escalated and positive reports (notify), in
	// the report's transaction.
	notifier notify.Emitter
	now      func() time.Time
}

// NewService returns a Service; every dependency is required (cases: the
// tracing intake, or NoIntake; notifier: the notifications service, or
// notify.Discard).
func NewService(d *db.DB, units *jurisdiction.Store, people People, cases CaseIntake, notifier notify.Emitter, now func() time.Time) *Service {
	wire.Need("sentinel.NewService", "db", d)
	wire.Need("sentinel.NewService", "units", units)
	wire.Need("sentinel.NewService", "people", people)
	wire.Need("sentinel.NewService", "cases", cases)
	wire.Need("sentinel.NewService", "notifier", notifier)
	wire.Need("sentinel.NewService", "now", now)
	return &Service{db: d, units: units, people: people, cases: cases, notifier: notifier, now: now}
}

func (s *Service) today() string { return clock.Day(s.now()) }

func (s *Service) record(ctx context.Context, q db.Querier, who audit.Actor, action, entity string, id int64, unit, summary string) error {
	return audit.Record(ctx, q, s.now(), who, action, entity, fmt.Sprint(id), unit, summary)
}

// dayOf is the day (Asia/Shanghai) of an instant in unix ms.
func dayOf(ms int64) string { return clock.Day(time.UnixMilli(ms)) }

// townshipOf is the township (镇街) of a village or township code.
func townshipOf(code string) string {
	if len(code) >= 9 {
		return code[:9]
	}
	return code
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
