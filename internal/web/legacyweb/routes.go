package legacyweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// pageRoutes is the route table of the pages: each route names the
// capability it needs.
func (s *Handler) pageRoutes() {
	s.page("GET /{$}", web.AnyUser, s.home)
	s.page("GET /units/{code}", web.AnyUser, s.unitPage)
	s.page("POST /units/{code}/groups", auth.CapUnitsWrite, s.addGroup)
	s.page("POST /units/{code}/grids", auth.CapUnitsWrite, s.addGrid)
	s.page("POST /units/{code}/responsibles", auth.CapUnitsWrite, s.addResponsible)
	s.page("POST /responsibles/{id}/delete", auth.CapUnitsWrite, s.deleteResponsible)

	s.page("GET /people", auth.CapPeopleRead, s.peopleList)
	s.page("GET /people/new", auth.CapPeopleWrite, s.personNew)
	s.page("POST /people", auth.CapPeopleWrite, s.personCreate)
	s.page("GET /people/{id}", auth.CapPeopleRead, s.personPage)
	s.page("GET /people/{id}/edit", auth.CapPeopleWrite, s.personEdit)
	s.page("POST /people/{id}", auth.CapPeopleWrite, s.personUpdate)
	s.page("POST /people/{id}/merge", auth.CapPeopleWrite, s.personMerge)
	s.page("POST /people/{id}/deregister", auth.CapPeopleWrite, s.personDeregister)
	s.page("POST /people/{id}/reinstate", auth.CapPeopleWrite, s.personReinstate)

	s.page("GET /households", auth.CapPeopleRead, s.householdList)
	s.page("GET /households/new", auth.CapPeopleWrite, s.householdNew)
	s.page("POST /households", auth.CapPeopleWrite, s.householdCreate)
	s.page("GET /households/{id}", auth.CapPeopleRead, s.householdPage)
	s.page("GET /households/{id}/edit", auth.CapPeopleWrite, s.householdEdit)
	s.page("POST /households/{id}", auth.CapPeopleWrite, s.householdUpdate)

	s.page("GET /ledger", web.AnyUser, s.ledgerPage)
	s.page("GET /ledger/export", auth.CapPeopleExport, s.ledgerExport)
	s.page("GET /ledger/template", auth.CapPeopleImport, s.ledgerTemplate)
	s.page("POST /ledger/import", auth.CapPeopleImport, s.ledgerImport)
}
