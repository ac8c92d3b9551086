package tracingweb

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/site"
	"fangkong/internal/tracing"
	"fangkong/internal/web"
)

type caseListView struct {
	Cases    []tracing.Case
	Retests  []tracing.Retest
	Clusters []tracing.Cluster
	Unit     string
	Late     bool
	Day      string // only the cases found on this day (当日新增病例)
	Cluster  int64
	Now      int64
}

func (h *Handler) caseList(w http.ResponseWriter, r *http.Request) error {
	scope := web.User(r).Scope()
	q := r.URL.Query()
	cluster, _ := strconv.ParseInt(q.Get("cluster"), 10, 64)
	f := tracing.CaseFilter{Unit: q.Get("unit"), Late: q.Get("late") == "1", Day: q.Get("day"), ClusterID: cluster}
	cases, err := h.tracing.Cases(r.Context(), scope, f)
	if err != nil {
		return err
	}
	// A case past one of its clocks first: the team's work of the moment.
	slices.SortStableFunc(cases, func(a, b tracing.Case) int {
		switch {
		case a.Late() && !b.Late():
			return -1
		case b.Late() && !a.Late():
			return 1
		}
		return 0
	})
	v := caseListView{Cases: cases, Unit: f.Unit, Late: f.Late, Day: f.Day, Cluster: cluster, Now: h.now().UnixMilli()}
	if web.User(r).Can("tracing.write") {
		if v.Retests, err = h.tracing.PositiveRetests(r.Context(), scope); err != nil {
			return err
		}
	}
	if v.Clusters, err = h.tracing.Clusters(r.Context(), scope); err != nil {
		return err
	}
	return h.render(w, r, "tracing_cases", "病例", v)
}

// caseIn is the new-case form.
type caseIn struct {
	IDNumber       string `json:"id_number"`
	Name           string `json:"name"`
	Phone          string `json:"phone"`
	UnitCode       string `json:"unit_code"`
	Classification string `json:"classification"`
	FoundVia       string `json:"found_via"`
	FoundAt        string `json:"found_at"`
	ReportedAt     string `json:"reported_at"`
	OnsetDate      string `json:"onset_date"`
	SampledAt      string `json:"sampled_at"`
	TestRef        string `json:"test_ref"`
	Note           string `json:"note"`
}

type caseFormView struct {
	In              caseIn
	Classifications []string
	FoundVia        []string
}

func (h *Handler) caseForm(in caseIn) caseFormView {
	if in.FoundAt == "" {
		in.FoundAt = h.now().In(clock.Shanghai).Format("2006-01-02T15:04")
	}
	return caseFormView{In: in, Classifications: tracing.Classifications, FoundVia: tracing.FoundVia}
}

func (h *Handler) caseNew(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "tracing_case_new", "登记病例", h.caseForm(caseIn{}))
}

