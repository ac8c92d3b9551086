package main_test

import (
	"strings"
	"testing"
)

// The route table printed from the server's own list: a page, an API route
// and a public route, with the roles that may call them.
func TestRoutesCLI(t *testing.T) {
	bin := build(t)
	out := run(t, bin, "routes")
	var plan, users, site string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[0] == "GET" && f[1] == "/sites/{id}" {
			site = line
		}
		if strings.Contains(line, " /api/v1/policy/plan ") {
			plan = line
		}
		if strings.HasPrefix(line, "POST") && strings.Contains(line, " /admin/users ") {
			users = line
		}
	}
	if !strings.Contains(site, "sites.read") || !strings.Contains(site, " page ") || !strings.Contains(site, " site ") || strings.Contains(site, "checkpoint") {
		t.Errorf("the site page: %q", site)
	}
	if !strings.Contains(plan, "public") || !strings.HasSuffix(strings.TrimSpace(plan), "*") {
		t.Errorf("the plan calculator should be public for everyone: %q", plan)
	}
	if !strings.Contains(users, "users.manage") || !strings.HasSuffix(strings.TrimSpace(users), "admin") || strings.Contains(users, "village") {
		t.Errorf("creating users is for admins only: %q", users)
	}
	village := run(t, bin, "routes", "--role", "village")
	if strings.Contains(village, "/admin/users") || !strings.Contains(village, "/pushtasks") {
		t.Errorf("--role village lists the wrong routes:\n%s", village)
	}
	// A look-up role: the look-up, no lists of people.
	checkpoint := run(t, bin, "routes", "--role", "checkpoint")
	if !strings.Contains(checkpoint, "/api/v1/lookup") || strings.Contains(checkpoint, " /people ") || strings.Contains(checkpoint, " /households ") {
		t.Errorf("--role checkpoint lists the wrong routes:\n%s", checkpoint)
	}
}
