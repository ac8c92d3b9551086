package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"

	"fangkong/internal/db"
)

// Candidate sources (候选来源): each name is stored with the evidence.
const (
	SourceHousehold = "household" // 同户
	SourceScan      = "scan"      // 场所码同时段
	SourceSample    = "sample"    // 同一采样点同时段
	SourceStay      = "stay"      // 同一隔离点
	SourceManual    = "manual"    // 流调人员录入（同餐、同车同座、同工作场所…）
)

// SourceName is the Chinese name of a source.
func SourceName(s string) string {
	switch s {
	case SourceHousehold:
		return "同户"
	case SourceScan:
		return "场所码同时段"
	case SourceSample:
		return "同采样点同时段"
	case SourceStay:
		return "同隔离点"
	case SourceManual:
		return "流调录入"
	}
	return s
}

// Index is the person whose contacts are sought and the window of
// exposure: a case (look-back window to isolation), or a close contact
// (from its last exposure to its control) for secondary contacts.
type Index struct {
	PersonID int64
	IDNumber string
	From, To int64 // ms, inclusive
	// Co-presence windows in ms, inclusive.
	ScanWindow, SampleWindow int64
}

// Evidence is why a person is a candidate.
type Evidence struct {
	Source  string
	At      int64  // the exposure time: the candidate's own scan, sample or overlap end
	IndexAt int64  // the index person's matching time (0 when none)
	Where   string // place, sampling point, site, household
}

// Candidate is a person a source proposes, with the evidence; people not in
// the registry are keyed by ID number, phone or name.
type Candidate struct {
	Key      string
	PersonID int64
	Name     string
	IDNumber string
	Phone    string
	Evidence []Evidence
}

// LastExposure is the latest exposure time of the evidence.
func (c Candidate) LastExposure() int64 {
	var t int64
	for _, e := range c.Evidence {
		t = max(t, e.At)
	}
	return t
}

// FirstExposure is the earliest exposure time of the evidence.
func (c Candidate) FirstExposure() int64 {
	var t int64
	for _, e := range c.Evidence {
		if t == 0 || e.At < t {
			t = e.At
		}
	}
	return t
}

// Source proposes candidates for an index person. Later sources
// (checkpoint logs, gatherings, cold chain) implement it and are passed to
// NewService.
type Source interface {
	Name() string
	Candidates(ctx context.Context, q db.Querier, ix Index) ([]Candidate, error)
}

// DefaultSources: household, place-code scans, sampling points, quarantine
// sites.
func DefaultSources() []Source {
	return []Source{householdSource{}, scanSource{}, sampleSource{}, staySource{}}
}

// Key is the identity of a candidate: the registry person, else the ID
// number, phone or name as scanned.
func Key(personID int64, idNumber, phone, name string) string {
	switch {
	case personID != 0:
		return "p:" + strconv.FormatInt(personID, 10)
	case idNumber != "":
		return "id:" + idNumber
	case phone != "":
		return "ph:" + phone
	}
	return "n:" + name
}

// Compute runs every source for ix and merges the candidates by key,
// dropping the index person; evidence is ordered by time.
func Compute(ctx context.Context, q db.Querier, sources []Source, ix Index) ([]Candidate, error) {
	byKey := map[string]*Candidate{}
	self := Key(ix.PersonID, "", "", "")
	for _, src := range sources {
		list, err := src.Candidates(ctx, q, ix)
		if err != nil {
			return nil, fmt.Errorf("candidates from %s: %w", src.Name(), err)
		}
		for _, c := range list {
			if c.Key == "" {
				c.Key = Key(c.PersonID, c.IDNumber, c.Phone, c.Name)
			}
			if c.Key == self || (ix.IDNumber != "" && c.IDNumber == ix.IDNumber) {
				continue
			}
			have := byKey[c.Key]
			if have == nil {
				cc := c
				cc.Evidence = nil
				have = &cc
				byKey[c.Key] = have
			}
			if have.Name == "" {
				have.Name = c.Name
			}
			if have.IDNumber == "" {
				have.IDNumber = c.IDNumber
			}
			if have.Phone == "" {
				have.Phone = c.Phone
			}
			have.Evidence = append(have.Evidence, c.Evidence...)
		}
	}
	out := make([]Candidate, 0, len(byKey))
	for _, c := range byKey {
		sort.Slice(c.Evidence, func(i, j int) bool {
			if c.Evidence[i].At != c.Evidence[j].At {
				return c.Evidence[i].At < c.Evidence[j].At
			}
			return c.Evidence[i].Source < c.Evidence[j].Source
		})
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].LastExposure(), out[j].LastExposure(); a != b {
			return a > b
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

type householdSource struct{}

func (householdSource) Name() string { return SourceHousehold }

// Candidates: the active members of the index person's household, exposed
// until the end of the window.
func (householdSource) Candidates(ctx context.Context, q db.Querier, ix Index) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name, COALESCE(o.id_number, ''), o.phone, h.address
		FROM people p JOIN people o ON o.household_id = p.household_id AND o.id <> p.id AND o.active = 1
		JOIN households h ON h.id = p.household_id
		WHERE p.id = $1 AND p.household_id IS NOT NULL`, ix.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var addr string
		if err := rows.Scan(&c.PersonID, &c.Name, &c.IDNumber, &c.Phone, &addr); err != nil {
			return nil, err
		}
		c.Evidence = []Evidence{{Source: SourceHousehold, At: ix.To, Where: addr}}
		out = append(out, c)
	}
	return out, rows.Err()
}

type scanSource struct{}

func (scanSource) Name() string { return SourceScan }

// Candidates: everyone who scanned the same place within ± ScanWindow of one
// of the index person's scans inside the window. The exposure time is the
// other person's scan time.
func (scanSource) Candidates(ctx context.Context, q db.Querier, ix Index) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(o.person_id, 0), o.name, o.id_number, o.phone, o.scanned_at, c.scanned_at, p.name
		FROM tracing_scans c
		JOIN tracing_scans o ON o.place_id = c.place_id AND o.scanned_at >= c.scanned_at - $4 AND o.scanned_at <= c.scanned_at + $4
		JOIN tracing_places p ON p.id = c.place_id
		WHERE c.person_id = $1 AND c.scanned_at >= $2 AND c.scanned_at <= $3
		AND (o.person_id IS NULL OR o.person_id <> $1)`, ix.PersonID, ix.From, ix.To, ix.ScanWindow)
	if err != nil {
		return nil, err
	}
	return copresent(rows, SourceScan)
}

