// Package web is fangkong's HTTP surface: the server-rendered pages (页面) in
// Chinese that work without JavaScript on a 360-px phone, and the JSON API
// under /api/v1 over the same domain services. Each route names the
// capability it needs; middleware resolves the user and their jurisdiction
// once per request; handlers parse, call one service method and render.
package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/measure"
	"fangkong/internal/pushlist"
	"fangkong/internal/registry"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sampling"
	"fangkong/internal/site"
)

//go:embed templates static openapi.yaml
var assets embed.FS

// Deps are the services the web layer calls.
type Deps struct {
	Units    *jurisdiction.Store
	Registry *registry.Service
	Auth     *auth.Service
	Audit    *audit.Log
	Measures *measure.Service // policy table and control measures (防控政策, 管控措施)
	Sites    *site.Service    // quarantine sites (集中隔离点)
	Sampling *sampling.Service
	Logger   *slog.Logger
	Now      func() time.Time
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	// MaxInFlight bounds concurrent requests; beyond it the server answers 503.
	MaxInFlight int
	Version     string
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed; empty means loopback only.
	TrustedProxies []netip.Prefix

	// Returnees keeps the returnee ledger, sweeps and self-reports;
	// RiskAreas the risk-area list (中高风险地区).
	Returnees *returnee.Service
	RiskAreas *riskarea.Service

	// PushLists imports big-data push lists and keeps their tasks.
	PushLists *pushlist.Service
}

// Server holds the parsed templates and the route table.
type Server struct {
	Deps
	pages   map[string]*template.Template
	metrics *metrics
	mux     *http.ServeMux
	slots   chan struct{}
}

// New parses the templates (a broken template stops start-up) and builds
// the routes.
func New(d Deps) (*Server, error) {
	if d.MaxInFlight <= 0 {
		d.MaxInFlight = 512
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{Deps: d, metrics: newMetrics(), mux: http.NewServeMux(), slots: make(chan struct{}, d.MaxInFlight)}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	if d.Sampling != nil {
		s.metrics.more = func(b *strings.Builder) {
			batches, scans, rejected := d.Sampling.IngestStats()
			fmt.Fprintf(b, "# TYPE fangkong_scan_batches_total counter\nfangkong_scan_batches_total %d\n", batches)
			fmt.Fprintf(b, "# TYPE fangkong_scan_batched_total counter\nfangkong_scan_batched_total %d\n", scans)
			fmt.Fprintf(b, "# HELP fangkong_scan_rejected_total Scans refused with 429 because the queue was full.\n# TYPE fangkong_scan_rejected_total counter\nfangkong_scan_rejected_total %d\n", rejected)
		}
	}
	s.mux.HandleFunc("GET /metrics", s.metrics.serve)
	s.pageRoutes()
	s.apiRoutes()
	s.returneeRoutes()
	s.pushlistRoutes()
	s.measureRoutes()
	s.siteRoutes()
	s.samplingRoutes()
	return s, nil
}

// ServeHTTP runs the outer middleware: request id, logging, metrics and the
// overload guard.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.Now()
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		s.overloaded(w, r)
		return
	}
	rw := &statusWriter{ResponseWriter: w, status: 200}
	r = withRequest(r, s.clientIP(r))
	defer func() {
		if p := recover(); p != nil {
			s.Logger.Error("panic", "err", p, "path", r.URL.Path, "request_id", requestID(r))
			if !rw.wrote {
				http.Error(rw, "服务器内部错误", http.StatusInternalServerError)
			}
		}
		d := time.Since(start)
		s.metrics.observe(r.Pattern, rw.status, d) // the mux set r.Pattern
		level := slog.LevelDebug
		if rw.status >= 500 || d > time.Second {
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

// overloaded answers at once when MaxInFlight requests are running: 429
// with Retry-After for API clients (they retry with the same idempotency
// key), 503 with Retry-After for pages and probes.
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

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.Registry.DB().R().PingContext(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
