package web_test

import (
	"testing"

	"fangkong/internal/apptest"
	"fangkong/internal/auth"
	"fangkong/internal/dbtest"
	"fangkong/internal/web"
)

// cliOnly are capabilities no route needs: they are used by the command
// line (regions import).
var cliOnly = map[auth.Capability]bool{auth.CapRegionsImport: true}

// The role table and the route table agree: every capability a route needs
// is given to some role, and every capability a role is given opens some
// route (or is a command-line capability).
func TestRoleTableMatchesRoutes(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	needed := map[auth.Capability]bool{}
	for _, rt := range e.App.Web.Routes() {
		if rt.Kind == web.KindPage || rt.Kind == web.KindAPI {
			needed[rt.Cap] = true
		} else if rt.Cap != web.AnyUser {
			t.Errorf("%s: a %s route names capability %q, which nothing checks", rt.Pattern, rt.Kind, rt.Cap)
		}
	}
	granted := map[auth.Capability]bool{}
	for _, ri := range auth.Roles {
		for _, c := range ri.Caps {
			granted[c] = true
		}
	}
	for c := range needed {
		if c != web.AnyUser && !granted[c] {
			t.Errorf("routes need %q, which no role has", c)
		}
	}
	for c := range granted {
		if !needed[c] && !cliOnly[c] {
			t.Errorf("roles are given %q, which no route needs", c)
		}
	}
}
