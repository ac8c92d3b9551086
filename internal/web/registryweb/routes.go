package registryweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes is the route table of the unit drill-down, the people and
// households, and the ledger: each page beside its JSON twin.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /{$}", web.AnyUser, h.home),
		web.Page("GET /units/{code}", web.AnyUser, h.unitPage),
		web.API("GET /api/v1/units/{code}", web.AnyUser, h.apiUnit),
		web.API("GET /api/v1/units/{code}/grids", web.AnyUser, h.apiGrids),
		web.API("GET /api/v1/units/{code}/responsibles", web.AnyUser, h.apiResponsibles),
		web.Page("POST /units/{code}/groups", auth.CapUnitsWrite, h.addGroupPage),
		web.API("POST /api/v1/units/{code}/groups", auth.CapUnitsWrite, h.apiAddGroup),
		web.Page("POST /units/{code}/grids", auth.CapUnitsWrite, h.addGridPage),
		web.API("POST /api/v1/units/{code}/grids", auth.CapUnitsWrite, h.apiAddGrid),
		web.Page("POST /units/{code}/responsibles", auth.CapUnitsWrite, h.addResponsiblePage),
		web.API("POST /api/v1/units/{code}/responsibles", auth.CapUnitsWrite, h.apiAddResponsible),
		web.Page("POST /responsibles/{id}/delete", auth.CapUnitsWrite, h.deleteResponsiblePage),
		web.API("DELETE /api/v1/responsibles/{id}", auth.CapUnitsWrite, h.apiDeleteResponsible),

		web.Page("GET /people", auth.CapPeopleRead, h.peopleList),
		web.API("GET /api/v1/people", auth.CapPeopleRead, h.apiPeople),
		web.Page("GET /people/new", auth.CapPeopleWrite, h.personNew),
		web.Page("POST /people", auth.CapPeopleWrite, h.personCreate),
		web.API("POST /api/v1/people", auth.CapPeopleWrite, h.apiCreatePerson),
		web.Page("GET /people/{id}", auth.CapPeopleRead, h.personPage),
		// 拨打: the phone revealed to call the person (the view is audited).
		web.Page("GET /people/{id}/call", auth.CapPeopleRead, h.callPage),
		web.API("GET /api/v1/people/{id}", auth.CapPeopleRead, h.apiPerson),
		web.Page("GET /people/{id}/edit", auth.CapPeopleWrite, h.personEdit),
		web.Page("POST /people/{id}", auth.CapPeopleWrite, h.personUpdate),
		web.API("PUT /api/v1/people/{id}", auth.CapPeopleWrite, h.apiUpdatePerson),
		web.Page("POST /people/{id}/merge", auth.CapPeopleWrite, h.personMerge),
		web.API("POST /api/v1/people/{id}/merge", auth.CapPeopleWrite, h.apiMerge),
		web.Page("POST /people/{id}/deregister", auth.CapPeopleWrite, h.personDeregister),
		web.API("POST /api/v1/people/{id}/deregister", auth.CapPeopleWrite, h.apiDeregister),
		web.Page("POST /people/{id}/reinstate", auth.CapPeopleWrite, h.personReinstate),
		web.API("POST /api/v1/people/{id}/reinstate", auth.CapPeopleWrite, h.apiReinstate),
		web.Page("POST /breakglass", auth.CapPeopleBreakGlass, h.breakGlass),
		web.Page("GET /breakglass/{id}", auth.CapPeopleBreakGlass, h.breakGlassPage),

		web.Page("GET /households", auth.CapPeopleRead, h.householdList),
		web.API("GET /api/v1/households", auth.CapPeopleRead, h.apiHouseholds),
		web.Page("GET /households/new", auth.CapPeopleWrite, h.householdNew),
		web.Page("POST /households", auth.CapPeopleWrite, h.householdCreate),
		web.API("POST /api/v1/households", auth.CapPeopleWrite, h.apiCreateHousehold),
		web.Page("GET /households/{id}", auth.CapPeopleRead, h.householdPage),
		web.API("GET /api/v1/households/{id}", auth.CapPeopleRead, h.apiHousehold),
		web.Page("GET /households/{id}/edit", auth.CapPeopleWrite, h.householdEdit),
		web.Page("POST /households/{id}", auth.CapPeopleWrite, h.householdUpdate),
		web.API("PUT /api/v1/households/{id}", auth.CapPeopleWrite, h.apiUpdateHousehold),

		web.Page("GET /ledger", web.AnyUser, h.ledgerPage),
		web.Page("GET /ledger/export", auth.CapPeopleExport, h.ledgerExport),
		web.API("GET /api/v1/ledger/export", auth.CapPeopleExport, h.ledgerExport),
		web.Page("GET /ledger/template", auth.CapPeopleImport, h.ledgerTemplate),
		web.Page("POST /ledger/import", auth.CapPeopleImport, h.ledgerImport),
		web.API("POST /api/v1/ledger/import", auth.CapPeopleImport, h.apiImport),
	}
}
