package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// Pages, JSON, CSS are gzip-compressed for clients that accept it, sent as
// they are otherwise; a download (XLSX) and the probes are never compressed.
func TestGzip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.Tree(t, d)
		e := apptest.Start(t, d)
		e.AddUser(t, "zhb", auth.RoleCommand, dbtest.County)
		c := e.Login(t, "zhb", apptest.Password)
		gz := map[string]string{"Accept-Encoding": "gzip, deflate, br"}
		for _, tc := range []struct {
			path, ctype, want string
		}{
			{"/units/" + dbtest.County, "text/html", "</html>"},
			{"/api/v1/policy/versions", "application/json", `"versions"`},
			{"/static/app.css", "text/css", "{"},
		} {
			resp, body := c.Fetch(tc.path, gz)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" ||
				!strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("%s with gzip: %d %q vary %q type %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Encoding"),
					resp.Header.Get("Vary"), resp.Header.Get("Content-Type"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: not gzip: %v", tc.path, err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !strings.Contains(string(plain), tc.want) {
				t.Fatalf("%s: gunzipped %d bytes, %v", tc.path, len(plain), err)
			}
			if len(body) >= len(plain) {
				t.Errorf("%s: compressed %d ≥ plain %d", tc.path, len(body), len(plain))
			}
			for _, ae := range []string{"identity", "gzip;q=0"} {
				resp, body = c.Fetch(tc.path, map[string]string{"Accept-Encoding": ae})
				if resp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), tc.want) ||
					!strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("%s with %q: encoding %q, vary %q", tc.path, ae, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
				}
			}
		}
		// A small JSON answer (a unit; a scan's) is not worth compressing.
		if resp, body := c.Fetch("/api/v1/units/"+dbtest.County, gz); resp.StatusCode != http.StatusOK ||
			resp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), `"code"`) {
			t.Errorf("small JSON: %d encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		// A download goes as it is: an XLSX is already compressed.
		for _, path := range []string{"/ledger/template", "/ledger/export?unit=" + dbtest.County} {
			resp, body := c.Fetch(path, gz)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" || !bytes.HasPrefix(body, []byte("PK")) {
				t.Errorf("%s: %d encoding %q, starts %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"), body[:min(len(body), 4)])
			}
		}
		for _, probe := range []string{"/livez", "/healthz"} {
			if resp, _ := c.Fetch(probe, gz); resp.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s compressed", probe)
			}
		}
	})
}
