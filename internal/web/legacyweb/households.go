package legacyweb

import (
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

func (s *Handler) householdList(w http.ResponseWriter, r *http.Request) error {
	page := web.PageOf(r)
	q := r.URL.Query()
	grid, _ := strconv.ParseInt(q.Get("grid"), 10, 64)
	rows, err := s.Registry.Households(r.Context(), web.User(r).Scope(), registry.HouseholdFilter{
		Unit: q.Get("unit"), GridID: grid, Q: strings.TrimSpace(q.Get("q")), Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize})
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(rows))
	if len(rows) > web.PageSize {
		rows = rows[:web.PageSize]
	}
	return s.render(w, r, http.StatusOK, "households", "户", map[string]any{"Rows": rows, "Paging": pg, "Q": q})
}

func (s *Handler) householdPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	scope := web.User(r).Scope()
	h, err := s.Registry.Household(ctx, scope, id)
	if err != nil {
		return err
	}
	members, err := s.Registry.Members(ctx, scope, id)
	if err != nil {
		return err
	}
	d := map[string]any{"H": h, "Members": members}
	if c, err := s.Crumbs(r, h.UnitCode); err == nil {
		d["Path"] = c
	}
	if h.GridID != 0 {
		if grids, err := s.Units.Grids(ctx, scope, jurisdiction.VillageOf(h.UnitCode)); err == nil {
			for _, g := range grids {
				if g.ID == h.GridID {
					d["Grid"] = g.Name
				}
			}
		}
	}
	return s.render(w, r, http.StatusOK, "household", "户 "+h.No, d)
}

type householdForm struct {
	H     registry.Household
	Units []jurisdiction.Unit
	Grids []jurisdiction.Grid
	IsNew bool
}

func (s *Handler) householdFormData(r *http.Request, h registry.Household, isNew bool) (householdForm, error) {
	f := householdForm{H: h, IsNew: isNew}
	units, err := s.residentUnits(r)
	if err != nil {
		return f, err
	}
	f.Units = units
	if v := jurisdiction.VillageOf(h.UnitCode); v != "" {
		f.Grids, _ = s.Units.Grids(r.Context(), web.User(r).Scope(), v)
	}
	return f, nil
}

func householdFromForm(r *http.Request) registry.Household {
	grid, _ := strconv.ParseInt(r.FormValue("grid_id"), 10, 64)
	ver, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
	return registry.Household{No: r.FormValue("no"), UnitCode: strings.TrimSpace(r.FormValue("unit_code")), GridID: grid,
		Address: r.FormValue("address"), Phone: r.FormValue("phone"), CadreName: r.FormValue("cadre_name"),
		CadrePhone: r.FormValue("cadre_phone"), Version: ver}
}

func (s *Handler) householdNew(w http.ResponseWriter, r *http.Request) error {
	f, err := s.householdFormData(r, registry.Household{UnitCode: r.URL.Query().Get("unit")}, true)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "household_form", "新增户", f)
}

func (s *Handler) householdCreate(w http.ResponseWriter, r *http.Request) error {
	h := householdFromForm(r)
	created, err := s.Registry.CreateHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), h)
	if err != nil {
		f, ferr := s.householdFormData(r, h, true)
		if ferr != nil {
			return err
		}
		return s.formError(w, r, err, "household_form", "新增户", f)
	}
	return web.Redirect(w, r, "/households/"+strconv.FormatInt(created.ID, 10), "已新增户 "+created.No+"，请登记户内人员")
}

func (s *Handler) householdEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	h, err := s.Registry.Household(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	f, err := s.householdFormData(r, h, false)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "household_form", "修改户信息", f)
}

func (s *Handler) householdUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	h := householdFromForm(r)
	h.ID = id
	if _, err := s.Registry.UpdateHousehold(r.Context(), web.Actor(r), web.User(r).Scope(), h); err != nil {
		f, ferr := s.householdFormData(r, h, false)
		if ferr != nil {
			return err
		}
		return s.formError(w, r, err, "household_form", "修改户信息", f)
	}
	return web.Redirect(w, r, "/households/"+strconv.FormatInt(id, 10), "已保存")
}
