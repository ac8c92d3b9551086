package measureweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/measure"
	"fangkong/internal/web"
)

// Tests a plan put before the assignment (列管之前的应检日): recorded from
// testing-round results where there are, else waived by a cadre with a
// reason (measures.release), before release.

type waiveView struct {
	M       measure.Measure
	Early   []measure.Test // tests due before the assignment
	Missing int            // of those, neither recorded nor waived
}

func (h *Handler) waivePage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.measureOf(r)
	if err != nil {
		return err
	}
	v := waiveView{M: m}
	for _, t := range m.Tests {
		if m.BeforeAssignment(t) {
			v.Early = append(v.Early, t)
			if t.Missing() {
				v.Missing++
			}
		}
	}
	return h.render(w, r, "measure_waivers", "列管之前的检测 "+m.PersonName, v)
}

// waiveIn names the tests to waive (none: all missing ones due before the
// assignment) and why. The form sends test_id boxes.
type waiveIn struct {
	TestIDs []int64 `json:"test_ids"`
	Reason  string  `json:"reason"`
}

func (h *Handler) waive(r *http.Request) (measure.WaiveResult, error) {
	id, err := web.PathID(r)
	if err != nil {
		return measure.WaiveResult{}, err
	}
	var in waiveIn
	if err := web.Bind(r, &in); err != nil {
		return measure.WaiveResult{}, err
	}
	if !web.IsAPI(r) {
		if len(r.Form["test_id"]) == 0 {
			return measure.WaiveResult{}, errs.Invalidf("test_ids", "请勾选要补录或免检的检测")
		}
		for _, v := range r.Form["test_id"] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return measure.WaiveResult{}, errs.Invalidf("test_ids", "检测编号无效")
			}
			in.TestIDs = append(in.TestIDs, n)
		}
	}
	return h.measures.Waive(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.TestIDs, strings.TrimSpace(in.Reason))
}

func (h *Handler) waiveConfirm(w http.ResponseWriter, r *http.Request) error {
	res, err := h.waive(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/measures/%d", res.Measure.ID),
		fmt.Sprintf("已从全员核酸结果补录 %d 次，免检 %d 次", res.Recorded, res.Waived))
}

type waiveJSON struct {
	Recorded int         `json:"recorded"`
	Waived   int         `json:"waived"`
	Measure  measureJSON `json:"measure"`
}

func (h *Handler) apiWaive(w http.ResponseWriter, r *http.Request) error {
	res, err := h.waive(r)
	if err != nil {
		return err
	}
	out := measureOut(res.Measure)
	out.Tests = testsOut(res.Measure)
	ok, why := res.Measure.Eligibility(h.today())
	out.Eligible, out.Why = &ok, why
	return web.WriteJSON(w, http.StatusOK, waiveJSON{Recorded: res.Recorded, Waived: res.Waived, Measure: out})
}
