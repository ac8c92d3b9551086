package samplingweb

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// Sampling codes (采样码): a person's card, a household's sheet of codes
// (一户一码), and a scanned household code listing its members to tick.

type householdView struct {
	C       sampling.Campaign
	H       sampling.HouseholdCards
	PointID string
	Tube    string
	ScanID  string
}

// samplingHousehold lists the members of a scanned household code to
// tick; the form posts one scan per ticked member.
func (h *Handler) samplingHousehold(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	hh, err := h.sampling.HouseholdByCode(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, r.FormValue("code"))
	if err != nil {
		return err
	}
	return h.render(w, r, "sampling_household", "一户一码 · "+c.Name, householdView{C: c, H: hh,
		PointID: r.FormValue("point_id"), Tube: r.FormValue("tube"), ScanID: newScanID()})
}

func (h *Handler) samplingHouseholdPost(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	point, _ := strconv.ParseInt(r.FormValue("point_id"), 10, 64)
	tube := r.FormValue("tube")
	var msgs []string
	var refusal error
	done := 0
	for i, code := range r.Form["member"] {
		res, err := h.sampling.Scan(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.ScanRequest{
			ScanID: fmt.Sprintf("%s-%d", r.FormValue("scan_id"), i), CampaignID: c.ID, PointID: point, Tube: tube, Code: code})
		if err != nil {
			if res.Result != sampling.ResultRefused {
				return err
			}
			refusal = err
		} else {
			done++
		}
		msgs = append(msgs, res.Message)
		if res.PoolFull {
			tube = ""
		}
	}
	if done == 0 {
		if refusal == nil {
			refusal = errs.Invalidf("家庭成员", "请勾选要登记的家庭成员")
		}
		return refusal
	}
	return web.Redirect(w, r, campaignPath(c.ID, "/scan")+"?point_id="+strconv.FormatInt(point, 10)+"&tube="+tube, strings.Join(msgs, "；"))
}

type cardView struct {
	Card sampling.Card
	QR   template.HTML
}

func (h *Handler) personSamplingCode(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	card, err := h.sampling.PersonCard(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return h.render(w, r, "sampling_card", "采样码", cardView{Card: card, QR: web.QRSVG(card.Code, 240)})
}

// qrCard is one printed code.
type qrCard struct {
	Name, Code string
	QR         template.HTML
}

type sheetView struct {
	H     sampling.HouseholdCards
	Cards []qrCard
}

func (h *Handler) householdSamplingCodes(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hh, err := h.sampling.Household(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	cards := []qrCard{{Name: "全户（" + hh.No + "）", Code: hh.Code, QR: web.QRSVG(hh.Code, 200)}}
	for _, m := range hh.Members {
		cards = append(cards, qrCard{Name: m.Name, Code: m.Code, QR: web.QRSVG(m.Code, 160)})
	}
	return h.render(w, r, "sampling_sheet", "一户一码", sheetView{H: hh, Cards: cards})
}
