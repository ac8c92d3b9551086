// Package app wires fangkong together (装配): it opens and migrates the
// database, builds the domain services and the web server, and runs the
// HTTP server with graceful shutdown. Tests build the same App.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/checkpoint"
	"fangkong/internal/clock"
	"fangkong/internal/command"
	"fangkong/internal/db"
	"fangkong/internal/download"
	"fangkong/internal/duty"
	"fangkong/internal/inspect"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/lookup"
	"fangkong/internal/measure"
	"fangkong/internal/notify"
	"fangkong/internal/place"
	"fangkong/internal/policy"
	"fangkong/internal/pushlist"
	"fangkong/internal/readiness"
	"fangkong/internal/registry"
	"fangkong/internal/report"
	"fangkong/internal/retention"
	"fangkong/internal/returnee"
	"fangkong/internal/riskarea"
	"fangkong/internal/sampling"
	"fangkong/internal/sentinel"
	"fangkong/internal/site"
	"fangkong/internal/special"
	"fangkong/internal/summary"
	"fangkong/internal/tracing"
	"fangkong/internal/web"
	"fangkong/internal/web/accountweb"
	"fangkong/internal/web/checkpointweb"
	"fangkong/internal/web/commandweb"
	"fangkong/internal/web/dutyweb"
	"fangkong/internal/web/inspectweb"
	"fangkong/internal/web/lookupweb"
	"fangkong/internal/web/measureweb"
	"fangkong/internal/web/notifyweb"
	"fangkong/internal/web/placeweb"
	"fangkong/internal/web/pushlistweb"
	"fangkong/internal/web/readinessweb"
	"fangkong/internal/web/registryweb"
	"fangkong/internal/web/reportweb"
	"fangkong/internal/web/retentionweb"
	"fangkong/internal/web/returneeweb"
	"fangkong/internal/web/samplingweb"
	"fangkong/internal/web/sentinelweb"
	"fangkong/internal/web/siteweb"
	"fangkong/internal/web/specialweb"
	"fangkong/internal/web/todayweb"
	"fangkong/internal/web/tracingweb"
)

// Config is what the command line and the environment decide.
type Config struct {
	Addr          string // listen address, e.g. ":8080"
	DB            string // sqlite:PATH or postgres://…
	Logger        *slog.Logger
	SecureCookies bool
	MaxInFlight   int
	// HeavyAfter is the mean latency from which a route counts as heavy and
	// shares the heavy places (0: web.DefaultHeavyAfter, 40 ms).
	HeavyAfter time.Duration
	Version    string
	Now        func() time.Time
	// TrustedProxies are load balancers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Places resolves places typed as names to division codes and names
	// codes outside the loaded units (risk areas, returnees' origins, push
	// lists); nil knows codes only (place.CodesOnly).
	Places *place.Resolver
	// MemoryFloor is the soft memory limit Serve keeps (bytes; see
	// keepMemoryLimit); 0 leaves the runtime's own (GOMEMLIMIT or none).
	MemoryFloor int64
	// RetentionDays overrides the retention periods of personal data by
	// kind ("*" for all; 0 keeps a kind), as retention.ParseDays reads
	// FANGKONG_RETENTION_DAYS; nil keeps the defaults (internal/app/retention.go).
	RetentionDays map[string]int
	// LookupsPerMinute bounds each account's look-ups of a person
	// (0: lookupweb.PerMinute).
	LookupsPerMinute int
	// Notify configures the notification channels (SMS, robots) and
	// workers; its credentials come from the environment only
	// (notify.ConfigFromEnv). The zero value: inbox only.
	Notify notify.Config
}

