package samplingweb

import (
	"fmt"
	"net/http"
	"strconv"

	"fangkong/internal/auth"
	"fangkong/internal/errs"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// The untested (应检未检) and the single-tube retests (单采单检) of a
// round, below ?unit=, by ?limit= and ?offset=.

type peopleList struct {
	C             sampling.Campaign
	Unit          string
	Rows          []sampling.PersonRow
	Total         int
	Limit, Offset int
	// Walkins are the walk-ins (流动人员) of positive or invalid pools, on
	// the retest list's first page only.
	Walkins      []sampling.WalkinRow
	WalkinsTotal int
}

func (h *Handler) peopleOf(r *http.Request, retests bool) (peopleList, error) {
	c, err := h.campaignOf(r)
	if err != nil {
		return peopleList{}, err
	}
	q := r.URL.Query()
	d := peopleList{C: c, Unit: q.Get("unit")}
	d.Limit, d.Offset = web.ListParams(q)
	list := h.sampling.Untested
	if retests {
		list = h.sampling.Retests
	}
	d.Rows, d.Total, err = list(r.Context(), web.User(r).Scope(), c.ID, d.Unit, d.Limit, d.Offset)
	if err == nil && retests && d.Offset == 0 {
		d.Walkins, d.WalkinsTotal, err = h.sampling.Walkins(r.Context(), web.User(r).Scope(), c.ID, d.Unit, true, maxWalkinsListed, 0)
	}
	return d, err
}

// maxWalkinsListed caps the walk-ins the retest list shows.
const maxWalkinsListed = 1000

// peopleView is the page of a list, with its neighbours' offsets.
type peopleView struct {
	C            sampling.Campaign
	Unit         string
	Rows         []sampling.PersonRow
	Total        int
	Limit, Next  int
	Prev         int
	HasPrev      bool
	Walkins      []sampling.WalkinRow
	WalkinsTotal int
}

func (h *Handler) samplingPeople(w http.ResponseWriter, r *http.Request, retests bool) error {
	d, err := h.peopleOf(r, retests)
	if err != nil {
		return err
	}
	name, title := "sampling_untested", "应检未检名单"
	if retests {
		name, title = "sampling_retests", "单采单检名单"
	}
	v := peopleView{C: d.C, Unit: d.Unit, Rows: d.Rows, Total: d.Total, Limit: d.Limit, Prev: max(0, d.Offset-d.Limit),
		HasPrev: d.Offset > 0, Walkins: d.Walkins, WalkinsTotal: d.WalkinsTotal}
	if d.Offset+d.Limit < d.Total {
		v.Next = d.Offset + d.Limit
	}
	return h.render(w, r, name, title+" · "+d.C.Name, v)
}

func (h *Handler) samplingUntested(w http.ResponseWriter, r *http.Request) error {
	return h.samplingPeople(w, r, false)
}

func (h *Handler) samplingRetests(w http.ResponseWriter, r *http.Request) error {
	return h.samplingPeople(w, r, true)
}

type peopleJSON struct {
	Total  int             `json:"total"`
	Limit  int             `json:"limit"`
	Offset int             `json:"offset"`
	People []personRowJSON `json:"people"`
	// Walkins: the retest list's walk-ins (流动人员) of positive or
	// invalid pools, on its first page.
	Walkins      []walkinJSON `json:"walkins,omitempty"`
	WalkinsTotal int          `json:"walkins_total,omitempty"`
}

func (h *Handler) apiPeopleList(w http.ResponseWriter, r *http.Request, retests bool) error {
	d, err := h.peopleOf(r, retests)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, peopleJSON{Total: d.Total, Limit: d.Limit, Offset: d.Offset,
		People: personRowsOut(d.Rows, retests), WalkinsTotal: d.WalkinsTotal,
		Walkins: walkinsOut(d.Walkins, web.User(r).Can(auth.CapPeopleRead))})
}

func (h *Handler) apiUntested(w http.ResponseWriter, r *http.Request) error {
	return h.apiPeopleList(w, r, false)
}

func (h *Handler) apiRetests(w http.ResponseWriter, r *http.Request) error {
	return h.apiPeopleList(w, r, true)
}

func (h *Handler) samplingUntestedExport(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	unit := r.URL.Query().Get("unit")
	// Resolve the unit first, so a refusal is a clean error page.
	if _, _, err := h.sampling.Untested(r.Context(), web.User(r).Scope(), c.ID, unit, 1, 0); err != nil {
		return err
	}
	web.Attachment(w, web.XLSXContentType, fmt.Sprintf("untested-%d.xlsx", c.ID), fmt.Sprintf("应检未检-%d.xlsx", c.ID))
	_, err = h.sampling.ExportUntested(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, unit, w)
	return err
}

// retestIn is a single-tube retest's tube and result.
type retestIn struct {
	Tube   string `json:"tube"`
	Result string `json:"result"`
}

func (h *Handler) samplingRecordRetest(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(r.PathValue("person"), 10, 64)
	if err != nil {
		return errs.ErrNotFound
	}
	var in retestIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	if err := h.sampling.RecordRetest(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, pid, in.Tube, in.Result); err != nil {
		return web.OnInput(r, err, map[string]string{"试管条码": "tube", "检测结果": "result"})
	}
	return web.Redirect(w, r, campaignPath(c.ID, "/retests"), "已登记单采单检结果")
}
