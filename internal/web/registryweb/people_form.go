package registryweb

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

// personForm is the data of the add/edit form.
type personForm struct {
	P          registry.Person
	Household  *registry.Household
	Relations  []string
	Residences []string
	Groups     []struct {
		Bit  registry.SpecialGroup
		Name string
	}
	Units []unitOption
	IsNew bool
	// TypedNo is the 户编号 as typed when a sent form comes back: kept
	// in the field even when it names no household, so saving again does
	// not take the person out of theirs.
	TypedNo string
	Typed   bool
}

func (h *Handler) personFormData(r *http.Request, p registry.Person, isNew bool) (personForm, error) {
	f := personForm{P: p, Relations: registry.Relations, Residences: registry.ResidenceStatuses, Groups: registry.SpecialGroups, IsNew: isNew}
	if no, sent := r.PostForm["household_no"]; sent && len(no) > 0 {
		f.TypedNo, f.Typed = no[0], true
	}
	ctx := r.Context()
	scope := web.User(r).Scope()
	if p.HouseholdID != 0 {
		hh, err := h.registry.Household(ctx, scope, p.HouseholdID)
		if err != nil {
			return f, err
		}
		f.Household = &hh
	}
	units, err := h.residentUnits(r)
	if err != nil {
		return f, err
	}
	f.Units = units
	return f, nil
}

// unitOption is a village or group of the 所属村(社区)/组 select, by name:
// a group with its village in front (六老庵村 一组), as a township has
// dozens of 一组 told apart only by their village.
type unitOption struct {
	Code, Label string
}

// residentUnits lists the villages and groups a user may register people in
// (capped: a county user types the code instead), each village followed by
// its groups.
func (h *Handler) residentUnits(r *http.Request) ([]unitOption, error) {
	scope := web.User(r).Scope()
	if jurisdiction.LevelOfCode(scope.Code()) < jurisdiction.LevelTownship {
		return nil, nil
	}
	villages, err := h.units.Units(r.Context(), scope, jurisdiction.LevelVillage)
	if err != nil {
		return nil, err
	}
	groups, err := h.units.Units(r.Context(), scope, jurisdiction.LevelGroup)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	out := make([]unitOption, 0, len(villages)+len(groups))
	for _, v := range villages {
		names[v.Code] = villageName(v.Name)
		out = append(out, unitOption{Code: v.Code, Label: names[v.Code]})
	}
	for _, g := range groups {
		village := jurisdiction.VillageOf(g.Code)
		name, ok := names[village]
		if !ok { // a group user's village lies above the scope
			if v, err := h.units.Path(r.Context(), village); err == nil && len(v) > 0 {
				name = villageName(v[len(v)-1].Name)
			}
			names[village] = name
		}
		out = append(out, unitOption{Code: g.Code, Label: strings.TrimSpace(name + " " + g.Name)})
	}
	// Group codes begin with their village's: each village, then its groups.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// villageName is a village's name as people say it: 六老庵村 for
// 六老庵村村委会, 余下村 for 余下村委会, 西街社区 for 西街社区居委会.
func villageName(name string) string {
	for _, end := range []string{"村民委员会", "村委会"} {
		if base, ok := strings.CutSuffix(name, end); ok && base != "" {
			if strings.HasSuffix(base, "村") {
				return base
			}
			return base + "村"
		}
	}
	for _, end := range []string{"居民委员会", "居委会"} {
		if base, ok := strings.CutSuffix(name, end); ok && strings.HasSuffix(base, "社区") {
			return base
		}
	}
	return name
}

func (h *Handler) personNew(w http.ResponseWriter, r *http.Request) error {
	hh, _ := strconv.ParseInt(r.URL.Query().Get("household"), 10, 64)
	p := registry.Person{HouseholdID: hh, UnitCode: r.URL.Query().Get("unit"), Residence: registry.ResidentLocal}
	f, err := h.personFormData(r, p, true)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "person_form", "登记人员", f)
}

// bindPerson reads the person form or the JSON body. The form sends its
// special groups as checkboxes ("groups", bits), and a 户编号 typed in
// moves the person into that household (it must lie in the user's scope).
// The person read is returned with an error too, to refill the form.
func (h *Handler) bindPerson(r *http.Request) (registry.Person, error) {
	var in personIn
	err := web.Bind(r, &in)
	p, perr := in.person()
	if err == nil {
		err = perr
	}
	if err != nil || web.IsAPI(r) {
		return p, err
	}
	for _, g := range r.Form["groups"] {
		n, _ := strconv.ParseInt(g, 10, 64)
		p.Groups |= registry.SpecialGroup(n)
	}
	if _, sent := r.Form["household_no"]; sent {
		p.HouseholdID = 0
		if no := strings.TrimSpace(r.FormValue("household_no")); no != "" {
			hh, err := h.registry.HouseholdByNo(r.Context(), web.User(r).Scope(), no)
			if err != nil {
				return p, errs.Invalidf("户编号", "户编号 %s 不存在或不在您的辖区内", no)
			}
			p.HouseholdID = hh.ID
		}
	}
	return p, nil
}

// createPerson registers the person bound from the request; in is what
// was sent, to refill the form.
func (h *Handler) createPerson(r *http.Request) (in, created registry.Person, err error) {
	if in, err = h.bindPerson(r); err != nil {
		return in, in, err
	}
	created, err = h.registry.CreatePerson(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	return in, created, err
}

// updatePerson saves the person {id} bound from the request (the version
// sent guards against a lost update); in is what was sent.
func (h *Handler) updatePerson(r *http.Request) (in, updated registry.Person, err error) {
	id, err := web.PathID(r)
	if err != nil {
		return in, in, err
	}
	in, err = h.bindPerson(r)
	in.ID = id
	if err != nil {
		return in, in, err
	}
	updated, err = h.registry.UpdatePerson(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	return in, updated, err
}

func (h *Handler) personCreate(w http.ResponseWriter, r *http.Request) error {
	p, created, err := h.createPerson(r)
	if err != nil {
		f, ferr := h.personFormData(r, p, true)
		if ferr != nil {
			return err
		}
		return h.pages.FormError(w, r, err, "person_form", "登记人员", f)
	}
	if created.HouseholdID != 0 {
		return web.Redirect(w, r, "/households/"+strconv.FormatInt(created.HouseholdID, 10), "已登记："+created.Name)
	}
	return web.Redirect(w, r, "/people/"+strconv.FormatInt(created.ID, 10), "已登记")
}

func (h *Handler) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	_, created, err := h.createPerson(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, h.personOut(created))
}

func (h *Handler) personEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := h.viewPerson(r)
	if err != nil {
		return err
	}
	f, err := h.personFormData(r, p, false)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "person_form", "修改人员信息", f)
}

func (h *Handler) personUpdate(w http.ResponseWriter, r *http.Request) error {
	p, _, err := h.updatePerson(r)
	if err != nil {
		if p.ID == 0 { // no such {id}
			return err
		}
		f, ferr := h.personFormData(r, p, false)
		if ferr != nil {
			return err
		}
		return h.pages.FormError(w, r, err, "person_form", "修改人员信息", f)
	}
	return web.Redirect(w, r, "/people/"+strconv.FormatInt(p.ID, 10), "已保存")
}

func (h *Handler) apiUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	_, updated, err := h.updatePerson(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.personOut(updated))
}
