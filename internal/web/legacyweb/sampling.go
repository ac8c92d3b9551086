package legacyweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// campaignOf loads the campaign named by the {id} path value.
func (s *Handler) campaignOf(r *http.Request) (sampling.Campaign, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Campaign{}, err
	}
	return s.Sampling.Campaign(r.Context(), web.User(r).Scope(), id)
}

func campaignPath(id int64, sub string) string {
	return fmt.Sprintf("/sampling/campaigns/%d%s", id, sub)
}

// campaignInput reads the campaign form (or JSON through the same names).
func campaignInput(r *http.Request) sampling.CampaignInput {
	in := sampling.CampaignInput{UnitCode: strings.TrimSpace(r.FormValue("unit_code")), Name: r.FormValue("name"),
		StartsOn: r.FormValue("starts_on"), EndsOn: r.FormValue("ends_on"), PoolSize: web.FormInt(r, "pool_size")}
	if u := strings.TrimSpace(r.FormValue("sealed_units")); u != "" {
		in.Filter.Units = strings.FieldsFunc(u, func(c rune) bool { return c == ',' || c == '，' || c == ' ' || c == '\n' || c == '、' })
	}
	if r.FormValue("key_groups") != "" {
		in.Filter.Groups = -1 // any special group
	}
	in.Filter.Sources = r.Form["source"]
	return in
}

func (s *Handler) samplingHome(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	list, err := s.Sampling.Campaigns(r.Context(), u.Scope())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_campaigns", "全员核酸", map[string]any{"Campaigns": list, "Unit": u.UnitCode,
		"Today": clock.Day(s.Now()), "PoolSizes": sampling.PoolSizes, "Sources": s.Sampling.TargetSources()})
}

func (s *Handler) samplingCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	c, err := s.Sampling.CreateCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), campaignInput(r))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(c.ID, ""), "已新建检测轮次，请设置采样点和检测机构后开始")
}

func (s *Handler) samplingCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	cov, err := s.Sampling.Coverage(ctx, scope, c.ID, r.FormValue("unit"))
	if err != nil {
		return err
	}
	points, err := s.Sampling.Points(ctx, scope, c.ID)
	if err != nil {
		return err
	}
	labs, err := s.Sampling.Labs(ctx, scope, c.ID)
	if err != nil {
		return err
	}
	ta, err := s.Sampling.Turnarounds(ctx, scope, c.ID)
	if err != nil {
		return err
	}
	var parent string
	if len(cov.Unit.Code) > len(c.UnitCode) && cov.Unit.ParentCode != "" && scope.Contains(cov.Unit.ParentCode) {
		parent = cov.Unit.ParentCode
	}
	return s.render(w, r, http.StatusOK, "sampling_campaign", c.Name, map[string]any{"C": c, "Cov": cov, "Points": points,
		"Labs": labs, "Turnaround": ta, "Parent": parent, "Manage": scope.Contains(c.UnitCode)})
}

func (s *Handler) samplingStart(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.Sampling.StartCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), fmt.Sprintf("已开始，应检 %s 人", web.Thousands(c.TargetCount)))
}

func (s *Handler) samplingClose(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Sampling.CloseCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), id); err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), "本轮检测已结束")
}

func pointInput(r *http.Request, campaignID int64) sampling.Point {
	return sampling.Point{CampaignID: campaignID, UnitCode: strings.TrimSpace(r.FormValue("unit_code")), Name: r.FormValue("name"),
		Address: r.FormValue("address"), Hours: r.FormValue("hours"), Tables: web.FormInt(r, "tables"), Teams: web.FormInt(r, "teams")}
}

func (s *Handler) samplingAddPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.Sampling.AddPoint(r.Context(), web.Actor(r), web.User(r).Scope(), pointInput(r, id))
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), "已新增采样点 "+p.Name)
}

