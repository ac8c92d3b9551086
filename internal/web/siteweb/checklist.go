package siteweb

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

// The checklist of three zones and two passages (三区两通道): a site is
// ready (达标) when every required item passed.

type checklistView struct {
	S      site.Site
	Checks []site.Check
	Ready  bool
	Today  string
}

func (h *Handler) siteChecklist(w http.ResponseWriter, r *http.Request) error {
	x, err := h.siteOf(r)
	if err != nil {
		return err
	}
	checks, ready, err := h.sites.Checklist(r.Context(), web.User(r).Scope(), x.ID)
	if err != nil {
		return err
	}
	return h.render(w, r, "site_checklist", x.Name+" 三区两通道", checklistView{S: x, Checks: checks, Ready: ready,
		Today: clock.Day(h.now())})
}

type checkItemIn struct {
	Item      string `json:"item"`
	Result    string `json:"result"`
	CheckedOn string `json:"checked_on"`
	Note      string `json:"note"`
}

// checklistIn is the JSON's items, or the form's result_N, date_N and
// note_N per item of site.CheckItems.
type checklistIn struct {
	Items []checkItemIn `json:"items"`
}

// saveChecklist records the checklist of the site in the path.
func (h *Handler) saveChecklist(r *http.Request) (int64, bool, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, false, err
	}
	var in checklistIn
	if err := web.Bind(r, &in); err != nil {
		return id, false, err
	}
	if !web.IsAPI(r) {
		for i, it := range site.CheckItems {
			n := strconv.Itoa(i)
			in.Items = append(in.Items, checkItemIn{Item: it.Name, Result: r.FormValue("result_" + n),
				CheckedOn: strings.TrimSpace(r.FormValue("date_" + n)), Note: strings.TrimSpace(r.FormValue("note_" + n))})
		}
	}
	var list []site.CheckInput
	for _, it := range in.Items {
		list = append(list, site.CheckInput{Item: it.Item, Result: it.Result, CheckedOn: it.CheckedOn, Note: it.Note})
	}
	ready, err := h.sites.SaveChecks(r.Context(), web.Actor(r), web.User(r).Scope(), id, list)
	return id, ready, checkInput(r, err)
}

// checkInput names the page's input an item's error concerns: the domain
// names the item (生活区), the page has its result, date and note.
func checkInput(r *http.Request, err error) error {
	var iv *errs.Invalid
	if web.IsAPI(r) || !errors.As(err, &iv) {
		return err
	}
	for i, it := range site.CheckItems {
		if it.Name != iv.Field {
			continue
		}
		input := "result_"
		switch {
		case strings.Contains(iv.Message, "日期"):
			input = "date_"
		case strings.Contains(iv.Message, "备注"):
			input = "note_"
		}
		return &errs.Invalid{Field: input + strconv.Itoa(i), Message: iv.Error()}
	}
	return err
}

func (h *Handler) siteSaveChecklist(w http.ResponseWriter, r *http.Request) error {
	id, ready, err := h.saveChecklist(r)
	if err != nil {
		return err
	}
	msg := "检查结果已保存：尚未达标"
	if ready {
		msg = "检查结果已保存：已达标"
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d/checklist", id), msg)
}

type checkJSON struct {
	Item      string `json:"item"`
	Required  bool   `json:"required"`
	Result    string `json:"result"`
	CheckedOn string `json:"checked_on"`
	Note      string `json:"note"`
	CheckedBy string `json:"checked_by"`
}

// checklistSavedJSON answers a save; checklistJSON is the checklist.
type checklistSavedJSON struct {
	SiteID int64 `json:"site_id"`
	Ready  bool  `json:"ready"`
}

type checklistJSON struct {
	checklistSavedJSON
	Items []checkJSON `json:"items"`
}

func (h *Handler) apiChecklist(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	checks, ready, err := h.sites.Checklist(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	out := checklistJSON{checklistSavedJSON: checklistSavedJSON{SiteID: id, Ready: ready}, Items: make([]checkJSON, 0, len(checks))}
	for _, c := range checks {
		res := ""
		if c.Done {
			res = map[bool]string{true: "pass", false: "fail"}[c.Passed]
		}
		out.Items = append(out.Items, checkJSON{Item: c.Item, Required: c.Required, Result: res, CheckedOn: c.CheckedOn,
			Note: c.Note, CheckedBy: c.CheckedBy})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiSaveChecklist(w http.ResponseWriter, r *http.Request) error {
	id, ready, err := h.saveChecklist(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, checklistSavedJSON{SiteID: id, Ready: ready})
}
