package checkpointweb

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/web"
)

// The check log (查验登记): one form per vehicle, a row per person; the
// page posts it as JSON through the outbox (static/checkpoint.js and
// retry.js) and falls back to a plain form post without JavaScript.

type personRow struct {
	I int
	P checkpoint.PersonIn
}

type logView struct {
	Checkpoints  []checkpoint.Checkpoint
	CheckpointID int64
	In           checkpoint.VehicleIn
	Rows         []personRow
	ClientID     string
	VehicleTypes []string
	Outcomes     []string
	Villages     []jurisdiction.Unit
	Recent       []checkpoint.Check
	Rules        checkpoint.RuleSet
}

func newClientID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logView builds the page for the user's manned checkpoints; in carries
// what was sent (a failed post) or nothing.
func (h *Handler) logView(r *http.Request, in checkpoint.VehicleIn) (logView, error) {
	ctx, scope := r.Context(), web.User(r).Scope()
	all, err := h.cps.Checkpoints(ctx, scope, "")
	if err != nil {
		return logView{}, err
	}
	v := logView{In: in, ClientID: in.ClientID, VehicleTypes: checkpoint.VehicleTypes, Outcomes: checkpoint.Outcomes}
	for _, c := range all {
		if c.Status == checkpoint.Manned {
			v.Checkpoints = append(v.Checkpoints, c)
		}
	}
	v.CheckpointID = in.CheckpointID
	if v.CheckpointID == 0 {
		v.CheckpointID, _ = strconv.ParseInt(r.URL.Query().Get("checkpoint_id"), 10, 64)
	}
	var cur *checkpoint.Checkpoint
	for i := range v.Checkpoints {
		if v.Checkpoints[i].ID == v.CheckpointID {
			cur = &v.Checkpoints[i]
		}
	}
	if cur == nil && len(v.Checkpoints) > 0 {
		cur = &v.Checkpoints[0]
		v.CheckpointID = cur.ID
	}
	if v.ClientID == "" {
		v.ClientID = newClientID()
	}
	for i, p := range in.People {
		v.Rows = append(v.Rows, personRow{I: i, P: p})
	}
	if len(v.Rows) == 0 {
		v.Rows = []personRow{{I: 0, P: checkpoint.PersonIn{HealthCode: checkpoint.Green}}}
	}
	if cur != nil {
		if county, err := jurisdiction.System("checkpoint destination names").Narrow(cur.UnitCode[:min(6, len(cur.UnitCode))]); err == nil {
			v.Villages, _ = h.units.Units(ctx, county, jurisdiction.LevelVillage)
		}
		v.Recent, err = h.cps.Checks(ctx, scope, checkpoint.CheckFilter{CheckpointID: cur.ID, Day: clock.Day(h.now()), Limit: 20})
		if err != nil {
			return v, err
		}
	}
	v.Rules, _ = h.cps.RulesOn(ctx, clock.Day(h.now()))
	return v, nil
}

func (h *Handler) logPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.logView(r, checkpoint.VehicleIn{})
	if err != nil {
		return err
	}
	return h.render(w, r, "check_log", "查验登记", v)
}

// vehicleForm reads the plain form: people.N.field for each person; rows
// left blank are skipped.
func vehicleForm(r *http.Request) (checkpoint.VehicleIn, error) {
	if err := r.ParseForm(); err != nil {
		return checkpoint.VehicleIn{}, err
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("checkpoint_id"), 10, 64)
	in := checkpoint.VehicleIn{CheckpointID: id, ClientID: f.Get("client_id"), Plate: f.Get("plate"), VehicleType: f.Get("vehicle_type")}
	for i := 0; i < checkpoint.MaxPeople; i++ {
		g := func(k string) string { return strings.TrimSpace(f.Get(fmt.Sprintf("people.%d.%s", i, k))) }
		p := checkpoint.PersonIn{Name: g("name"), IDNumber: g("id_number"), Phone: g("phone"), From: g("from"), To: g("to"), Temp: g("temp"),
			HealthCode: g("health_code"), Star: g("star") != "", TestSampledAt: g("test_sampled_at"), Override: g("override"),
			OverrideReason: g("override_reason")}
		if p.Name == "" && p.IDNumber == "" && p.Phone == "" && p.From == "" && p.To == "" {
			if _, ok := f[fmt.Sprintf("people.%d.health_code", i)]; !ok {
				break
			}
			continue
		}
		in.People = append(in.People, p)
	}
	return in, nil
}

