// Package sentinelweb holds the pages of the sentinels (哨点): a sentinel
// account's day (report a fever patient, submit the day's return or a zero
// report, register drug buyers, confirm referred patients' arrival, 晨午检),
// the township's inbox of fever reports to acknowledge and take through
// sampling to the result, the county's view of the day's returns with the
// missing list, and the villages' verification of drug buyers.
package sentinelweb

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// Units lists the units of a level in a scope: sentinels belong to
// villages and townships; buyers live in villages.
type Units interface {
	Units(ctx context.Context, scope jurisdiction.Scope, level int) ([]jurisdiction.Unit, error)
}

// Accounts are the user accounts of a scope, to bind a sentinel account.
type Accounts interface {
	Users(ctx context.Context, scope jurisdiction.Scope) ([]auth.User, error)
}

// Handler serves the sentinels' pages.
type Handler struct {
	srv      *web.Server
	svc      *sentinel.Service
	units    Units
	accounts Accounts
	pages    *web.Pages
	now      func() time.Time
}

// New parses the templates (a broken one panics: they are embedded).
func New(srv *web.Server, svc *sentinel.Service, units Units, accounts Accounts) *Handler {
	return &Handler{srv: srv, svc: svc, units: units, accounts: accounts, pages: srv.MustPages(templates, "templates", nil), now: srv.Now}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string, d any) error {
	return h.pages.Render(w, r, http.StatusOK, name, title, d)
}

// mine is the sentinel the signed-in account reports for; a sentinel
// account bound to none gets a 409 page saying whom to ask.
func (h *Handler) mine(r *http.Request) (sentinel.Sentinel, error) {
	u := web.User(r)
	x, err := h.svc.Mine(r.Context(), u.Scope(), u.ID)
	if errors.Is(err, errs.ErrNotFound) {
		return x, &errs.Conflict{Message: "本账号尚未绑定哨点，请联系镇街干部在“哨点”页绑定"}
	}
	return x, err
}

// Routes: the sentinel's own work, the township's inbox, the county's
// returns, the villages' buyer verification.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /sentinel", auth.CapSentinelReport, h.home),
		web.Page("GET /sentinel/report", auth.CapSentinelReport, h.reportForm),
		web.Page("POST /sentinel/reports", auth.CapSentinelReport, h.reportCreate),
		web.Page("POST /sentinel/returns", auth.CapSentinelReport, h.returnSubmit),
		web.Page("GET /sentinel/buyers", auth.CapSentinelReport, h.buyerForm),
		web.Page("POST /sentinel/buyers", auth.CapSentinelReport, h.buyerCreate),
		web.Page("POST /sentinel/buyers/import", auth.CapSentinelReport, h.buyerImport),
		web.Page("POST /sentinel/referrals/{id}/arrived", auth.CapSentinelReport, h.arrived),
		web.Page("POST /sentinel/checks", auth.CapSentinelReport, h.checkSubmit),

		web.Page("GET /sentinels", auth.CapSentinelRead, h.list),
		web.Page("GET /sentinels/new", auth.CapSentinelManage, h.newForm),
		web.Page("POST /sentinels", auth.CapSentinelManage, h.create),
		web.Page("POST /sentinels/{id}/accounts", auth.CapSentinelManage, h.bind),
		web.Page("GET /sentinel-reports", auth.CapSentinelRead, h.reports),
		web.Page("GET /sentinel-reports/{id}", auth.CapSentinelRead, h.reportPage),
		web.API("GET /api/v1/sentinel-reports", auth.CapSentinelRead, h.apiReports),
		web.API("GET /api/v1/sentinel-reports/{id}", auth.CapSentinelRead, h.apiReport),
		web.Page("POST /sentinel-reports/{id}/advance", auth.CapSentinelReceive, h.advance),
		web.Page("GET /sentinel-clocks", auth.CapSentinelRead, h.clocks),
		web.Page("POST /sentinel-clocks", auth.CapPolicyManage, h.clocksCreate),
		web.Page("GET /sentinel-buyers", auth.CapSentinelRead, h.buyers),
		web.Page("POST /sentinel-buyers/{id}/answer", auth.CapSentinelVerify, h.answer),
	}
}
