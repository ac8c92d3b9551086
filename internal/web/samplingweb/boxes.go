package samplingweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// Transport boxes (转运箱): packed at a point, handed over to a lab,
// received there.

type boxesView struct {
	C      sampling.Campaign
	Boxes  []sampling.Box
	Points []sampling.Point
	Labs   []sampling.Lab
}

func (h *Handler) samplingBoxes(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	v := boxesView{C: c}
	ctx, scope := r.Context(), web.User(r).Scope()
	if v.Boxes, err = h.sampling.Boxes(ctx, scope, c.ID); err != nil {
		return err
	}
	if v.Points, err = h.sampling.Points(ctx, scope, c.ID); err != nil {
		return err
	}
	if v.Labs, err = h.sampling.Labs(ctx, scope, c.ID); err != nil {
		return err
	}
	return h.render(w, r, "sampling_boxes", "转运箱 · "+c.Name, v)
}

// packIn is a box packed at a point: its code and the tubes (the form
// sends them in one field, one per line).
type packIn struct {
	PointID int64    `json:"point_id"`
	Code    string   `json:"code"`
	Tubes   []string `json:"tubes"`
}

func (h *Handler) pack(r *http.Request) (sampling.Box, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Box{}, err
	}
	var in packIn
	if err := web.Bind(r, &in); err != nil {
		return sampling.Box{}, err
	}
	if !web.IsAPI(r) {
		in.Tubes = []string{r.FormValue("tubes")}
	}
	return h.sampling.PackBox(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.PointID, in.Code, in.Tubes)
}

func (h *Handler) samplingPack(w http.ResponseWriter, r *http.Request) error {
	b, err := h.pack(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(b.CampaignID, "/boxes"), fmt.Sprintf("转运箱 %s 已装 %d 管", b.Code, b.Tubes))
}

func (h *Handler) apiPackBox(w http.ResponseWriter, r *http.Request) error {
	b, err := h.pack(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, boxOut(b))
}

// handOverIn names the lab a box goes to.
type handOverIn struct {
	LabID int64 `json:"lab_id"`
}

func (h *Handler) handOver(r *http.Request) (sampling.Box, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Box{}, err
	}
	var in handOverIn
	if err := web.Bind(r, &in); err != nil {
		return sampling.Box{}, err
	}
	return h.sampling.HandOver(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.LabID)
}

func (h *Handler) samplingHandOver(w http.ResponseWriter, r *http.Request) error {
	b, err := h.handOver(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(b.CampaignID, "/boxes"), "转运箱 "+b.Code+" 已交接给 "+b.LabName)
}

func (h *Handler) apiHandOver(w http.ResponseWriter, r *http.Request) error {
	b, err := h.handOver(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, boxOut(b))
}

func (h *Handler) receive(r *http.Request) (sampling.Box, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Box{}, err
	}
	return h.sampling.Receive(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

func (h *Handler) samplingReceive(w http.ResponseWriter, r *http.Request) error {
	b, err := h.receive(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(b.CampaignID, "/boxes"), "转运箱 "+b.Code+" 已签收")
}

func (h *Handler) apiReceive(w http.ResponseWriter, r *http.Request) error {
	b, err := h.receive(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, boxOut(b))
}
