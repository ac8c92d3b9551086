package command

import (
	"context"
	"database/sql"
	"time"

	"fangkong/internal/summary"
)

// keepPoints records the unit's figures as the day's point of each (the
// latest computation of the day wins), for the trend charts.
func (s *Service) keepPoints(ctx context.Context, unit, day string, cards []summary.Card) error {
	now := s.now().UnixMilli()
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, c := range cards {
			for _, f := range c.Figures {
				if _, err := tx.ExecContext(ctx, `INSERT INTO picture_points (unit_code, day, fig_key, value, updated_at)
					VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (unit_code, day, fig_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
					unit, day, f.Key, f.Value, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// trends reads the unit's points of the TrendDays days up to day.
func (s *Service) trends(ctx context.Context, unit, day string) ([]string, map[string][]int, error) {
	end, err := time.Parse("2006-01-02", day)
	if err != nil {
		return nil, nil, err
	}
	days := make([]string, TrendDays)
	index := map[string]int{}
	for i := range days {
		days[i] = end.AddDate(0, 0, i-TrendDays+1).Format("2006-01-02")
		index[days[i]] = i
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT day, fig_key, value FROM picture_points
		WHERE unit_code = $1 AND day >= $2 AND day <= $3`, unit, days[0], day)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var d, k string
		var v int
		if err := rows.Scan(&d, &k, &v); err != nil {
			return nil, nil, err
		}
		series, ok := out[k]
		if !ok {
			series = make([]int, TrendDays)
			for i := range series {
				series[i] = -1
			}
			out[k] = series
		}
		series[index[d]] = v
	}
	return days, out, rows.Err()
}

// Point records one figure's value of a past day (the demo's history, and
// a point kept by a job rather than by a viewer).
func (s *Service) Point(ctx context.Context, unit, day, key string, value int) error {
	_, err := s.db.Writer(ctx).ExecContext(ctx, `INSERT INTO picture_points (unit_code, day, fig_key, value, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (unit_code, day, fig_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		unit, day, key, value, s.now().UnixMilli())
	return err
}