func times(fields map[string]string) (map[string]int64, error) {
	out := map[string]int64{}
	for name, v := range fields {
		t, err := web.ParseLocalTime(name, v)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

func (h *Handler) caseCreate(w http.ResponseWriter, r *http.Request) error {
	var in caseIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	c, err := func() (tracing.Case, error) {
		t, err := times(map[string]string{"发现时间": in.FoundAt, "网络直报时间": in.ReportedAt, "采样时间": in.SampledAt})
		if err != nil {
			return tracing.Case{}, err
		}
		// The village typed by name (南涝村, 甘亭街道西街社区) or code; the form
		// keeps what was typed.
		unit, err := h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit_code", in.UnitCode)
		if err != nil {
			return tracing.Case{}, err
		}
		return h.tracing.CreateCase(r.Context(), web.Actor(r), web.User(r).Scope(), tracing.CaseInput{IDNumber: in.IDNumber, Name: in.Name,
			Phone: in.Phone, UnitCode: unit, Classification: in.Classification, FoundVia: in.FoundVia, FoundAt: t["发现时间"],
			ReportedAt: t["网络直报时间"], OnsetDate: in.OnsetDate, SampledAt: t["采样时间"], TestRef: in.TestRef, Note: in.Note})
	}()
	if err != nil {
		// The ledger names the unit 所属村(社区)/组; the form asks for its name.
		err = web.OnInput(r, err, map[string]string{"所属村(社区)/组": "unit_code"})
		return h.pages.FormError(w, r, err, "tracing_case_new", "登记病例", h.caseForm(in))
	}
	return web.Redirect(w, r, fmt.Sprintf("/tracing/cases/%d", c.ID), "已登记病例 "+c.Name)
}

type caseView struct {
	C        tracing.Case
	History  []tracing.ClassChange
	Contacts []tracing.Contact // the page of contacts, 待判定 first
	Paging   web.Paging
	Counts   tracing.ContactCounts
	Status   string      // the status filter ("" = all)
	Tabs     []statusTab // the status filter's links
	Shown    int         // the status filter's count (all contacts when none)
	// HandOver are the judged close and secondary contacts the hand-over
	// form lists (up to a page; Counts.HandOver is all of them).
	HandOver        []tracing.Contact
	Sites           []site.Site
	Clusters        []tracing.Cluster
	Categories      []string
	Classifications []string
	ManualKinds     []string
	Now             int64
	NowInput        string
}

func (h *Handler) casePage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	scope := web.User(r).Scope()
	c, err := h.tracing.ViewCase(r.Context(), web.Actor(r), scope, id)
	if err != nil {
		return err
	}
	v := caseView{C: c, Categories: tracing.Categories, Classifications: tracing.Classifications, ManualKinds: tracing.ManualKinds,
		Now: h.now().UnixMilli(), NowInput: h.now().In(clock.Shanghai).Format("2006-01-02T15:04")}
	if v.History, err = h.tracing.History(r.Context(), scope, id); err != nil {
		return err
	}
	// A page of contacts at a time, 待判定 first: an outbreak's case has a
	// thousand contacts, and all of them put the hand-over and add-contact
	// forms hundreds of phone screens down.
	page := web.PageOf(r)
	v.Status = caseStatus(r.URL.Query().Get("status"))
	list, err := h.tracing.Contacts(r.Context(), scope, tracing.ContactFilter{CaseID: id, Status: v.Status, PendingFirst: true,
		Limit: web.PageSize + 1, Offset: (page - 1) * web.PageSize})
	if err != nil {
		return err
	}
	v.Paging = web.PagingFor(r, page, len(list))
	v.Contacts = list[:min(len(list), web.PageSize)]
	if v.Counts, err = h.tracing.CaseContactCounts(r.Context(), scope, id); err != nil {
		return err
	}
	v.Shown = v.Counts.Total
	if v.Status != "" {
		v.Shown = v.Counts.ByStatus[v.Status]
	}
	v.Tabs = append(v.Tabs, statusTab{Name: "全部", N: v.Counts.Total, Link: web.PageLink(""), Current: v.Status == ""})
	for _, st := range contactStatuses {
		if n := v.Counts.ByStatus[st]; n > 0 || st == v.Status {
			v.Tabs = append(v.Tabs, statusTab{Name: st, N: n, Link: web.PageLink(url.Values{"status": {st}}.Encode()), Current: st == v.Status})
		}
	}
	if web.User(r).Can("tracing.write") {
		if v.Counts.HandOver > 0 {
			if v.HandOver, err = h.tracing.Contacts(r.Context(), scope, tracing.ContactFilter{CaseID: id, HandOver: true,
				Limit: web.PageSize}); err != nil {
				return err
			}
		}
		if v.Sites, err = h.sites.Sites(r.Context(), scope, ""); err != nil {
			return err
		}
		if v.Clusters, err = h.tracing.Clusters(r.Context(), scope); err != nil {
			return err
		}
	}
	return h.render(w, r, "tracing_case", "病例 "+c.Name, v)
}

// statusTab is a link of the case page's contact status filter.
type statusTab struct {
	Name    string
	N       int
	Link    template.URL
	Current bool
}

// contactStatuses are the contact statuses in the filter's order.
var contactStatuses = []string{tracing.StatusPending, tracing.StatusJudged, tracing.StatusTransferred, tracing.StatusControlled,
	tracing.StatusXiecha}

// caseStatus is a known contact status, or "" (all).
func caseStatus(s string) string {
	if slices.Contains(contactStatuses, s) {
		return s
	}
	return ""
}

// caseBack is the case page the forms under its contacts come back to:
// the same status filter and page (their back_status and back_page).
func caseBack(r *http.Request, id int64) string {
	q := url.Values{}
	if st := caseStatus(r.PostFormValue("back_status")); st != "" {
		q.Set("status", st)
	}
	if p, _ := strconv.Atoi(r.PostFormValue("back_page")); p > 1 {
		q.Set("page", strconv.Itoa(p))
	}
	back := fmt.Sprintf("/tracing/cases/%d", id)
	if len(q) > 0 {
		back += "?" + q.Encode()
	}
	return back
}

// caseAction runs a write on the case in the path and redirects back to
// it with msg (or the error as a flash-free error page): to the page of
// contacts the form was on (caseBack).
func (h *Handler) caseAction(w http.ResponseWriter, r *http.Request, fn func(id int64) (string, error)) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	msg, err := fn(id)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, caseBack(r, id), msg)
}

