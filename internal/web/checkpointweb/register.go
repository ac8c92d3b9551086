package checkpointweb

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// The register (卡口台账): entrances and checkpoints of the villages and
// townships, their statuses from a date, and today's rosters.

type checkpointIn struct {
	UnitCode      string `json:"unit_code"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	PlaceCode     string `json:"place_code"`
	Address       string `json:"address"`
	Status        string `json:"status"`
	StatusSince   string `json:"status_since"`
	StaffPerShift string `json:"staff_per_shift"` // as typed: "三" comes back as "三"
	LeaderPost    string `json:"leader_post"`
	Note          string `json:"note"`
	Version       int64  `json:"version"`
}

// checkpoint is the checkpoint sent; staff is a 400 on 每班人数 when the
// number typed is not one (the checkpoint then has 0 people per shift).
func (in checkpointIn) checkpoint(id int64) (c checkpoint.Checkpoint, staff error) {
	c = checkpoint.Checkpoint{ID: id, UnitCode: in.UnitCode, Name: in.Name, Kind: in.Kind, PlaceCode: in.PlaceCode, Address: in.Address,
		Status: in.Status, StatusSince: in.StatusSince, LeaderPost: in.LeaderPost, Note: in.Note, Version: in.Version}
	n, err := strconv.Atoi(personal.Halfwidth(in.StaffPerShift))
	if err != nil {
		return c, errs.Invalidf("staff_per_shift", "每班人数应为1到50的整数")
	}
	c.StaffPerShift = n
	return c, nil
}

type registerView struct {
	Unit      jurisdiction.Unit
	List      []checkpoint.Checkpoint
	Unfilled  []checkpoint.Shift
	Coverage  []checkpoint.Coverage
	Day       string
	ByStatus  map[string]int
	MannedNow int
}

func (h *Handler) checkpointList(w http.ResponseWriter, r *http.Request) error {
	ctx, scope := r.Context(), web.User(r).Scope()
	code := web.FirstOf(r.URL.Query().Get("unit"), scope.Code())
	unit, err := h.units.Get(ctx, scope, code)
	if err != nil {
		return err
	}
	list, err := h.cps.Checkpoints(ctx, scope, unit.Code)
	if err != nil {
		return err
	}
	unitScope, err := scope.Narrow(unit.Code)
	if err != nil {
		return err
	}
	v := registerView{Unit: unit, List: list, Day: clock.Day(h.now()), ByStatus: map[string]int{}}
	for _, c := range list {
		v.ByStatus[c.Status]++
		if c.MannedNow {
			v.MannedNow++
		}
	}
	if v.Unfilled, err = h.cps.Unfilled(ctx, unitScope, h.now()); err != nil {
		return err
	}
	if v.Coverage, err = h.cps.NightCoverage(ctx, unitScope, "", v.Day); err != nil {
		return err
	}
	return h.render(w, r, "checkpoint_list", unit.Name+" 卡口", v)
}

type formView struct {
	C checkpoint.Checkpoint
	// Staff is 每班人数 as shown: the checkpoint's, or what was typed.
	Staff string
	// Place is where it stands as shown: the unit's name with its township
	// (甘亭街道西街社区居委会), or what was typed.
	Place    string
	IsNew    bool
	Units    []jurisdiction.Unit
	Kinds    []string
	Statuses []string
}

func (h *Handler) formOf(r *http.Request, c checkpoint.Checkpoint, isNew bool) formView {
	ctx, scope := r.Context(), web.User(r).Scope()
	var units []jurisdiction.Unit
	for _, lvl := range []int{jurisdiction.LevelCounty, jurisdiction.LevelTownship, jurisdiction.LevelVillage} {
		if us, err := h.units.Units(ctx, scope, lvl); err == nil {
			units = append(units, us...)
		}
	}
	return formView{C: c, Staff: strconv.Itoa(c.StaffPerShift), Place: h.placeName(r, c.PlaceCode), IsNew: isNew, Units: units,
		Kinds: checkpoint.Kinds, Statuses: checkpoint.Statuses}
}

// placeName names a checkpoint's place as it may be typed back: the unit's
// name with the township in front (two villages may share a name), its
// code when it is not a unit of the user's.
func (h *Handler) placeName(r *http.Request, code string) string {
	if code == "" {
		return ""
	}
	if _, err := h.units.Get(r.Context(), web.User(r).Scope(), code); err != nil {
		return code
	}
	path, err := h.units.Path(r.Context(), code)
	if err != nil {
		return code
	}
	var name strings.Builder
	for _, u := range path {
		if u.Level >= jurisdiction.LevelTownship || u.Code == code {
			name.WriteString(u.Name)
		}
	}
	return name.String()
}

// placeCode reads where a checkpoint stands, typed as a unit's name or
// code (南涝村, 610118011211); "" is the checkpoint's own unit.
func (h *Handler) placeCode(r *http.Request, typed string) (string, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" || strings.Trim(typed, "0123456789") == "" {
		return typed, nil
	}
	u, err := h.units.Find(r.Context(), web.User(r).Scope(), "place_code", typed)
	return u.Code, err
}

// sentForm is the form sent back after an error: everything as typed.
func (h *Handler) sentForm(r *http.Request, c checkpoint.Checkpoint, in checkpointIn, isNew bool) formView {
	v := h.formOf(r, c, isNew)
	v.Staff, v.Place = in.StaffPerShift, in.PlaceCode
	return v
}

func (h *Handler) checkpointNew(w http.ResponseWriter, r *http.Request) error {
	c := checkpoint.Checkpoint{UnitCode: web.FirstOf(r.URL.Query().Get("unit"), web.User(r).UnitCode), Status: checkpoint.Manned,
		StaffPerShift: 2, Kind: checkpoint.Kinds[2], LeaderPost: "村干部"}
	return h.render(w, r, "checkpoint_form", "登记卡口", h.formOf(r, c, true))
}

func (h *Handler) checkpointCreate(w http.ResponseWriter, r *http.Request) error {
	var in checkpointIn
	err := web.Bind(r, &in)
	c, staff := in.checkpoint(0)
	if err == nil {
		err = staff
	}
	if err == nil {
		c.PlaceCode, err = h.placeCode(r, in.PlaceCode)
	}
	if err == nil {
		c, err = h.cps.CreateCheckpoint(r.Context(), web.Actor(r), web.User(r).Scope(), c)
	}
	if err != nil {
		sent, _ := in.checkpoint(0)
		return h.pages.FormError(w, r, err, "checkpoint_form", "登记卡口", h.sentForm(r, sent, in, true))
	}
	return web.Redirect(w, r, fmt.Sprintf("/checkpoints/%d", c.ID), "卡口已登记，请排班")
}

func (h *Handler) checkpointOf(r *http.Request) (checkpoint.Checkpoint, error) {
	id, err := web.PathID(r)
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	return h.cps.Checkpoint(r.Context(), web.User(r).Scope(), id)
}

func (h *Handler) checkpointEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := h.checkpointOf(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "checkpoint_form", "修改卡口", h.formOf(r, c, false))
}

func (h *Handler) checkpointUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := h.checkpointOf(r)
	if err != nil {
		return err
	}
	var in checkpointIn
	err = web.Bind(r, &in)
	c, staff := in.checkpoint(old.ID)
	c.UnitCode, c.Status, c.StatusSince = old.UnitCode, old.Status, old.StatusSince
	if err == nil {
		err = staff
	}
	if err == nil {
		c.PlaceCode, err = h.placeCode(r, in.PlaceCode)
	}
	if err == nil {
		_, err = h.cps.UpdateCheckpoint(r.Context(), web.Actor(r), web.User(r).Scope(), c)
	}
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return err
		}
		return h.pages.FormError(w, r, err, "checkpoint_form", "修改卡口", h.sentForm(r, c, in, false))
	}
	return web.Redirect(w, r, fmt.Sprintf("/checkpoints/%d", old.ID), "已保存")
}

type detailView struct {
	C        checkpoint.Checkpoint
	History  []checkpoint.StatusEntry
	Day      string
	Shifts   []checkpoint.Shift
	Figures  checkpoint.DayFigures
	Statuses []string
	Cats     []string
	// The forms sent back after an error.
	Member checkpoint.Member
	Slot   int
	Status statusIn
}

// statusIn is the 变更状态 form; Sent when it comes back after an error.
type statusIn struct {
	Status string `json:"status"`
	Since  string `json:"since"`
	Note   string `json:"note"`
	Sent   bool   `json:"-"`
}

// SinceText: the date sent back is not one a date input takes
// (2021年13月40日), so the field is a text input that keeps it.
func (in statusIn) SinceText() bool {
	_, err := time.Parse("2006-01-02", in.Since)
	return in.Since != "" && err != nil
}

func (h *Handler) detail(r *http.Request, day string) (detailView, error) {
	ctx, scope := r.Context(), web.User(r).Scope()
	c, err := h.checkpointOf(r)
	if err != nil {
		return detailView{}, err
	}
	if day == "" || !web.ValidDate(day) {
		day = clock.Day(h.now())
	}
	v := detailView{C: c, Day: day, Statuses: checkpoint.Statuses, Cats: checkpoint.MemberCategories}
	if v.History, err = h.cps.StatusHistory(ctx, scope, c.ID); err != nil {
		return v, err
	}
	if _, v.Shifts, err = h.cps.Roster(ctx, scope, c.ID, day); err != nil {
		return v, err
	}
	figs, err := h.cps.Figures(ctx, scope, c.UnitCode, day)
	if err != nil {
		return v, err
	}
	for _, f := range figs {
		if f.CheckpointID == c.ID {
			v.Figures = f
		}
	}
	_, v.Slot = checkpoint.SlotAt(h.now())
	return v, nil
}

func (h *Handler) checkpointPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.detail(r, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	return h.render(w, r, "checkpoint_detail", v.C.Name, v)
}

func (h *Handler) checkpointStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in statusIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	in.Since = sheet.NormDate(in.Since) // 2021年12月10日 typed without a date picker
	if _, err := h.cps.SetStatus(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Status, in.Since, in.Note); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return err
		}
		v, verr := h.detail(r, "")
		if verr != nil {
			return verr
		}
		in.Sent = true
		v.Status = in
		return h.pages.FormError(w, r, err, "checkpoint_detail", v.C.Name, v)
	}
	return web.Redirect(w, r, fmt.Sprintf("/checkpoints/%d", id), "状态已更新："+in.Status)
}

func (h *Handler) rosterAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Day      string `json:"day"`
		Slot     int    `json:"slot"`
		Name     string `json:"name"`
		Category string `json:"category"`
		Phone    string `json:"phone"`
		Leader   bool   `json:"leader"`
	}
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	m := checkpoint.Member{Name: in.Name, Category: in.Category, Phone: in.Phone, Leader: in.Leader}
	if err := h.cps.AddMember(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Day, in.Slot, m); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return err
		}
		v, verr := h.detail(r, in.Day)
		if verr != nil {
			return verr
		}
		v.Member, v.Slot = m, in.Slot
		return h.pages.FormError(w, r, err, "checkpoint_detail", v.C.Name, v)
	}
	return web.Redirect(w, r, fmt.Sprintf("/checkpoints/%d?day=%s", id, in.Day), "已排班："+in.Name)
}

func (h *Handler) rosterRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, day, err := h.cps.RemoveMember(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/checkpoints/%d?day=%s", c.ID, day), "已从班次移除")
}

type figuresView struct {
	Unit     jurisdiction.Unit
	Day      string
	Figures  []checkpoint.DayFigures
	Total    checkpoint.DayFigures
	Coverage []checkpoint.Coverage
}

func (h *Handler) figuresPage(w http.ResponseWriter, r *http.Request) error {
	ctx, scope := r.Context(), web.User(r).Scope()
	q := r.URL.Query()
	unit, err := h.units.Get(ctx, scope, web.FirstOf(q.Get("unit"), scope.Code()))
	if err != nil {
		return err
	}
	day := q.Get("day")
	if !web.ValidDate(day) {
		day = clock.Day(h.now())
	}
	v := figuresView{Unit: unit, Day: day}
	if v.Figures, err = h.cps.Figures(ctx, scope, unit.Code, day); err != nil {
		return err
	}
	for _, f := range v.Figures {
		t := &v.Total
		t.Vehicles, t.People, t.TurnedBack, t.HandedOver, t.Held, t.Sampled, t.Abnormal = t.Vehicles+f.Vehicles, t.People+f.People,
			t.TurnedBack+f.TurnedBack, t.HandedOver+f.HandedOver, t.Held+f.Held, t.Sampled+f.Sampled, t.Abnormal+f.Abnormal
	}
	unitScope, _ := scope.Narrow(unit.Code)
	if v.Coverage, err = h.cps.NightCoverage(ctx, unitScope, "", day); err != nil {
		return err
	}
	return h.render(w, r, "checkpoint_figures", unit.Name+" 卡口统计", v)
}

func (h *Handler) apiCheckpoints(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cps.Checkpoints(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []checkpoint.Checkpoint{}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"checkpoints": list})
}

type rulesView struct {
	Versions []checkpoint.RuleSet
	InForce  int64
	Day      string
	Outcomes []string
	// Sent is the new version sent back after an error, copied from SentBase.
	Sent     *checkpoint.RuleSet
	SentBase int64
}

func (h *Handler) rulesPage(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.cps.RuleVersions(r.Context())
	if err != nil {
		return err
	}
	day := clock.Day(h.now())
	v := rulesView{Versions: vs, Day: day, Outcomes: checkpoint.Outcomes}
	if cur, err := checkpoint.InForce(vs, day); err == nil {
		v.InForce = cur.ID
	}
	return h.render(w, r, "checkpoint_rules", "卡口查验规则", v)
}

// rulesCreate stores a new version of the checkpoint rules: a copy of the
// version named by based_on with the outcomes, hours and date as sent. It
// takes effect on its date, with no deploy.
func (h *Handler) rulesCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	baseID, _ := strconv.ParseInt(r.PostFormValue("based_on"), 10, 64)
	base, err := h.cps.RuleVersion(r.Context(), baseID)
	if err != nil {
		return err
	}
	v := base
	v.Name, v.EffectiveFrom, v.BasedOn, v.Note = r.PostFormValue("name"), r.PostFormValue("effective_from"), base.Name, r.PostFormValue("note")
	v.Rules = append([]checkpoint.Rule(nil), base.Rules...)
	for i, rule := range v.Rules {
		if o := r.PostFormValue("outcome." + rule.Key); o != "" && o != rule.Outcome {
			cond, _, _ := strings.Cut(rule.Description, "：")
			v.Rules[i].Outcome, v.Rules[i].Description = o, cond+"："+o
		}
	}
	for _, f := range []struct {
		name string
		p    *int
	}{{"test_hours", &v.TestHours}, {"receive_hours", &v.ReceiveHours}} {
		if s := r.PostFormValue(f.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				n = -1
			}
			*f.p = n
		}
	}
	if s := strings.TrimSpace(r.PostFormValue("fever")); s != "" {
		// The fever line typed in ℃ (37.5), kept in tenths.
		v.FeverTenths = -1
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			v.FeverTenths = int(math.Round(f * 10))
		}
	}
	created, err := h.cps.CreateRules(r.Context(), web.Actor(r), v)
	if err != nil {
		vs, verr := h.cps.RuleVersions(r.Context())
		if verr != nil {
			return verr
		}
		day := clock.Day(h.now())
		view := rulesView{Versions: vs, Day: day, Outcomes: checkpoint.Outcomes, Sent: &v, SentBase: baseID}
		if cur, err := checkpoint.InForce(vs, day); err == nil {
			view.InForce = cur.ID
		}
		return h.pages.FormError(w, r, err, "checkpoint_rules", "卡口查验规则", view)
	}
	return web.Redirect(w, r, "/checkpoint-rules", fmt.Sprintf("已新建“%s”，%s起施行", created.Name, created.EffectiveFrom))
}
