package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Retest is a positive single-tube retest of a testing round whose person
// is not a case yet: one step turns it into a case (转为病例).
type Retest struct {
	CampaignID   int64
	CampaignName string
	PersonID     int64
	Name         string
	IDNumber     string
	UnitCode     string
	SampledAt    int64
	RetestAt     int64
}

func (r Retest) IDMasked() string { return personal.MaskID(r.IDNumber) }

const retestQuery = `SELECT r.campaign_id, k.name, r.person_id, p.name, COALESCE(p.id_number, ''), r.unit_code,
	COALESCE(x.sampled_at, 0), r.retest_at
	FROM test_retests r JOIN test_campaigns k ON k.id = r.campaign_id JOIN people p ON p.id = r.person_id
	LEFT JOIN test_samples x ON x.campaign_id = r.campaign_id AND x.person_id = r.person_id
	WHERE r.retest_result = 'positive' AND NOT EXISTS (SELECT 1 FROM tracing_cases c WHERE c.person_id = r.person_id)`

func scanRetest(row interface{ Scan(...any) error }) (Retest, error) {
	var r Retest
	err := row.Scan(&r.CampaignID, &r.CampaignName, &r.PersonID, &r.Name, &r.IDNumber, &r.UnitCode, &r.SampledAt, &r.RetestAt)
	return r, err
}

// PositiveRetests lists the positive retests inside scope not yet cases.
func (s *Service) PositiveRetests(ctx context.Context, scope jurisdiction.Scope) ([]Retest, error) {
	lo, hi := scope.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, retestQuery+" AND "+scope.Where("r.unit_code", 1)+" ORDER BY r.retest_at LIMIT 200", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("positive retests: %w", err)
	}
	defer rows.Close()
	var out []Retest
	for rows.Next() {
		r, err := scanRetest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CaseFromRetest registers the case of a positive retest in one step:
// found via 混管复核 at the retest's result, sampled at the round's sample.
func (s *Service) CaseFromRetest(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, campaignID, personID int64, class string) (Case, error) {
	lo, hi := scope.Args()
	r, err := scanRetest(s.db.Reader(ctx).QueryRowContext(ctx, retestQuery+` AND r.campaign_id = $3 AND r.person_id = $4 AND `+
		scope.Where("r.unit_code", 1), lo, hi, campaignID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, fmt.Errorf("retest of %d in %d: %w", personID, campaignID, errs.ErrNotFound)
	}
	if err != nil {
		return Case{}, err
	}
	if class == "" {
		class = "无症状感染者"
	}
	found := r.RetestAt
	if found == 0 || found > s.now().UnixMilli() {
		found = s.now().UnixMilli()
	}
	return s.CreateCase(ctx, who, scope, CaseInput{PersonID: personID, Classification: class, FoundVia: "混管复核", FoundAt: found,
		SampledAt: min(r.SampledAt, found), TestRef: r.CampaignName + " 单管复核阳性"})
}

// ConvertContact registers a contact who tested positive as a case (转为病例)
// linked to the case it was a contact of: the chain's edge.
func (s *Service) ConvertContact(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, contactID int64, in CaseInput) (Case, error) {
	lo, hi := scope.Args()
	var pid sql.NullInt64
	var name string
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT person_id, name FROM tracing_contacts WHERE id = $1 AND `+scope.Where("unit_code", 2),
		contactID, lo, hi).Scan(&pid, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, fmt.Errorf("contact %d: %w", contactID, errs.ErrNotFound)
	}
	if err != nil {
		return Case{}, err
	}
	if !pid.Valid {
		return Case{}, &errs.Conflict{Message: name + " 不在本县台账中，请先登记再转为病例"}
	}
	in.PersonID, in.FromContactID = pid.Int64, contactID
	if in.FoundVia == "" {
		in.FoundVia = "密接转归"
	}
	if in.Classification == "" {
		in.Classification = "确诊"
	}
	return s.CreateCase(ctx, who, scope, in)
}
