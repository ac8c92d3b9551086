package measureweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes: the policy table (防控政策) and control measures (管控措施).
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /policy", web.AnyUser, h.policyPage),
		web.Page("GET /policy/versions/{id}", web.AnyUser, h.policyVersionPage),
		web.Page("GET /policy/versions/{id}/copy", auth.CapPolicyManage, h.policyCopyForm),
		web.Page("POST /policy/versions", auth.CapPolicyManage, h.policyCreate),
		web.Page("GET /policy/diff", web.AnyUser, h.policyDiffPage),
		web.Page("GET /policy/versions/{id}/replan", auth.CapPolicyManage, h.replanPage),
		web.Page("POST /policy/versions/{id}/replan", auth.CapPolicyManage, h.replanApply),

		web.Page("GET /measures", auth.CapPeopleRead, h.measuresOverview),
		web.Page("GET /measures/list", auth.CapPeopleRead, h.measuresList),
		web.Page("GET /measures/{id}", auth.CapPeopleRead, h.measurePage),
		web.Page("GET /people/{id}/measure", auth.CapMeasuresAssign, h.measureAssignForm),
		web.Page("POST /people/{id}/measure", auth.CapMeasuresAssign, h.measureAssign),
		web.Page("GET /measures/work", auth.CapMeasuresWrite, h.workPage),
		web.Page("POST /measures/{id}/checks", auth.CapMeasuresWrite, h.checkRecord),
		web.Page("POST /measure-tests/{id}", auth.CapMeasuresWrite, h.testRecord),
		web.Page("GET /measures/alerts", auth.CapPeopleRead, h.alertsPage),
		web.Page("POST /measure-alerts/{id}/handle", auth.CapMeasuresWrite, h.alertHandle),
		web.Page("GET /measures/release", auth.CapMeasuresRelease, h.releasePage),
		web.Page("POST /measures/{id}/release", auth.CapMeasuresRelease, h.releaseConfirm),
		web.Page("GET /measures/{id}/notice", auth.CapMeasuresRelease, h.noticePage),
		web.Page("GET /measures/{id}/waivers", auth.CapMeasuresRelease, h.waivePage),
		web.Page("POST /measures/{id}/waivers", auth.CapMeasuresRelease, h.waiveConfirm),

		// The person's own link (个人健康打卡): the token is the credential;
		// rate limited per client address.
		web.Public("GET /m/{token}", h.selfLimit, h.selfCheckForm),
		web.Public("POST /m/{token}", h.selfLimit, h.selfCheck),
		// The plan calculator is public knowledge (the national protocol): no
		// login, a generous rate limit per address.
		web.Public("GET /api/v1/policy/plan", h.planLimit, h.apiPolicyPlan),

		web.API("GET /api/v1/policy/versions", web.AnyUser, h.apiPolicyVersions),
		web.API("GET /api/v1/policy/versions/{id}", web.AnyUser, h.apiPolicyVersion),
		web.API("POST /api/v1/policy/versions", auth.CapPolicyManage, h.apiPolicyCreate),
		web.API("GET /api/v1/policy/diff", web.AnyUser, h.apiPolicyDiff),
		web.API("GET /api/v1/policy/versions/{id}/replan", auth.CapPolicyManage, h.apiReplanPreview),
		web.API("POST /api/v1/policy/versions/{id}/replan", auth.CapPolicyManage, h.apiReplanApply),

		web.API("GET /api/v1/measures", auth.CapPeopleRead, h.apiMeasures),
		web.API("GET /api/v1/measures/overview", auth.CapPeopleRead, h.apiMeasuresOverview),
		web.API("GET /api/v1/measures/{id}", auth.CapPeopleRead, h.apiMeasure),
		web.API("POST /api/v1/people/{id}/measure", auth.CapMeasuresAssign, h.apiMeasureAssign),
		web.API("GET /api/v1/measures/work", auth.CapMeasuresWrite, h.apiWork),
		web.API("POST /api/v1/measures/{id}/checks", auth.CapMeasuresWrite, h.apiCheckRecord),
		web.API("POST /api/v1/measure-tests/{id}", auth.CapMeasuresWrite, h.apiTestRecord),
		web.API("GET /api/v1/measures/alerts", auth.CapPeopleRead, h.apiAlerts),
		web.API("POST /api/v1/measure-alerts/{id}/handle", auth.CapMeasuresWrite, h.apiAlertHandle),
		web.API("GET /api/v1/measures/release", auth.CapMeasuresRelease, h.apiReleaseList),
		web.API("POST /api/v1/measures/{id}/release", auth.CapMeasuresRelease, h.apiRelease),
		web.API("POST /api/v1/measures/{id}/waivers", auth.CapMeasuresRelease, h.apiWaive),
	}
}
