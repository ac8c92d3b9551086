package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fangkong/internal/web"
)

// TestStatic: the static files are served; a directory or a path that
// names no file (bad encoding included) is a plain 404, never a listing or
// a 500.
func TestStatic(t *testing.T) {
	srv, err := web.New(web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get("/static/app.css"); st != http.StatusOK || len(body) == 0 {
		t.Errorf("/static/app.css: %d", st)
	}
	for _, path := range []string{"/static/", "/static/%ff", "/static/%ff%fe.css", "/static/nothing.css", "/static/app.css/",
		"/static/./", "/static/%2e%2e/openapi.yaml", "/static/..%2fopenapi.yaml", "/static/%00"} {
		st, body := get(path)
		if st != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, st)
		}
		if strings.Contains(body, "app.css") || strings.Contains(body, "<a href") {
			t.Errorf("%s lists files: %.200s", path, body)
		}
	}
}
