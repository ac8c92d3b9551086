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
	CapPeopleRead    Capability = "people.read"
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
	CapMeasuresWrite   Capability = "measures.write"   // assign categories, record health checks and tests
	CapMeasuresRelease Capability = "measures.release" // confirm release (解除)
	CapSitesManage     Capability = "sites.manage"     // quarantine sites, rooms, check-in and check-out (隔离点)

	// Mass testing (全员核酸).
	CapCampaignsManage Capability = "campaigns.manage" // open testing rounds, sampling points and labs
	CapSamplingWrite   Capability = "sampling.write"   // register tubes and samples (采样)
	CapResultsUpload   Capability = "results.upload"   // upload lab results (检测结果)

	// Personal-data protection (个人信息保护).
	CapRetentionView Capability = "retention.view" // see the retention rules and what the next purge clears (保存期限)
	// CapPeopleBreakGlass reads one person outside the jurisdiction, once,
	// for a stated reason (跨辖区查看: a 协查, an emergency), audited and
	// reported to that jurisdiction.
	CapPeopleBreakGlass Capability = "people.breakglass"
)

// RoleInfo describes a role.
type RoleInfo struct {
	Role Role
	Name string
	// Levels the role's unit may have (e.g. a township cadre is bound to a township).
	Levels []int
	Caps   []Capability
}

var (
	staff    = []Capability{CapPeopleRead, CapPeopleWrite, CapPeopleExport, CapPeopleImport, CapUnitsWrite, CapMeasuresWrite, CapMeasuresRelease}
	command  = append(append([]Capability(nil), staff...), CapRiskAreas, CapPushImport, CapSweepManage, CapPolicyManage, CapSitesManage, CapCampaignsManage, CapRetentionView, CapPeopleBreakGlass)
	township = append(append([]Capability(nil), staff...), CapSweepManage, CapCampaignsManage, CapPeopleBreakGlass)
	anyLevel = []int{1, 2, 3, 4, 5, 6}
)

// Roles lists every role in display order.
var Roles = []RoleInfo{
	{RoleCommand, "指挥部", []int{1, 2, 3}, command},
	{RoleTownship, "镇街干部", []int{4}, township},
	{RoleVillage, "村社干部/网格员", []int{5, 6}, staff},
	{RoleCheckpoint, "卡口", anyLevel, []Capability{CapPeopleRead, CapMeasuresWrite}},
	{RoleSentinel, "哨点（诊所/药店）", anyLevel, []Capability{CapPeopleRead, CapMeasuresWrite}},
	{RoleSampling, "核酸采样/检测", anyLevel, []Capability{CapPeopleRead, CapSamplingWrite, CapResultsUpload}},
	{RoleSite, "隔离点", anyLevel, []Capability{CapPeopleRead, CapMeasuresWrite, CapSitesManage}},
	{RoleTracing, "流调", anyLevel, []Capability{CapPeopleRead, CapMeasuresWrite, CapPeopleBreakGlass}},
	{RoleInspector, "督查", anyLevel, []Capability{CapPeopleRead, CapAuditRead}},
	{RoleAdmin, "系统管理员", anyLevel, []Capability{CapPeopleRead, CapUnitsWrite, CapUsersManage, CapAuditRead, CapRegionsImport}},
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
