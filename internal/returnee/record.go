package returnee

import (
	"context"
	"errors"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
)

func (s *Service) record(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, a Arrival) (Arrival, bool, error) {
	return Arrival{}, false, errors.New("returnee.Record: not implemented yet")
}
