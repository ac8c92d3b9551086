package sentinel

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
)

// Clocks are the sentinels' deadlines, policy data: versioned by the day
// they take effect (sentinel_clocks), the shipped defaults in force before
// any row.
type Clocks struct {
	EffectiveFrom string // YYYY-MM-DD ("" = the shipped default)
	// AckHours: the township health centre acknowledges a fever report
	// within this many hours of its report (发热病人两小时内报告乡镇卫生院);
	// a report left unacknowledged escalates to the county.
	AckHours int
	// ReturnCutoff: the day's return (日报告/零报告) is due by this time of
	// day, HH:MM Asia/Shanghai; sentinels without one then are missing.
	ReturnCutoff string
	// BuyerTestHours: a buyer of the four drug classes tests within this
	// many hours of the purchase (72 h in Beijing).
	BuyerTestHours int
	Note           string
}

// DefaultClocks are the seeds' rules (001; policy-defaults.md).
var DefaultClocks = Clocks{AckHours: 2, ReturnCutoff: "16:00", BuyerTestHours: 72,
	Note: "种子材料001：发热病人两小时内报告乡镇卫生院；日报告、零报告；四类药品购买人员72小时内核酸检测"}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks a clock version before it is stored.
func (c Clocks) Validate() error {
	if _, err := time.Parse("2006-01-02", c.EffectiveFrom); err != nil {
		return errs.Invalidf("effective_from", "生效日期“%s”无效，应为 YYYY-MM-DD", c.EffectiveFrom)
	}
	if c.AckHours < 1 || c.AckHours > 48 {
		return errs.Invalidf("ack_hours", "乡镇接收时限应为1到48小时")
	}
	if !hhmm.MatchString(c.ReturnCutoff) {
		return errs.Invalidf("return_cutoff", "日报截止时间应为 HH:MM，如 16:00")
	}
	if c.BuyerTestHours < 1 || c.BuyerTestHours > 240 {
		return errs.Invalidf("buyer_test_hours", "购药人员检测时限应为1到240小时")
	}
	return nil
}

// SetClocks stores a clock version effective from its day (one per day;
// setting a day again is refused: versions are kept, never overwritten).
func (s *Service) SetClocks(ctx context.Context, who audit.Actor, c Clocks) error {
	if err := c.Validate(); err != nil {
		return err
	}
	note, err := cleanNote(c.Note)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sentinel_clocks (effective_from, ack_hours, return_cutoff, buyer_test_hours,
			note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.EffectiveFrom, c.AckHours, c.ReturnCutoff, c.BuyerTestHours, note, who.Username, s.now().UnixMilli())
		if db.IsUniqueViolation(err) {
			return &errs.Conflict{Message: "已有从 " + c.EffectiveFrom + " 起生效的哨点时限版本；版本不可修改，请另选生效日期"}
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionCreate, "sentinel_clocks", c.EffectiveFrom, "",
			fmt.Sprintf("哨点时限自 %s 起：乡镇接收%d小时，日报截止%s，购药人员%d小时内检测", c.EffectiveFrom, c.AckHours, c.ReturnCutoff, c.BuyerTestHours))
	})
	if err != nil {
		return fmt.Errorf("set sentinel clocks from %s: %w", c.EffectiveFrom, err)
	}
	return nil
}

// ClocksOn returns the clocks in force on day: the latest version
// effective on or before it, else DefaultClocks.
func (s *Service) ClocksOn(ctx context.Context, day string) (Clocks, error) {
	c := Clocks{}
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT effective_from, ack_hours, return_cutoff, buyer_test_hours, note
		FROM sentinel_clocks WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1`, day).
		Scan(&c.EffectiveFrom, &c.AckHours, &c.ReturnCutoff, &c.BuyerTestHours, &c.Note)
	if err != nil {
		if isNoRows(err) {
			return DefaultClocks, nil
		}
		return Clocks{}, fmt.Errorf("sentinel clocks on %s: %w", day, err)
	}
	return c, nil
}

// Cutoff is the instant of day's return deadline.
func (c Clocks) Cutoff(day string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+c.ReturnCutoff, clock.Shanghai)
	if err != nil {
		t, _ = time.ParseInLocation("2006-01-02", day, clock.Shanghai)
		return t.Add(24 * time.Hour)
	}
	return t
}

// ClockVersions lists the stored clock versions, newest first, then the
// shipped default.
func (s *Service) ClockVersions(ctx context.Context) ([]Clocks, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT effective_from, ack_hours, return_cutoff, buyer_test_hours, note
		FROM sentinel_clocks ORDER BY effective_from DESC`)
	if err != nil {
		return nil, fmt.Errorf("sentinel clock versions: %w", err)
	}
	defer rows.Close()
	var out []Clocks
	for rows.Next() {
		var c Clocks
		if err := rows.Scan(&c.EffectiveFrom, &c.AckHours, &c.ReturnCutoff, &c.BuyerTestHours, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return append(out, DefaultClocks), nil
}
