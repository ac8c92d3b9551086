package site

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/policy"
	"fangkong/internal/summary"
)

// The day's work of a quarantine site (今日待办): who is on the way, who is
// due to leave, who is due for a test, which staff are due for theirs. Each
// figure is a COUNT over the same FROM and WHERE as the list it links to
// (stayQuery, staffQuery), so a figure and its list cannot disagree.

// What StayFilter.Due selects among the people checked in (在住).
const (
	// DueRelease: the 集中隔离 phase of the person's active measure has
	// ended today or before (今日到期待解除).
	DueRelease = "release"
	// DueTest: the person's active measure has a test due today not yet
	// sampled (今日应检).
	DueTest = "test"
)

// dueWhere adds the predicate of a Due filter for day. Both read the
// person's control measure (管控措施), whatever unit holds the person: the
// site's own scope has already chosen the stays.
func dueWhere(due, day string, add func(cond string, v ...any)) error {
	switch due {
	case "":
		return nil
	case DueRelease:
		// The end of quarantine is the last day of the measure's 集中隔离
		// phases, as planned from the policy in force (policy.Compute);
		// open-ended measures (a post's routine) are released by hand and
		// have no such day; 'active' is measure.StatusActive.
		add(`st.open = 1 AND st.status = ? AND EXISTS (SELECT 1 FROM measures m WHERE m.person_id = st.person_id
			AND m.status = 'active' AND m.open_ended = 0
			AND (SELECT MAX(ph.end_date) FROM measure_phases ph WHERE ph.measure_id = m.id AND ph.type = ?) <= ?)`,
			StayIn, policy.Central, day)
	case DueTest:
		// The measure's scheduled tests (measure_tests, planned from the
		// policy): due on the day, neither sampled nor with a result — the
		// rule of measure.Todo's 核酸检测待采样, for the people at the site.
		add(`st.open = 1 AND st.status = ? AND EXISTS (SELECT 1 FROM measures m JOIN measure_tests t ON t.measure_id = m.id
			WHERE m.person_id = st.person_id AND m.status = 'active' AND t.due = ? AND t.sampled_at <= 0 AND t.result = '')`,
			StayIn, day)
	default:
		return errs.Invalidf("due", "筛选条件“%s”无效", due)
	}
	return nil
}

// stayQuery is the FROM and WHERE of a list of stays and its arguments:
// Stays lists it, Today counts it.
func (s *Service) stayQuery(scope jurisdiction.Scope, f StayFilter) (string, []any, error) {
	lo, hi := scope.Args()
	where := []string{seenBy(scope, f.AtSites)}
	args := []any{lo, hi}
	add := func(cond string, v ...any) {
		for _, x := range v {
			args = append(args, x)
			cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(args)), 1)
		}
		where = append(where, cond)
	}
	if f.SiteID != 0 {
		add("st.site_id = ?", f.SiteID)
	}
	if f.Open {
		add("st.open = 1")
	}
	if f.Status != "" {
		add("st.status = ?", f.Status)
	}
	if err := dueWhere(f.Due, s.today(), add); err != nil {
		return "", nil, err
	}
	if q := strings.TrimSpace(personal.Halfwidth(f.Q)); q != "" {
		if id, err := personal.NormalizeIDNumber(q); err == nil {
			add("p.id_number = ?", id)
		} else {
			add(`p.name LIKE ? ESCAPE '\'`, strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q)+"%")
		}
	}
	return stayFrom + " WHERE " + strings.Join(where, " AND "), args, nil
}

// CountStays counts the stays Stays would list with f (without its limit).
func (s *Service) CountStays(ctx context.Context, scope jurisdiction.Scope, f StayFilter) (int, error) {
	from, args, err := s.stayQuery(scope, f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.R().QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count stays: %w", err)
	}
	return n, nil
}

// testDueBy is the last test date that leaves a staff member due today
// (TestStateOn: 今日应检 or 逾期): testing every `every` days, one who last
// tested on or before today − every is due; one never tested ("", which
// sorts first) too.
func testDueBy(today string, every int) string { return policy.AddDays(today, -every) }

// MaxStaffTestEvery is the longest staff test cadence a site may set, in
// days (validateSite).
const MaxStaffTestEvery = 7

// StaffFilter narrows the staff of the sites in a scope.
type StaffFilter struct {
	// Due keeps the active staff due for their test today or overdue
	// (TestStateOn is not 正常).
	Due    bool
	Limit  int
	Offset int
}

// SiteStaff is a staff member with their site's name (lists across sites).
type SiteStaff struct {
	Staff
	SiteName string
}

const staffFrom = ` FROM site_staff ss JOIN sites s ON s.id = ss.site_id`

