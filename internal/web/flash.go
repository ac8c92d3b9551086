package web

import (
	"encoding/base64"
	"net/http"
	"unicode/utf8"
)

// The notice shown once after a form post (已保存…) travels from Redirect to
// the next page in a short-lived cookie the server sets, never in the URL:
// a link cannot make a page print a notice of its own. The cookie is
// HttpOnly and SameSite=Lax; behind HTTPS it is __Host- prefixed, so no
// other host (a sibling subdomain) can set it either.
const (
	flashCookie    = "fk_flash"
	flashMaxAge    = 60  // seconds: the redirect is followed at once
	flashMaxLength = 300 // characters kept of a notice
)

func flashName(secure bool) string {
	if secure {
		return "__Host-" + flashCookie
	}
	return flashCookie
}

// setFlash makes msg the notice of the next page rendered.
func setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	if utf8.RuneCountInString(msg) > flashMaxLength {
		msg = string([]rune(msg)[:flashMaxLength]) + "…"
	}
	secure := info(r).secure
	http.SetCookie(w, &http.Cookie{Name: flashName(secure), Value: base64.RawURLEncoding.EncodeToString([]byte(msg)), Path: "/",
		MaxAge: flashMaxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the notice set for this page, if any, and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	secure := info(r).secure
	c, err := r.Cookie(flashName(secure))
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashName(secure), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || !utf8.Valid(b) {
		return ""
	}
	return string(b)
}
