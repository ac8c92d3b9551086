package legacyweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// measureRoutes: the policy table (防控政策) and control measures (管控措施).
func (s *Handler) measureRoutes() {
	s.page("GET /policy", web.AnyUser, s.policyPage)
	s.page("GET /policy/versions/{id}", web.AnyUser, s.policyVersionPage)
	s.page("GET /policy/versions/{id}/copy", auth.CapPolicyManage, s.policyCopyForm)
	s.page("POST /policy/versions", auth.CapPolicyManage, s.policyCreate)
	s.page("GET /policy/diff", web.AnyUser, s.policyDiffPage)
	s.page("GET /policy/versions/{id}/replan", auth.CapPolicyManage, s.replanPage)
	s.page("POST /policy/versions/{id}/replan", auth.CapPolicyManage, s.replanApply)

	s.page("GET /measures", auth.CapPeopleRead, s.measuresOverview)
	s.page("GET /measures/list", auth.CapPeopleRead, s.measuresList)
	s.page("GET /measures/{id}", auth.CapPeopleRead, s.measurePage)
	s.page("GET /people/{id}/measure", auth.CapMeasuresWrite, s.measureAssignForm)
	s.page("POST /people/{id}/measure", auth.CapMeasuresWrite, s.measureAssign)
	s.page("GET /measures/work", auth.CapMeasuresWrite, s.workPage)
	s.page("POST /measures/{id}/checks", auth.CapMeasuresWrite, s.checkRecord)
	s.page("POST /measure-tests/{id}", auth.CapMeasuresWrite, s.testRecord)
	s.page("GET /measures/alerts", auth.CapPeopleRead, s.alertsPage)
	s.page("POST /measure-alerts/{id}/handle", auth.CapMeasuresWrite, s.alertHandle)
	s.page("GET /measures/release", auth.CapMeasuresRelease, s.releasePage)
	s.page("POST /measures/{id}/release", auth.CapMeasuresRelease, s.releaseConfirm)
	s.page("GET /measures/{id}/notice", auth.CapMeasuresRelease, s.noticePage)

	// The person's own link (个人健康打卡): the token is the credential;
	// rate limited per client address.
	lim := web.NewLimiter(30, s.Now)
	s.public(web.Public("GET /m/{token}", lim, s.selfCheckForm))
	s.public(web.Public("POST /m/{token}", lim, s.selfCheck))
	// The plan calculator is public knowledge (the national protocol): no
	// login, a generous rate limit per address.
	s.public(web.Public("GET /api/v1/policy/plan", web.NewLimiter(1200, s.Now), s.apiPolicyPlan))

	s.api("GET /api/v1/policy/versions", web.AnyUser, s.apiPolicyVersions)
	s.api("GET /api/v1/policy/versions/{id}", web.AnyUser, s.apiPolicyVersion)
	s.api("POST /api/v1/policy/versions", auth.CapPolicyManage, s.apiPolicyCreate)
	s.api("GET /api/v1/policy/diff", web.AnyUser, s.apiPolicyDiff)
	s.api("GET /api/v1/policy/versions/{id}/replan", auth.CapPolicyManage, s.apiReplanPreview)
	s.api("POST /api/v1/policy/versions/{id}/replan", auth.CapPolicyManage, s.apiReplanApply)

	s.api("GET /api/v1/measures", auth.CapPeopleRead, s.apiMeasures)
	s.api("GET /api/v1/measures/overview", auth.CapPeopleRead, s.apiMeasuresOverview)
	s.api("GET /api/v1/measures/{id}", auth.CapPeopleRead, s.apiMeasure)
	s.api("POST /api/v1/people/{id}/measure", auth.CapMeasuresWrite, s.apiMeasureAssign)
	s.api("GET /api/v1/measures/work", auth.CapMeasuresWrite, s.apiWork)
	s.api("POST /api/v1/measures/{id}/checks", auth.CapMeasuresWrite, s.apiCheckRecord)
	s.api("POST /api/v1/measure-tests/{id}", auth.CapMeasuresWrite, s.apiTestRecord)
	s.api("GET /api/v1/measures/alerts", auth.CapPeopleRead, s.apiAlerts)
	s.api("POST /api/v1/measure-alerts/{id}/handle", auth.CapMeasuresWrite, s.apiAlertHandle)
	s.api("GET /api/v1/measures/release", auth.CapMeasuresRelease, s.apiReleaseList)
	s.api("POST /api/v1/measures/{id}/release", auth.CapMeasuresRelease, s.apiRelease)
}
