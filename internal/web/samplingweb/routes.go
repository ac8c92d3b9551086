package samplingweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes: mass testing (全员核酸).
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /sampling", auth.CapCampaignsRead, h.samplingHome),
		web.Page("POST /sampling/campaigns", auth.CapCampaignsManage, h.samplingCreate),
		web.Page("GET /sampling/campaigns/{id}", auth.CapCampaignsRead, h.samplingCampaign),
		web.Page("POST /sampling/campaigns/{id}/start", auth.CapCampaignsManage, h.samplingStart),
		web.Page("POST /sampling/campaigns/{id}/close", auth.CapCampaignsManage, h.samplingClose),
		web.Page("POST /sampling/campaigns/{id}/points", auth.CapCampaignsManage, h.samplingAddPoint),
		web.Page("POST /sampling/campaigns/{id}/labs", auth.CapCampaignsManage, h.samplingAddLab),
		web.Page("GET /sampling/campaigns/{id}/untested", auth.CapPeopleRead, h.samplingUntested),
		web.Page("GET /sampling/campaigns/{id}/untested.xlsx", auth.CapPeopleExport, h.samplingUntestedExport),
		web.Page("GET /sampling/campaigns/{id}/retests", auth.CapCampaignsRead, h.samplingRetests),
		web.Page("POST /sampling/campaigns/{id}/retests/{person}", auth.CapResultsUpload, h.samplingRecordRetest),
		web.Page("GET /sampling/campaigns/{id}/scan", auth.CapSamplingWrite, h.samplingScanPage),
		web.Page("POST /sampling/campaigns/{id}/scan", auth.CapSamplingWrite, h.samplingScanPost),
		web.Page("POST /sampling/campaigns/{id}/walkins", auth.CapSamplingWrite, h.samplingWalkinPost),
		web.Page("GET /sampling/campaigns/{id}/household", auth.CapSamplingWrite, h.samplingHousehold),
		web.Page("POST /sampling/campaigns/{id}/household", auth.CapSamplingWrite, h.samplingHouseholdPost),
		web.Page("POST /sampling/campaigns/{id}/tubes/close", auth.CapSamplingWrite, h.samplingCloseTube),
		web.Page("GET /sampling/campaigns/{id}/boxes", auth.CapSamplingWrite, h.samplingBoxes),
		web.Page("POST /sampling/campaigns/{id}/boxes", auth.CapSamplingWrite, h.samplingPack),
		web.Page("POST /sampling/boxes/{id}/handover", auth.CapSamplingWrite, h.samplingHandOver),
		web.Page("POST /sampling/boxes/{id}/receive", auth.CapResultsUpload, h.samplingReceive),
		web.Page("GET /sampling/campaigns/{id}/results", auth.CapResultsUpload, h.samplingResultsPage),
		web.Page("POST /sampling/campaigns/{id}/results", auth.CapResultsUpload, h.samplingResultsUpload),
		web.Page("GET /sampling/plan", auth.CapCampaignsManage, h.samplingPlan),
		web.Page("GET /people/{id}/sampling-code", auth.CapPeopleRead, h.personSamplingCode),
		web.Page("GET /households/{id}/sampling-codes", auth.CapPeopleRead, h.householdSamplingCodes),

		web.API("GET /api/v1/sampling/campaigns", auth.CapCampaignsRead, h.apiCampaigns),
		web.API("POST /api/v1/sampling/campaigns", auth.CapCampaignsManage, h.apiCreateCampaign),
		web.API("GET /api/v1/sampling/campaigns/{id}", auth.CapCampaignsRead, h.apiCampaign),
		web.API("POST /api/v1/sampling/campaigns/{id}/start", auth.CapCampaignsManage, h.apiStartCampaign),
		web.API("POST /api/v1/sampling/campaigns/{id}/points", auth.CapCampaignsManage, h.apiAddPoint),
		web.API("POST /api/v1/sampling/campaigns/{id}/labs", auth.CapCampaignsManage, h.apiAddLab),
		web.API("GET /api/v1/sampling/campaigns/{id}/untested", auth.CapPeopleRead, h.apiUntested),
		web.API("GET /api/v1/sampling/campaigns/{id}/retests", auth.CapCampaignsRead, h.apiRetests),
		// The scan queue bounds itself (group commit, 429 when full).
		web.API("POST /api/v1/sampling/scans", auth.CapSamplingWrite, h.apiSamplingScan).OwnLimits(),
		web.API("POST /api/v1/sampling/walkins", auth.CapSamplingWrite, h.apiSamplingWalkin).OwnLimits(),
		web.API("POST /api/v1/sampling/campaigns/{id}/tubes/{tube}/close", auth.CapSamplingWrite, h.apiCloseTube),
		web.API("POST /api/v1/sampling/campaigns/{id}/boxes", auth.CapSamplingWrite, h.apiPackBox),
		web.API("POST /api/v1/sampling/boxes/{id}/handover", auth.CapSamplingWrite, h.apiHandOver),
		web.API("POST /api/v1/sampling/boxes/{id}/receive", auth.CapResultsUpload, h.apiReceive),
		web.API("POST /api/v1/sampling/campaigns/{id}/results", auth.CapResultsUpload, h.apiResults),
	}
}
