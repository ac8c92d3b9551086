// Package retention ends the keeping of personal data collected for
// epidemic control (保存期限, 个人信息保护法 第47条): once a record's purpose has
// ended (a person released, a list verified, a self-report handled, a
// quarantine stay closed) and its period has passed, a daily job clears
// its personal details. Rows that counts and reports read are anonymised
// in place, not deleted, so every statistic keeps its figures. Each kind of
// data is a domain's purge function; the job writes what it cleared to the
// audit log — counts per county, never contents — and the command centre
// sees beforehand, per kind, how many rows the next run would clear.
package retention

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/wire"
)

// Purge clears (or with dryRun only counts) the rows of one kind inside
// scope whose purpose ended at or before cutoff and that are not cleared
// yet; it returns the rows per county (the first 6 digits of their unit).
// It runs inside the caller's transaction (db.InTx) when there is one.
type Purge func(ctx context.Context, scope jurisdiction.Scope, cutoff time.Time, dryRun bool) (map[string]int, error)

// Kind is one kind of personal data with its retention period.
type Kind struct {
	Key  string // stable name, as in FANGKONG_RETENTION_DAYS: "measure_details"
	Name string // 已解除人员的管控明细
	// Rule says when and what is cleared, with %d for the days.
	Rule string
	// Days after the purpose ended; 0 keeps the data (the kind is off).
	Days  int
	Purge Purge
}

// RuleText is the rule with the period filled in.
func (k Kind) RuleText() string {
	if k.Days <= 0 {
		return "不自动清除（已关闭）"
	}
	return fmt.Sprintf(k.Rule, k.Days)
}

// Service runs the purge and its dry run.
type Service struct {
	db    *db.DB
	kinds []Kind
	now   func() time.Time
}

// NewService returns a Service over kinds (each needs its Purge).
func NewService(d *db.DB, now func() time.Time, kinds []Kind) *Service {
	wire.Need("retention.NewService", "db", d)
	for _, k := range kinds {
		wire.Need("retention.NewService", "the purge of "+k.Key, k.Purge)
	}
	return &Service{db: d, kinds: kinds, now: now}
}

// Kinds lists the kinds in order.
func (s *Service) Kinds() []Kind { return append([]Kind(nil), s.kinds...) }

// Line is one kind in a report or a run.
type Line struct {
	Key, Name, Rule string
	Days            int
	Cutoff          string // YYYY-MM-DD: rows whose purpose ended on or before it are due; "" when off
	Rows            int    // due now (a report) or cleared (a run)
}

func (s *Service) cutoff(k Kind) time.Time {
	return s.now().Add(-time.Duration(k.Days) * 24 * time.Hour)
}

// Report is the dry run: per kind, how many rows inside scope a run now
// would clear. It writes nothing.
func (s *Service) Report(ctx context.Context, scope jurisdiction.Scope) ([]Line, error) {
	var out []Line
	for _, k := range s.kinds {
		l := Line{Key: k.Key, Name: k.Name, Rule: k.RuleText(), Days: k.Days}
		if k.Days > 0 {
			cut := s.cutoff(k)
			l.Cutoff = clock.Day(cut)
			counts, err := k.Purge(ctx, scope, cut, true)
			if err != nil {
				return nil, fmt.Errorf("retention report %s: %w", k.Key, err)
			}
			l.Rows = total(counts)
		}
		out = append(out, l)
	}
	return out, nil
}

// Actor is who the audit log names for the job.
var Actor = audit.Actor{Username: "system:retention", Role: "system"}

// Run clears every kind that is due, over the whole database: one
// transaction per kind, with one audit entry per county that had rows
// cleared (the kind, the rule, the count).
func (s *Service) Run(ctx context.Context) ([]Line, error) {
	all := jurisdiction.System("retention purge")
	var out []Line
	for _, k := range s.kinds {
		l := Line{Key: k.Key, Name: k.Name, Rule: k.RuleText(), Days: k.Days}
		if k.Days <= 0 {
			out = append(out, l)
			continue
		}
		cut := s.cutoff(k)
		l.Cutoff = clock.Day(cut)
		err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			counts, err := k.Purge(ctx, all, cut, false)
			if err != nil {
				return err
			}
			l.Rows = total(counts)
			for _, county := range sortedKeys(counts) {
				if err := audit.Record(ctx, tx, s.now(), Actor, audit.ActionPurge, "retention", k.Key, county,
					fmt.Sprintf("按保存期限清除%s %d 条（%s）", k.Name, counts[county], l.Rule)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("retention purge %s: %w", k.Key, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// Loop runs the purge a minute after start and then every interval until
// ctx ends, logging what it cleared.
func (s *Service) Loop(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		lines, err := s.Run(ctx)
		if err != nil {
			log.Error("retention purge", "err", err)
		}
		for _, l := range lines {
			if l.Rows > 0 {
				log.Info("retention purge", "kind", l.Key, "rows", l.Rows, "cutoff", l.Cutoff)
			}
		}
		t.Reset(interval)
	}
}

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// ParseDays reads FANGKONG_RETENTION_DAYS: one number of days for every
// kind ("30"), or kind=days pairs separated by commas
// ("measure_details=30,push_rows=14"); 0 turns a kind off.
func ParseDays(s string) (map[string]int, error) {
	out := map[string]int{}
	s = strings.TrimSpace(s)
	if s == "" {
		return out, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return nil, fmt.Errorf("retention days %d: must not be negative", n)
		}
		out["*"] = n
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		key, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || n < 0 || strings.TrimSpace(key) == "" {
			return nil, fmt.Errorf("retention days %q: want DAYS or kind=DAYS,…", part)
		}
		out[strings.TrimSpace(key)] = n
	}
	return out, nil
}

// Configure sets the kinds' periods from days (as ParseDays reads them:
// "*" for all, else by key); a key that names no kind is an error.
func Configure(kinds []Kind, days map[string]int) ([]Kind, error) {
	out := append([]Kind(nil), kinds...)
	known := map[string]bool{"*": true}
	for i := range out {
		known[out[i].Key] = true
		if n, ok := days["*"]; ok {
			out[i].Days = n
		}
		if n, ok := days[out[i].Key]; ok {
			out[i].Days = n
		}
	}
	for k := range days {
		if !known[k] {
			return nil, fmt.Errorf("retention: unknown kind %q", k)
		}
	}
	return out, nil
}
