package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fangkong/internal/app"
	"fangkong/internal/demo"
)

// demoCounty opens dbURL (a scratch SQLite file named scratch when "") as
// an app configured by cfg and loads the demo county of people into it,
// unless it holds one already — so a million-person county is built once
// and reused. It returns the app, the people in the database and the
// function that closes it (and removes a scratch file).
func demoCounty(ctx context.Context, dbURL, scratch string, people int, cfg app.Config, opts demo.Options) (*app.App, int, func(), error) {
	done := func() {}
	if dbURL == "" {
		dbURL, done = tempDB(scratch)
	}
	cfg.DB = dbURL
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		done()
		return nil, 0, nil, err
	}
	cleanup := func() { a.Close(); done() }
	loaded, err := demo.Loaded(ctx, a.DB)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	if !loaded {
		start := time.Now()
		opts.People, opts.Summaries = people, a.SummarySources()
		if _, err := demo.Load(ctx, a.DB, a.Units, a.Auth, opts); err != nil {
			cleanup()
			return nil, 0, nil, err
		}
		fmt.Printf("  demo county of %d people loaded in %s (into %s)\n", people, time.Since(start).Round(time.Second), dbURL)
	}
	var n int
	a.DB.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM people WHERE active = 1").Scan(&n)
	return a, n, cleanup, nil
}
