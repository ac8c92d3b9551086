package web_test

// Access matrix of the look-up (查找人员) and the statement of what each
// role may do. The look-up roles — 卡口, 哨点, 流调, 核酸, 隔离点 — do not
// browse the ledger (403 on /people, /households and every list of people);
// they look one person of their jurisdiction up by an exact ID number,
// phone or sampling code, masked unless the person is in their workflow.

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"fangkong/internal/auth"
)

// mayDo states, per role, the capabilities it has: the matrix derives every
// 200/403 from them, and this table is checked against the role table.
var mayDo = map[auth.Role][]auth.Capability{
	auth.RoleCommand: {auth.CapPeopleRead, auth.CapPeopleLookup, auth.CapSitesRead, auth.CapCampaignsRead, auth.CapPeopleWrite,
		auth.CapPeopleExport, auth.CapPeopleImport, auth.CapUnitsWrite, auth.CapMeasuresAssign, auth.CapMeasuresWrite, auth.CapMeasuresRelease,
		auth.CapRiskAreas, auth.CapPushImport, auth.CapSweepManage, auth.CapPolicyManage, auth.CapSitesManage, auth.CapCampaignsManage,
		auth.CapRetentionView, auth.CapPeopleBreakGlass, auth.CapSentinelRead, auth.CapSentinelVerify, auth.CapSentinelReceive, auth.CapSentinelManage,
		auth.CapCheckpointsRead, auth.CapCheckpointsManage, auth.CapHandoversReceive, auth.CapTracingRead, auth.CapTracingWrite,
		auth.CapNotifyManage, auth.CapNotifyResidents, auth.CapPictureView, auth.CapReportsRead, auth.CapReportsSubmit, auth.CapReportsManage,
		auth.CapInspectRead, auth.CapInspectRectify, auth.CapDutyRead, auth.CapDutyManage, auth.CapDutyCheck,
		auth.CapSpecialRead, auth.CapSpecialWrite, auth.CapReadinessRead, auth.CapReadinessManage},
	auth.RoleTownship: {auth.CapPeopleRead, auth.CapPeopleLookup, auth.CapSitesRead, auth.CapCampaignsRead, auth.CapPeopleWrite,
		auth.CapPeopleExport, auth.CapPeopleImport, auth.CapUnitsWrite, auth.CapMeasuresAssign, auth.CapMeasuresWrite, auth.CapMeasuresRelease,
		auth.CapSweepManage, auth.CapCampaignsManage, auth.CapPeopleBreakGlass, auth.CapSentinelRead, auth.CapSentinelVerify, auth.CapSentinelReceive, auth.CapSentinelManage,
		auth.CapCheckpointsRead, auth.CapCheckpointsManage, auth.CapHandoversReceive, auth.CapTracingRead, auth.CapPictureView, auth.CapReportsRead, auth.CapReportsSubmit,
		auth.CapInspectRead, auth.CapInspectRectify, auth.CapDutyRead, auth.CapDutyManage, auth.CapDutyCheck,
		auth.CapSpecialRead, auth.CapSpecialWrite, auth.CapReadinessRead, auth.CapReadinessManage},
	auth.RoleVillage: {auth.CapPeopleRead, auth.CapPeopleLookup, auth.CapSitesRead, auth.CapCampaignsRead, auth.CapPeopleWrite,
		auth.CapPeopleExport, auth.CapPeopleImport, auth.CapUnitsWrite, auth.CapMeasuresAssign, auth.CapMeasuresWrite, auth.CapMeasuresRelease,
		auth.CapSentinelRead, auth.CapSentinelVerify, auth.CapCheckpointsRead, auth.CapHandoversReceive, auth.CapTracingRead,
		auth.CapReportsRead, auth.CapReportsSubmit, auth.CapInspectRead, auth.CapInspectRectify, auth.CapDutyRead, auth.CapDutyManage},
	// The look-up roles: no browsing; each has the pages of its own work.
	auth.RoleCheckpoint: {auth.CapPeopleLookup, auth.CapMeasuresAssign, auth.CapCheckpointsRead, auth.CapCheckpointLog},
	auth.RoleSentinel:   {auth.CapPeopleLookup, auth.CapMeasuresAssign, auth.CapSentinelReport},
	auth.RoleTracing:    {auth.CapPeopleLookup, auth.CapMeasuresAssign, auth.CapPeopleBreakGlass, auth.CapTracingRead, auth.CapTracingWrite},
	auth.RoleSampling:   {auth.CapPeopleLookup, auth.CapCampaignsRead, auth.CapSamplingWrite, auth.CapResultsUpload},
	auth.RoleSite:       {auth.CapPeopleLookup, auth.CapSitesRead, auth.CapSitesManage, auth.CapMeasuresAssign},
	// Inspectors read everything; administrators keep accounts, units and
	// the audit log and read no personal record.
	auth.RoleInspector: {auth.CapPeopleRead, auth.CapPeopleLookup, auth.CapSitesRead, auth.CapCampaignsRead, auth.CapAuditRead, auth.CapSentinelRead, auth.CapCheckpointsRead, auth.CapTracingRead,
		auth.CapPictureView, auth.CapReportsRead, auth.CapInspectRead, auth.CapInspectWrite, auth.CapDutyRead, auth.CapDutyCheck,
		auth.CapSpecialRead, auth.CapReadinessRead},
	auth.RoleAdmin: {auth.CapUnitsWrite, auth.CapUsersManage, auth.CapAuditRead, auth.CapRegionsImport},
}