// App is a running fangkong.
type App struct {
	downloads *download.Store // files offered after an action (web.Config.Downloads)

	Config   Config
	DB       *db.DB
	Units    *jurisdiction.Store
	Registry *registry.Service
	Auth     *auth.Service
	Audit    *audit.Log
	// RiskAreas and Returnees: the risk-area list and the returnee ledger.
	RiskAreas *riskarea.Service
	Returnees *returnee.Service
	// PushLists: big-data push lists and verification tasks.
	PushLists *pushlist.Service
	Policy    *policy.Store
	Measures  *measure.Service
	Sites     *site.Service
	Web       *web.Server
	// Summaries are the domains' summary cards hub pages compose.
	Summaries []web.SummarySource
	Sampling  *sampling.Service
	// Retention clears personal data whose purpose has ended (daily).
	Retention *retention.Service
	Lookup    *lookup.Service
	// Sentinels: clinics, pharmacies, fever clinics, schools (哨点) and
	// their fever reports, daily returns and drug buyers.
	Sentinels *sentinel.Service
	// Checkpoints: the register, rosters, check log and hand-overs (卡口).
	Checkpoints *checkpoint.Service
	// Tracing: cases, place codes and scans, contacts (流调).
	Tracing *tracing.Service
	// Notify: events' messages to inboxes, phones and work groups.
	Notify *notify.Service
	// Command: the command centre's operating picture (指挥部态势).
	Command *command.Service
	// Reports: daily reports (日报告/零报告), compiled from Summaries.
	Reports *report.Service
	// Inspect: supervision (督查) and rectification (整改).
	Inspect *inspect.Service
	// Duty: duty rosters (值班值守); OnDuty answers who is on duty now.
	Duty *duty.Service
	// Special: special reports (特报) and their acknowledgement clocks;
	// new tracing cases open one (special.go).
	Special *special.Service
	// Readiness: 平急结合 against the standards, score and gaps.
	Readiness *readiness.Service
}

