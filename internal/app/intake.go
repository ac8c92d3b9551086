package app

import (
	"context"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sentinel"
	"fangkong/internal/tracing"
)

// sentinelCases is the tracing intake of the sentinels: a fever report
// whose test comes back positive opens a case (疑似, found by 哨点) in the
// same transaction as the result, so the tracing clocks start at once
// (发现一个报告一个).
type sentinelCases struct{ cases *tracing.Service }

// A report that names nobody the registry can hold (no ID number, not
// linked to a person) opens no case: it stays flagged for the command
// centre, whose tracers register the case with the ID number.
func (c sentinelCases) OpenCase(ctx context.Context, who audit.Actor, r sentinel.Report) error {
	if _, err := personal.NormalizeIDNumber(r.IDNumber); r.PersonID == 0 && err != nil {
		return nil
	}
	// A system job: the sentinel's account sees none of the registry; the
	// person is found by the report's key wherever registered.
	scope := jurisdiction.System("sentinel case intake")
	_, err := c.cases.CreateCase(ctx, who, scope, tracing.CaseInput{PersonID: r.PersonID, IDNumber: r.IDNumber, Name: r.Name,
		Phone: r.Phone, UnitCode: r.UnitCode, Classification: "疑似", FoundVia: "哨点", FoundAt: r.ResultAt, SampledAt: r.SampledAt,
		TestRef: fmt.Sprintf("哨点发热病人报告 %d（%s）", r.ID, r.SentinelName)})
	return err
}
