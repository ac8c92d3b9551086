package registryweb

import (
	"fmt"
	"net/http"
	"net/url"

	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

// Break-the-glass (跨辖区查看): after an exact ID-number search finds no one
// in the jurisdiction, a user whose role allows it states a reason and
// reads that person once (registry.RequestBreakGlass, UseBreakGlass).

// breakGlassIn is the form under an empty ID-number search.
type breakGlassIn struct {
	IDNumber string `json:"id_number"`
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
}

// breakGlassView is the one read a grant allows.
type breakGlassView struct {
	registry.BreakGlassRead
}

func (h *Handler) breakGlass(w http.ResponseWriter, r *http.Request) error {
	var in breakGlassIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	g, inside, err := h.registry.RequestBreakGlass(r.Context(), web.Actor(r), web.User(r).Scope(), in.IDNumber, in.Kind, in.Reason)
	if errs.IsInvalid(err) { // the search page again, with the form as filled in
		q := url.Values{"q": {in.IDNumber}}
		return h.pages.RenderView(w, r, http.StatusBadRequest, "people", web.View{Title: "人员", Error: web.Message(err),
			D: peopleView{Q: q, Residences: registry.ResidenceStatuses, Groups: groupNameList(),
				BreakGlass: &breakGlassForm{IDNumber: in.IDNumber, Kind: in.Kind, Reason: in.Reason, Kinds: registry.BreakGlassKinds}}})
	}
	if err != nil {
		return err
	}
	if inside {
		return web.Redirect(w, r, fmt.Sprintf("/people/%d", g.PersonID), "此人在您的辖区内，可直接查看")
	}
	http.Redirect(w, r, fmt.Sprintf("/breakglass/%d", g.ID), http.StatusSeeOther)
	return nil
}

func (h *Handler) breakGlassPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	read, err := h.registry.UseBreakGlass(r.Context(), web.Actor(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // shown once: not from the browser's cache either
	return h.pages.Render(w, r, http.StatusOK, "breakglass", read.Person.Name+"（跨辖区查看）", breakGlassView{read})
}
