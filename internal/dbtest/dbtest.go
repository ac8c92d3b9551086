// Package dbtest gives tests a real, migrated database: SQLite in a temporary
// directory always, and PostgreSQL as well when FANGKONG_TEST_POSTGRES holds a
// server URL (each test gets a database of its own, dropped afterwards).
//
// Every helper is safe to call from parallel tests: each test gets its own
// database, and nothing here is shared between tests but the server URL.
// Acceptance-size tests (hundreds of thousands of rows) call Acceptance and
// run only when FANGKONG_ACCEPTANCE is set, as .ci/run sets it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"fangkong/internal/db"
)

// EnvPostgres names the variable holding the PostgreSQL server URL.
const EnvPostgres = "FANGKONG_TEST_POSTGRES"

// EnvAcceptance names the variable that turns on the acceptance-size tests
// (the national regions import, the 100,000-row push list, the 550,000-person
// demo county…). .ci/run sets it; locally: FANGKONG_ACCEPTANCE=1 go test ./...
const EnvAcceptance = "FANGKONG_ACCEPTANCE"

// AcceptanceOn reports whether acceptance-size tests are to run:
// FANGKONG_ACCEPTANCE is set to anything but "" or "0", and not -short.
func AcceptanceOn() bool {
	v := os.Getenv(EnvAcceptance)
	return v != "" && v != "0" && !testing.Short()
}

// Acceptance skips the calling test unless acceptance-size tests are on
// (see EnvAcceptance).
func Acceptance(t testing.TB) {
	t.Helper()
	if !AcceptanceOn() {
		t.Skipf("acceptance-size test skipped: set %s=1 to run it (.ci/run does)", EnvAcceptance)
	}
}

var skipOnce sync.Once

// Each runs fn as a subtest on every available database: "sqlite" always,
// "postgres" when FANGKONG_TEST_POSTGRES is set (it says so once when not).
// The subtests run one after the other; see EachParallel.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	each(t, false, fn)
}

// EachParallel is Each with the two subtests marked parallel: they run at
// the same time as each other and, when the calling test has called
// t.Parallel, as other parallel tests. Only for tests that share nothing
// but their own database (no t.Setenv, no globals such as time.Local).
// The subtests start once the calling test function has returned, so
// nothing after EachParallel in that function may expect them to have run.
func EachParallel(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	each(t, true, fn)
}

func each(t *testing.T, parallel bool, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		if parallel {
			t.Parallel()
		}
		fn(t, SQLite(t))
	})
	if os.Getenv(EnvPostgres) == "" {
		skipOnce.Do(func() {
			t.Logf("PostgreSQL tests skipped: set %s=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable to run them", EnvPostgres)
		})
		return
	}
	t.Run("postgres", func(t *testing.T) {
		if parallel {
			t.Parallel()
		}
		fn(t, Postgres(t))
	})
}

// SQLite opens a migrated SQLite database in t.TempDir().
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// PostgresURL creates an empty database on the test server and returns its
// URL; the database is dropped when the test ends. It skips the test when no
// server is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return newPostgres(t, "")
}

// newPostgres creates a database of the test's own on the test server, a
// copy of template ("" for the server's default, an empty database), to be
// dropped when the test ends, and returns its URL.
func newPostgres(t testing.TB, template string) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("PostgreSQL test skipped: %s is not set", EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "fangkong_test_" + hex.EncodeToString(b)
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if err := retryInUse(context.Background(), func() error { _, err := admin.Exec(create); return err }); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return withDatabase(base, name)
}

var templateOnce sync.Once

// Postgres opens a migrated database of its own on the test server (a copy
// of the migrated template database; see pgtemplate.go).
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		t.Skipf("PostgreSQL test skipped: %s is not set", EnvPostgres)
	}
	template, err := migratedTemplate(os.Getenv(EnvPostgres))
	if err != nil {
		templateOnce.Do(func() { t.Logf("no template database (%v): migrating each test database instead", err) })
	}
	d, err := db.Open(context.Background(), newPostgres(t, template))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	// A no-op on a copy of the template; it migrates an empty database.
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// SharedData returns ../shared/data beside the module (the national
// division codes), or skips the test when it is not there.
func SharedData(t testing.TB) string {
	t.Helper()
	dir, ok := SharedDataDir()
	if !ok {
		t.Skipf("shared data not found at %s", dir)
	}
	return dir
}

// SharedDataDir is ../shared/data beside the module, and whether its
// national division-code files are there.
func SharedDataDir() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data")
	_, err = os.Stat(filepath.Join(data, "regions-villages.csv.gz"))
	return data, err == nil
}
