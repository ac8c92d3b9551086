package web

import "fangkong/internal/auth"

// samplingRoutes is the route table of mass testing (全员核酸).
func (s *Server) samplingRoutes() {
	s.page("GET /sampling/campaigns/{id}/scan", auth.CapSamplingWrite, s.samplingScanPage)
	s.page("POST /sampling/campaigns/{id}/scan", auth.CapSamplingWrite, s.samplingScanPost)
	s.page("POST /sampling/campaigns/{id}/tubes/close", auth.CapSamplingWrite, s.samplingCloseTube)

	s.api("POST /api/v1/sampling/scans", auth.CapSamplingWrite, s.apiSamplingScan)
}