func (h *Handler) caseClock(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		at, err := web.ParseLocalTime("完成时间", r.PostFormValue("at"))
		if err != nil {
			return "", err
		}
		return "已记录完成时间", h.tracing.MarkClock(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.PostFormValue("clock"), at)
	})
}

func (h *Handler) caseReclassify(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		return "已订正分类", h.tracing.Reclassify(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.PostFormValue("classification"), r.PostFormValue("note"))
	})
}

func (h *Handler) caseCluster(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		k, _ := strconv.ParseInt(r.PostFormValue("cluster_id"), 10, 64)
		return "已更新聚集性疫情", h.tracing.SetCluster(r.Context(), web.Actor(r), web.User(r).Scope(), id, k)
	})
}

func (h *Handler) caseRefresh(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		n, err := h.tracing.Refresh(r.Context(), web.Actor(r), web.User(r).Scope(), id)
		return fmt.Sprintf("已计算候选接触者 %d 人", n), err
	})
}

func (h *Handler) caseManual(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		at, err := web.ParseLocalTime("接触时间", r.PostFormValue("at"))
		if err != nil {
			return "", err
		}
		in := tracing.ManualInput{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"), Phone: r.PostFormValue("phone"),
			Kind: r.PostFormValue("kind"), Where: r.PostFormValue("where"), At: at}
		return "已录入接触者 " + strings.TrimSpace(in.Name), h.tracing.AddManual(r.Context(), web.Actor(r), web.User(r).Scope(), id, in)
	})
}

// contactIDs reads the ticked contacts.
func contactIDs(r *http.Request) []int64 {
	var ids []int64
	for _, v := range r.PostForm["contact"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func (h *Handler) caseJudge(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		last, err := web.ParseLocalTime("末次暴露时间", r.PostFormValue("last_exposure"))
		if err != nil {
			return "", err
		}
		n, err := h.tracing.Judge(r.Context(), web.Actor(r), web.User(r).Scope(), id, tracing.JudgeInput{ContactIDs: contactIDs(r),
			Category: r.PostFormValue("category"), LastExposure: last})
		return fmt.Sprintf("已判定 %d 人为%s", n, tracing.CategoryName(r.PostFormValue("category"))), err
	})
}

func (h *Handler) caseHandOff(w http.ResponseWriter, r *http.Request) error {
	return h.caseAction(w, r, func(id int64) (string, error) {
		siteID, _ := strconv.ParseInt(r.PostFormValue("site_id"), 10, 64)
		ids := contactIDs(r)
		if r.PostFormValue("all") == "1" {
			// "全部 N 人": the form lists a page of them; take them all.
			list, err := h.tracing.Contacts(r.Context(), web.User(r).Scope(), tracing.ContactFilter{CaseID: id, HandOver: true, Limit: 5000})
			if err != nil {
				return "", err
			}
			ids = ids[:0]
			for _, c := range list {
				ids = append(ids, c.ID)
			}
		}
		res, err := h.tracing.HandOff(r.Context(), web.Actor(r), web.User(r).Scope(), id, tracing.HandOffInput{ContactIDs: ids, SiteID: siteID})
		return fmt.Sprintf("已列管 %d 人，转运 %d 人，协查 %d 人", res.Assigned, res.Transferred, res.Xiecha), err
	})
}

func (h *Handler) retestConvert(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	cid, _ := strconv.ParseInt(r.PostFormValue("campaign_id"), 10, 64)
	pid, _ := strconv.ParseInt(r.PostFormValue("person_id"), 10, 64)
	c, err := h.tracing.CaseFromRetest(r.Context(), web.Actor(r), web.User(r).Scope(), cid, pid, r.PostFormValue("classification"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/tracing/cases/%d", c.ID), "已转为病例 "+c.Name)
}

func (h *Handler) clusterCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	k, err := h.tracing.CreateCluster(r.Context(), web.Actor(r), web.User(r).Scope(), r.PostFormValue("unit_code"), r.PostFormValue("name"), r.PostFormValue("note"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/tracing/cases?cluster=%d", k.ID), "已新建聚集性疫情 "+k.Name)
}
