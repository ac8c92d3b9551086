package sentinel

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// Return is a sentinel's daily return (日报告): the fever patients found
// that day, 0 being an explicit zero report (零报告).
type Return struct {
	SentinelID  int64
	Day         string
	Fevers      int
	Note        string
	FirstAt     int64 // the first submission: timeliness is judged on it
	SubmittedAt int64 // the last
	SubmittedBy string
	Revisions   int
}

// Zero says whether the return is a zero report.
func (r Return) Zero() bool { return r.Fevers == 0 }

// SubmitReturn records the day's return of the sentinel mine. Submitting
// again the same day replaces the figure (never a second return): the
// count of returns stays one, the revision count grows, and timeliness
// keeps the first submission. Days other than today and the two before
// are refused.
func (s *Service) SubmitReturn(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, day string, fevers int, note string) (Return, error) {
	x, err := s.sentinel(ctx, s.db.Reader(ctx), scope, mine.ID)
	if err != nil {
		return Return{}, err
	}
	today := s.today()
	if day == "" {
		day = today
	}
	d, err := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	if err != nil || day > today || d.Before(mustDay(today).AddDate(0, 0, -2)) {
		return Return{}, errs.Invalidf("day", "只能报今天或前两天的日报（%s）", day)
	}
	if fevers < 0 || fevers > 9999 {
		return Return{}, errs.Invalidf("fevers", "发热人数应为0到9999之间的整数，无发热请报0（零报告）")
	}
	if note, err = cleanNote(note); err != nil {
		return Return{}, err
	}
	now := s.now().UnixMilli()
	var rt Return
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The return counts at least the patients reported one by one
		// that day: a zero report beside two case reports contradicts them.
		reported, err := reportedOn(ctx, tx, x.ID, day)
		if err != nil {
			return err
		}
		if fevers < reported {
			return errs.Invalidf("fevers", "%s已逐例报告发热病人 %d 人，日报发热人数不能少于 %d", dayWord(day, today), reported, reported)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO sentinel_returns (sentinel_id, day, unit_code, fevers, note, first_at, submitted_at, submitted_by, revisions)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 1)
			ON CONFLICT (sentinel_id, day) DO UPDATE SET fevers = excluded.fevers, note = excluded.note,
				submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, revisions = sentinel_returns.revisions + 1
			RETURNING sentinel_id, day, fevers, note, first_at, submitted_at, submitted_by, revisions`,
			x.ID, day, x.UnitCode, fevers, note, now, who.Username).
			Scan(&rt.SentinelID, &rt.Day, &rt.Fevers, &rt.Note, &rt.FirstAt, &rt.SubmittedAt, &rt.SubmittedBy, &rt.Revisions)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("今日发现发热 %d 人", fevers)
		if fevers == 0 {
			what = "零报告"
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "sentinel_return", x.ID, x.UnitCode, fmt.Sprintf("%s %s日报：%s", x.Name, day, what))
	})
	if err != nil {
		return Return{}, fmt.Errorf("return of sentinel %d on %s: %w", x.ID, day, err)
	}
	return rt, nil
}

func mustDay(day string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", day, clock.Shanghai)
	return t
}

// ReturnOf returns the sentinel's return of day; ok false when none.
func (s *Service) ReturnOf(ctx context.Context, sentinelID int64, day string) (Return, bool, error) {
	var rt Return
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT sentinel_id, day, fevers, note, first_at, submitted_at, submitted_by, revisions
		FROM sentinel_returns WHERE sentinel_id = $1 AND day = $2`, sentinelID, day).
		Scan(&rt.SentinelID, &rt.Day, &rt.Fevers, &rt.Note, &rt.FirstAt, &rt.SubmittedAt, &rt.SubmittedBy, &rt.Revisions)
	if isNoRows(err) {
		return Return{}, false, nil
	}
	if err != nil {
		return Return{}, false, fmt.Errorf("return of sentinel %d on %s: %w", sentinelID, day, err)
	}
	return rt, true, nil
}

// Figures are the daily-return figures of one township (or the total):
// SORMAS's informant summary with DHIS2's timeliness.
type Figures struct {
	Code, Name string
	Expected   int // active sentinels
	Reported   int // sentinels with a return (each once, however often resubmitted)
	Zero       int // of them, zero reports
	Missing    int // Expected − Reported
	OnTime     int // returns first submitted by the cut-off
	Fevers     int // fever patients in the returns
	// Reports and MedianDelay are the fever reports found that day and
	// the median minutes from finding to reporting (-1: none).
	Reports     int
	MedianDelay int
	delays      []int
}

// ReportRate and OnTimeRate are percentages of Expected and Reported (0 when none).
func (f Figures) ReportRate() int { return pct(f.Reported, f.Expected) }
func (f Figures) OnTimeRate() int { return pct(f.OnTime, f.Reported) }

func pct(a, b int) int {
	if b == 0 {
		return 0
	}
	return a * 100 / b
}

// Due is one expected sentinel and its return of the day.
type Due struct {
	Sentinel Sentinel
	Return   Return
	Has      bool
	OnTime   bool
}

// Day is a day's returns inside a unit: per township, the total, every
// sentinel's return and the missing list.
type Day struct {
	Day       string
	Cutoff    time.Time
	PastCut   bool // the cut-off has passed: the missing are late
	Townships []Figures
	Total     Figures
	Dues      []Due
	Missing   []Sentinel
}