// copresent reads co-presence rows (person, name, ID number, phone, their
// time, the index person's time, where) into candidates of source.
func copresent(rows *sql.Rows, source string) ([]Candidate, error) {
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var e Evidence
		if err := rows.Scan(&c.PersonID, &c.Name, &c.IDNumber, &c.Phone, &e.At, &e.IndexAt, &e.Where); err != nil {
			return nil, err
		}
		e.Source = source
		c.Evidence = []Evidence{e}
		out = append(out, c)
	}
	return out, rows.Err()
}

type sampleSource struct{}

func (sampleSource) Name() string { return SourceSample }

// Candidates: everyone sampled at the same point within ± SampleWindow of
// one of the index person's samples inside the window.
func (sampleSource) Candidates(ctx context.Context, q db.Querier, ix Index) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.person_id, p.name, COALESCE(p.id_number, ''), p.phone, o.sampled_at, c.sampled_at,
		COALESCE(tp.name, '')
		FROM test_samples c
		JOIN test_samples o ON o.point_id = c.point_id AND o.sampled_at >= c.sampled_at - $4 AND o.sampled_at <= c.sampled_at + $4
		JOIN people p ON p.id = o.person_id
		LEFT JOIN test_points tp ON tp.id = c.point_id
		WHERE c.person_id = $1 AND c.sampled_at >= $2 AND c.sampled_at <= $3 AND o.person_id <> $1`,
		ix.PersonID, ix.From, ix.To, ix.SampleWindow)
	if err != nil {
		return nil, err
	}
	return copresent(rows, SourceSample)
}

type staySource struct{}

func (staySource) Name() string { return SourceStay }

// Candidates: the people whose stay at a quarantine site overlapped the
// index person's stay there inside the window; the exposure time is the end
// of the overlap (an open stay lasts to the end of the window).
func (staySource) Candidates(ctx context.Context, q db.Querier, ix Index) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.person_id, p.name, COALESCE(p.id_number, ''), p.phone, s.name,
		CASE WHEN c.checkin_at > 0 THEN c.checkin_at ELSE c.transfer_at END, c.checkout_at,
		CASE WHEN o.checkin_at > 0 THEN o.checkin_at ELSE o.transfer_at END, o.checkout_at
		FROM site_stays c
		JOIN site_stays o ON o.site_id = c.site_id AND o.person_id <> c.person_id
		JOIN sites s ON s.id = c.site_id
		JOIN people p ON p.id = o.person_id
		WHERE c.person_id = $1`, ix.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var where string
		var cs, ce, os, oe int64
		if err := rows.Scan(&c.PersonID, &c.Name, &c.IDNumber, &c.Phone, &where, &cs, &ce, &os, &oe); err != nil {
			return nil, err
		}
		if ce == 0 {
			ce = ix.To
		}
		if oe == 0 {
			oe = ix.To
		}
		start, end := max(cs, os, ix.From), min(ce, oe, ix.To)
		if start > end {
			continue
		}
		c.Evidence = []Evidence{{Source: SourceStay, At: end, IndexAt: start, Where: where}}
		out = append(out, c)
	}
	return out, rows.Err()
}
