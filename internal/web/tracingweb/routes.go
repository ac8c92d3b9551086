package tracingweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// publicBodyLimit bounds the public scan form.
const publicBodyLimit = 8 << 10

// Routes: cases and their clocks, contacts and judgments, hand-off,
// trajectories, clusters and the chain graph, indicators, places and their
// posters, scan-log import, the outgoing 协查 list, and the public scan page.
func (h *Handler) Routes() []web.Route {
	const R, W = auth.CapTracingRead, auth.CapTracingWrite
	return []web.Route{
		web.Page("GET /tracing/cases", R, h.caseList),
		web.Page("GET /tracing/cases/new", W, h.caseNew),
		web.Page("POST /tracing/cases", W, h.caseCreate),
		web.Page("GET /tracing/cases/{id}", R, h.casePage),
		web.API("GET /api/v1/tracing/cases", R, h.apiCases),
		web.API("GET /api/v1/tracing/cases/{id}", R, h.apiCase),
		web.Page("POST /tracing/cases/{id}/clocks", W, h.caseClock),
		web.Page("POST /tracing/cases/{id}/reclassify", W, h.caseReclassify),
		web.Page("POST /tracing/cases/{id}/cluster", W, h.caseCluster),
		web.Page("POST /tracing/cases/{id}/candidates", W, h.caseRefresh),
		web.Page("POST /tracing/cases/{id}/contacts", W, h.caseManual),
		web.Page("POST /tracing/cases/{id}/judge", W, h.caseJudge),
		web.Page("POST /tracing/cases/{id}/handoff", W, h.caseHandOff),
		web.Page("GET /tracing/cases/{id}/trajectory", R, h.trajectoryPage),
		web.Page("POST /tracing/cases/{id}/trajectory", W, h.trajectoryAdd),
		web.Page("POST /tracing/retests/convert", W, h.retestConvert),
		web.Page("GET /tracing/contacts", R, h.contactList),
		web.Page("POST /tracing/contacts/{id}/convert", W, h.contactConvert),
		web.Page("GET /tracing/xiecha", W, h.xiechaExport),
		web.Page("POST /tracing/clusters", W, h.clusterCreate),
		web.Page("GET /tracing/chain", R, h.chainPage),
		web.Page("GET /tracing/indicators", R, h.indicatorsPage),
		web.Page("GET /tracing/places", R, h.placeList),
		web.Page("POST /tracing/places", W, h.placeCreate),
		web.Page("GET /tracing/places/{id}/poster", R, h.placePoster),
		web.Page("GET /tracing/scans/import", W, h.importForm),
		web.Page("POST /tracing/scans/import", W, h.importScans),

		web.Public("GET /s/{token}", h.scanLimit, h.public(h.scanForm)).WithMaxBody(publicBodyLimit),
		web.Public("POST /s/{token}", h.scanLimit, h.public(h.scanSubmit)).WithMaxBody(publicBodyLimit),
	}
}
