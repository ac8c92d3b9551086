package web

import (
	"net/http"
	"strings"

	"fangkong/internal/auth"
)

// Kind says how a route authenticates its caller and how it answers errors.
type Kind int

const (
	// KindPage is a server-rendered page: session cookie, CSRF token on
	// writes, errors rendered as a page.
	KindPage Kind = iota
	// KindAPI is JSON under /api/v1: a bearer API token or the session
	// (with X-CSRF-Token on writes), errors as JSON.
	KindAPI
	// KindPublic needs no login (a public page, or an API anyone may call):
	// a token in the path is the key; rate limited per client address.
	KindPublic
	// KindSystem is the server's own plumbing (static files, health,
	// metrics): no middleware beyond the outer one.
	KindSystem
)

func (k Kind) String() string {
	switch k {
	case KindPage:
		return "page"
	case KindAPI:
		return "api"
	case KindPublic:
		return "public"
	}
	return "system"
}

// HandlerFunc is a handler that returns its error to one adapter, which
// turns the error's kind into a status and a Chinese message, as a page or
// as JSON.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// AnyUser is the capability of routes every signed-in user may use.
const AnyUser auth.Capability = ""

// Route is one entry of a route table: method and path, the capability it
// needs, how it is called, and its handler. Each domain's web package
// declares its routes as a list of these; the server mounts the lists, and
// the access matrix, the OpenAPI check and the role table iterate them.
type Route struct {
	Pattern string          // "GET /sites/{id}"
	Cap     auth.Capability // AnyUser for every signed-in user; unused for public routes
	Kind    Kind
	Handler HandlerFunc
	// Limit bounds the requests per client address of a public route.
	Limit *Limiter
	// MaxBody bounds a public route's request body (default 64 KiB).
	MaxBody int64
	// Unlimited serves a system route outside MaxInFlight (health probes).
	Unlimited bool
	// Unshed keeps a route out of the cost classes (shed.go): it bounds its
	// own work, e.g. a queue that answers 429 when full.
	Unshed bool
	raw    http.Handler // system routes
}

// Page declares a server-rendered route that needs a session and cap.
func Page(pattern string, cap auth.Capability, h HandlerFunc) Route {
	return Route{Pattern: pattern, Cap: cap, Kind: KindPage, Handler: h}
}

// API declares a JSON route that needs a token or a session, and cap.
func API(pattern string, cap auth.Capability, h HandlerFunc) Route {
	return Route{Pattern: pattern, Cap: cap, Kind: KindAPI, Handler: h}
}

// Public declares a route without login, limited per address by lim (nil:
// no limit). Errors answer as JSON under /api/, else as a page without
// links to the login.
func Public(pattern string, lim *Limiter, h HandlerFunc) Route {
	return Route{Pattern: pattern, Kind: KindPublic, Handler: h, Limit: lim}
}

// OwnLimits marks a route that bounds its own work (a group-commit queue
// with its own 429): never shed as heavy, however long it takes.
func (rt Route) OwnLimits() Route { rt.Unshed = true; return rt }

// WithMaxBody sets a public route's body limit.
func (rt Route) WithMaxBody(n int64) Route { rt.MaxBody = n; return rt }

// System declares one of the server's own routes (static files, probes).
func System(pattern string, h http.Handler) Route {
	return Route{Pattern: pattern, Kind: KindSystem, raw: h}
}

// Probe declares a health probe: a system route served outside MaxInFlight,
// so that it answers while the server refuses work. Its pattern is a fixed
// path.
func Probe(pattern string, h http.Handler) Route {
	rt := System(pattern, h)
	rt.Unlimited = true
	return rt
}

// Method is the route's HTTP method ("GET").
func (rt Route) Method() string { m, _, _ := strings.Cut(rt.Pattern, " "); return m }

// Path is the route's path pattern ("/sites/{id}").
func (rt Route) Path() string { _, p, _ := strings.Cut(rt.Pattern, " "); return p }

// Module is a domain's web package: it declares its routes.
type Module interface {
	Routes() []Route
}

// Mount registers the routes of each module (a duplicate pattern panics,
// as the mux does).
func (s *Server) Mount(ms ...Module) {
	for _, m := range ms {
		for _, rt := range m.Routes() {
			s.mount(rt)
		}
	}
}

func (s *Server) mount(rt Route) {
	var h http.Handler
	switch rt.Kind {
	case KindPage:
		h = s.pageHandler(rt)
	case KindAPI:
		h = s.apiHandler(rt)
	case KindPublic:
		h = s.publicHandler(rt)
	default:
		h = rt.raw
	}
	if rt.Kind != KindSystem && !rt.Unshed {
		h = s.gate(h)
	}
	if rt.Unlimited {
		if rt.Kind != KindSystem || strings.ContainsAny(rt.Path(), "{}") || strings.HasSuffix(rt.Path(), "/") {
			panic("web: only a system route with a fixed path may be unlimited: " + rt.Pattern)
		}
		s.unlimited[rt.Path()] = true
	}
	s.mux.Handle(rt.Pattern, h)
	s.routes = append(s.routes, rt)
}

// Routes lists every mounted route, in mounting order.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// routeList adapts a plain list to a Module.
type routeList []Route

func (l routeList) Routes() []Route { return l }
