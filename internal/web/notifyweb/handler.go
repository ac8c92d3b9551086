// Package notifyweb holds the pages of notifications (通知): each user's
// inbox (站内信), and for the command centre the delivery log (发送记录) with
// failures first and resends, a test send per channel, the message-template
// editor with preview and versions, and messages to residents (群众短信);
// and the provider's delivery-receipt callback.
package notifyweb

import (
	"embed"
	"html/template"
	"net/http"
	"slices"

	"fangkong/internal/auth"
	"fangkong/internal/notify"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Handler serves the notification pages.
type Handler struct {
	srv          *web.Server
	svc          *notify.Service
	pages        *web.Pages
	receiptToken string
}

// New parses the templates (a broken one panics: they are embedded);
// receiptToken is the secret path element of the SMS receipt callback
// ("" : the callback answers 404).
func New(srv *web.Server, svc *notify.Service, receiptToken string) *Handler {
	return &Handler{srv: srv, svc: svc, pages: srv.MustPages(templates, "templates", template.FuncMap{
		"statusName": notify.StatusName,
		"robotKind":  notify.RobotKindName,
		"has":        slices.Contains[[]string],
	}), receiptToken: receiptToken}
}

// Routes: the inbox, the delivery log, templates, test sends, residents,
// and the receipt callback.
func (h *Handler) Routes() []web.Route {
	const M, RS = auth.CapNotifyManage, auth.CapNotifyResidents
	return []web.Route{
		web.Page("GET /inbox", "", h.inbox),
		web.Page("POST /inbox/read", "", h.inboxRead),
		web.Page("GET /notify", M, h.log),
		web.Page("POST /notify/messages/{id}/resend", M, h.resend),
		web.Page("POST /notify/test", M, h.testSend),
		web.Page("GET /notify/templates/{kind}", M, h.template),
		web.Page("POST /notify/templates/{kind}", M, h.saveTemplate),
		web.Page("GET /notify/residents", RS, h.residents),
		web.Page("POST /notify/residents", RS, h.sendResidents),
		web.Page("POST /notify/optouts", RS, h.optOut),
		web.API("GET /api/v1/inbox", "", h.apiInbox),
		web.Public("POST /hooks/sms/aliyun/{token}", nil, h.aliyunReceipt).WithMaxBody(1 << 20),
	}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}
