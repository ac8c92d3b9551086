package legacyweb

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

func newScanID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// scanOut is the JSON answer of a scan: the result, plus error on a refusal.
type scanOut struct {
	sampling.ScanResult
	Error string `json:"error,omitempty"`
}

func (s *Handler) apiSamplingScan(w http.ResponseWriter, r *http.Request) error {
	var in sampling.ScanRequest
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	u := web.User(r)
	res, err := s.Sampling.Scan(r.Context(), web.Actor(r), u.Scope(), in)
	if err != nil {
		if res.Result != sampling.ResultRefused {
			return err
		}
		status, msg, _ := web.StatusOf(err)
		return web.WriteJSON(w, status, scanOut{ScanResult: res, Error: msg})
	}
	status := http.StatusOK
	if res.Result == sampling.ResultAdded {
		status = http.StatusCreated
	}
	return web.WriteJSON(w, status, scanOut{ScanResult: res})
}

// scanView is the sampling page: a point, the tube in hand and a code field.
type scanView struct {
	Campaign sampling.Campaign
	Points   []sampling.Point
	PointID  int64
	Tube     string
	ScanID   string
	Result   *sampling.ScanResult
}

func (s *Handler) samplingScanView(r *http.Request) (scanView, error) {
	id, err := web.PathID(r)
	if err != nil {
		return scanView{}, err
	}
	u := web.User(r)
	c, err := s.Sampling.Campaign(r.Context(), u.Scope(), id)
	if err != nil {
		return scanView{}, err
	}
	points, err := s.Sampling.Points(r.Context(), u.Scope(), c.ID)
	if err != nil {
		return scanView{}, err
	}
	v := scanView{Campaign: c, Points: points, ScanID: newScanID()}
	v.PointID, _ = strconv.ParseInt(r.FormValue("point_id"), 10, 64)
	if v.PointID == 0 && len(points) > 0 {
		v.PointID = points[0].ID
	}
	v.Tube = r.FormValue("tube")
	return v, nil
}

func (s *Handler) samplingScanPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.samplingScanView(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_scan", "采样登记 · "+v.Campaign.Name, v)
}

// samplingScanPost is the form equivalent of POST /api/v1/sampling/scans
// (a handheld scanner types into the code field and presses Enter). The
// scan id comes from the form, so a re-posted page replays, never doubles.
func (s *Handler) samplingScanPost(w http.ResponseWriter, r *http.Request) error {
	v, err := s.samplingScanView(r)
	if err != nil {
		return err
	}
	if code := strings.ToUpper(strings.TrimSpace(r.FormValue("code"))); sampling.IsHouseholdCode(code) {
		// A household code (一户一码): list its members to tick.
		http.Redirect(w, r, fmt.Sprintf("/sampling/campaigns/%d/household?code=%s&point_id=%d&tube=%s", v.Campaign.ID, code, v.PointID,
			url.QueryEscape(r.FormValue("tube"))), http.StatusSeeOther)
		return nil
	}
	req := sampling.ScanRequest{ScanID: r.FormValue("scan_id"), CampaignID: v.Campaign.ID, PointID: v.PointID,
		Tube: r.FormValue("tube"), Code: r.FormValue("code")}
	u := web.User(r)
	res, err := s.Sampling.Scan(r.Context(), web.Actor(r), u.Scope(), req)
	status := http.StatusOK
	vw := web.View{Title: "采样登记 · " + v.Campaign.Name}
	if err != nil {
		if res.Result != sampling.ResultRefused {
			return err
		}
		status, vw.Error, _ = web.StatusOf(err)
	} else {
		vw.Flash = res.Message
		v.Result = &res
		if res.PoolFull {
			v.Tube = ""
		} else {
			v.Tube = res.Tube
		}
	}
	vw.D = v
	return s.renderView(w, r, status, "sampling_scan", vw)
}

func (s *Handler) samplingCloseTube(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	res, err := s.Sampling.CloseTube(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.FormValue("tube"))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/sampling/campaigns/"+strconv.FormatInt(id, 10)+"/scan?point_id="+r.FormValue("point_id"), res.Message)
}