func (h *Handler) logPost(w http.ResponseWriter, r *http.Request) error {
	in, err := vehicleForm(r)
	if err != nil {
		return err
	}
	var res checkpoint.LogResult
	err = h.localFrom(r.Context(), web.User(r).Scope(), &in)
	if err == nil {
		res, err = h.cps.Log(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	}
	if err != nil {
		v, verr := h.logView(r, in)
		if verr != nil {
			return verr
		}
		return h.pages.FormError(w, r, err, "check_log", "查验登记", v)
	}
	var parts []string
	for _, c := range res.Checks {
		parts = append(parts, fmt.Sprintf("%s %s", web.FirstOf(c.Name, "无名"), c.Outcome))
	}
	plate := in.Plate
	if len(res.Checks) > 0 {
		plate = res.Checks[0].Plate // as stored: 陕A12345 for "陕a 12345"
	}
	msg := fmt.Sprintf("已登记 %s：%s", web.FirstOf(plate, "步行"), strings.Join(parts, "；"))
	if res.Replayed {
		msg = "此车已登记过，未重复登记：" + strings.Join(parts, "；")
	}
	return web.Redirect(w, r, fmt.Sprintf("/checks?checkpoint_id=%d", in.CheckpointID), msg)
}

// checkJSON is one check in the API; lists mask ID numbers and phones.
type checkJSON struct {
	ID             int64  `json:"id"`
	CheckpointID   int64  `json:"checkpoint_id"`
	Checkpoint     string `json:"checkpoint"`
	CheckedAt      string `json:"checked_at"`
	Plate          string `json:"plate"`
	VehicleType    string `json:"vehicle_type"`
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Phone          string `json:"phone"`
	From           string `json:"from"`
	FromCode       string `json:"from_code"`
	FromLevel      string `json:"from_level"`
	To             string `json:"to"`
	ToCode         string `json:"to_code"`
	Temp           string `json:"temp"`
	HealthCode     string `json:"health_code"`
	Star           bool   `json:"star"`
	TestSampledAt  string `json:"test_sampled_at"`
	RuleVersion    string `json:"rule_version"`
	Rule           string `json:"rule"`
	RuleOutcome    string `json:"rule_outcome"`
	Outcome        string `json:"outcome"`
	Explanation    string `json:"explanation,omitempty"`
	OverrideReason string `json:"override_reason,omitempty"`
	Abnormal       bool   `json:"abnormal"`
	HandoverID     int64  `json:"handover_id,omitempty"`
}

func checkOut(c checkpoint.Check, full bool) checkJSON {
	id, phone := c.IDNumber, c.Phone
	if !full {
		id, phone = maskID(id), maskPhone(phone)
	}
	return checkJSON{ID: c.ID, CheckpointID: c.CheckpointID, Checkpoint: c.CheckpointName, CheckedAt: c.Time(), Plate: c.Plate,
		VehicleType: c.VehicleType, Name: c.Name, IDNumber: id, Phone: phone, From: web.FirstOf(c.FromName, c.FromText), FromCode: c.FromCode,
		FromLevel: c.FromLevel, To: c.ToText, ToCode: c.ToCode, Temp: c.Temp(), HealthCode: c.HealthCode, Star: c.Star,
		TestSampledAt: c.TestSampledAt, RuleVersion: c.RuleVersion, Rule: c.RuleKey, RuleOutcome: c.RuleOutcome, Outcome: c.Outcome,
		Explanation: c.Explanation, OverrideReason: c.OverrideReason, Abnormal: c.Abnormal, HandoverID: c.HandoverID}
}

// apiLog records a vehicle: the outbox's endpoint. The answer carries the
// checks just made (to the officer who made them: ID numbers masked all
// the same) and "replayed" for a resend.
func (h *Handler) apiLog(w http.ResponseWriter, r *http.Request) error {
	var in checkpoint.VehicleIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := h.localFrom(r.Context(), web.User(r).Scope(), &in); err != nil {
		return err
	}
	res, err := h.cps.Log(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	if err != nil {
		return err
	}
	out := struct {
		ClientID string      `json:"client_id"`
		Replayed bool        `json:"replayed"`
		Checks   []checkJSON `json:"checks"`
	}{ClientID: in.ClientID, Replayed: res.Replayed}
	for _, c := range res.Checks {
		out.Checks = append(out.Checks, checkOut(c, false))
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	return web.WriteJSON(w, status, out)
}

func checkFilter(r *http.Request) checkpoint.CheckFilter {
	q := r.URL.Query()
	id, _ := strconv.ParseInt(q.Get("checkpoint_id"), 10, 64)
	return checkpoint.CheckFilter{Unit: q.Get("unit"), CheckpointID: id, Day: q.Get("day"), Outcome: q.Get("outcome")}
}

type listView struct {
	Checks   []checkpoint.Check
	F        checkpoint.CheckFilter
	Outcomes []string
	Paging   web.Paging
}

func (h *Handler) checkList(w http.ResponseWriter, r *http.Request) error {
	f := checkFilter(r)
	page := web.PageOf(r)
	f.Limit, f.Offset = web.PageSize+1, (page-1)*web.PageSize
	list, err := h.cps.Checks(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	return h.render(w, r, "check_list", "查验记录", listView{Checks: list, F: f, Outcomes: checkpoint.Outcomes, Paging: pg})
}

func (h *Handler) apiChecks(w http.ResponseWriter, r *http.Request) error {
	f := checkFilter(r)
	f.Limit, f.Offset = web.ListParams(r.URL.Query())
	list, err := h.cps.Checks(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	out := []checkJSON{}
	for _, c := range list {
		out = append(out, checkOut(c, false))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"checks": out})
}

// checkPage shows one check in full, audited.
func (h *Handler) checkPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := h.cps.CheckOne(r.Context(), web.Actor(r), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	// The deciding rule in words, from the version that decided it.
	if vs, err := h.cps.RuleVersions(r.Context()); err == nil {
		for _, v := range vs {
			for _, rule := range v.Rules {
				if v.Name == c.RuleVersion && rule.Key == c.RuleKey {
					c.Explanation = rule.Description
				}
			}
		}
	}
	return h.render(w, r, "check_detail", "查验记录 "+c.Name, c)
}
