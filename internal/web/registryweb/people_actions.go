package registryweb

import (
	"errors"
	"net/http"
	"strconv"

	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/web"
)

// mergeIn names the duplicate record to merge into the person {id}.
type mergeIn struct {
	Other int64 `json:"other"`
}

// deregisterIn is why and when a person left (迁出, 死亡).
type deregisterIn struct {
	Reason string `json:"reason"`
	Date   string `json:"date"`
}

// merge folds the record "other" into the person {id}, which is kept.
func (h *Handler) merge(r *http.Request) (registry.Person, error) {
	id, err := web.PathID(r)
	if err != nil {
		return registry.Person{}, err
	}
	var in mergeIn
	if err := web.Bind(r, &in); err != nil {
		if iv := (*errs.Invalid)(nil); !errors.As(err, &iv) || iv.Field != "other" {
			return registry.Person{}, err
		}
		in.Other = 0 // not a number
	}
	if in.Other == 0 {
		return registry.Person{}, errs.Invalidf("人员编号", "请填写要并入本记录的人员编号（数字）")
	}
	return h.registry.Merge(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Other)
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
