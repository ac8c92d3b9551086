package samplingweb

import (
	"fmt"
	"net/http"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// Rounds of mass testing (检测轮次): created as drafts, given points and
// labs, started (the target list is locked) and closed.

// campaignOf loads the campaign named by the {id} path value.
func (h *Handler) campaignOf(r *http.Request) (sampling.Campaign, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Campaign{}, err
	}
	return h.sampling.Campaign(r.Context(), web.User(r).Scope(), id)
}

func campaignPath(id int64, sub string) string {
	return fmt.Sprintf("/sampling/campaigns/%d%s", id, sub)
}

type homeView struct {
	Campaigns []sampling.Campaign
	// Active are the rounds under way, first: the tester's way to the
	// day's work (scan, progress and untested list, results). Their
	// figures stay on the round's page: coverage reads every target.
	Active    []sampling.Campaign
	Unit      string
	Today     string
	PoolSizes []int
	Sources   []sampling.TargetSource
}

func (h *Handler) samplingHome(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	list, err := h.sampling.Campaigns(r.Context(), u.Scope())
	if err != nil {
		return err
	}
	v := homeView{Campaigns: list, Unit: u.UnitCode, Today: clock.Day(h.now()), PoolSizes: sampling.PoolSizes, Sources: h.sampling.TargetSources()}
	// The new round's scope is offered by name (甘亭街道), as it is typed.
	if unit, err := h.srv.Units.Get(r.Context(), u.Scope(), u.UnitCode); err == nil {
		v.Unit = unit.Name
	}
	for _, c := range list {
		if c.Status == sampling.StatusActive {
			v.Active = append(v.Active, c)
		}
	}
	return h.render(w, r, "sampling_campaigns", "全员核酸", v)
}

type campaignsJSON struct {
	Campaigns []campaignJSON `json:"campaigns"`
}

func (h *Handler) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	list, err := h.sampling.Campaigns(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := campaignsJSON{Campaigns: make([]campaignJSON, 0, len(list))}
	for _, c := range list {
		out.Campaigns = append(out.Campaigns, campaignOut(c))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// campaignIn is a new round: the JSON, or the form, whose target filter
// is sealed_units (codes, separated by commas, spaces or lines), the
// key_groups box and the ticked sources.
type campaignIn struct {
	UnitCode string                `json:"unit_code"`
	Name     string                `json:"name"`
	Filter   sampling.TargetFilter `json:"filter"`
	StartsOn string                `json:"starts_on"`
	EndsOn   string                `json:"ends_on"`
	PoolSize int                   `json:"pool_size"`
}

func (h *Handler) createCampaign(r *http.Request) (sampling.Campaign, error) {
	var in campaignIn
	if err := web.Bind(r, &in); err != nil {
		return sampling.Campaign{}, err
	}
	if !web.IsAPI(r) {
		// Units typed by name (甘亭街道, 西街社区) or code.
		code, err := h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit_code", in.UnitCode)
		if err != nil {
			return sampling.Campaign{}, err
		}
		in.UnitCode = code
		if u := r.FormValue("sealed_units"); u != "" {
			for _, name := range strings.FieldsFunc(u, func(c rune) bool { return c == ',' || c == '，' || c == ' ' || c == '\n' || c == '、' }) {
				code, err := h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "sealed_units", name)
				if err != nil {
					return sampling.Campaign{}, err
				}
				in.Filter.Units = append(in.Filter.Units, code)
			}
		}
		if r.FormValue("key_groups") != "" {
			in.Filter.Groups = -1 // any special group
		}
		in.Filter.Sources = r.Form["source"]
	}
	return h.sampling.CreateCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.CampaignInput{UnitCode: in.UnitCode,
		Name: in.Name, Filter: in.Filter, StartsOn: in.StartsOn, EndsOn: in.EndsOn, PoolSize: in.PoolSize})
}

func (h *Handler) samplingCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := h.createCampaign(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(c.ID, ""), "已新建检测轮次，请设置采样点和检测机构后开始")
}

func (h *Handler) apiCreateCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := h.createCampaign(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, campaignOut(c))
}

func (h *Handler) startCampaign(r *http.Request) (sampling.Campaign, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Campaign{}, err
	}
	return h.sampling.StartCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

func (h *Handler) samplingStart(w http.ResponseWriter, r *http.Request) error {
	c, err := h.startCampaign(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(c.ID, ""), fmt.Sprintf("已开始，应检 %s 人", web.Thousands(c.TargetCount)))
}

func (h *Handler) apiStartCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := h.startCampaign(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, campaignOut(c))
}

func (h *Handler) samplingClose(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.sampling.CloseCampaign(r.Context(), web.Actor(r), web.User(r).Scope(), id); err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(id, ""), "本轮检测已结束")
}

// pointIn is a sampling point (采样点).
type pointIn struct {
	UnitCode string `json:"unit_code"`
	Name     string `json:"name"`
	Address  string `json:"address"`
	Hours    string `json:"hours"`
	Tables   int    `json:"tables"`
	Teams    int    `json:"teams"`
}

func (h *Handler) addPoint(r *http.Request) (sampling.Point, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Point{}, err
	}
	var in pointIn
	if err := web.Bind(r, &in); err != nil {
		return sampling.Point{}, err
	}
	if !web.IsAPI(r) {
		if in.UnitCode, err = h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit_code", in.UnitCode); err != nil {
			return sampling.Point{}, err
		}
	}
	return h.sampling.AddPoint(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.Point{CampaignID: id, UnitCode: in.UnitCode,
		Name: in.Name, Address: in.Address, Hours: in.Hours, Tables: in.Tables, Teams: in.Teams})
}

func (h *Handler) samplingAddPoint(w http.ResponseWriter, r *http.Request) error {
	p, err := h.addPoint(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(p.CampaignID, ""), "已新增采样点 "+p.Name)
}

func (h *Handler) apiAddPoint(w http.ResponseWriter, r *http.Request) error {
	p, err := h.addPoint(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, pointOut(p, true))
}

// labIn is a testing lab (检测机构) and its capacity.
type labIn struct {
	Name            string `json:"name"`
	CapacityPerHour int    `json:"capacity_per_hour"`
}

func (h *Handler) addLab(r *http.Request) (sampling.Lab, error) {
	id, err := web.PathID(r)
	if err != nil {
		return sampling.Lab{}, err
	}
	var in labIn
	if err := web.Bind(r, &in); err != nil {
		return sampling.Lab{}, err
	}
	return h.sampling.AddLab(r.Context(), web.Actor(r), web.User(r).Scope(), sampling.Lab{CampaignID: id, Name: in.Name,
		CapacityPerHour: in.CapacityPerHour})
}

func (h *Handler) samplingAddLab(w http.ResponseWriter, r *http.Request) error {
	l, err := h.addLab(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, campaignPath(l.CampaignID, ""), "已新增检测机构 "+l.Name)
}

func (h *Handler) apiAddLab(w http.ResponseWriter, r *http.Request) error {
	l, err := h.addLab(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, labOut(l, true))
}
