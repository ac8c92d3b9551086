package measureweb

import (
	"fmt"
	"net/http"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/policy"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

type assignView struct {
	P          registry.Person
	Categories []policy.Category
	Today      string
	History    []measure.Measure
}

// reached checks that the caller may address person id: any person of the
// jurisdiction for those who browse the ledger; for the look-up roles
// (卡口, 哨点, 流调, 隔离点) one they looked up or whose work it is, so that
// registry ids cannot be walked.
func (h *Handler) reached(r *http.Request, id int64) error {
	if web.User(r).Can(auth.CapPeopleRead) {
		return nil
	}
	return h.reach.Reach(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

func (h *Handler) measureAssignForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.reached(r, id); err != nil {
		return err
	}
	scope := web.User(r).Scope()
	p, err := h.people.ViewPerson(r.Context(), web.Actor(r), scope, id)
	if err != nil {
		return err
	}
	history, err := h.measures.ForPerson(r.Context(), scope, id)
	if err != nil {
		return err
	}
	return h.render(w, r, "measure_assign", "列为管控对象", assignView{P: p, Categories: policy.AllCategories(),
		Today: h.today(), History: history})
}

// assignIn is the assign form, or the JSON of its API twin.
type assignIn struct {
	Category  string `json:"category"`
	Choice    string `json:"choice"`
	DayZero   string `json:"day_zero"`
	Place     string `json:"place"`
	RiskLevel string `json:"risk_level"`
	Source    string `json:"source"`
	Note      string `json:"note"`
	Version   string `json:"version"`
}

// assign puts the person in the path under a measure: the plan by the
// policy in force on day zero.
func (h *Handler) assign(r *http.Request) (measure.Measure, error) {
	id, err := web.PathID(r)
	if err != nil {
		return measure.Measure{}, err
	}
	var in assignIn
	if err := web.Bind(r, &in); err != nil {
		return measure.Measure{}, err
	}
	if err := h.reached(r, id); err != nil {
		return measure.Measure{}, err
	}
	if strings.TrimSpace(in.Category) == "" {
		return measure.Measure{}, errs.Invalidf("category", "请选择人员类别")
	}
	return h.measures.Assign(r.Context(), web.Actor(r), web.User(r).Scope(), measure.AssignInput{PersonID: id,
		Category: in.Category, Choice: in.Choice, DayZero: in.DayZero, Place: in.Place, RiskLevel: in.RiskLevel,
		Source: in.Source, Note: in.Note, Version: in.Version})
}

func (h *Handler) measureAssign(w http.ResponseWriter, r *http.Request) error {
	m, err := h.assign(r)
	if err != nil {
		return err
	}
	if !web.User(r).Can(auth.CapPeopleRead) { // the look-up roles see no measure pages
		return web.Redirect(w, r, "/lookup", m.PersonName+" 已列为"+m.CategoryName()+"并生成管控方案")
	}
	return web.Redirect(w, r, fmt.Sprintf("/measures/%d", m.ID), "已列为"+m.CategoryName()+"并生成管控方案")
}

func (h *Handler) apiMeasureAssign(w http.ResponseWriter, r *http.Request) error {
	m, err := h.assign(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, measureOut(m))
}
