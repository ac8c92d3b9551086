package web_test

import (
	"bufio"
	"fangkong/internal/apptest"
	"fangkong/internal/dbtest"
	"fangkong/internal/web"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The OpenAPI document lists paths relative to its server URL /api/v1, as
// two-space-indented keys under "paths:" ("  /units/{code}:"), each with its
// lower-case methods at four spaces ("    get:") and the capability the
// route needs at six ("      x-capability: people.read", null for any
// logged-in user).

// apiRoute is one mounted /api/v1 route.
type apiRoute struct {
	method, path string // path relative to /api/v1, e.g. /units/{code}
	capability   string // "" for anyUser and unauthenticated routes
}

func (r apiRoute) String() string { return r.method + " /api/v1" + r.path }

var wildcardRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// normPath turns a ServeMux pattern path into an OpenAPI path: {name...}
// becomes {name} and the end anchor {$} is dropped.
func normPath(p string) string {
	p = strings.ReplaceAll(p, "{$}", "")
	return wildcardRE.ReplaceAllString(p, "{$1}")
}

// registeredAPIRoutes are the mounted /api/v1 routes of a whole app, from
// its route table.
func registeredAPIRoutes(t *testing.T) []apiRoute {
	t.Helper()
	e := apptest.Start(t, dbtest.SQLite(t))
	var routes []apiRoute
	for _, rt := range e.App.Web.Routes() {
		if p, ok := strings.CutPrefix(rt.Path(), "/api/v1/"); ok && rt.Kind != web.KindSystem {
			routes = append(routes, apiRoute{method: rt.Method(), path: normPath("/" + p), capability: string(rt.Cap)})
		}
	}
	if len(routes) < 10 {
		t.Fatalf("found only %d API routes in the route table", len(routes))
	}
	return routes
}

// httpMethods are the operation keys of an OpenAPI path item; its other
// keys (parameters, summary, …) are not operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true}

// docOperation is one path+method of the document.
type docOperation struct {
	capability string // value of x-capability; "" when null or absent
	hasCap     bool   // whether x-capability is present
	line       int
}

// documentedOperations scans the YAML text (no parser): path keys at indent
// 2 under the top-level "paths:", methods at indent 4, x-capability at 6.
func documentedOperations(t *testing.T, doc string) map[string]map[string]*docOperation {
	t.Helper()
	ops := map[string]map[string]*docOperation{}
	inPaths := false
	path := ""
	var op *docOperation
	sc := bufio.NewScanner(strings.NewReader(doc))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(trimmed)
		if indent == 0 {
			inPaths = line == "paths:"
			path, op = "", nil
			continue
		}
		if !inPaths {
			continue
		}
		key, value, isKey := strings.Cut(trimmed, ":")
		switch {
		case indent == 2 && isKey && value == "":
			p := strings.Trim(key, `"'`)
			if !strings.HasPrefix(p, "/") {
				t.Errorf("line %d: path key %q does not start with /", n, p)
			}
			if _, dup := ops[p]; dup {
				t.Errorf("line %d: path %s documented twice", n, p)
			}
			path, op = p, nil
			ops[path] = map[string]*docOperation{}
		case indent == 2:
			t.Errorf("line %d: unexpected line under paths: %q", n, line)
		case indent == 4 && path != "" && isKey && value == "" && httpMethods[key]:
			op = &docOperation{line: n}
			ops[path][key] = op
		case indent == 4:
			op = nil
		case indent == 6 && op != nil && isKey && key == "x-capability":
			v := strings.Trim(strings.TrimSpace(value), `"'`)
			op.hasCap = true
			if v != "null" && v != "~" {
				op.capability = v
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("scan openapi.yaml: %v", err)
	}
	if len(ops) == 0 {
		t.Fatal(`openapi.yaml has no paths (expected a top-level "paths:" with "  /…:" keys)`)
	}
	return ops
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatalf("embedded openapi.yaml: %v", err)
	}
	doc := string(b)
	if !strings.HasPrefix(doc, "openapi: 3.") {
		t.Fatalf("openapi.yaml should start with \"openapi: 3.\", starts with %q", doc[:min(len(doc), 40)])
	}
	if !regexp.MustCompile(`(?m)^servers:\n  - url: /api/v1$`).MatchString(doc) {
		t.Error("openapi.yaml should declare the server URL /api/v1 (paths are relative to it)")
	}
	ops := documentedOperations(t, doc)
	routes := registeredAPIRoutes(t)

	registered := map[string]bool{}
	for _, r := range routes {
		method := strings.ToLower(r.method)
		registered[method+" "+r.path] = true
		methods, ok := ops[r.path]
		if !ok {
			t.Errorf("%s: path %q missing from openapi.yaml", r, r.path)
			continue
		}
		op, ok := methods[method]
		if !ok {
			t.Errorf("%s: method %q missing under path %q in openapi.yaml", r, method, r.path)
			continue
		}
		if !op.hasCap {
			t.Errorf("%s (openapi.yaml line %d): no x-capability", r, op.line)
		} else if op.capability != r.capability {
			want := r.capability
			if want == "" {
				want = "null"
			}
			t.Errorf("%s (openapi.yaml line %d): x-capability %q, the route needs %s", r, op.line, op.capability, want)
		}
	}

	// Nothing documented that is not served.
	var stale []string
	for path, methods := range ops {
		for method := range methods {
			if !registered[method+" "+path] {
				stale = append(stale, fmt.Sprintf("%s /api/v1%s", strings.ToUpper(method), path))
			}
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("openapi.yaml documents %s, which no route serves", s)
	}
}