func (s *Handler) samplingAddLab(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	l, err := s.Sampling.AddLab(r.Context(), web.Actor(r), web.User(r).Scope(),
		sampling.Lab{CampaignID: id, Name: r.FormValue("name"), CapacityPerHour: web.FormInt(r, "capacity_per_hour")})
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), "已新增检测机构 "+l.Name)
}

// personList is the data of the untested and retest pages.
type personList struct {
	C           sampling.Campaign
	Unit        string
	Rows        []sampling.PersonRow
	Total       int
	Limit, Next int
	Prev        int
	HasPrev     bool
}

func (s *Handler) samplingPeople(w http.ResponseWriter, r *http.Request, retests bool) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	limit, offset := web.ListParams(r.URL.Query())
	unit := r.FormValue("unit")
	list := s.Sampling.Untested
	name, title := "sampling_untested", "应检未检名单"
	if retests {
		list, name, title = s.Sampling.Retests, "sampling_retests", "单采单检名单"
	}
	rows, total, err := list(r.Context(), web.User(r).Scope(), c.ID, unit, limit, offset)
	if err != nil {
		return err
	}
	d := personList{C: c, Unit: unit, Rows: rows, Total: total, Limit: limit, Prev: max(0, offset-limit), HasPrev: offset > 0}
	if offset+limit < total {
		d.Next = offset + limit
	}
	return s.render(w, r, http.StatusOK, name, title+" · "+c.Name, d)
}

func (s *Handler) samplingUntested(w http.ResponseWriter, r *http.Request) error {
	return s.samplingPeople(w, r, false)
}
func (s *Handler) samplingRetests(w http.ResponseWriter, r *http.Request) error {
	return s.samplingPeople(w, r, true)
}

