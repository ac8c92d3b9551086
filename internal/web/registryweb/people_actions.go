package registryweb

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

// mergeIn names the duplicate record to merge into the person {id}: its
// 人员编号 (the number in its page's address) or its ID number.
type mergeIn struct {
	Other otherRef `json:"other"`
}

// otherRef is the other record as sent: the form's text, or the API's
// number (or string).
type otherRef string

func (o *otherRef) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*o = otherRef(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errs.Invalidf("other", "请填写另一条记录的人员编号")
	}
	*o = otherRef(n.String())
	return nil
}

// deregisterIn is why and when a person left (迁出, 死亡).
type deregisterIn struct {
	Reason string `json:"reason"`
	Date   string `json:"date"`
}

// otherHint is what the 人员编号 field asks for.
const otherHint = "请填写另一条记录的人员编号（人员页地址中的数字）"

// merge folds the record "other" into the person {id}, which is kept.
// The other record is named by its 人员编号, or by its ID number (what a
// worker has in hand), looked up among the active people of the scope.
func (h *Handler) merge(r *http.Request) (registry.Person, error) {
	id, err := web.PathID(r)
	if err != nil {
		return registry.Person{}, err
	}
	var in mergeIn
	if err := web.Bind(r, &in); err != nil {
		return registry.Person{}, err
	}
	scope := web.User(r).Scope()
	other, byIDNumber, err := h.otherOf(r, scope, string(in.Other))
	if err != nil {
		return registry.Person{}, err
	}
	p, err := h.registry.Merge(r.Context(), web.Actor(r), scope, id, other)
	if errors.Is(err, errs.ErrNotFound) && (byIDNumber || !web.IsAPI(r)) {
		// The kept record out of reach stays a 404; the other one is a
		// field error on the form (the same whether it does not exist or
		// lies outside the scope).
		if _, kerr := h.registry.MergedFrom(r.Context(), scope, id); kerr != nil {
			return registry.Person{}, kerr
		}
		return registry.Person{}, errs.Invalidf("other", "本辖区没有人员编号为 %s 的记录。%s", strconv.FormatInt(other, 10), otherHint)
	}
	return p, err
}

// otherOf reads the other record of a merge: a 人员编号, or an 18-digit
// (or 15-digit) ID number resolved to the active person of the scope who
// holds it.
func (h *Handler) otherOf(r *http.Request, scope jurisdiction.Scope, raw string) (id int64, byIDNumber bool, err error) {
	raw = strings.TrimSpace(personal.Halfwidth(raw))
	if raw == "" {
		return 0, false, errs.Invalidf("other", otherHint)
	}
	if len(raw) == 15 || len(raw) == 18 {
		idNumber, nerr := personal.NormalizeIDNumber(raw)
		if nerr != nil {
			return 0, false, errs.Invalidf("other", "%s。%s，或完整的身份证号", nerr.Error(), otherHint)
		}
		id, err := h.registry.PersonByKey(r.Context(), scope, idNumber, "")
		if errors.Is(err, errs.ErrNotFound) {
			return 0, true, errs.Invalidf("other", "本辖区在册人员中没有这个身份证号。%s", otherHint)
		}
		return id, true, err
	}
	id, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || id <= 0 {
		return 0, false, errs.Invalidf("other", otherHint)
	}
	return id, false, nil
}

func (h *Handler) deregister(r *http.Request) (registry.Person, error) {
	id, err := web.PathID(r)
	if err != nil {
		return registry.Person{}, err
	}
	var in deregisterIn
	if err := web.Bind(r, &in); err != nil {
		return registry.Person{}, err
	}
	return h.registry.Deregister(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Reason, in.Date)
}

func (h *Handler) reinstate(r *http.Request) (registry.Person, error) {
	id, err := web.PathID(r)
	if err != nil {
		return registry.Person{}, err
	}
	return h.registry.Reinstate(r.Context(), web.Actor(r), web.User(r).Scope(), id)
}

func (h *Handler) personMerge(w http.ResponseWriter, r *http.Request) error {
	p, err := h.merge(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/people/"+strconv.FormatInt(p.ID, 10), "已合并")
}

func (h *Handler) apiMerge(w http.ResponseWriter, r *http.Request) error {
	p, err := h.merge(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.personOut(p))
}

func (h *Handler) personDeregister(w http.ResponseWriter, r *http.Request) error {
	p, err := h.deregister(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/people/"+strconv.FormatInt(p.ID, 10), "已注销："+p.LeftReason)
}

func (h *Handler) apiDeregister(w http.ResponseWriter, r *http.Request) error {
	p, err := h.deregister(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.personOut(p))
}

func (h *Handler) personReinstate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.reinstate(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/people/"+strconv.FormatInt(p.ID, 10), "已撤销注销，恢复在册")
}

func (h *Handler) apiReinstate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.reinstate(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.personOut(p))
}