// New opens and migrates the database and builds the services.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.Analyze(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a, err := WithDB(cfg, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// WithDB builds the services on an open, migrated database.
func WithDB(cfg Config, d *db.DB) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var err error
	a := &App{Config: cfg, DB: d}
	// Services are built in dependency order, each with all it calls
	// (required; no hooks set afterwards). Cross-domain calls join the
	// caller's transaction (db.InTx), so one user action commits once.
	a.Units = jurisdiction.NewStore(d, cfg.Now)
	a.Registry = registry.NewService(d, a.Units, cfg.Now)
	a.Auth = auth.NewService(d, a.Units, cfg.Now)
	a.Audit = audit.NewLog(d, cfg.Now)
	// Notifications come first: every domain that emits takes it.
	channels, err := notify.ChannelsOf(cfg.Notify, cfg.Now)
	if err != nil {
		return nil, err
	}
	a.Notify = notify.NewService(d, notifyEvents(), channels, cfg.Notify.Robots, notify.NoRoster, cfg.Notify.Options, cfg.Now)
	a.Policy = policy.NewStore(d, cfg.Now)
	if err := a.Policy.EnsureDefaults(context.Background()); err != nil {
		return nil, err
	}
	// Tests a plan put before the assignment are taken from testing-round
	// results (the rounds' read side, built on the database alone).
	a.Measures = measure.NewService(d, a.Policy, roundResults{sampling.NewResultReader(d)}, a.Notify, cfg.Now)
	places := cfg.Places
	if places == nil {
		places = place.CodesOnly()
	}
	// The risk-area list relevels the returnee ledger, and the ledger reads
	// levels from the list: the ledger takes the list's read side (a
	// Lookup), built first, and the list's Service takes the ledger.
	levels := riskarea.NewLookup(d, places)
	// Arrivals from risk areas come under control measures.
	a.Returnees = returnee.NewService(d, a.Registry, a.Units, levels, a.Measures, cfg.Now)
	// Stored origin levels follow the history.
	a.RiskAreas = riskarea.NewService(d, levels, a.Returnees, cfg.Now)
	// 在村 answers to push tasks record the arrival.
	a.PushLists = pushlist.NewService(d, a.Units, a.Returnees, places, cfg.Now)
	// 转运/入住/转出 noted on the person's measure.
	a.Sites = site.NewService(d, a.Units, a.Measures, cfg.Now)
	// Members of a positive pool come under pool_positive.
	a.Sampling = sampling.NewService(d, a.Units, a.Measures, cfg.Now)
	// Checks resolve where people come from and its level today; hand-overs
	// record arrivals in the returnee ledger (卡口移交).
	a.Checkpoints = checkpoint.NewService(d, a.Units, levels, a.Returnees, a.Notify, cfg.Now)
	if err := a.Checkpoints.EnsureRules(context.Background()); err != nil {
		return nil, err
	}
	// Judged contacts come under measures and are transferred to sites in
	// the tracer's one transaction.
	a.Tracing = tracing.NewService(d, a.Registry, a.Measures, a.Sites, places, tracing.DefaultSources(), a.Notify, cfg.Now)
	if err := a.Tracing.EnsureRules(context.Background()); err != nil {
		return nil, err
	}
	// Fever reports link to the registry; a positive one opens a tracing
	// case in the same transaction (intake.go).
	a.Sentinels = sentinel.NewService(d, a.Units, a.Registry, sentinelCases{a.Tracing}, a.Notify, cfg.Now)
	kinds, err := retention.Configure(a.retentionKinds(), cfg.RetentionDays)
	if err != nil {
		return nil, err
	}
	a.Retention = retention.NewService(d, cfg.Now, kinds)
	// Exact look-ups of one person; full values for the people of the
	// caller's work, as each domain defines it for the look-up roles.
	a.Lookup = lookup.NewService(d, a.Sampling, map[string][]lookup.Workflow{
		string(auth.RoleCheckpoint): {a.Measures, a.Checkpoints},
		string(auth.RoleSentinel):   {a.Sentinels, a.Measures},
		string(auth.RoleTracing):    {a.Tracing, a.Measures},
		string(auth.RoleSite):       {a.Sites, a.Measures},
		string(auth.RoleSampling):   {a.Sampling},
	}, cfg.Now)
	a.Command = command.NewService(d, a.Units, cfg.Now)
	a.Inspect = inspect.NewService(d, a.Units, cfg.Now)
	a.Inspect.SetNotifier(a.Notify)
	a.Duty = duty.NewService(d, a.Units, cfg.Now)
	a.Special = special.NewService(d, a.Units, a.Notify, cfg.Now)
	a.Readiness = readiness.NewService(d, a.Units, cfg.Now)
	a.downloads = download.NewStore(d, cfg.Now)
	a.Web, err = web.New(web.Config{Auth: a.Auth, Units: a.Units, Logger: cfg.Logger, Now: cfg.Now,
		Ping: d.R().PingContext, MoreMetrics: samplingMetrics(a.Sampling), Saturation: scanSaturation(a.Sampling),
		SecureCookies: cfg.SecureCookies, MaxInFlight: cfg.MaxInFlight, HeavyAfter: cfg.HeavyAfter, Version: cfg.Version, TrustedProxies: cfg.TrustedProxies,
		Downloads: a.downloads, Forms: d})
	if err != nil {
		return nil, err
	}
	// The domains' headline figures on hub pages (the unit page), in order;
	// adding a domain adds one line here.
	a.Summaries = []web.SummarySource{
		{Cap: auth.CapPeopleRead, Source: a.Returnees},
		{Cap: auth.CapPeopleRead, Source: a.PushLists},
		{Cap: auth.CapPeopleRead, Source: a.Measures},
		{Cap: auth.CapPeopleRead, Source: a.Sites},
		{Cap: auth.CapCampaignsRead, Source: a.Sampling},
		{Cap: auth.CapSentinelRead, Source: a.Sentinels},
		{Cap: auth.CapCheckpointsRead, Source: a.Checkpoints},
		{Cap: auth.CapTracingRead, Source: a.Tracing},
		{Cap: auth.CapInspectRead, Source: a.Inspect},
		{Cap: auth.CapDutyRead, Source: a.Duty},
		{Cap: auth.CapSpecialRead, Source: a.Special},
		{Cap: auth.CapReadinessRead, Source: a.Readiness},
	}
	// Daily reports are compiled from every summary above (the same
	// figures as the picture), and report their own (who has not
	// reported) after them.
	a.Reports = report.NewService(d, a.Units, sourcesOf(a.Summaries), cfg.Now)
	a.Reports.SetNotifier(a.Notify)
	a.Summaries = append(a.Summaries, web.SummarySource{Cap: auth.CapReportsRead, Source: a.Reports})
	// One web package per domain; adding a domain adds one line here.
	a.Web.Mount(
		accountweb.New(a.Web, a.Auth, a.Audit),
		// The person page joins up each domain's records of the person.
		registryweb.New(a.Web, a.Units, a.Registry, a.Sampling, a.Summaries,
			[]summary.PersonSource{a.Returnees, a.PushLists, a.Measures, a.Sites, a.Sampling}),
		returneeweb.New(a.Web, a.Returnees, a.RiskAreas, a.Registry, places),
		placeweb.New(places),
		pushlistweb.New(a.Web, a.PushLists),
		measureweb.New(a.Web, a.Measures, a.Registry, a.Lookup),
		siteweb.New(a.Web, a.Sites, a.Units),
		samplingweb.New(a.Web, a.Sampling),
		retentionweb.New(a.Web, a.Retention, a.Audit),
		notifyweb.New(a.Web, a.Notify, cfg.Notify.SMS.ReceiptToken),
		commandweb.New(a.Web, a.Command, a.Summaries),
		reportweb.New(a.Web, a.Reports),
		inspectweb.New(a.Web, a.Inspect),
		dutyweb.New(a.Web, a.Duty),
		specialweb.New(a.Web, a.Special),
		readinessweb.New(a.Web, a.Readiness),
		lookupweb.New(a.Web, a.Lookup, cfg.LookupsPerMinute),
		sentinelweb.New(a.Web, a.Sentinels, a.Units, a.Auth),
		checkpointweb.New(a.Web, a.Checkpoints, a.Units),
		tracingweb.New(a.Web, a.Tracing, a.Sites),
		// 今日待办: each domain's part of a village's day, in the page's order.
		todayweb.New(a.Web, a.Units, a.PushLists, a.Measures, a.Returnees, a.Sentinels, a.Checkpoints, a.Inspect, a.Reports),
	)
	return a, nil
}

