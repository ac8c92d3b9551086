package legacyweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/web"
)

// auditFilter reads the audit filter from the query string.
func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{Username: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), Entity: q.Get("entity"),
		EntityID: strings.TrimSpace(q.Get("entity_id")), Unit: strings.TrimSpace(q.Get("unit")), Limit: 100}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), clock.Shanghai); err == nil {
		f.From = t.UnixMilli()
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), clock.Shanghai); err == nil {
		f.To = t.AddDate(0, 0, 1).UnixMilli()
	}
	return f
}

func (s *Handler) auditPage(w http.ResponseWriter, r *http.Request) error {
	f := auditFilter(r)
	entries, err := s.Audit.List(r.Context(), web.User(r).Scope(), f)
	if err != nil {
		return err
	}
	next := ""
	if len(entries) == f.Limit {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		next = q.Encode()
	}
	actions := []string{audit.ActionView, audit.ActionExport, audit.ActionCreate, audit.ActionUpdate, audit.ActionMerge, audit.ActionImport, audit.ActionLogin}
	return s.render(w, r, http.StatusOK, "audit", "审计日志", map[string]any{"Entries": entries, "Q": r.URL.Query(), "Next": next, "Actions": actions})
}

func (s *Handler) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.showUsers(w, r, http.StatusOK, "", "")
}

func (s *Handler) showUsers(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) error {
	users, err := s.Auth.Users(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	return s.renderView(w, r, status, "users", web.View{Title: "用户管理", Flash: flash, Error: errMsg,
		D: map[string]any{"Users": users, "Roles": auth.Roles, "Form": r.PostForm}})
}

func (s *Handler) userCreate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.Auth.CreateUser(r.Context(), web.Actor(r), web.User(r).Scope(), auth.NewUser{
		Username: r.FormValue("username"), DisplayName: r.FormValue("display_name"), Role: auth.Role(r.FormValue("role")),
		UnitCode: strings.TrimSpace(r.FormValue("unit_code")), Phone: r.FormValue("phone"), Password: r.FormValue("password"), MustChange: true})
	if err != nil {
		status, msg, _ := web.StatusOf(err)
		if status == http.StatusBadRequest || status == http.StatusConflict {
			return s.showUsers(w, r, status, "", msg)
		}
		return err
	}
	return web.Redirect(w, r, "/admin/users", "已创建账号 "+u.Username+"，首次登录须修改密码")
}

func (s *Handler) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Auth.SetPassword(r.Context(), web.Actor(r), web.User(r).Scope(), id, r.FormValue("password"), true); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users", "密码已重置，该用户下次登录须修改密码")
}

func (s *Handler) userDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if id == web.User(r).ID {
		return web.Redirect(w, r, "/admin/users", "不能停用自己的账号")
	}
	disable := r.FormValue("disabled") == "1"
	if err := s.Auth.SetDisabled(r.Context(), web.Actor(r), web.User(r).Scope(), id, disable); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users", "已更新账号状态")
}
