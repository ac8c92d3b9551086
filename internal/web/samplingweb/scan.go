package samplingweb

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// Sampling (采样登记): a code scanned into the tube in hand, on the page or
// through the API. The scan id makes a retried scan replay, never double.

func newScanID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// bindScan reads a scan: the API's JSON, or the page's form (the campaign
// is then the one in the path).
func bindScan(r *http.Request) (sampling.ScanRequest, error) {
	var in sampling.ScanRequest
	err := web.Bind(r, &in)
	return in, err
}

// scanOut is the JSON answer of a scan: the result, plus error on a refusal.
type scanOut struct {
	sampling.ScanResult
	Error string `json:"error,omitempty"`
}

func (h *Handler) apiSamplingScan(w http.ResponseWriter, r *http.Request) error {
	in, err := bindScan(r)
	if err != nil {
		return err
	}
	res, err := h.sampling.Scan(r.Context(), web.Actor(r), web.User(r).Scope(), in)
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
	// Code is the 采样码/身份证号 as typed, kept in its field when a scan
	// is refused (blank after a scan that went through).
	Code   string
	ScanID string
	Result *sampling.ScanResult
	// Walkin is the walk-in form (流动人员登记) opened and filled: after a
	// scan refused as not found or outside the area, or a walk-in refused.
	Walkin *walkinForm
}

// walkinForm is what the walk-in form shows.
type walkinForm struct {
	ScanID, Tube, IDNumber, Name, Phone string
	// Err is the message beside the field in error (View.Field).
	Err string
}

// idLike keeps a typed code that looks like an ID number (18 or 15
// characters, digits but for a final X), to prefill the walk-in form.
func idLike(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 18 && len(code) != 15 {
		return ""
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; (c < '0' || c > '9') && !(c == 'X' && i == len(code)-1) {
			return ""
		}
	}
	return code
}

// scanField is the field a refused scan is about: the tube (试管…) or the
// code (not found, outside the area, deregistered); "" for the rest
// (campaign closed, point), shown atop the form only.
func scanField(msg string, offerWalkin bool) string {
	switch {
	case strings.HasPrefix(msg, "试管"):
		return "tube"
	case offerWalkin, strings.Contains(msg, "采样码"), strings.Contains(msg, "此人"):
		return "code"
	}
	return ""
}

