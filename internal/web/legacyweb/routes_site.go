package legacyweb

import "fangkong/internal/auth"

// siteRoutes is the route table of the quarantine sites (集中隔离点): sites,
// rooms, checklist, staff, stays and the occupancy dashboard.
func (s *Handler) siteRoutes() {
	s.page("GET /sites", auth.CapPeopleRead, s.siteList)
	s.page("GET /sites/new", auth.CapSitesManage, s.siteNew)
	s.page("POST /sites", auth.CapSitesManage, s.siteCreate)
	s.page("GET /sites/occupancy", auth.CapPeopleRead, s.siteOccupancy)
	s.page("GET /sites/{id}", auth.CapPeopleRead, s.sitePage)
	s.page("GET /sites/{id}/edit", auth.CapSitesManage, s.siteEdit)
	s.page("POST /sites/{id}", auth.CapSitesManage, s.siteUpdate)
	s.page("POST /sites/{id}/rooms", auth.CapSitesManage, s.siteAddRooms)
	s.page("POST /site-rooms/{id}", auth.CapSitesManage, s.siteRoomStatus)
	s.page("GET /sites/{id}/checklist", auth.CapPeopleRead, s.siteChecklist)
	s.page("POST /sites/{id}/checklist", auth.CapSitesManage, s.siteSaveChecklist)
	s.page("GET /sites/{id}/staff", auth.CapPeopleRead, s.siteStaff)
	s.page("POST /sites/{id}/staff", auth.CapSitesManage, s.siteAddStaff)
	s.page("POST /site-staff/{id}", auth.CapSitesManage, s.siteUpdateStaff)
	s.page("GET /sites/{id}/transfer", auth.CapSitesManage, s.siteTransferForm)
	s.page("POST /sites/{id}/stays", auth.CapSitesManage, s.siteTransfer)
	s.page("GET /site-stays", auth.CapPeopleRead, s.stayList)
	s.page("GET /site-stays/{id}", auth.CapPeopleRead, s.stayPage)
	s.page("POST /site-stays/{id}/checkin", auth.CapSitesManage, s.stayCheckIn)
	s.page("POST /site-stays/{id}/checkout", auth.CapSitesManage, s.stayCheckOut)

	s.api("GET /api/v1/sites", auth.CapPeopleRead, s.apiSites)
	s.api("POST /api/v1/sites", auth.CapSitesManage, s.apiCreateSite)
	s.api("GET /api/v1/sites/occupancy", auth.CapPeopleRead, s.apiSiteOccupancy)
	s.api("GET /api/v1/sites/{id}", auth.CapPeopleRead, s.apiSite)
	s.api("PUT /api/v1/sites/{id}", auth.CapSitesManage, s.apiUpdateSite)
	s.api("POST /api/v1/sites/{id}/rooms", auth.CapSitesManage, s.apiAddRooms)
	s.api("PUT /api/v1/site-rooms/{id}", auth.CapSitesManage, s.apiRoomStatus)
	s.api("GET /api/v1/sites/{id}/checklist", auth.CapPeopleRead, s.apiChecklist)
	s.api("PUT /api/v1/sites/{id}/checklist", auth.CapSitesManage, s.apiSaveChecklist)
	s.api("GET /api/v1/sites/{id}/staff", auth.CapPeopleRead, s.apiStaff)
	s.api("POST /api/v1/sites/{id}/staff", auth.CapSitesManage, s.apiAddStaff)
	s.api("PUT /api/v1/site-staff/{id}", auth.CapSitesManage, s.apiUpdateStaff)
	s.api("POST /api/v1/sites/{id}/stays", auth.CapSitesManage, s.apiTransfer)
	s.api("GET /api/v1/site-stays", auth.CapPeopleRead, s.apiStays)
	s.api("GET /api/v1/site-stays/{id}", auth.CapPeopleRead, s.apiStay)
	s.api("POST /api/v1/site-stays/{id}/checkin", auth.CapSitesManage, s.apiCheckIn)
	s.api("POST /api/v1/site-stays/{id}/checkout", auth.CapSitesManage, s.apiCheckOut)
}
