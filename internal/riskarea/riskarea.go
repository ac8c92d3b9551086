// Package riskarea keeps the list of risk areas (中高风险地区) as a history:
// each entry names a place (a division code at any level, optionally a
// free-text place under it such as a 小区), a level (高/中/低 or
// 封控区/管控区/防范区) and the days it was in force. Questions such as "was X a
// risk area on day D" are answered from that history, never from today's
// list; entries are closed (effective_to set), not overwritten.
package riskarea

import (
	"time"

	"fangkong/internal/db"
)

// Service reads and writes the risk-area list.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns a Service.
func NewService(d *db.DB, now func() time.Time) *Service { return &Service{db: d, now: now} }