// staffQuery is the FROM and WHERE of the staff of the sites in scope:
// StaffOfSites lists it, Today counts it.
func (s *Service) staffQuery(scope jurisdiction.Scope, f StaffFilter) (string, []any) {
	lo, hi := scope.Args()
	where := []string{scope.Where("s.unit_code", 1)}
	args := []any{lo, hi}
	if f.Due {
		// The site's cadence picks the cut-off date (validateSite keeps it
		// within 1..MaxStaffTestEvery; anything else counts as daily).
		today := s.today()
		var b strings.Builder
		b.WriteString("ss.active = 1 AND ss.last_test_on <= CASE s.staff_test_every")
		for every := 1; every <= MaxStaffTestEvery; every++ {
			args = append(args, testDueBy(today, every))
			fmt.Fprintf(&b, " WHEN %d THEN $%d", every, len(args))
		}
		args = append(args, testDueBy(today, 1))
		fmt.Fprintf(&b, " ELSE $%d END", len(args))
		where = append(where, b.String())
	}
	return staffFrom + " WHERE " + strings.Join(where, " AND "), args
}

// StaffOfSites lists the staff of the sites in scope (active first, by
// site), with their test state.
func (s *Service) StaffOfSites(ctx context.Context, scope jurisdiction.Scope, f StaffFilter) ([]SiteStaff, error) {
	from, args := s.staffQuery(scope, f)
	limit, offset := f.Limit, f.Offset
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	offset = max(offset, 0)
	cols := strings.ReplaceAll("ss."+staffColumns, ", ", ", ss.")
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+cols+", s.name, s.staff_test_every"+from+
		fmt.Sprintf(" ORDER BY ss.active DESC, s.unit_code, s.name, ss.post, ss.name, ss.id LIMIT %d OFFSET %d", limit, offset), args...)
	if err != nil {
		return nil, fmt.Errorf("staff of sites: %w", err)
	}
	defer rows.Close()
	today := s.today()
	var out []SiteStaff
	for rows.Next() {
		var x SiteStaff
		var active, every int
		if err := rows.Scan(&x.ID, &x.SiteID, &x.Name, &x.Post, &x.Phone, &x.IDNumber, &x.LastTestOn, &x.Doses, &x.LastDoseOn,
			&active, &x.Version, &x.CreatedAt, &x.UpdatedAt, &x.SiteName, &every); err != nil {
			return nil, err
		}
		x.Active = active == 1
		x.TestState = TestStateOn(x.LastTestOn, today, every)
		out = append(out, x)
	}
	return out, rows.Err()
}

// CountStaff counts the staff StaffOfSites would list with f.
func (s *Service) CountStaff(ctx context.Context, scope jurisdiction.Scope, f StaffFilter) (int, error) {
	from, args := s.staffQuery(scope, f)
	var n int
	if err := s.db.R().QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count staff: %w", err)
	}
	return n, nil
}

// Today is the day's work (今日待办) at the sites in scope, each figure the
// count of the list it links to: the stays at the scope's sites (at=sites,
// not its people staying elsewhere) and the staff of its sites. It returns
// the day too.
func (s *Service) Today(ctx context.Context, scope jurisdiction.Scope) (string, []summary.Figure, error) {
	day := s.today()
	stays := func(f StayFilter) (int, error) {
		f.AtSites = true
		return s.CountStays(ctx, scope, f)
	}
	transfer, err := stays(StayFilter{Status: StayTransfer})
	if err != nil {
		return day, nil, err
	}
	release, err := stays(StayFilter{Due: DueRelease})
	if err != nil {
		return day, nil, err
	}
	tests, err := stays(StayFilter{Due: DueTest})
	if err != nil {
		return day, nil, err
	}
	staff, err := s.CountStaff(ctx, scope, StaffFilter{Due: true})
	if err != nil {
		return day, nil, err
	}
	link := func(q url.Values) string { q.Set("at", "sites"); return "/site-stays?" + q.Encode() }
	return day, []summary.Figure{
		{Key: "site.todo.transfer", Label: "待入住", Value: transfer, Link: link(url.Values{"status": {StayTransfer}}),
			Note: "已登记转运、尚未办理入住的人"},
		{Key: "site.todo.release", Label: "今日到期待解除", Value: release, Link: link(url.Values{"due": {DueRelease}}),
			Note: "在住人员中，管控措施的集中隔离期至今天或已过的"},
		{Key: "site.todo.tests", Label: "今日应检", Value: tests, Link: link(url.Values{"due": {DueTest}}),
			Note: "在住人员中，按管控措施的检测日程今天应检、尚未采样的"},
		{Key: "site.todo.staff", Label: "工作人员今日应检", Value: staff, Link: "/site-staff?due=1",
			Note: "在岗工作人员中，按本点检测频次今天应检或已逾期的（含未登记检测的）"},
	}, nil
}