// Returns computes the day's returns of the sentinels inside the scope
// under unit ("" = the whole scope).
func (s *Service) Returns(ctx context.Context, scope jurisdiction.Scope, unit, day string) (Day, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return Day{}, fmt.Errorf("returns of %s: %w", unit, err)
	}
	if _, err := time.Parse("2006-01-02", day); err != nil {
		return Day{}, errs.Invalidf("day", "日期“%s”无效", day)
	}
	clocks, err := s.ClocksOn(ctx, day)
	if err != nil {
		return Day{}, err
	}
	out := Day{Day: day, Cutoff: clocks.Cutoff(day), Total: Figures{Name: "合计", MedianDelay: -1}}
	out.PastCut = s.now().After(out.Cutoff)
	end := mustDay(day).Add(24 * time.Hour).UnixMilli()
	lo, hi := scope.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, "SELECT "+sentinelColumns+`, COALESCE(rt.fevers, -1), COALESCE(rt.note, ''),
			COALESCE(rt.first_at, 0), COALESCE(rt.submitted_at, 0), COALESCE(rt.submitted_by, ''), COALESCE(rt.revisions, 0)
		FROM sentinels s LEFT JOIN units u ON u.code = s.unit_code
		LEFT JOIN sentinel_returns rt ON rt.sentinel_id = s.id AND rt.day = $3
		WHERE `+scope.Where("s.unit_code", 1)+` AND s.active = 1 AND s.created_at < $4
		ORDER BY s.unit_code, s.name`, lo, hi, day, end)
	if err != nil {
		return Day{}, fmt.Errorf("returns of %s on %s: %w", unit, day, err)
	}
	defer rows.Close()
	byTown := map[string]*Figures{}
	town := func(code string) *Figures {
		t := townshipOf(code)
		if byTown[t] == nil {
			byTown[t] = &Figures{Code: t, MedianDelay: -1}
		}
		return byTown[t]
	}
	cut := out.Cutoff.UnixMilli()
	for rows.Next() {
		var d Due
		var treat, active int
		x := &d.Sentinel
		rt := &d.Return
		if err := rows.Scan(&x.ID, &x.UnitCode, &x.UnitName, &x.Name, &x.Kind, &x.ContactName, &x.ContactPhone, &treat, &active, &x.Version,
			&x.CreatedAt, &rt.Fevers, &rt.Note, &rt.FirstAt, &rt.SubmittedAt, &rt.SubmittedBy, &rt.Revisions); err != nil {
			return Day{}, err
		}
		x.MayTreatFever, x.Active = treat == 1, active == 1
		d.Has = rt.Fevers >= 0
		rt.SentinelID, rt.Day = x.ID, day
		f := town(x.UnitCode)
		f.Expected++
		if d.Has {
			d.OnTime = rt.FirstAt <= cut
			f.Reported++
			f.Fevers += rt.Fevers
			if rt.Fevers == 0 {
				f.Zero++
			}
			if d.OnTime {
				f.OnTime++
			}
		} else {
			f.Missing++
			out.Missing = append(out.Missing, *x)
		}
		out.Dues = append(out.Dues, d)
	}
	if err := rows.Err(); err != nil {
		return Day{}, err
	}
	rows.Close()
	drows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT r.unit_code, r.reported_at - r.found_at FROM sentinel_reports r
		WHERE `+scope.Where("r.unit_code", 1)+` AND r.day = $3`, lo, hi, day)
	if err != nil {
		return Day{}, fmt.Errorf("report delays of %s on %s: %w", unit, day, err)
	}
	defer drows.Close()
	var all []int
	for drows.Next() {
		var code string
		var ms int64
		if err := drows.Scan(&code, &ms); err != nil {
			return Day{}, err
		}
		f := town(code)
		f.Reports++
		f.delays = append(f.delays, int(ms/60000))
		all = append(all, int(ms/60000))
	}
	if err := drows.Err(); err != nil {
		return Day{}, err
	}
	codes := make([]string, 0, len(byTown))
	for c := range byTown {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		f := byTown[c]
		f.MedianDelay = median(f.delays)
		if u, err := s.units.Get(ctx, scope, c); err == nil {
			f.Name = u.Name
		} else if u, err := s.units.Get(ctx, jurisdiction.System("sentinel names"), c); err == nil {
			f.Name = u.Name
		} else {
			f.Name = c
		}
		t := &out.Total
		t.Expected += f.Expected
		t.Reported += f.Reported
		t.Zero += f.Zero
		t.Missing += f.Missing
		t.OnTime += f.OnTime
		t.Fevers += f.Fevers
		t.Reports += f.Reports
		out.Townships = append(out.Townships, *f)
	}
	out.Total.MedianDelay = median(all)
	return out, nil
}

// median of minutes; -1 for none.
func median(xs []int) int {
	if len(xs) == 0 {
		return -1
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// dayWord names day for a message: 今日, or the date.
func dayWord(day, today string) string {
	if day == today {
		return "今日"
	}
	return day
}

// reportedOn counts the fever patients a sentinel reported one by one on
// day.
func reportedOn(ctx context.Context, q db.Querier, sentinelID int64, day string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sentinel_reports WHERE sentinel_id = $1 AND day = $2", sentinelID, day).Scan(&n)
	return n, err
}
