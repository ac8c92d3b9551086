package tracingweb

import (
	"fmt"
	"net/http"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/sheet"
	"fangkong/internal/tracing"
	"fangkong/internal/web"
)

type contactListView struct {
	Contacts []tracing.Contact
	Paging   web.Paging
	Unit     string
	Status   string
	Statuses []string
}

// contactList: the contacts of the user's units — a village sees the people
// of its village it must act on (their measures appear in its work).
func (h *Handler) contactList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// A page at a time: an outbreak in one village has thousands of
	// contacts, and a thousand rows took over 100 ms to render.
	page := web.PageOf(r)
	f := tracing.ContactFilter{Unit: q.Get("unit"), Status: q.Get("status"), Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize}
	list, err := h.tracing.Contacts(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	return h.render(w, r, "tracing_contacts", "接触者", contactListView{Contacts: list, Paging: pg, Unit: f.Unit, Status: f.Status,
		Statuses: []string{tracing.StatusPending, tracing.StatusJudged, tracing.StatusTransferred, tracing.StatusControlled, tracing.StatusXiecha}})
}

func (h *Handler) contactConvert(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	c, err := h.tracing.ConvertContact(r.Context(), web.Actor(r), web.User(r).Scope(), id, tracing.CaseInput{
		Classification: r.PostFormValue("classification")})
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/tracing/cases/%d", c.ID), "已转为病例 "+c.Name)
}

// xiechaExport is the outgoing 协查 push list: close and secondary contacts
// not in the county's registry or registered outside it, with the usual
// columns and the deadline (24 h from the judgment), as XLSX; audited.
func (h *Handler) xiechaExport(w http.ResponseWriter, r *http.Request) error {
	scope := web.User(r).Scope()
	list, err := h.tracing.Xiecha(r.Context(), web.Actor(r), scope)
	if err != nil {
		return err
	}
	web.Attachment(w, web.XLSXContentType, "xiecha.xlsx", "流调协查推送名单"+clock.Day(h.now())+".xlsx")
	sw, err := sheet.NewWriter(w, "协查名单", []string{"姓名", "身份证号", "手机号", "人员类别", "关联病例", "末次暴露时间", "暴露地点",
		"判定时间", "协查时限", "备注"}, nil)
	if err != nil {
		return err
	}
	for _, c := range list {
		where := ""
		if len(c.Evidence) > 0 {
			where = c.Evidence[len(c.Evidence)-1].Where
		}
		due := ""
		if c.JudgedAt != 0 {
			due = clock.Format(c.JudgedAt + int64(24*time.Hour/time.Millisecond))
		}
		if err := sw.WriteRow([]string{c.Name, c.IDNumber, c.Phone, c.CategoryName(), fmt.Sprintf("病例%d %s", c.CaseID, maskName(c.CaseName)),
			clock.Format(c.LastExposure), where, clock.Format(c.JudgedAt), due, c.SourceNames()}); err != nil {
			return err
		}
	}
	return sw.Close()
}

func maskName(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return s
	}
	return string(r[0]) + "*"
}
