// Package clock keeps calendar days (日期) in Asia/Shanghai, whatever the
// server's time zone, so that no quarantine or report day moves.
package clock

import (
	"time"
	_ "time/tzdata" // the zone database, for machines without one
)

// Shanghai is the zone every calendar day is counted in.
var Shanghai = mustLoad()

func mustLoad() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Day returns t's calendar day in Shanghai as YYYY-MM-DD.
func Day(t time.Time) string { return t.In(Shanghai).Format("2006-01-02") }

// Format renders an instant (Unix ms) as Shanghai local time.
func Format(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(Shanghai).Format("2006-01-02 15:04:05")
}
