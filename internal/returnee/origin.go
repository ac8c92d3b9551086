package returnee

import (
	"context"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/riskarea"
)

// PlacePending is the OriginStatus of an origin whose place a person has
// yet to pick (地点待核实): typed as a name that fits several places, that
// was read only doubtfully, or that names no known place. Its risk level
// is unknown, not 非风险: the arrival waits in the queue (Filter.Place)
// until the village or township picks the place.
const PlacePending = "待核实"

// resolveOrigin settles the origin's division code from what was typed
// (地名解析). A code given is taken as the place a person picked (for the
// typed text, whose detail it keeps); else the typed text — or, from
// callers that only fill them, the name or the detail — is resolved: a
// clear reading gives the code, its full name and the detail under it;
// anything else leaves the place pending, with the code every reading
// shares (城关镇 of one province gives the province), so the levels of
// what is certain still apply.
func (s *Service) resolveOrigin(a *Arrival) {
	a.OriginStatus = ""
	if a.OriginCode != "" {
		c, ok := s.levels.Resolve(a.OriginCode).Resolved()
		if !ok { // a code the national files do not know
			a.OriginStatus = PlacePending
			if a.OriginText == "" {
				a.OriginText = a.OriginCode
			}
			return
		}
		if a.OriginName == "" {
			a.OriginName = c.FullName()
		}
		if a.OriginName == "" {
			a.OriginName = s.levels.PlaceName(a.OriginCode)
		}
		if a.OriginText != "" && a.OriginDetail == "" {
			for _, rc := range s.levels.Resolve(a.OriginText).Candidates {
				if rc.Code == a.OriginCode {
					a.OriginDetail = rc.Detail
				}
			}
		}
		return
	}
	text, fromDetail := a.OriginText, false
	switch {
	case text != "":
	case a.OriginName != "":
		text, a.OriginName = a.OriginName, ""
	case a.OriginDetail != "":
		text, fromDetail = a.OriginDetail, true
	default:
		return // no origin given: no level until someone fills it in
	}
	a.OriginText = text
	if fromDetail {
		a.OriginDetail = ""
	}
	res := s.levels.Resolve(text)
	if c, ok := res.Resolved(); ok {
		a.OriginCode, a.OriginName = c.Code, c.FullName()
		a.OriginDetail = strings.TrimSpace(c.Detail + " " + a.OriginDetail)
		return
	}
	a.OriginStatus = PlacePending
	a.OriginCode = res.Common()
	a.OriginName = s.levels.PlaceName(a.OriginCode)
}

// originQuality orders what is known of an origin: none, pending, settled.
func originQuality(a Arrival) int {
	switch {
	case a.OriginStatus == PlacePending:
		return 1
	case a.OriginCode != "":
		return 2
	case a.OriginText != "" || a.OriginDetail != "":
		return 1
	}
	return 0
}

// betterOrigin reports whether a new report's origin replaces the one kept
// when two reports merge: a higher level, or as high and better known.
func betterOrigin(in, kept Arrival) bool {
	ri, rk := riskarea.Rank(in.OriginLevel), riskarea.Rank(kept.OriginLevel)
	return ri > rk || ri == rk && originQuality(in) > originQuality(kept)
}

// Origin renders the origin place: its name (or code) and the detail, or
// what was typed while the place is pending.
func (a Arrival) Origin() string {
	if a.OriginStatus == PlacePending {
		return strings.TrimSpace(a.OriginText + " " + a.OriginDetail)
	}
	s := a.OriginName
	if s == "" {
		s = a.OriginCode
	}
	if s == "" {
		s = a.OriginText
	}
	if a.OriginDetail != "" {
		s = strings.TrimSpace(s + " " + a.OriginDetail)
	}
	return s
}

// PlacePending reports whether the origin waits for a person to pick the place.
func (a Arrival) PlacePending() bool { return a.OriginStatus == PlacePending }

// LevelText is the origin's level in words: the level, 非风险地区, or, while
// the place is pending and nothing certain of it is a risk area, 地点待核实.
func (a Arrival) LevelText() string {
	if a.OriginLevel == "" && a.PlacePending() {
		return "地点待核实（风险等级未知）"
	}
	return levelText(a.OriginLevel)
}

// PlaceChoice is the place a person picks for an arrival's origin: a code
// (a candidate of what was typed), or new text to resolve, and the detail.
type PlaceChoice struct {
	Code   string
	Text   string
	Detail string
}

// SetOrigin settles the place of an arrival's origin (the 地点待核实 queue):
// the origin becomes the code picked (or the new text, resolved), its risk
// level is computed from the history, and an arrival from a risk area comes
// under control measures — all as Update, whose version rule it keeps.
func (s *Service) SetOrigin(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64, p PlaceChoice, version int64) (Arrival, error) {
	a, err := s.arrival(ctx, scope, id)
	if err != nil {
		return Arrival{}, err
	}
	in := a
	in.OriginCode, in.OriginName, in.OriginDetail = strings.TrimSpace(p.Code), "", strings.TrimSpace(p.Detail)
	if text := strings.TrimSpace(p.Text); text != "" {
		in.OriginText = text
	}
	in.Version = version
	if version == 0 {
		in.Version = a.Version
	}
	return s.Update(ctx, actor, scope, in)
}
