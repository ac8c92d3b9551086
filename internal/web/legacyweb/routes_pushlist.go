package legacyweb

import "fangkong/internal/auth"

// pushlistRoutes are the routes of big-data push lists (大数据推送) and their
// verification tasks (核查任务).
func (s *Handler) pushlistRoutes() {
	s.page("GET /pushlists", auth.CapPushImport, s.pushListsPage)
	s.page("POST /pushlists/upload", auth.CapPushImport, s.pushUpload)
	s.page("POST /pushlists", auth.CapPushImport, s.pushImport)
	s.page("GET /pushlists/{id}", auth.CapPushImport, s.pushListPage)
	s.page("GET /pushlists/{id}/feedback", auth.CapPushImport, s.pushFeedback)
	s.page("GET /pushtasks", auth.CapPeopleRead, s.pushTasksPage)
	s.page("GET /pushtasks/stats", auth.CapPeopleRead, s.pushStatsPage)
	s.page("GET /pushtasks/{id}", auth.CapPeopleRead, s.pushTaskPage)
	s.page("POST /pushtasks/{id}/answer", auth.CapPeopleWrite, s.pushAnswer)
	s.page("POST /pushtasks/{id}/route", auth.CapPeopleWrite, s.pushRoute)

	s.api("GET /api/v1/pushlists", auth.CapPushImport, s.apiPushLists)
	s.api("POST /api/v1/pushlists", auth.CapPushImport, s.apiPushImport)
	s.api("GET /api/v1/pushlists/{id}", auth.CapPushImport, s.apiPushList)
	s.api("GET /api/v1/pushlists/{id}/feedback", auth.CapPushImport, s.pushFeedback)
	s.api("GET /api/v1/pushtasks", auth.CapPeopleRead, s.apiPushTasks)
	s.api("GET /api/v1/pushtasks/stats", auth.CapPeopleRead, s.apiPushStats)
	s.api("GET /api/v1/pushtasks/{id}", auth.CapPeopleRead, s.apiPushTask)
	s.api("POST /api/v1/pushtasks/{id}/answer", auth.CapPeopleWrite, s.apiPushAnswer)
	s.api("POST /api/v1/pushtasks/{id}/route", auth.CapPeopleWrite, s.apiPushRoute)
}
