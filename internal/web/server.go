// Package web is the web core of fangkong: the HTTP server and its
// middleware (request id, logging, metrics, the overload guard), sessions
// and CSRF, the adapters that turn a domain error into a status and a
// Chinese message as a page or as JSON, the layout and the page renderer,
// one form binder, paging, uploads, rate limiting and breadcrumbs.
//
// It holds no domain. Each domain's pages and JSON API live in a package
// of their own under internal/web/ (registryweb, returneeweb, …) that
// declares its routes as data (Route: method and path, capability, page or
// API, handler); internal/app mounts the lists with Server.Mount, and the
// access matrix and the OpenAPI check iterate Server.Routes.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

// Config is what the core needs: sessions, units for breadcrumbs, and the
// server's settings.
type Config struct {
	Auth   *auth.Service
	Units  *jurisdiction.Store
	Logger *slog.Logger
	Now    func() time.Time
	// Ping checks the database for /healthz and /readyz (health.go).
	Ping func(ctx context.Context) error
	// Saturation reports, for /readyz, a queue outside the web core that is
	// nearly full ("scan queue 3900/4096"), or "" when all have room.
	Saturation func() string
	// MoreMetrics appends other parts' counters to /metrics.
	MoreMetrics func(b *strings.Builder)
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	// MaxInFlight bounds concurrent requests; beyond it the server answers 503.
	MaxInFlight int
	Version     string
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed; empty means loopback only.
	TrustedProxies []netip.Prefix
	// Downloads keeps the files pages offer after an action (nil: none).
	Downloads DownloadStore
	// Forms holds the claims of the double-submit guard of page forms
	// (formonce.go; nil: no guard).
	Forms *db.DB
	// HeavySlots bounds the requests of heavy routes served at once (0:
	// half the cores, at least one); a heavy request waits at most HeavyWait for a
	// place, else it is shed; a route is heavy once its mean latency
	// reaches HeavyAfter, and stays heavy until HeavyHold has passed
	// without its mean at HeavyAfter or a heavy request kept waiting
	// (shed.go).
	HeavySlots int
	HeavyWait  time.Duration
	HeavyAfter time.Duration
	HeavyHold  time.Duration
}

// Server is the web core: the mux, the mounted routes, the core's pages.
type Server struct {
	Config
	core    *Pages
	metrics *metrics
	mux     *http.ServeMux
	slots   chan struct{}
	routes  []Route
	// unlimited holds the paths of probes, served outside MaxInFlight.
	unlimited map[string]bool
	db        *pinger
	costs     *costGate
	// unitNames caches unit code → name for the header's who line.
	unitNames sync.Map
	// formPurged is when this instance last deleted old form claims (Unix ms).
	formPurged atomic.Int64
}

// New builds the core and mounts its own routes (static files, the health
// probes, /metrics); domain packages are mounted with Mount.
func New(c Config) (*Server, error) {
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 512
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	s := &Server{Config: c, metrics: newMetrics(), mux: http.NewServeMux(), slots: make(chan struct{}, c.MaxInFlight),
		unlimited: map[string]bool{}, costs: newCostGate(c.HeavySlots, c.HeavyWait, c.HeavyAfter, c.HeavyHold)}
	s.db = &pinger{ping: c.Ping, failed: func(err error) { c.Logger.Warn("database ping failed", "err", err) }}
	s.metrics.more = c.MoreMetrics
	s.metrics.shed = &s.costs.shed
	layout, _ := fs.Sub(assets, "layout")
	var err error
	if s.core, err = s.ParsePages(layout, nil); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(assets, "static")
	s.Mount(routeList{
		System("GET /static/", serveStatic(static)),
		Probe("GET /livez", http.HandlerFunc(s.livez)),
		Probe("GET /readyz", http.HandlerFunc(s.readyz)),
		Probe("GET /healthz", http.HandlerFunc(s.healthz)),
		System("GET /metrics", http.HandlerFunc(s.metrics.serve)),
		Public("GET /api/v1/openapi.yaml", nil, serveOpenAPI),
		Page("GET /downloads/{token}", AnyUser, s.serveDownload),
	})
	return s, nil
}

// ServeHTTP runs the outer middleware: request id, logging, metrics and the
// overload guard (which the health probes pass by).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.Now()
	probe := s.isProbe(r)
	if !probe {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			s.overloaded(w, r)
			return
		}
	}
	if !probe {
		var done func()
		w, done = withGzip(w, r)
		defer done() // after the recovery below: a panic's answer is compressed too
	}
	rw := &statusWriter{ResponseWriter: w, status: 200}
	r = withRequest(r, s.clientIP(r))
	info(r).secure = s.SecureCookies
	defer func() {
		if p := recover(); p != nil {
			s.Logger.Error("panic", "err", p, "path", r.URL.Path, "request_id", RequestID(r))
			if !rw.wrote {
				http.Error(rw, "服务器内部错误", http.StatusInternalServerError)
			}
		}
		d := time.Since(start)
		s.metrics.observe(r.Pattern, rw.status, d) // the mux set r.Pattern
		level := slog.LevelDebug
		// A probe's 503 is its answer ("busy"), not a failure to log each time.
		if (rw.status >= 500 && !probe) || d > time.Second {
			level = slog.LevelWarn
		}
		// Checked first: building the attributes costs on the hot path.
		if s.Logger.Enabled(r.Context(), level) {
			ri := info(r)
			s.Logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rw.status,
				"ms", d.Milliseconds(), "request_id", ri.id, "user", ri.user.Username, "unit", ri.user.UnitCode, "ip", ri.ip)
		}
	}()
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	rw.Header().Set("X-Frame-Options", "DENY")
	rw.Header().Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(rw, r)
}

// isProbe reports a request for a health probe (GET or HEAD).
func (s *Server) isProbe(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.unlimited[r.URL.Path]
}

// overloaded answers at once when MaxInFlight requests are running: 429
// with Retry-After for API clients (they retry with the same idempotency
// key), 503 with Retry-After for pages.
func (s *Server) overloaded(w http.ResponseWriter, r *http.Request) {
	s.metrics.rejected.Add(1)
	w.Header().Set("Retry-After", "1")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"服务器繁忙，请稍后重试"}` + "\n"))
		return
	}
	http.Error(w, "服务器繁忙，请稍后重试", http.StatusServiceUnavailable)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serveStatic serves the files of fsys under /static/. Anything that names
// no file — a directory (no listing), a malformed or non-UTF-8 name — is a
// 404.
func serveStatic(fsys fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if !utf8.ValidString(name) || !fs.ValidPath(name) || name == "." {
			http.NotFound(w, r)
			return
		}
		if st, err := fs.Stat(fsys, name); err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeFileFS(w, r, fsys, name)
	})
}

// serveOpenAPI serves the API's document (public: it describes, it holds no data).
func serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := assets.ReadFile("openapi.yaml")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	_, err = w.Write(b)
	return err
}
