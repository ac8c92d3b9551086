package registryweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

type householdForm struct {
	H     registry.Household
	Units []unitOption
	Grids []jurisdiction.Grid
	IsNew bool
}

func (h *Handler) householdFormData(r *http.Request, hh registry.Household, isNew bool) (householdForm, error) {
	f := householdForm{H: hh, IsNew: isNew}
	units, err := h.residentUnits(r)
	if err != nil {
		return f, err
	}
	f.Units = units
	if v := jurisdiction.VillageOf(hh.UnitCode); v != "" {
		f.Grids, _ = h.units.Grids(r.Context(), web.User(r).Scope(), v)
	}
	return f, nil
}

// bindHousehold reads the household form or the JSON body; the household
// read is returned with an error too, to refill the form.
func bindHousehold(r *http.Request) (registry.Household, error) {
	var in householdIn
	err := web.Bind(r, &in)
	return in.household(), err
}

// createHousehold adds the household bound from the request; in is what
// was sent, to refill the form.
func (h *Handler) createHousehold(r *http.Request) (in, created registry.Household, err error) {
	if in, err = bindHousehold(r); err != nil {
		return in, in, err
	}
	created, err = h.registry.CreateHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	return in, created, err
}

// updateHousehold saves the household {id} bound from the request (the
// version sent guards against a lost update); in is what was sent.
func (h *Handler) updateHousehold(r *http.Request) (in, updated registry.Household, err error) {
	id, err := web.PathID(r)
	if err != nil {
		return in, in, err
	}
	in, err = bindHousehold(r)
	in.ID = id
	if err != nil {
		return in, in, err
	}
	updated, err = h.registry.UpdateHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	return in, updated, err
}

func (h *Handler) householdNew(w http.ResponseWriter, r *http.Request) error {
	f, err := h.householdFormData(r, registry.Household{UnitCode: r.URL.Query().Get("unit")}, true)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "household_form", "新增户", f)
}

func (h *Handler) householdCreate(w http.ResponseWriter, r *http.Request) error {
	hh, created, err := h.createHousehold(r)
	if err != nil {
		f, ferr := h.householdFormData(r, hh, true)
		if ferr != nil {
			return err
		}
		return h.pages.FormError(w, r, err, "household_form", "新增户", f)
	}
	return web.Redirect(w, r, "/households/"+strconv.FormatInt(created.ID, 10), "已新增户 "+created.No+"，请登记户内人员")
}

func (h *Handler) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	_, created, err := h.createHousehold(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, householdOut(created))
}

func (h *Handler) householdEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hh, err := h.registry.ViewHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	f, err := h.householdFormData(r, hh, false)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "household_form", "修改户信息", f)
}

func (h *Handler) householdUpdate(w http.ResponseWriter, r *http.Request) error {
	hh, _, err := h.updateHousehold(r)
	if err != nil {
		if hh.ID == 0 { // no such {id}
			return err
		}
		f, ferr := h.householdFormData(r, hh, false)
		if ferr != nil {
			return err
		}
		return h.pages.FormError(w, r, err, "household_form", "修改户信息", f)
	}
	return web.Redirect(w, r, "/households/"+strconv.FormatInt(hh.ID, 10), "已保存")
}

func (h *Handler) apiUpdateHousehold(w http.ResponseWriter, r *http.Request) error {
	_, updated, err := h.updateHousehold(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, householdOut(updated))
}
