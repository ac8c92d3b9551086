package returneeweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// publicBodyLimit bounds a self-report form: a few short fields, room for a
// long paste into one of them to reach validation (a message beside the
// field) instead of a bare 413 that loses what was typed.
const publicBodyLimit = 256 << 10

// Routes: risk areas (中高风险地区), the returnee ledger (返乡人员台账),
// door-to-door sweeps (敲门排查), self-reports (自主报备) and the public
// self-report page.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /riskareas", web.AnyUser, h.riskAreasPage),
		web.Page("POST /riskareas", auth.CapRiskAreas, h.riskAreaAddPage),
		web.Page("POST /riskareas/{id}/close", auth.CapRiskAreas, h.riskAreaClosePage),
		web.Page("POST /riskareas/import", auth.CapRiskAreas, h.riskAreaImportPage),
		web.Page("GET /riskareas/template", auth.CapRiskAreas, h.riskAreaTemplate),

		web.Page("GET /returnees", auth.CapPeopleRead, h.returneesPage),
		web.Page("GET /returnees/new", auth.CapPeopleWrite, h.newPage),
		web.Page("POST /returnees", auth.CapPeopleWrite, h.recordPage),
		web.Page("GET /returnees/stats", auth.CapPeopleRead, h.statsPage),
		web.Page("GET /returnees/places", auth.CapPeopleRead, h.placesPage),
		web.Page("POST /returnees/{id}/origin", auth.CapPeopleWrite, h.originPage),
		web.Page("GET /returnees/export", auth.CapPeopleExport, h.export),
		web.Page("GET /returnees/{id}", auth.CapPeopleRead, h.returneePage),
		web.Page("GET /returnees/{id}/edit", auth.CapPeopleWrite, h.editPage),
		web.Page("POST /returnees/{id}", auth.CapPeopleWrite, h.updatePage),
		web.Page("POST /returnees/{id}/status", auth.CapPeopleWrite, h.statusPage),

		web.Page("GET /sweeps", auth.CapPeopleRead, h.sweepsPage),
		web.Page("POST /sweeps", auth.CapSweepManage, h.openSweepPage),
		web.Page("GET /sweeps/{id}", auth.CapPeopleRead, h.sweepPage),
		web.Page("POST /sweeps/{id}/visits", auth.CapPeopleWrite, h.visitPage),
		web.Page("POST /sweeps/{id}/close", auth.CapSweepManage, h.closeSweepPage),

		web.Page("GET /selfreports", auth.CapPeopleRead, h.selfReportsPage),
		web.Page("POST /selfreports/{id}/confirm", auth.CapPeopleWrite, h.confirmPage),
		web.Page("POST /selfreports/{id}/reject", auth.CapPeopleWrite, h.rejectPage),
		web.Page("GET /units/{code}/poster", auth.CapPeopleWrite, h.posterPage),
		web.Page("POST /units/{code}/poster/rotate", auth.CapPeopleWrite, h.rotatePosterPage),
		// The public self-report page (no login): the poster's token is the key.
		web.Public("GET /r/{token}", nil, h.public(h.publicForm)).WithMaxBody(publicBodyLimit),
		web.Public("POST /r/{token}", nil, h.public(h.publicSubmit)).WithMaxBody(publicBodyLimit),
		web.Public("GET /r/{token}/places", h.placeLimit, h.publicPlaces),

		web.API("GET /api/v1/riskareas", web.AnyUser, h.riskAreasAPI),
		web.API("GET /api/v1/riskareas/level", web.AnyUser, h.riskLevelAPI),
		web.API("POST /api/v1/riskareas", auth.CapRiskAreas, h.riskAreaAddAPI),
		web.API("POST /api/v1/riskareas/{id}/close", auth.CapRiskAreas, h.riskAreaCloseAPI),
		web.API("POST /api/v1/riskareas/import", auth.CapRiskAreas, h.riskAreaImportAPI),
		web.API("GET /api/v1/returnees", auth.CapPeopleRead, h.returneesAPI),
		web.API("POST /api/v1/returnees", auth.CapPeopleWrite, h.recordAPI),
		web.API("GET /api/v1/returnees/stats", auth.CapPeopleRead, h.statsAPI),
		web.API("GET /api/v1/returnees/export", auth.CapPeopleExport, h.export),
		web.API("GET /api/v1/returnees/{id}", auth.CapPeopleRead, h.returneeAPI),
		web.API("PUT /api/v1/returnees/{id}", auth.CapPeopleWrite, h.updateAPI),
		web.API("POST /api/v1/returnees/{id}/status", auth.CapPeopleWrite, h.statusAPI),
		web.API("POST /api/v1/returnees/{id}/origin", auth.CapPeopleWrite, h.originAPI),
		web.API("GET /api/v1/sweeps", auth.CapPeopleRead, h.sweepsAPI),
		web.API("POST /api/v1/sweeps", auth.CapSweepManage, h.openSweepAPI),
		web.API("GET /api/v1/sweeps/{id}", auth.CapPeopleRead, h.sweepAPI),
		web.API("POST /api/v1/sweeps/{id}/visits", auth.CapPeopleWrite, h.visitAPI),
		web.API("GET /api/v1/selfreports", auth.CapPeopleRead, h.selfReportsAPI),
		web.API("POST /api/v1/selfreports/{id}/confirm", auth.CapPeopleWrite, h.confirmAPI),
	}
}
