package siteweb

import (
	"errors"
	"fmt"
	"net/http"

	"fangkong/internal/errs"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

// The occupancy dashboard (隔离资源): rooms and beds against the standard
// of 20 rooms per 10,000 residents, by county and by site.

func (h *Handler) occupancyOf(r *http.Request) (site.Dashboard, error) {
	if err := h.srv.UnitQuery(r); err != nil {
		return site.Dashboard{}, err
	}
	return h.sites.Occupancy(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
}

func (h *Handler) siteOccupancy(w http.ResponseWriter, r *http.Request) error {
	unitErr, err := h.srv.ListUnit(r)
	if err != nil {
		return err
	}
	d, err := h.occupancyOf(r)
	if err != nil {
		if errs.IsInvalid(err) || errors.Is(err, errs.ErrNotFound) {
			return fmt.Errorf("occupancy: %w", errs.ErrNotFound)
		}
		return err
	}
	return h.pages.RenderList(w, r, unitErr, "site_occupancy", "隔离资源 · "+d.Unit.Name, d)
}

type countyJSON struct {
	Code      string        `json:"code"`
	Name      string        `json:"name"`
	Occupancy occupancyJSON `json:"occupancy"`
}

type dashboardJSON struct {
	UnitCode       string        `json:"unit_code"`
	UnitName       string        `json:"unit_name"`
	StandardPer10k int           `json:"standard_per_10k"`
	Total          occupancyJSON `json:"total"`
	Counties       []countyJSON  `json:"counties"`
	Sites          []siteJSON    `json:"sites"`
}

func (h *Handler) apiSiteOccupancy(w http.ResponseWriter, r *http.Request) error {
	d, err := h.occupancyOf(r)
	if err != nil {
		return err
	}
	out := dashboardJSON{UnitCode: d.Unit.Code, UnitName: d.Unit.Name, StandardPer10k: site.StandardPer10k,
		Total: occupancyOut(d.Total), Counties: make([]countyJSON, 0, len(d.Counties)), Sites: sitesOut(d.Sites)}
	for _, c := range d.Counties {
		out.Counties = append(out.Counties, countyJSON{Code: c.Code, Name: c.Name, Occupancy: occupancyOut(c.Occupancy)})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