// SummarySources are the domains' summaries, whatever their capability
// (the demo's daily reports are compiled from them).
func (a *App) SummarySources() []summary.Source { return sourcesOf(a.Summaries) }

// sourcesOf is the summaries of a list, whatever their capability.
func sourcesOf(list []web.SummarySource) []summary.Source {
	out := make([]summary.Source, len(list))
	for i, s := range list {
		out[i] = s.Source
	}
	return out
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Serve answers HTTP on ln until ctx is cancelled, then drains requests for
// up to 15 seconds.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of large ledgers
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Config.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.Measures.Run(ctx, 5*time.Minute, a.Config.Logger)                      // 脱管 alerts and escalation
	go a.Retention.Loop(ctx, 24*time.Hour, a.Config.Logger)                     // personal data past its retention period
	go a.Notify.Run(ctx, a.Config.Notify.Workers, time.Second, a.Config.Logger) // the outbox and escalations
	go a.overdueLoop(ctx, 10*time.Minute, a.Config.Logger)                      // overdue push tasks
	go a.Sentinels.Run(ctx, time.Minute, a.Config.Logger)                       // fever reports past the township's clock go up to the county
	go a.checkpointAlerts(ctx, 5*time.Minute)                                   // unfilled shifts, hand-overs not received
	go a.Tracing.Run(ctx, 5*time.Minute, a.Config.Logger)                       // missed case clocks escalated
	go a.Reports.Run(ctx, time.Minute, a.Config.Logger)                         // daily reports missing at the deadline
	go a.Inspect.Run(ctx, 10*time.Minute, a.Config.Logger)                      // rectifications past their deadline escalate
	go a.Duty.Run(ctx, time.Minute, a.Config.Logger)                            // duty shifts nobody checked in to
	go a.specialLoop(ctx, time.Minute)                                          // 特报 of new cases, missed acknowledgement clocks
	go a.DB.HousekeepLoop(ctx, 15*time.Second, a.Config.Logger)                 // PostgreSQL without autovacuum: statistics and vacuum
	go clock.Every(ctx, download.TTL, false, func(ctx context.Context) {        // files offered after an action, past their hour
		if err := a.downloads.Expire(ctx); err != nil {
			a.Config.Logger.Warn("expire downloads", "err", err)
		}
	})
	if a.Config.MemoryFloor > 0 {
		go keepMemoryLimit(ctx, a.Config.MemoryFloor, 10*time.Second, a.Config.Logger) // the heap bounded, not twice the live data
	}
	a.Config.Logger.Info("fangkong serving", "addr", ln.Addr().String(), "db", string(a.DB.Dialect), "version", a.Config.Version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Config.Logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenAndServe listens on Config.Addr and serves.
func (a *App) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.Config.Addr, err)
	}
	return a.Serve(ctx, ln)
}
