package report

import (
	"fmt"
	"time"
	"unicode/utf8"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
	"fangkong/internal/personal"
	"fangkong/internal/summary"
	"fangkong/internal/wire"
)

// Service compiles, stores and reads daily reports. Every method takes the
// caller's Scope; units outside it are not found.
type Service struct {
	db       *db.DB
	units    *jurisdiction.Store
	sources  []summary.Source
	now      func() time.Time
	notifier notify.Emitter
}

// SetNotifier tells units whose report is missing at the deadline (Events);
// without one nothing is sent.
func (s *Service) SetNotifier(n notify.Emitter) { s.notifier = n }

// NewService returns a Service; sources are the domains' summaries a
// report is compiled from (internal/app's list). Every argument is required.
func NewService(d *db.DB, units *jurisdiction.Store, sources []summary.Source, now func() time.Time) *Service {
	wire.Need("report.NewService", "db", d)
	wire.Need("report.NewService", "units", units)
	wire.Need("report.NewService", "sources", sources)
	wire.Need("report.NewService", "now", now)
	return &Service{db: d, units: units, sources: sources, now: now, notifier: notify.Discard}
}

// cleanText is personal.Text with a length limit, as a field's error.
func cleanText(field, s string, limit int) (string, error) {
	t, err := personal.Text(s)
	if err != nil {
		return "", errs.Invalidf(field, "%s", err.Error())
	}
	if utf8.RuneCountInString(t) > limit {
		return "", errs.Invalidf(field, "不超过%d个字", limit)
	}
	return t, nil
}

// at returns the instant of HH:MM on day in Shanghai ("24:00" is the next
// midnight).
func at(day, hhmm string) time.Time {
	loc := clock.Shanghai
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	if err != nil {
		return time.Time{}
	}
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}
