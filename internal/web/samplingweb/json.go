package samplingweb

import "fangkong/internal/sampling"

// JSON shapes of the mass-testing API. Lists of people mask ID numbers and
// phones.

type campaignJSON struct {
	ID          int64                 `json:"id"`
	UnitCode    string                `json:"unit_code"`
	UnitName    string                `json:"unit_name"`
	Name        string                `json:"name"`
	Filter      sampling.TargetFilter `json:"filter"`
	StartsOn    string                `json:"starts_on"`
	EndsOn      string                `json:"ends_on"`
	PoolSize    int                   `json:"pool_size"`
	Status      string                `json:"status"`
	TargetCount int                   `json:"target_count"`
	StartedAt   int64                 `json:"started_at,omitempty"`
	ClosedAt    int64                 `json:"closed_at,omitempty"`
}

func campaignOut(c sampling.Campaign) campaignJSON {
	return campaignJSON{ID: c.ID, UnitCode: c.UnitCode, UnitName: c.UnitName, Name: c.Name, Filter: c.Filter, StartsOn: c.StartsOn,
		EndsOn: c.EndsOn, PoolSize: c.PoolSize, Status: c.Status, TargetCount: c.TargetCount, StartedAt: c.StartedAt, ClosedAt: c.ClosedAt}
}

type unitCoverageJSON struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Target   int    `json:"target"`
	Tested   int    `json:"tested"`
	Untested int    `json:"untested"`
	Sampled  int    `json:"sampled"`
	Retests  int    `json:"retests"`
	Pending  int    `json:"retests_pending"`
	Positive int    `json:"retests_positive"`
	Walkins  int    `json:"walkins"` // 流动人员, not in target or tested
}

func unitCoverageOut(u sampling.UnitCoverage) unitCoverageJSON {
	return unitCoverageJSON{Code: u.Code, Name: u.Name, Target: u.Target, Tested: u.Tested, Untested: u.Untested(), Sampled: u.Sampled,
		Retests: u.Retests, Pending: u.Pending, Positive: u.Positive, Walkins: u.Walkins}
}

type pointJSON struct {
	ID         int64  `json:"id"`
	CampaignID int64  `json:"campaign_id,omitempty"`
	UnitCode   string `json:"unit_code"`
	Name       string `json:"name"`
	Address    string `json:"address"`
	Hours      string `json:"hours"`
	Tables     int    `json:"tables"`
	Teams      int    `json:"teams"`
}

// pointOut is a point; a campaign's list of points leaves out the campaign's id.
func pointOut(p sampling.Point, withCampaign bool) pointJSON {
	out := pointJSON{ID: p.ID, UnitCode: p.UnitCode, Name: p.Name, Address: p.Address, Hours: p.Hours,
		Tables: p.Tables, Teams: p.Teams}
	if withCampaign {
		out.CampaignID = p.CampaignID
	}
	return out
}

type labJSON struct {
	ID              int64  `json:"id"`
	CampaignID      int64  `json:"campaign_id,omitempty"`
	Name            string `json:"name"`
	CapacityPerHour int    `json:"capacity_per_hour"`
}

// labOut is a lab; a campaign's list of labs leaves out the campaign's id.
func labOut(l sampling.Lab, withCampaign bool) labJSON {
	out := labJSON{ID: l.ID, Name: l.Name, CapacityPerHour: l.CapacityPerHour}
	if withCampaign {
		out.CampaignID = l.CampaignID
	}
	return out
}

type turnaroundJSON struct {
	LabID       int64   `json:"lab_id"`
	Lab         string  `json:"lab"`
	KeyGroup    bool    `json:"key_group"`
	Samples     int     `json:"samples"`
	AvgHours    float64 `json:"avg_hours"`
	MaxHours    float64 `json:"max_hours"`
	TargetHours int     `json:"target_hours"`
	Within      int     `json:"within_target"`
}

// personRowJSON is one of the untested, or with retestJSON one of the
// single-tube retests.
type personRowJSON struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	IDMasked    string `json:"id_masked"`
	PhoneMasked string `json:"phone_masked"`
	UnitCode    string `json:"unit_code"`
	UnitName    string `json:"unit_name"`
	Address     string `json:"address"`
	HouseholdNo string `json:"household_no"`
	*retestJSON
}

type retestJSON struct {
	PoolTube     string `json:"pool_tube"`
	Reason       string `json:"reason"`
	RetestTube   string `json:"retest_tube"`
	RetestResult string `json:"retest_result"`
}

func personRowsOut(rows []sampling.PersonRow, retests bool) []personRowJSON {
	out := make([]personRowJSON, 0, len(rows))
	for _, p := range rows {
		row := personRowJSON{PersonID: p.PersonID, Name: p.Name, IDMasked: p.IDMasked, PhoneMasked: p.PhoneMasked,
			UnitCode: p.UnitCode, UnitName: p.UnitName, Address: p.Address, HouseholdNo: p.HouseholdNo}
		if retests {
			row.retestJSON = &retestJSON{PoolTube: p.Tube, Reason: p.Reason, RetestTube: p.RetestTube, RetestResult: p.RetestResult}
		}
		out = append(out, row)
	}
	return out
}

type boxJSON struct {
	ID         int64  `json:"id"`
	CampaignID int64  `json:"campaign_id"`
	Code       string `json:"code"`
	PointID    int64  `json:"point_id"`
	UnitCode   string `json:"unit_code"`
	LabID      int64  `json:"lab_id"`
	Lab        string `json:"lab"`
	Tubes      int    `json:"tubes"`
	PackedAt   int64  `json:"packed_at"`
	HandedAt   int64  `json:"handed_at"`
	ReceivedAt int64  `json:"received_at"`
}

func boxOut(b sampling.Box) boxJSON {
	return boxJSON{ID: b.ID, CampaignID: b.CampaignID, Code: b.Code, PointID: b.PointID, UnitCode: b.UnitCode,
		LabID: b.LabID, Lab: b.LabName, Tubes: b.Tubes, PackedAt: b.PackedAt, HandedAt: b.HandedAt, ReceivedAt: b.ReceivedAt}
}

// walkinJSON is a walk-in (流动人员) of a positive or invalid pool, on the
// retest list; the phone is whole only for roles that read people.
type walkinJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	IDMasked    string `json:"id_masked"`
	Phone       string `json:"phone,omitempty"`
	PhoneMasked string `json:"phone_masked"`
	Registered  bool   `json:"registered"`
	UnitCode    string `json:"unit_code"`
	Point       string `json:"point"`
	PoolTube    string `json:"pool_tube"`
	Result      string `json:"result"`
	SampledAt   int64  `json:"sampled_at"`
}

func walkinsOut(rows []sampling.WalkinRow, phones bool) []walkinJSON {
	out := make([]walkinJSON, 0, len(rows))
	for _, w := range rows {
		j := walkinJSON{ID: w.ID, Name: w.Name, IDMasked: w.IDMasked, PhoneMasked: w.PhoneMasked, Registered: w.Registered,
			UnitCode: w.UnitCode, Point: w.Point, PoolTube: w.Tube, Result: w.Result, SampledAt: w.SampledAt}
		if phones {
			j.Phone = w.Phone
		}
		out = append(out, j)
	}
	return out
}
