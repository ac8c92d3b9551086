package checkpointweb

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/web"
)

// Incidents (冲卡、辱骂工作人员): the list of the jurisdiction and, for a
// checkpoint account, the report form.

type incidentView struct {
	List        []checkpoint.Incident
	Checkpoints []checkpoint.Checkpoint
	Kinds       []string
	Sent        checkpoint.Incident
	// At is the 发生时间 as sent, for the form: a value a datetime-local
	// input takes (2022-03-01T08:30) when it could be read, else the text
	// as typed, shown in a text input (a datetime-local input would drop
	// "明天").
	At     string
	AtText bool
}

func (h *Handler) incidentView(r *http.Request, sent checkpoint.Incident) (incidentView, error) {
	ctx, scope := r.Context(), web.User(r).Scope()
	list, err := h.cps.Incidents(ctx, scope, r.URL.Query().Get("unit"), 200)
	if err != nil {
		return incidentView{}, err
	}
	cps, err := h.cps.Checkpoints(ctx, scope, "")
	if err != nil {
		return incidentView{}, err
	}
	return incidentView{List: list, Checkpoints: cps, Kinds: checkpoint.IncidentKinds, Sent: sent}, nil
}

func (h *Handler) incidentList(w http.ResponseWriter, r *http.Request) error {
	v, err := h.incidentView(r, checkpoint.Incident{})
	if err != nil {
		return err
	}
	return h.render(w, r, "incidents", "卡口事件", v)
}

func (h *Handler) incidentReport(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		CheckpointID int64  `json:"checkpoint_id"`
		Kind         string `json:"kind"`
		Description  string `json:"description"`
		Plate        string `json:"plate"`
		PoliceCase   string `json:"police_case"`
		OccurredAt   string `json:"occurred_at"`
	}
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	x := checkpoint.Incident{CheckpointID: in.CheckpointID, Kind: in.Kind, Description: in.Description, Plate: in.Plate, PoliceCase: in.PoliceCase}
	at, err := web.ParseLocalTime("occurred_at", in.OccurredAt)
	if err == nil {
		x.OccurredAt = at
		_, err = h.cps.ReportIncident(r.Context(), web.Actor(r), web.User(r).Scope(), x)
	}
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return err
		}
		v, verr := h.incidentView(r, x)
		if verr != nil {
			return verr
		}
		v.At, v.AtText = sentTime(in.OccurredAt, at)
		return h.pages.FormError(w, r, err, "incidents", "卡口事件", v)
	}
	return web.Redirect(w, r, "/incidents", "已登记："+in.Kind+"，请及时报警并补填警情编号")
}

// sentTime is how the form shows the 发生时间 sent back: read (at != 0), as
// a datetime-local value; else, if anything was typed, the text itself for
// a text input.
func sentTime(typed string, at int64) (value string, text bool) {
	if at != 0 {
		return time.UnixMilli(at).In(clock.Shanghai).Format("2006-01-02T15:04"), false
	}
	typed = strings.TrimSpace(typed)
	return typed, typed != ""
}
