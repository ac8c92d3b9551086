package siteweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes: sites (their list opens with the day's work), rooms, checklist,
// staff, stays and the occupancy dashboard.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /sites", auth.CapSitesRead, h.siteList),
		web.Page("GET /sites/new", auth.CapSitesManage, h.siteNew),
		web.Page("POST /sites", auth.CapSitesManage, h.siteCreate),
		web.Page("GET /sites/occupancy", auth.CapSitesRead, h.siteOccupancy),
		web.Page("GET /sites/{id}", auth.CapSitesRead, h.sitePage),
		web.Page("GET /sites/{id}/edit", auth.CapSitesManage, h.siteEdit),
		web.Page("POST /sites/{id}", auth.CapSitesManage, h.siteUpdate),
		web.Page("POST /sites/{id}/rooms", auth.CapSitesManage, h.siteAddRooms),
		web.Page("POST /site-rooms/{id}", auth.CapSitesManage, h.siteRoomStatus),
		web.Page("GET /sites/{id}/checklist", auth.CapSitesRead, h.siteChecklist),
		web.Page("POST /sites/{id}/checklist", auth.CapSitesManage, h.siteSaveChecklist),
		web.Page("GET /sites/{id}/staff", auth.CapSitesRead, h.siteStaff),
		web.Page("POST /sites/{id}/staff", auth.CapSitesManage, h.siteAddStaff),
		web.Page("GET /site-staff", auth.CapSitesRead, h.staffOfSites),
		web.Page("POST /site-staff/{id}", auth.CapSitesManage, h.siteUpdateStaff),
		web.Page("GET /sites/{id}/transfer", auth.CapSitesManage, h.siteTransferForm),
		web.Page("POST /sites/{id}/stays", auth.CapSitesManage, h.siteTransfer),
		web.Page("GET /site-stays", auth.CapSitesRead, h.stayList),
		web.Page("GET /site-stays/{id}", auth.CapSitesRead, h.stayPage),
		web.Page("POST /site-stays/{id}/checkin", auth.CapSitesManage, h.stayCheckIn),
		web.Page("POST /site-stays/{id}/checkout", auth.CapSitesManage, h.stayCheckOut),

		web.API("GET /api/v1/sites", auth.CapSitesRead, h.apiSites),
		web.API("POST /api/v1/sites", auth.CapSitesManage, h.apiCreateSite),
		web.API("GET /api/v1/sites/occupancy", auth.CapSitesRead, h.apiSiteOccupancy),
		web.API("GET /api/v1/sites/{id}", auth.CapSitesRead, h.apiSite),
		web.API("PUT /api/v1/sites/{id}", auth.CapSitesManage, h.apiUpdateSite),
		web.API("POST /api/v1/sites/{id}/rooms", auth.CapSitesManage, h.apiAddRooms),
		web.API("PUT /api/v1/site-rooms/{id}", auth.CapSitesManage, h.apiRoomStatus),
		web.API("GET /api/v1/sites/{id}/checklist", auth.CapSitesRead, h.apiChecklist),
		web.API("PUT /api/v1/sites/{id}/checklist", auth.CapSitesManage, h.apiSaveChecklist),
		web.API("GET /api/v1/sites/{id}/staff", auth.CapSitesRead, h.apiStaff),
		web.API("POST /api/v1/sites/{id}/staff", auth.CapSitesManage, h.apiAddStaff),
		web.API("PUT /api/v1/site-staff/{id}", auth.CapSitesManage, h.apiUpdateStaff),
		web.API("POST /api/v1/sites/{id}/stays", auth.CapSitesManage, h.apiTransfer),
		web.API("GET /api/v1/site-stays", auth.CapSitesRead, h.apiStays),
		web.API("GET /api/v1/site-stays/{id}", auth.CapSitesRead, h.apiStay),
		web.API("POST /api/v1/site-stays/{id}/checkin", auth.CapSitesManage, h.apiCheckIn),
		web.API("POST /api/v1/site-stays/{id}/checkout", auth.CapSitesManage, h.apiCheckOut),
	}
}
