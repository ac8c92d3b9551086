package app

import (
	"context"

	"fangkong/internal/measure"
	"fangkong/internal/sampling"
)

// roundResults gives the measures module the testing rounds' results
// (measure.RoundResults) from the rounds' read side.
type roundResults struct{ r *sampling.ResultReader }

func (a roundResults) NegativeOn(ctx context.Context, personID int64, days []string) (map[string]measure.RoundResult, error) {
	got, err := a.r.NegativeOn(ctx, personID, days)
	if err != nil {
		return nil, err
	}
	out := make(map[string]measure.RoundResult, len(got))
	for day, x := range got {
		out[day] = measure.RoundResult{SampledAt: x.SampledAt, ResultAt: x.ResultAt, Where: x.Where}
	}
	return out, nil
}
