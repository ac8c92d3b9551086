package sampling

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/wire"
)

// ResultReader is the read side of testing rounds that other modules use:
// the measures module records, for a test its plan put before the person
// was under the measure, the testing-round result of that day. It needs
// only the database, so it is built before the Service (which needs the
// measures service).
type ResultReader struct{ db *db.DB }

// NewResultReader returns a ResultReader on d.
func NewResultReader(d *db.DB) *ResultReader {
	wire.Need("sampling.NewResultReader", "db", d)
	return &ResultReader{db: d}
}

// PersonResult is one negative pooled result of a person.
type PersonResult struct {
	SampledAt, ResultAt int64  // Unix ms
	Where               string // "全员核酸 <round>（管 <tube>）"
}

// NegativeOn returns the person's negative pooled results sampled on the
// given days (YYYY-MM-DD, Asia/Shanghai), the first of each day. A
// positive or invalid pool is not a result of the person (the single-tube
// retest is, and it is recorded on the measure that follows it).
func (r *ResultReader) NegativeOn(ctx context.Context, personID int64, days []string) (map[string]PersonResult, error) {
	if len(days) == 0 {
		return nil, nil
	}
	first, last := slices.Min(days), slices.Max(days)
	from, err := time.ParseInLocation("2006-01-02", first, clock.Shanghai)
	if err != nil {
		return nil, fmt.Errorf("day %q: %w", first, err)
	}
	to, err := time.ParseInLocation("2006-01-02", last, clock.Shanghai)
	if err != nil {
		return nil, fmt.Errorf("day %q: %w", last, err)
	}
	// campaign_id IN (…) lets both databases use the (campaign_id,
	// person_id) unique index: there are few rounds and no index on the
	// person alone (scans are the hot path).
	rows, err := r.db.Reader(ctx).QueryContext(ctx, `SELECT s.sampled_at, t.result_at, c.name, t.barcode
		FROM test_samples s JOIN test_tubes t ON t.id = s.tube_id JOIN test_campaigns c ON c.id = s.campaign_id
		WHERE s.campaign_id IN (SELECT id FROM test_campaigns) AND s.person_id = $1
		AND s.sampled_at >= $2 AND s.sampled_at < $3 AND t.result = 'negative' ORDER BY s.sampled_at`,
		personID, from.UnixMilli(), to.AddDate(0, 0, 1).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("results of person %d: %w", personID, err)
	}
	defer rows.Close()
	out := map[string]PersonResult{}
	for rows.Next() {
		var x PersonResult
		var round, tube string
		if err := rows.Scan(&x.SampledAt, &x.ResultAt, &round, &tube); err != nil {
			return nil, err
		}
		day := clock.Day(time.UnixMilli(x.SampledAt))
		if _, seen := out[day]; !seen && slices.Contains(days, day) {
			x.Where = fmt.Sprintf("全员核酸 %s（管 %s）", round, tube)
			out[day] = x
		}
	}
	return out, rows.Err()
}
