package reportweb

import (
	"net/http"
	"strconv"

	"fangkong/internal/report"
	"fangkong/internal/web"
)

type templatesView struct {
	County    string
	Templates []report.Template
	// Form: the level being edited as typed (a refused save).
	Form      *report.Template
	FormItems string
}

// ItemsText is a template's items as the form edits them.
func (templatesView) ItemsText(t report.Template) string { return report.ItemsText(t.Items) }

func (h *Handler) county(r *http.Request) string {
	c := web.FirstOf(r.FormValue("county"), web.User(r).UnitCode)
	if len(c) > 6 {
		c = c[:6]
	}
	return c
}

// templates lists the county's templates, one per level.
func (h *Handler) templates(w http.ResponseWriter, r *http.Request) error {
	county := h.county(r)
	ts, err := h.reports.Templates(r.Context(), web.User(r).Scope(), county)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "templates", "日报告模板", templatesView{County: county, Templates: ts})
}

// saveTemplate stores one level's template.
func (h *Handler) saveTemplate(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	county := h.county(r)
	level, _ := strconv.Atoi(r.FormValue("level"))
	t := report.Template{County: county, Level: level, Cutoff: r.FormValue("cutoff"), Deadline: r.FormValue("deadline")}
	text := r.FormValue("items")
	items, err := report.ParseItems(text)
	if err == nil {
		t.Items = items
		_, err = h.reports.SaveTemplate(r.Context(), web.Actor(r), u.Scope(), t)
	}
	if err != nil {
		ts, terr := h.reports.Templates(r.Context(), u.Scope(), county)
		if terr != nil {
			return terr
		}
		return h.pages.FormError(w, r, err, "templates", "日报告模板", templatesView{County: county, Templates: ts, Form: &t, FormItems: text})
	}
	return web.Redirect(w, r, "/reports/templates?county="+county, "已保存日报告模板")
}
