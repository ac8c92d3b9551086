// Package auth owns users (用户), their roles (角色) and capabilities, the
// password rules (argon2id), sessions kept in the database (so several
// instances behind a load balancer share them), CSRF tokens, login
// throttling (登录限制) and API tokens for machine clients. Each user is bound
// to one unit and sees only its subtree: User.Scope.
package auth

import "slices"

// Role is what a user does.
type Role string

const (
	RoleCommand    Role = "command"    // 指挥部
	RoleTownship   Role = "township"   // 镇街干部
	RoleVillage    Role = "village"    // 村社干部/网格员
	RoleCheckpoint Role = "checkpoint" // 卡口
	RoleSentinel   Role = "sentinel"   // 哨点（村卫生室、诊所、药店）
	RoleSampling   Role = "sampling"   // 核酸采样/检测
	RoleSite       Role = "site"       // 隔离点
	RoleTracing    Role = "tracing"    // 流调
	RoleInspector  Role = "inspector"  // 督查
	RoleAdmin      Role = "admin"      // 系统管理员
)

// Capability is one kind of action a route needs.
type Capability string

const (
	// CapPeopleRead is browsing the ledger (浏览): lists and searches of
	// people and households, and every domain's lists of people, and any
	// person of the jurisdiction opened in full.
	CapPeopleRead Capability = "people.read"
	// CapPeopleLookup is the exact look-up of one person (查找) by full ID
	// number, phone or sampling code, audited; full values only for the
	// people of the caller's workflow (package lookup).
	CapPeopleLookup  Capability = "people.lookup"
	CapPeopleWrite   Capability = "people.write"
	CapPeopleExport  Capability = "people.export"
	CapPeopleImport  Capability = "people.import"
	CapUnitsWrite    Capability = "units.write"
	CapUsersManage   Capability = "users.manage"
	CapAuditRead     Capability = "audit.read"
	CapRegionsImport Capability = "regions.import"

	// Returnees (返乡人员), risk areas, big-data push lists and sweeps.
	CapRiskAreas   Capability = "riskareas.manage" // keep the risk-area list (中高风险地区)
	CapPushImport  Capability = "push.import"      // import big-data push lists, download feedback (回传)
	CapSweepManage Capability = "sweeps.manage"    // open and close door-to-door sweep rounds (敲门排查)

	// Control measures (管控措施), the policy table and quarantine sites.
	CapPolicyManage    Capability = "policy.manage"    // edit, preview and apply policy versions (防控政策)
	CapMeasuresAssign  Capability = "measures.assign"  // hand a person over to control measures (列为管控对象)
	CapMeasuresWrite   Capability = "measures.write"   // the daily work: work lists, health checks, tests, alerts
	CapMeasuresRelease Capability = "measures.release" // confirm release (解除), waive tests due before the assignment
	CapSitesRead       Capability = "sites.read"       // see quarantine sites, their rooms, staff and stays
	CapSitesManage     Capability = "sites.manage"     // quarantine sites, rooms, check-in and check-out (隔离点)

	// Mass testing (全员核酸).
	CapCampaignsRead   Capability = "campaigns.read"   // see testing rounds, their coverage and retest lists
	CapCampaignsManage Capability = "campaigns.manage" // open testing rounds, sampling points and labs
	CapSamplingWrite   Capability = "sampling.write"   // register tubes and samples (采样)
	CapResultsUpload   Capability = "results.upload"   // upload lab results (检测结果)

	// Sentinels (哨点): clinics, pharmacies, fever clinics, schools, care homes.
	CapSentinelReport  Capability = "sentinel.report"  // a sentinel's own work: fever reports, the daily return, drug buyers, 晨午检
	CapSentinelRead    Capability = "sentinel.read"    // see sentinels, fever reports and the daily returns of the jurisdiction
	CapSentinelReceive Capability = "sentinel.receive" // the township's acknowledgement, sampling, sending and the result of fever reports
	CapSentinelManage  Capability = "sentinel.manage"  // add sentinels and bind sentinel accounts to them
	CapSentinelVerify  Capability = "sentinel.verify"  // verify the drug buyers of one's village (购药人员核查)
	// Checkpoints (卡口).
	CapCheckpointsRead   Capability = "checkpoints.read"   // see the register of checkpoints, their rosters, check logs and figures
	CapCheckpointsManage Capability = "checkpoints.manage" // keep the register, statuses and shift rosters (township, command)
	CapCheckpointLog     Capability = "checkpoint.log"     // log vehicles and people at a checkpoint, report incidents
	CapHandoversReceive  Capability = "handovers.receive"  // receive people handed over by checkpoints (接收)
	// Cases and contact tracing (病例与流调).
	CapTracingRead  Capability = "tracing.read"  // see cases, contacts, trajectories, places and the chain graph of the jurisdiction
	CapTracingWrite Capability = "tracing.write" // register cases, judge and hand over contacts, keep places, import scan logs (流调)

	// Personal-data protection (个人信息保护).
	CapRetentionView Capability = "retention.view" // see the retention rules and what the next purge clears (保存期限)
	// CapPeopleBreakGlass reads one person outside the jurisdiction, once,
	// for a stated reason (跨辖区查看: a 协查, an emergency), audited and
	// reported to that jurisdiction.
	CapPeopleBreakGlass Capability = "people.breakglass"

	// Notifications (通知). The inbox (站内信) needs no capability: every
	// signed-in user has one.
	CapNotifyManage    Capability = "notify.manage"    // message templates, channels' test sends, the delivery log and resends
	CapNotifyResidents Capability = "notify.residents" // templated SMS to lists of residents (群众短信), audited

	// The command centre (指挥部): the operating picture and daily reports.
	CapPictureView   Capability = "picture.view"   // the operating picture (态势): what is late, and where
	CapReportsRead   Capability = "reports.read"   // daily reports (日报告) of the jurisdiction, who has not submitted
	CapReportsSubmit Capability = "reports.submit" // compile, confirm and submit one's unit's daily report (零报告 included)
	CapReportsManage Capability = "reports.manage" // the county's report templates: figures, wording, cut-off, deadline

	// Supervision (督查) and rectification (整改).
	CapInspectRead    Capability = "inspect.read"    // inspections, findings and the 通报 of the jurisdiction
	CapInspectWrite   Capability = "inspect.write"   // record inspections and findings, review rectifications (复核销号)
	CapInspectRectify Capability = "inspect.rectify" // report a finding's rectification (整改中, 已整改待复核)

	// Duty rosters (值班值守).
	CapDutyRead   Capability = "duty.read"   // the rosters of the jurisdiction, who is on duty now
	CapDutyManage Capability = "duty.manage" // put shifts on the roster, check in
	CapDutyCheck  Capability = "duty.check"  // spot checks (查岗)

	// Special reports (特报) and readiness (平急结合).
	CapSpecialRead     Capability = "special.read"     // the special reports of the jurisdiction and their clocks
	CapSpecialWrite    Capability = "special.write"    // open a special report by hand, acknowledge at one's level, close
	CapReadinessRead   Capability = "readiness.read"   // readiness against the standards, score and gaps
	CapReadinessManage Capability = "readiness.manage" // tracer roster, samplers, plans and drills, the standards
)

