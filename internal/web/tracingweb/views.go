package tracingweb

import (
	"html/template"
	"net/http"
	"strconv"

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
	Unit     string
}

// chainPage draws the chain graph on the server.
func (h *Handler) chainPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cluster, _ := strconv.ParseInt(q.Get("cluster"), 10, 64)
	scope := web.User(r).Scope()
	g, err := h.tracing.Chain(r.Context(), scope, tracing.GraphFilter{ClusterID: cluster, Unit: q.Get("unit")})
	if err != nil {
		return err
	}
	ks, err := h.tracing.Clusters(r.Context(), scope)
	if err != nil {
		return err
	}
	svg := g.SVG(func(id int64) string { return "/tracing/cases/" + strconv.FormatInt(id, 10) })
	return h.render(w, r, "tracing_chain", "传播链", chainView{SVG: template.HTML(svg), Nodes: len(g.Nodes), Edges: len(g.Edges),
		Clusters: ks, Cluster: cluster, Unit: q.Get("unit")})
}

func (h *Handler) indicatorsPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.tracing.IndicatorsFor(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	return h.render(w, r, "tracing_indicators", "流调指标", rows)
}