func (s *Handler) samplingUntestedExport(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	// Resolve the unit first, so a refusal is a clean error page.
	if _, _, err := s.Sampling.Untested(r.Context(), web.User(r).Scope(), c.ID, r.FormValue("unit"), 1, 0); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="untested-%d.xlsx"`, c.ID))
	_, err = s.Sampling.ExportUntested(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, r.FormValue("unit"), w)
	return err
}

func (s *Handler) samplingRecordRetest(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(r.PathValue("person"), 10, 64)
	if err != nil {
		return errs.ErrNotFound
	}
	if err := s.Sampling.RecordRetest(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, pid, r.FormValue("tube"), r.FormValue("result")); err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(c.ID, "/retests"), "已登记单采单检结果")
}

func (s *Handler) samplingResultsPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	labs, err := s.Sampling.Labs(r.Context(), web.User(r).Scope(), c.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_results", "上传检测结果 · "+c.Name, map[string]any{"C": c, "Labs": labs})
}

func (s *Handler) samplingResultsUpload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return err
	}
	defer f.Close()
	lab, _ := strconv.ParseInt(r.FormValue("lab_id"), 10, 64)
	rep, err := s.Sampling.ImportResults(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, lab, f, size, r.FormValue("mode") == "good")
	if err != nil {
		return err
	}
	labs, _ := s.Sampling.Labs(r.Context(), web.User(r).Scope(), c.ID)
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	shown := rep.Errors
	if len(shown) > 1000 {
		shown = shown[:1000]
	}
	return s.render(w, r, status, "sampling_results", "上传检测结果 · "+c.Name, map[string]any{"C": c, "Labs": labs, "R": rep, "Shown": shown})
}

func (s *Handler) samplingBoxes(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	scope := web.User(r).Scope()
	boxes, err := s.Sampling.Boxes(r.Context(), scope, c.ID)
	if err != nil {
		return err
	}
	points, err := s.Sampling.Points(r.Context(), scope, c.ID)
	if err != nil {
		return err
	}
	labs, err := s.Sampling.Labs(r.Context(), scope, c.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_boxes", "转运箱 · "+c.Name, map[string]any{"C": c, "Boxes": boxes, "Points": points, "Labs": labs})
}

func (s *Handler) samplingPack(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	point, _ := strconv.ParseInt(r.FormValue("point_id"), 10, 64)
	b, err := s.Sampling.PackBox(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, point, r.FormValue("code"), []string{r.FormValue("tubes")})
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(c.ID, "/boxes"), fmt.Sprintf("转运箱 %s 已装 %d 管", b.Code, b.Tubes))
}

func (s *Handler) samplingHandOver(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	lab, _ := strconv.ParseInt(r.FormValue("lab_id"), 10, 64)
	b, err := s.Sampling.HandOver(r.Context(), web.Actor(r), web.User(r).Scope(), id, lab)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(b.CampaignID, "/boxes"), "转运箱 "+b.Code+" 已交接给 "+b.LabName)
}

func (s *Handler) samplingReceive(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	b, err := s.Sampling.Receive(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(b.CampaignID, "/boxes"), "转运箱 "+b.Code+" 已签收")
}

// samplingHousehold lists the members of a scanned household code (一户一码)
// to tick; the form posts one scan per ticked member.
func (s *Handler) samplingHousehold(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	h, err := s.Sampling.HouseholdByCode(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, r.FormValue("code"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_household", "一户一码 · "+c.Name, map[string]any{"C": c, "H": h,
		"PointID": r.FormValue("point_id"), "Tube": r.FormValue("tube"), "ScanID": newScanID()})
}

func (s *Handler) samplingHouseholdPost(w http.ResponseWriter, r *http.Request) error {
	c, err := s.campaignOf(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	point, _ := strconv.ParseInt(r.FormValue("point_id"), 10, 64)
	tube := r.FormValue("tube")
	var msgs []string
	var refusal error
	done := 0
	u := web.User(r)
	for i, code := range r.Form["member"] {
		res, err := s.Sampling.Scan(r.Context(), web.Actor(r), u.Scope(), sampling.ScanRequest{ScanID: fmt.Sprintf("%s-%d", r.FormValue("scan_id"), i),
			CampaignID: c.ID, PointID: point, Tube: tube, Code: code})
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

func (s *Handler) samplingPlan(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	campaign, _ := strconv.ParseInt(r.FormValue("campaign"), 10, 64)
	in := sampling.PlanInput{UnitCode: r.FormValue("unit"), Days: web.FormFloat(r, "days"), HoursPerDay: web.FormFloat(r, "hours"),
		Samplers: web.FormInt(r, "samplers"), PerSamplerDay: web.FormInt(r, "per_sampler"), LabPerHour: web.FormInt(r, "lab_per_hour"), PoolSize: web.FormInt(r, "pool_size")}
	if in.UnitCode == "" {
		in.UnitCode = u.UnitCode
	}
	if in.Days == 0 {
		in.Days = 2
	}
	p, err := s.Sampling.Plan(r.Context(), u.Scope(), campaign, in)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_plan", "检测能力测算", map[string]any{"P": p, "Campaign": campaign,
		"SamplingDays": sampling.Days(p.SamplingDays), "LabDays": sampling.Days(p.LabDays), "FinishDays": sampling.Days(p.FinishDays)})
}

func (s *Handler) personSamplingCode(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	card, err := s.Sampling.PersonCard(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sampling_card", "采样码", map[string]any{"Card": card, "QR": web.QRSVG(card.Code, 240)})
}

// qrCard is one printed code.
type qrCard struct {
	Name, Code string
	QR         any
}

func (s *Handler) householdSamplingCodes(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	h, err := s.Sampling.Household(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	cards := []qrCard{{Name: "全户（" + h.No + "）", Code: h.Code, QR: web.QRSVG(h.Code, 200)}}
	for _, m := range h.Members {
		cards = append(cards, qrCard{Name: m.Name, Code: m.Code, QR: web.QRSVG(m.Code, 160)})
	}
	return s.render(w, r, http.StatusOK, "sampling_sheet", "一户一码", map[string]any{"H": h, "Cards": cards})
}
