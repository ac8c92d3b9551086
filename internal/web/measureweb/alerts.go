package measureweb

import (
	"net/http"
	"net/url"
	"time"

	"fangkong/internal/measure"
	"fangkong/internal/web"
)

// alertsOf lists the alerts (预警) of ?unit= and ?kind=, open ones unless ?all=.
func (h *Handler) alertsOf(r *http.Request) ([]measure.Alert, error) {
	if err := h.srv.UnitQuery(r); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	return h.measures.Alerts(r.Context(), web.User(r).Scope(), measure.AlertFilter{Unit: q.Get("unit"), Open: q.Get("all") == "",
		Kind: q.Get("kind")})
}

type alertsView struct {
	List []measure.Alert
	Q    url.Values
	Now  time.Time
}

func (h *Handler) alertsPage(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	list, err := h.alertsOf(r)
	if err != nil {
		return err
	}
	return h.pages.RenderList(w, r, unitErr, "measure_alerts", "预警", alertsView{List: list, Q: r.URL.Query(), Now: h.now()})
}

type alertsJSON struct {
	Alerts []alertJSON `json:"alerts"`
}

func (h *Handler) apiAlerts(w http.ResponseWriter, r *http.Request) error {
	list, err := h.alertsOf(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, alertsJSON{Alerts: alertsOut(list, h.now())})
}

// handleIn is how an alert was dealt with.
type handleIn struct {
	Handling string `json:"handling"`
}

type handledJSON struct {
	ID      int64 `json:"id"`
	Handled bool  `json:"handled"`
}

// handleAlert closes the alert in the path.
func (h *Handler) handleAlert(r *http.Request) (int64, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, err
	}
	var in handleIn
	if err := web.Bind(r, &in); err != nil {
		return id, err
	}
	return id, h.measures.HandleAlert(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Handling)
}

func (h *Handler) alertHandle(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.handleAlert(r); err != nil {
		return err
	}
	return web.Redirect(w, r, web.BackTo(r, "/measures/alerts"), "预警已处置")
}

func (h *Handler) apiAlertHandle(w http.ResponseWriter, r *http.Request) error {
	id, err := h.handleAlert(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, handledJSON{ID: id, Handled: true})
}
