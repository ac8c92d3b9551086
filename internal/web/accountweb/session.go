package accountweb

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"fangkong/internal/auth"
	"fangkong/internal/errs"
	"fangkong/internal/web"
)

const loginCSRFCookie = "fk_login_csrf"

// loginForm shows the login page with a double-submit CSRF token.
func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	return h.showLogin(w, r, http.StatusOK, "")
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	// Reuse the browser's token, so that two open login tabs both work.
	var tok string
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) == 32 {
		tok = c.Value
	} else {
		b := make([]byte, 24)
		rand.Read(b)
		tok = base64.RawURLEncoding.EncodeToString(b)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/login", HttpOnly: true, Secure: h.srv.SecureCookies, SameSite: http.SameSiteLaxMode})
	next, _ := web.SafePath(r.FormValue("next")) // only a clean same-site path is carried on
	return h.pages.RenderView(w, r, status, "login", web.View{Title: "登录", Error: msg, D: loginView{CSRF: tok, Next: next}})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.FormValue("csrf_token"))) != 1 {
		return h.showLogin(w, r, http.StatusForbidden, "页面已过期，请重新登录")
	}
	sess, u, err := h.auth.Login(r.Context(), strings.TrimSpace(r.FormValue("username")), r.FormValue("password"), web.IP(r))
	switch {
	case errors.Is(err, auth.ErrBadLogin):
		return h.showLogin(w, r, http.StatusUnauthorized, err.Error())
	case errors.Is(err, errs.ErrTooMany):
		w.Header().Set("Retry-After", "900")
		return h.showLogin(w, r, http.StatusTooManyRequests, auth.ErrThrottledText)
	case err != nil:
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: sess.Token, Path: "/", HttpOnly: true, Secure: h.srv.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(h.auth.SessionMax)})
	next, ok := web.SafePath(r.FormValue("next"))
	if !ok {
		next = "/"
	}
	if u.MustChange {
		next = "/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		h.auth.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	return web.Redirect(w, r, "/login", "已退出")
}

func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "password", "修改密码", nil)
}

// changePassword reads the passwords as typed (not trimmed).
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	next := r.FormValue("new")
	if next != r.FormValue("confirm") {
		return h.pages.RenderView(w, r, http.StatusBadRequest, "password", web.View{Title: "修改密码", Error: "两次输入的新密码不一致"})
	}
	err := h.auth.ChangeOwnPassword(r.Context(), web.Actor(r), web.User(r), web.SessionID(r), r.FormValue("current"), next)
	if errs.IsInvalid(err) {
		return h.pages.RenderView(w, r, http.StatusBadRequest, "password", web.View{Title: "修改密码", Error: web.Message(err)})
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/", "密码已修改，其他设备上的登录已退出，API令牌已作废")
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request) error {
	toks, err := h.auth.Tokens(r.Context(), web.User(r))
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "account", "我的账号", accountView{Tokens: toks})
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	plain, _, err := h.auth.CreateToken(r.Context(), u, strings.TrimSpace(r.FormValue("name")))
	if err != nil {
		return err
	}
	toks, err := h.auth.Tokens(r.Context(), u)
	if err != nil {
		return err
	}
	return h.pages.RenderView(w, r, http.StatusOK, "account", web.View{Title: "我的账号", Flash: "令牌已生成，只显示这一次，请妥善保存",
		D: accountView{Tokens: toks, NewToken: plain}})
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := h.auth.RevokeToken(r.Context(), web.User(r), id); err != nil {
		return err
	}
	return web.Redirect(w, r, "/account", "令牌已作废")
}
