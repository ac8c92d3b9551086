package legacyweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// returneeRoutes: risk areas (中高风险地区), the returnee ledger (返乡人员台账),
// door-to-door sweeps (敲门排查) and self-reports (自主报备).
func (s *Handler) returneeRoutes() {
	s.page("GET /riskareas", web.AnyUser, s.riskAreasPage)
	s.page("POST /riskareas", auth.CapRiskAreas, s.riskAreaAdd)
	s.page("POST /riskareas/{id}/close", auth.CapRiskAreas, s.riskAreaClose)
	s.page("POST /riskareas/import", auth.CapRiskAreas, s.riskAreaImport)
	s.page("GET /riskareas/template", auth.CapRiskAreas, s.riskAreaTemplate)

	s.page("GET /returnees", auth.CapPeopleRead, s.returneesPage)
	s.page("GET /returnees/new", auth.CapPeopleWrite, s.returneeNew)
	s.page("POST /returnees", auth.CapPeopleWrite, s.returneeCreate)
	s.page("GET /returnees/stats", auth.CapPeopleRead, s.returneeStatsPage)
	s.page("GET /returnees/export", auth.CapPeopleExport, s.returneeExport)
	s.page("GET /returnees/{id}", auth.CapPeopleRead, s.returneePage)
	s.page("GET /returnees/{id}/edit", auth.CapPeopleWrite, s.returneeEdit)
	s.page("POST /returnees/{id}", auth.CapPeopleWrite, s.returneeUpdate)
	s.page("POST /returnees/{id}/status", auth.CapPeopleWrite, s.returneeStatus)

	s.page("GET /sweeps", auth.CapPeopleRead, s.sweepsPage)
	s.page("POST /sweeps", auth.CapSweepManage, s.sweepOpen)
	s.page("GET /sweeps/{id}", auth.CapPeopleRead, s.sweepPage)
	s.page("POST /sweeps/{id}/visits", auth.CapPeopleWrite, s.sweepVisit)
	s.page("POST /sweeps/{id}/close", auth.CapSweepManage, s.sweepClose)

	s.page("GET /selfreports", auth.CapPeopleRead, s.selfReportsPage)
	s.page("POST /selfreports/{id}/confirm", auth.CapPeopleWrite, s.selfReportConfirm)
	s.page("POST /selfreports/{id}/reject", auth.CapPeopleWrite, s.selfReportReject)
	s.page("GET /units/{code}/poster", auth.CapPeopleWrite, s.posterPage)
	s.page("POST /units/{code}/poster/rotate", auth.CapPeopleWrite, s.posterRotate)
	// The public self-report page (no login): the poster's token is the key.
	s.public(web.Public("GET /r/{token}", nil, plain(s.publicReportForm)).WithMaxBody(publicBodyLimit))
	s.public(web.Public("POST /r/{token}", nil, plain(s.publicReportSubmit)).WithMaxBody(publicBodyLimit))

	s.api("GET /api/v1/riskareas", web.AnyUser, s.apiRiskAreas)
	s.api("GET /api/v1/riskareas/level", web.AnyUser, s.apiRiskLevel)
	s.api("POST /api/v1/riskareas", auth.CapRiskAreas, s.apiRiskAreaAdd)
	s.api("POST /api/v1/riskareas/{id}/close", auth.CapRiskAreas, s.apiRiskAreaClose)
	s.api("POST /api/v1/riskareas/import", auth.CapRiskAreas, s.apiRiskAreaImport)
	s.api("GET /api/v1/returnees", auth.CapPeopleRead, s.apiReturnees)
	s.api("POST /api/v1/returnees", auth.CapPeopleWrite, s.apiReturneeCreate)
	s.api("GET /api/v1/returnees/stats", auth.CapPeopleRead, s.apiReturneeStats)
	s.api("GET /api/v1/returnees/export", auth.CapPeopleExport, s.returneeExport)
	s.api("GET /api/v1/returnees/{id}", auth.CapPeopleRead, s.apiReturnee)
	s.api("PUT /api/v1/returnees/{id}", auth.CapPeopleWrite, s.apiReturneeUpdate)
	s.api("POST /api/v1/returnees/{id}/status", auth.CapPeopleWrite, s.apiReturneeStatus)
	s.api("GET /api/v1/sweeps", auth.CapPeopleRead, s.apiSweeps)
	s.api("POST /api/v1/sweeps", auth.CapSweepManage, s.apiSweepOpen)
	s.api("GET /api/v1/sweeps/{id}", auth.CapPeopleRead, s.apiSweep)
	s.api("POST /api/v1/sweeps/{id}/visits", auth.CapPeopleWrite, s.apiSweepVisit)
	s.api("GET /api/v1/selfreports", auth.CapPeopleRead, s.apiSelfReports)
	s.api("POST /api/v1/selfreports/{id}/confirm", auth.CapPeopleWrite, s.apiSelfReportConfirm)
}