// RoleInfo describes a role.
type RoleInfo struct {
	Role Role
	Name string
	// Levels the role's unit may have (e.g. a township cadre is bound to a township).
	Levels []int
	Caps   []Capability
}

// The roles' capabilities. Those who keep the ledger and the inspectors
// browse it (people.read); the look-up roles — 卡口,
// 哨点, 流调, 核酸, 隔离点 — do not: they look one person up by an exact key
// (people.lookup) and see full values only for the people of their own
// workflow, and each gets the pages of its own work.
var (
	// reader: browse the ledger and see every domain's pages.
	reader  = []Capability{CapPeopleRead, CapPeopleLookup, CapSitesRead, CapCampaignsRead, CapSentinelRead, CapCheckpointsRead}
	staff   = append(append([]Capability(nil), reader...), CapPeopleWrite, CapPeopleExport, CapPeopleImport, CapUnitsWrite, CapMeasuresAssign, CapMeasuresWrite, CapMeasuresRelease, CapSentinelVerify, CapHandoversReceive, CapTracingRead)
	command = append(append([]Capability(nil), staff...), CapTracingWrite, CapRiskAreas, CapPushImport, CapSweepManage, CapPolicyManage, CapSitesManage, CapCampaignsManage, CapRetentionView, CapPeopleBreakGlass, CapSentinelReceive, CapSentinelManage, CapCheckpointsManage, CapNotifyManage, CapNotifyResidents,
		CapPictureView, CapReportsRead, CapReportsSubmit, CapReportsManage, CapInspectRead, CapInspectRectify,
		CapDutyRead, CapDutyManage, CapDutyCheck, CapSpecialRead, CapSpecialWrite, CapReadinessRead, CapReadinessManage)
	township = append(append([]Capability(nil), staff...), CapSweepManage, CapCampaignsManage, CapPeopleBreakGlass, CapSentinelReceive, CapSentinelManage, CapCheckpointsManage,
		CapPictureView, CapReportsRead, CapReportsSubmit, CapInspectRead, CapInspectRectify, CapDutyRead, CapDutyManage, CapDutyCheck,
		CapSpecialRead, CapSpecialWrite, CapReadinessRead, CapReadinessManage)
	village = append(append([]Capability(nil), staff...), CapReportsRead, CapReportsSubmit, CapInspectRead, CapInspectRectify,
		CapDutyRead, CapDutyManage)
	anyLevel = []int{1, 2, 3, 4, 5, 6}
)

