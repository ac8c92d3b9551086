package sentinelweb

import (
	"time"

	"fmt"
	"net/http"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/sentinel"
	"fangkong/internal/web"
)

// buyerIn is the drug buyer form.
type buyerIn struct {
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	Phone       string `json:"phone"`
	DrugClass   string `json:"drug_class"`
	DrugName    string `json:"drug_name"`
	BoughtAt    string `json:"bought_at"`
	VillageCode string `json:"village_code"`
}

type buyerFormView struct {
	S        sentinel.Sentinel
	In       buyerIn
	Classes  []string
	Villages []jurisdiction.Unit
	Headers  []string
	Import   *sentinel.BuyerImport
	Mode     string // the import mode chosen: "all" or "good"
	Buyers   []sentinel.Buyer
}

func (h *Handler) buyerFormOf(r *http.Request, x sentinel.Sentinel, in buyerIn) buyerFormView {
	ctx, scope := r.Context(), web.User(r).Scope()
	villages, _ := h.units.Units(ctx, scope, jurisdiction.LevelVillage)
	buyers, _ := h.svc.Buyers(ctx, scope, sentinel.BuyerFilter{SentinelID: x.ID, Limit: 50})
	if in.VillageCode == "" && jurisdiction.LevelOfCode(x.UnitCode) == jurisdiction.LevelVillage {
		in.VillageCode = x.UnitCode
	}
	return buyerFormView{S: x, In: in, Classes: sentinel.DrugClasses, Villages: villages, Headers: sentinel.BuyerHeaders, Buyers: buyers}
}

func (h *Handler) buyerForm(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "sentinel_buyers_form", "登记购药人员", h.buyerFormOf(r, x, buyerIn{}))
}

func (h *Handler) buyerCreate(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	var in buyerIn
	err = web.Bind(r, &in)
	var at int64
	if err == nil {
		at, err = web.ParseLocalTime("bought_at", in.BoughtAt)
	}
	var b sentinel.Buyer
	if err == nil {
		b, err = h.svc.RegisterBuyer(r.Context(), web.Actor(r), web.User(r).Scope(), x, sentinel.BuyerInput{Name: in.Name, IDNumber: in.IDNumber,
			Phone: in.Phone, DrugClass: in.DrugClass, DrugName: in.DrugName, BoughtAt: at, VillageCode: in.VillageCode})
	}
	if err != nil {
		return h.pages.FormError(w, r, err, "sentinel_buyers_form", "登记购药人员", h.buyerFormOf(r, x, in))
	}
	return web.Redirect(w, r, "/sentinel/buyers", fmt.Sprintf("已登记 %s（%s类），已推送所在村核查", b.Name, b.DrugClass))
}

func (h *Handler) buyerImport(w http.ResponseWriter, r *http.Request) error {
	x, err := h.mine(r)
	if err != nil {
		return err
	}
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return h.pages.FormError(w, r, err, "sentinel_buyers_form", "登记购药人员", h.buyerFormOf(r, x, buyerIn{}))
	}
	defer f.Close()
	imp := h.svc.ImportBuyers
	if r.FormValue("mode") == "all" {
		imp = h.svc.ImportBuyersAllOrNothing
	}
	rep, err := imp(r.Context(), web.Actor(r), web.User(r).Scope(), x, f, size)
	if err != nil {
		return h.pages.FormError(w, r, err, "sentinel_buyers_form", "登记购药人员", h.buyerFormOf(r, x, buyerIn{}))
	}
	v := h.buyerFormOf(r, x, buyerIn{})
	v.Import, v.Mode = &rep, r.FormValue("mode")
	return h.render(w, r, "sentinel_buyers_form", "登记购药人员", v)
}

type buyersView struct {
	Unit    string
	Status  string
	Buyers  []sentinel.Buyer
	Answers []string
	Now     time.Time
}

// buyers is a village's verification list (or a township's, all villages).
func (h *Handler) buyers(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := buyersView{Unit: q.Get("unit"), Status: q.Get("status"), Answers: sentinel.BuyerAnswers, Now: h.now()}
	v.Buyers, err = h.svc.Buyers(r.Context(), web.User(r).Scope(), sentinel.BuyerFilter{Unit: v.Unit, Status: v.Status, Limit: 500})
	if err != nil {
		return err
	}
	return h.pages.RenderList(w, r, unitErr, "sentinel_buyers", "购药人员核查", v)
}

func (h *Handler) answer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
		Note   string `json:"note"`
	}
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	if err := h.svc.AnswerBuyer(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Answer, in.Note); err != nil {
		return err
	}
	return web.Redirect(w, r, web.BackTo(r, "/sentinel-buyers"), "已记录核查结果："+in.Answer)
}
