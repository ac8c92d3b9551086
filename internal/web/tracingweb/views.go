package tracingweb

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/tracing"
	"fangkong/internal/web"
)

type trajectoryView struct {
	C          tracing.Case
	Entries    []tracing.Entry
	Transports []string
	Print      bool
}

// trajectoryPage is the case's trajectory; ?print=1 is the printable 轨迹
// notice with the names of people removed. Audited.
func (h *Handler) trajectoryPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, list, err := h.tracing.Trajectory(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	v := trajectoryView{C: c, Entries: list, Transports: tracing.Transports, Print: r.URL.Query().Get("print") == "1"}
	if v.Print {
		return h.render(w, r, "tracing_notice", "活动轨迹", v)
	}
	return h.render(w, r, "tracing_trajectory", "活动轨迹 · "+c.Name, v)
}

func (h *Handler) trajectoryAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	to := "/tracing/cases/" + strconv.FormatInt(id, 10) + "/trajectory"
	if r.PostFormValue("action") == "prefill" {
		n, err := h.tracing.Prefill(r.Context(), web.Actor(r), web.User(r).Scope(), id)
		if err != nil {
			return err
		}
		return web.Redirect(w, r, to, "已由扫码与采样记录预填 "+strconv.Itoa(n)+" 条")
	}
	t, err := times(map[string]string{"开始时间": r.PostFormValue("starts_at"), "结束时间": r.PostFormValue("ends_at")})
	if err != nil {
		return err
	}
	_, err = h.tracing.AddEntry(r.Context(), web.Actor(r), web.User(r).Scope(), id, tracing.Entry{StartsAt: t["开始时间"], EndsAt: t["结束时间"],
		Place: r.PostFormValue("place"), Address: r.PostFormValue("address"), Transport: r.PostFormValue("transport"),
		TransportNo: r.PostFormValue("transport_no"), Seat: r.PostFormValue("seat"), Note: r.PostFormValue("note")})
	if err != nil {
		return err
	}
	return web.Redirect(w, r, to, "已添加轨迹")
}

type chainView struct {
	SVG      template.HTML
	Nodes    int
	Edges    int
	Clusters []tracing.Cluster
	Cluster  int64
	// Unit is the unit filter as typed; UnitName its unit's name, shown
	// in the box instead when known.
	Unit     string
	UnitName string
}

// chainPage draws the chain graph on the server. The unit filter takes a
// name (甘亭街道) or a code.
func (h *Handler) chainPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cluster, _ := strconv.ParseInt(q.Get("cluster"), 10, 64)
	scope := web.User(r).Scope()
	ks, err := h.tracing.Clusters(r.Context(), scope)
	if err != nil {
		return err
	}
	v := chainView{Clusters: ks, Cluster: cluster, Unit: q.Get("unit")}
	code, name, err := h.unitFilter(r, q.Get("unit"))
	if err != nil {
		status, msg, field := web.StatusOf(err)
		if status != http.StatusBadRequest {
			return err
		}
		return h.pages.RenderView(w, r, status, "tracing_chain", web.View{Title: "传播链", Error: msg, Field: field, D: v})
	}
	g, err := h.tracing.Chain(r.Context(), scope, tracing.GraphFilter{ClusterID: cluster, Unit: code})
	if err != nil {
		return err
	}
	svg := g.SVG(func(id int64) string { return "/tracing/cases/" + strconv.FormatInt(id, 10) })
	v.SVG, v.Nodes, v.Edges, v.UnitName = template.HTML(svg), len(g.Nodes), len(g.Edges), name
	return h.render(w, r, "tracing_chain", "传播链", v)
}

// unitFilter reads a unit filter as people type it, by name or code: it
// returns the code and the unit's name ("" when unknown). A code is kept as
// typed (the service answers 404 for one outside the scope); a name that
// fits no unit, or several, is an error beside the field.
func (h *Handler) unitFilter(r *http.Request, typed string) (code, name string, err error) {
	typed = strings.Join(strings.Fields(typed), "")
	if typed == "" || h.srv.Units == nil {
		return typed, "", nil
	}
	scope := web.User(r).Scope()
	if strings.Trim(typed, "0123456789") == "" {
		if u, err := h.srv.Units.Get(r.Context(), scope, typed); err == nil {
			return typed, u.Name, nil
		}
		return typed, "", nil
	}
	u, err := h.srv.Units.Find(r.Context(), scope, "unit", typed)
	if err != nil {
		return "", "", err
	}
	return u.Code, u.Name, nil
}

func (h *Handler) indicatorsPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.tracing.IndicatorsFor(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	return h.render(w, r, "tracing_indicators", "流调指标", rows)
}
