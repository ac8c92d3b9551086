// Package report owns the daily report (日报告) of every unit, village →
// township → county → city: templates as data per county and level (which
// figures, in which order, in the county's own wording; the cut-off and the
// deadline), compilation from live data through the domains' summaries
// (summary.Source, the same figures the picture and the detail pages
// show), stamped 截至, confirmed by a named cadre with notes; a figure at
// zero is confirmed explicitly (零报告). A resubmission is a new version and
// the history stays. A township's or county's report shows beside its own
// figures the sum of its children's confirmed reports (the roll-up) and
// who has not submitted; reports missing at the deadline raise an alert.
package report
