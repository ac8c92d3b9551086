package checkpointweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes: the check log (the checkpoint account's home), the register,
// rosters, figures and rules, hand-overs to receive and the outgoing 协查.
func (h *Handler) Routes() []web.Route {
	const (
		R   = auth.CapCheckpointsRead
		M   = auth.CapCheckpointsManage
		L   = auth.CapCheckpointLog
		Rcv = auth.CapHandoversReceive
	)
	return []web.Route{
		web.Page("GET /checks", L, h.logPage),
		web.Page("POST /checks", L, h.logPost),
		web.Page("GET /checks/log", R, h.checkList),
		web.Page("GET /checks/{id}", R, h.checkPage),

		web.Page("GET /checkpoints", R, h.checkpointList),
		web.Page("GET /checkpoints/new", M, h.checkpointNew),
		web.Page("POST /checkpoints", M, h.checkpointCreate),
		web.Page("GET /checkpoints/figures", R, h.figuresPage),
		web.Page("GET /checkpoints/{id}", R, h.checkpointPage),
		web.Page("GET /checkpoints/{id}/edit", M, h.checkpointEdit),
		web.Page("POST /checkpoints/{id}", M, h.checkpointUpdate),
		web.Page("POST /checkpoints/{id}/status", M, h.checkpointStatus),
		web.Page("POST /checkpoints/{id}/roster", M, h.rosterAdd),
		web.Page("POST /checkpoint-members/{id}/delete", M, h.rosterRemove),
		web.Page("GET /checkpoint-rules", R, h.rulesPage),
		web.Page("POST /checkpoint-rules", auth.CapPolicyManage, h.rulesCreate),

		web.Page("GET /incidents", R, h.incidentList),
		web.Page("POST /incidents", L, h.incidentReport),

		web.Page("GET /handovers", Rcv, h.handoverList),
		web.Page("POST /handovers/{id}/receive", Rcv, h.handoverReceive),
		web.Page("GET /handovers/outgoing", R, h.outgoingList),

		web.API("POST /api/v1/checks", L, h.apiLog),
		web.API("GET /api/v1/checks", R, h.apiChecks),
		web.API("GET /api/v1/checkpoints", R, h.apiCheckpoints),
		web.API("GET /api/v1/handovers", Rcv, h.apiHandovers),
		web.API("POST /api/v1/handovers/{id}/receive", Rcv, h.apiReceive),
	}
}