func TestRolesMayDoWhatTheMatrixStates(t *testing.T) {
	for _, ri := range auth.Roles {
		want := slices.Clone(mayDo[ri.Role])
		got := slices.Clone(ri.Caps)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("role %s has %v, the matrix states %v", ri.Role, got, want)
		}
	}
	if len(mayDo) != len(auth.Roles) {
		t.Errorf("the matrix states %d roles, the role table has %d", len(mayDo), len(auth.Roles))
	}
}

// fullFor says whom of a seeded household a look-up role sees in full: its
// workflow in the seeded world. The member is a close contact the tracing
// team handed over (access_measure_test.go) and stays at its township's
// quarantine site (access_site_test.go); the head waits for the
// single-tube retest of the village's round (access_sampling_test.go). For
// the tracing team the member is also a case and the head, of the member's
// household, its contact (access_tracing_test.go).
var fullFor = map[auth.Role]map[string]bool{
	auth.RoleTracing:  {"member": true, "head": true},
	auth.RoleSite:     {"member": true},
	auth.RoleSampling: {"head": true},
}

func init() {
	featureSeeds = append(featureSeeds, func(w *world) {
		for _, r := range w.recs {
			code, err := w.e.App.Sampling.PersonCode(context.Background(), all, r.member.ID)
			if err != nil {
				w.t.Fatal(err)
			}
			r.extra["memberCode"] = code
		}
	})
	featureSpecs = append(featureSpecs, lookupSpecs)
}

func lookupSpecs(add adder, twin twinner) {
	const L = auth.CapPeopleLookup
	add("GET /lookup", L, kGlobal, func(x *tc) []variant { return get("/lookup", ok(200, "查找人员"), want{}) })
	// keys are the look-ups of a record: who, by what, the key.
	keys := func(x *tc) []struct{ who, by, key string } {
		r := x.r
		return []struct{ who, by, key string }{{"head", "id_number", r.head.IDNumber}, {"head", "phone", r.head.Phone},
			{"member", "id_number", r.member.IDNumber}, {"member", "code", r.extra["memberCode"]}}
	}
	answer := func(x *tc, who string) want {
		p := x.r.head
		if who == "member" {
			p = x.r.member
		}
		if x.p.user.Can(auth.CapPeopleRead) || fullFor[x.p.user.Role][who] {
			return ok(200, p.Name, p.IDNumber)
		}
		w := ok(200, p.Name, maskID(p.IDNumber)).not(p.IDNumber)
		if p.Phone != "" {
			w = w.not(p.Phone)
		}
		return w
	}
	add("POST /lookup", L, kRecord, func(x *tc) []variant {
		var vs []variant
		for _, k := range keys(x) {
			vs = append(vs, variant{path: "/lookup", body: m{k.by: k.key}, in: answer(x, k.who), out: x.notFound(), pure: true})
		}
		return vs
	})
	add("GET /api/v1/lookup", L, kRecord, func(x *tc) []variant {
		var vs []variant
		for _, k := range keys(x) {
			vs = append(vs, get("/api/v1/lookup?"+k.by+"="+url.QueryEscape(k.key), answer(x, k.who), x.notFound())...)
		}
		return vs
	})
}

// lookedUp registers a person of the record's village with an ID number
// and has the principal look them up (so it may address them by id).
func (x *tc) lookedUp() int64 {
	p := x.w.idPerson(x.r.unit)
	if st, body := x.p.token.API("GET", "/api/v1/lookup?id_number="+p.IDNumber, nil); st != 200 && x.inside && x.p.user.Can(auth.CapPeopleLookup) {
		x.w.t.Fatalf("%s looking up %s: %d %s", x.p.name, p.Name, st, body)
	}
	return p.ID
}

// reachable is the outcome of addressing a person by id who was not looked
// up: those who browse the ledger may, the look-up roles may not.
func (x *tc) reachable(in want) want {
	if x.p.user.Can(auth.CapPeopleRead) {
		return in
	}
	return x.notFound()
}
