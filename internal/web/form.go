package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/sheet"
)

// WriteJSON answers with v as JSON (HTML characters not escaped).
// The body is encoded first, so its length is known: small answers (a
// scan's) go out uncompressed.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// DecodeJSON reads a JSON body strictly; a malformed body is a 400.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errs.Invalidf("", "请求内容不是有效的JSON：%s", err.Error())
	}
	return nil
}

// Bind is the one input decoder of a page and its API twin: it fills v (a
// pointer to a struct with json tags) from the JSON body of an API request
// (an empty body leaves every field blank), or from a page's form by the
// same names. Strings are trimmed, and a date field's value (named
// …_on or …_date) typed the Chinese way is read as YYYY-MM-DD; a number that does not parse (or is NaN
// or infinite) is a 400 on its field; a checkbox is true when "1", "on" or "true".
func Bind(r *http.Request, v any) error {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if r.ContentLength == 0 {
			return nil
		}
		return DecodeJSON(r, v)
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errs.Invalidf("", "表单内容有误")
	}
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		raw := strings.TrimSpace(r.FormValue(name))
		f := rv.Field(i)
		switch f.Kind() {
		case reflect.String:
			if isDateField(name) {
				raw = sheet.NormDate(raw) // 2021年12月10日, 2021/12/10 as typed
			}
			f.SetString(raw)
		case reflect.Int, reflect.Int64:
			if raw == "" {
				continue
			}
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return errs.Invalidf(name, "请填写数字")
			}
			f.SetInt(n)
		case reflect.Float64:
			if raw == "" {
				continue
			}
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return errs.Invalidf(name, "请填写数字")
			}
			f.SetFloat(x)
		case reflect.Bool:
			f.SetBool(raw == "1" || raw == "on" || raw == "true")
		}
	}
	return nil
}

// isDateField reports whether a form field holds a date (YYYY-MM-DD) by
// its name: arrived_on, birth_date, … (based_on names a version).
func isDateField(name string) bool {
	return (strings.HasSuffix(name, "_on") || strings.HasSuffix(name, "_date")) && name != "based_on"
}

// ParseLocalTime reads a datetime-local value (2022-03-01T08:30) in
// Shanghai as Unix milliseconds; "" is 0. A phone without a date picker
// sends what was typed: 2022年3月1日8时30分, 2022/3/1 8:30 are read too
// (a date alone is its midnight).
func ParseLocalTime(field, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, clock.Shanghai); err == nil {
			return t.UnixMilli(), nil
		}
	}
	if t, _, ok := sheet.ParseDateTime(v, 0); ok {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, clock.Shanghai).UnixMilli(), nil
	}
	return 0, errs.Invalidf(field, "时间“%s”无法识别，请按 2022-03-01 08:30 填写", v)
}

// ValidDate reports whether d looks like YYYY-MM-DD.
func ValidDate(d string) bool {
	_, err := strconv.Atoi(strings.ReplaceAll(d, "-", ""))
	return len(d) == 10 && err == nil
}

// FormInt reads an integer form value; blank or garbage is 0.
func FormInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(name)))
	return n
}

// FormFloat reads a decimal form value; blank, garbage, NaN and the
// infinities are 0.
func FormFloat(r *http.Request, name string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(r.FormValue(name)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// FormIntDefault reads an integer form value, def when blank; garbage is a
// 400 on that field.
func FormIntDefault(r *http.Request, key string, def int) (int, error) {
	v := strings.TrimSpace(r.FormValue(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errs.Invalidf(key, "“%s”不是整数", v)
	}
	return n, nil
}

// FirstOf is the first non-blank value.
func FirstOf(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// PathID parses the {id} path value; a non-number is a 404.
func PathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.ErrNotFound
	}
	return id, nil
}

// ListParams reads an API list's limit (1–500, default 50) and offset.
func ListParams(q url.Values) (limit, offset int) {
	limit, _ = strconv.Atoi(q.Get("limit"))
	offset, _ = strconv.Atoi(q.Get("offset"))
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}

// BackTo is the form's same-site "back" path, or def.
func BackTo(r *http.Request, def string) string {
	if b, ok := SafePath(r.FormValue("back")); ok {
		return b
	}
	return def
}

// SafePath accepts s only as a clean path of this site to redirect to
// (the login's next, a form's back) and returns it unchanged: it starts
// with a single "/", has no backslash, control character or white space
// (also none percent-encoded in its path), parses with neither scheme nor
// host, and path.Clean leaves its path as it is (no "..", ".", "//").
// Browsers read "/\host", "/<TAB>/host" and the like as another host.
func SafePath(s string) (string, bool) {
	if len(s) > 2048 || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || !plainPath(s) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	p := u.Path // percent-decoded
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !plainPath(p) {
		return "", false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if clean != p {
		return "", false
	}
	return s, true
}

// plainPath: valid UTF-8 without backslash, control or space characters.
func plainPath(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return false
		}
	}
	return true
}

// Redirect answers a form post with 303 See Other and an optional notice,
// which the next page rendered shows once (see flash.go).
func Redirect(w http.ResponseWriter, r *http.Request, to, msg string) error {
	if msg != "" {
		setFlash(w, r, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