// excelNumber reports whether code is a number a spreadsheet rewrote in
// scientific notation (6.10118E+17), the digits of the ID number lost.
func excelNumber(code string) bool {
	code = strings.ToUpper(strings.TrimSpace(code))
	mant, exp, ok := strings.Cut(code, "E+")
	if !ok || mant == "" || exp == "" {
		return false
	}
	for _, c := range strings.Replace(mant, ".", "", 1) + exp {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// scanPage is the page of the campaign in the path, at ?point_id= (else
// the first point) with ?tube=.
func (h *Handler) scanPage(r *http.Request) (scanView, error) {
	c, err := h.campaignOf(r)
	if err != nil {
		return scanView{}, err
	}
	points, err := h.sampling.Points(r.Context(), web.User(r).Scope(), c.ID)
	if err != nil {
		return scanView{}, err
	}
	v := scanView{Campaign: c, Points: points, ScanID: newScanID(), Tube: r.FormValue("tube")}
	v.PointID, _ = strconv.ParseInt(r.FormValue("point_id"), 10, 64)
	if v.PointID == 0 && len(points) > 0 {
		v.PointID = points[0].ID
	}
	return v, nil
}

func (h *Handler) samplingScanPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.scanPage(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "sampling_scan", "采样登记 · "+v.Campaign.Name, v)
}

// samplingScanPost is the form twin of POST /api/v1/sampling/scans (a
// handheld scanner types into the code field and presses Enter). The scan
// id comes from the form, so a re-posted page replays, never doubles.
func (h *Handler) samplingScanPost(w http.ResponseWriter, r *http.Request) error {
	v, err := h.scanPage(r)
	if err != nil {
		return err
	}
	if code := strings.ToUpper(strings.TrimSpace(r.FormValue("code"))); sampling.IsHouseholdCode(code) {
		// A household code (一户一码): list its members to tick.
		http.Redirect(w, r, fmt.Sprintf("/sampling/campaigns/%d/household?code=%s&point_id=%d&tube=%s", v.Campaign.ID, code, v.PointID,
			url.QueryEscape(r.FormValue("tube"))), http.StatusSeeOther)
		return nil
	}
	req, err := bindScan(r)
	if err != nil {
		return err
	}
	req.CampaignID, req.PointID = v.Campaign.ID, v.PointID
	res, err := h.sampling.Scan(r.Context(), web.Actor(r), web.User(r).Scope(), req)
	status := http.StatusOK
	vw := web.View{Title: "采样登记 · " + v.Campaign.Name}
	if err != nil {
		if res.Result != sampling.ResultRefused {
			return err
		}
		status, vw.Error, _ = web.StatusOf(err)
		// Nothing was written: the code and the tube stay as typed, the
		// message beside the field it is about.
		v.Code, v.Tube = r.FormValue("code"), r.FormValue("tube")
		vw.Field = scanField(vw.Error, res.OfferWalkin)
		if res.OfferWalkin {
			if excelNumber(req.Code) {
				vw.Error = "“" + strings.TrimSpace(req.Code) + "”是被表格软件改写成科学计数法的号码，请重新输入完整的18位身份证号或扫采样码"
			}
			v.Walkin = &walkinForm{ScanID: newScanID(), Tube: v.Tube, IDNumber: idLike(req.Code)}
		}
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
	return h.pages.RenderView(w, r, status, "sampling_scan", vw)
}

// closeTube closes the tube in hand: the API's path names it, the page's
// form sends it.
func (h *Handler) closeTube(r *http.Request) (int64, sampling.ScanResult, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, sampling.ScanResult{}, err
	}
	tube := r.PathValue("tube")
	if !web.IsAPI(r) {
		tube = r.FormValue("tube")
	}
	res, err := h.sampling.CloseTube(r.Context(), web.Actor(r), web.User(r).Scope(), id, tube)
	return id, res, err
}

func (h *Handler) samplingCloseTube(w http.ResponseWriter, r *http.Request) error {
	id, res, err := h.closeTube(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(id, "/scan?point_id="+r.FormValue("point_id")), res.Message)
}

func (h *Handler) apiCloseTube(w http.ResponseWriter, r *http.Request) error {
	_, res, err := h.closeTube(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, res)
}

// Walk-ins (流动人员): a person not in the round's snapshot registered at
// the table by ID number, name and phone into the tube in hand.

func (h *Handler) apiSamplingWalkin(w http.ResponseWriter, r *http.Request) error {
	var in sampling.WalkinRequest
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	res, err := h.sampling.Walkin(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	if err != nil {
		if res.Result != sampling.ResultRefused {
			return err // a field error (400 with its field), busy, …
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

// samplingWalkinPost is the form twin of POST /api/v1/sampling/walkins. A
// mistyped field comes back in the form with its error beside it.
func (h *Handler) samplingWalkinPost(w http.ResponseWriter, r *http.Request) error {
	v, err := h.scanPage(r)
	if err != nil {
		return err
	}
	var in sampling.WalkinRequest
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	in.CampaignID, in.PointID = v.Campaign.ID, v.PointID
	res, err := h.sampling.Walkin(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	status := http.StatusOK
	vw := web.View{Title: "采样登记 · " + v.Campaign.Name}
	if err != nil {
		if res.Result != sampling.ResultRefused && !errs.IsInvalid(err) {
			return err
		}
		// Nothing was written: the same scan id may be sent again.
		status, vw.Error, vw.Field = web.StatusOf(err)
		if vw.Field == "" && scanField(vw.Error, false) == "tube" {
			// A refused tube: the message goes beside the form's tube.
			vw.Field = "tube"
		}
		v.Walkin = &walkinForm{ScanID: in.ScanID, Tube: in.Tube, IDNumber: in.IDNumber, Name: in.Name, Phone: in.Phone, Err: vw.Error}
		var iv *errs.Invalid
		if errors.As(err, &iv) {
			v.Walkin.Err = iv.Message
		}
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
	return h.pages.RenderView(w, r, status, "sampling_scan", vw)
}