// Roles lists every role in display order.
var Roles = []RoleInfo{
	{RoleCommand, "指挥部", []int{1, 2, 3}, command},
	{RoleTownship, "镇街干部", []int{4}, township},
	{RoleVillage, "村社干部/网格员", []int{5, 6}, village},
	{RoleCheckpoint, "卡口", anyLevel, []Capability{CapPeopleLookup, CapMeasuresAssign, CapCheckpointsRead, CapCheckpointLog}},
	{RoleSentinel, "哨点（诊所/药店）", anyLevel, []Capability{CapPeopleLookup, CapMeasuresAssign, CapSentinelReport}},
	{RoleSampling, "核酸采样/检测", anyLevel, []Capability{CapPeopleLookup, CapCampaignsRead, CapSamplingWrite, CapResultsUpload}},
	{RoleSite, "隔离点", anyLevel, []Capability{CapPeopleLookup, CapSitesRead, CapSitesManage, CapMeasuresAssign}},
	{RoleTracing, "流调", anyLevel, []Capability{CapPeopleLookup, CapMeasuresAssign, CapPeopleBreakGlass, CapTracingRead, CapTracingWrite}},
	{RoleInspector, "督查", anyLevel, append(append([]Capability(nil), reader...), CapAuditRead, CapTracingRead, CapPictureView, CapReportsRead,
		CapInspectRead, CapInspectWrite, CapDutyRead, CapDutyCheck, CapSpecialRead, CapReadinessRead)},
	// The administrator keeps accounts, units and the audit log, and reads no
	// one's personal data (least privilege): a person's record is opened by
	// those whose work it is.
	{RoleAdmin, "系统管理员", anyLevel, []Capability{CapUnitsWrite, CapUsersManage, CapAuditRead, CapRegionsImport}},
}

// Info returns the description of a role, and false for an unknown role.
func (r Role) Info() (RoleInfo, bool) {
	for _, ri := range Roles {
		if ri.Role == r {
			return ri, true
		}
	}
	return RoleInfo{}, false
}

// Name is the role's Chinese name.
func (r Role) Name() string {
	if ri, ok := r.Info(); ok {
		return ri.Name
	}
	return string(r)
}

// Can reports whether the role has the capability.
func (r Role) Can(c Capability) bool {
	ri, ok := r.Info()
	return ok && slices.Contains(ri.Caps, c)
}
