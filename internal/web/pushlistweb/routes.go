package pushlistweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes are the routes of push lists (大数据推送) and their verification
// tasks (核查任务).
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /pushlists", auth.CapPushImport, h.listsPage),
		web.Page("POST /pushlists/upload", auth.CapPushImport, h.uploadPage),
		web.Page("POST /pushlists", auth.CapPushImport, h.importPage),
		web.Page("GET /pushlists/{id}", auth.CapPushImport, h.listPage),
		web.Page("GET /pushlists/{id}/feedback", auth.CapPushImport, h.feedback),
		web.Page("POST /pushlists/{id}/withdraw", auth.CapPushImport, h.withdrawPage),
		web.Page("GET /pushtasks", auth.CapPeopleRead, h.tasksPage),
		web.Page("GET /pushtasks/stats", auth.CapPeopleRead, h.statsPage),
		web.Page("GET /pushtasks/{id}", auth.CapPeopleRead, h.taskPage),
		web.Page("POST /pushtasks/{id}/answer", auth.CapPeopleWrite, h.answerPage),
		web.Page("POST /pushtasks/{id}/route", auth.CapPeopleWrite, h.routePage),

		web.API("GET /api/v1/pushlists", auth.CapPushImport, h.listsAPI),
		web.API("POST /api/v1/pushlists", auth.CapPushImport, h.importAPI),
		web.API("GET /api/v1/pushlists/{id}", auth.CapPushImport, h.listAPI),
		web.API("GET /api/v1/pushlists/{id}/feedback", auth.CapPushImport, h.feedback),
		web.API("POST /api/v1/pushlists/{id}/withdraw", auth.CapPushImport, h.withdrawAPI),
		web.API("GET /api/v1/pushtasks", auth.CapPeopleRead, h.tasksAPI),
		web.API("GET /api/v1/pushtasks/stats", auth.CapPeopleRead, h.statsAPI),
		web.API("GET /api/v1/pushtasks/{id}", auth.CapPeopleRead, h.taskAPI),
		web.API("POST /api/v1/pushtasks/{id}/answer", auth.CapPeopleWrite, h.answerAPI),
		web.API("POST /api/v1/pushtasks/{id}/route", auth.CapPeopleWrite, h.routeAPI),
	}
}
