// Package command is the command centre's operating picture (指挥部态势):
// for a unit on a day, every domain's summary card, the figures that are
// late, the same figures per child unit (by township, drilling down to
// villages), and a daily point per figure kept for trend charts. It knows
// no domain: it composes the summary.Sources it is given, so a new domain's
// figures appear by adding its Source to the list internal/app builds.
//
// Twenty commanders opening the county at once cost one computation: a
// picture is cached per scope, unit, day and set of sources for a short
// TTL, and concurrent misses wait for one computation (single flight).
package command
