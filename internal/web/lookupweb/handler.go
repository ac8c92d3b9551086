// Package lookupweb holds the look-up of one person (查找人员): a page and
// its API twin answering an exact ID number, phone or sampling code with
// one person of the caller's jurisdiction, masked unless the person is in
// the caller's workflow (package lookup). It is how the look-up roles
// (卡口, 哨点, 流调, 核酸, 隔离点) find people, who do not browse the ledger.
package lookupweb

import (
	"embed"
	"errors"
	"net/http"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/errs"
	"fangkong/internal/lookup"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

//go:embed templates
var templates embed.FS

// PerMinute is the default bound on the look-ups of one account a minute
// (then 429): a person at a checkpoint is looked up once, not enumerated.
const PerMinute = 30

// Handler serves the look-up page and API.
type Handler struct {
	lookup *lookup.Service
	pages  *web.Pages
	limit  *web.Limiter // per user
}

// New parses the templates; perMinute bounds each account's look-ups (0:
// PerMinute).
func New(srv *web.Server, l *lookup.Service, perMinute int) *Handler {
	if perMinute <= 0 {
		perMinute = PerMinute
	}
	return &Handler{lookup: l, pages: srv.MustPages(templates, "templates", nil), limit: web.NewLimiter(perMinute, srv.Now)}
}

// Routes: the look-up (people.lookup).
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Page("GET /lookup", auth.CapPeopleLookup, h.form),
		web.Page("POST /lookup", auth.CapPeopleLookup, h.find),
		web.API("GET /api/v1/lookup", auth.CapPeopleLookup, h.apiFind),
	}
}

// keyIn is what the caller holds (one of the three). The page posts it, so
// that ID numbers stay out of addresses and browser history.
type keyIn struct {
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Code     string `json:"code"`
}

// lookupView is the form and, after a look-up, the answer. The key typed
// is not shown again (a masked answer stays masked on the page).
type lookupView struct {
	Answer *lookup.Answer
	// BreakGlass offers 跨辖区查看 after an ID number was not found in the
	// jurisdiction, to roles that may (people.breakglass). The number is
	// typed again: the page never echoes a number it did not find.
	BreakGlass bool
	Kinds      []string
}

func (h *Handler) form(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "lookup", "查找人员", lookupView{})
}

// answer runs one look-up of the signed-in user.
func (h *Handler) answer(r *http.Request, in keyIn) (lookup.Answer, error) {
	u := web.User(r)
	if !h.limit.Allow(u.Username) {
		return lookup.Answer{}, errs.ErrTooMany
	}
	return h.lookup.Find(r.Context(), web.Actor(r), u.Scope(), lookup.Key{IDNumber: in.IDNumber, Phone: in.Phone, Code: in.Code},
		u.Can(auth.CapPeopleRead))
}

func (h *Handler) find(w http.ResponseWriter, r *http.Request) error {
	var in keyIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	a, err := h.answer(r, in)
	if errors.Is(err, errs.ErrNotFound) {
		v := lookupView{}
		if _, nerr := personal.NormalizeIDNumber(in.IDNumber); nerr == nil && web.User(r).Can(auth.CapPeopleBreakGlass) {
			v.BreakGlass, v.Kinds = true, registry.BreakGlassKinds
		}
		return h.pages.RenderView(w, r, http.StatusNotFound, "lookup", web.View{Title: "查找人员",
			Error: "本辖区人员台账中没有找到该人员", D: v})
	}
	if err != nil {
		return h.pages.FormError(w, r, err, "lookup", "查找人员", lookupView{})
	}
	return h.pages.Render(w, r, http.StatusOK, "lookup", "查找人员", lookupView{Answer: &a})
}

// answerJSON is one person; id_number and phone are masked unless full.
type answerJSON struct {
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	Sex       string `json:"sex"`
	BirthDate string `json:"birth_date"`
	IDNumber  string `json:"id_number"`
	Phone     string `json:"phone"`
	UnitCode  string `json:"unit_code"`
	UnitName  string `json:"unit_name"`
	Address   string `json:"address"`
	Residence string `json:"residence"`
	Full      bool   `json:"full"`
	Why       string `json:"why"`
}

func (h *Handler) apiFind(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a, err := h.answer(r, keyIn{IDNumber: strings.TrimSpace(q.Get("id_number")), Phone: strings.TrimSpace(q.Get("phone")),
		Code: strings.TrimSpace(q.Get("code"))})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, answerJSON{PersonID: a.PersonID, Name: a.Name, Sex: a.Sex, BirthDate: a.BirthDate,
		IDNumber: a.IDNumber, Phone: a.Phone, UnitCode: a.UnitCode, UnitName: a.UnitName, Address: a.Address,
		Residence: a.Residence, Full: a.Full, Why: a.Why})
}
