package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"fangkong/internal/db"
)

// A PostgreSQL test database is a copy of a template database that already
// holds the migrated schema: CREATE DATABASE … TEMPLATE copies it in a tenth
// of the time that migrating an empty database takes (more under load). The
// template is named after a hash of the migration files, so a change to a
// migration makes a new one; it is built once, by whichever test process
// needs it first (an advisory lock keeps the others waiting), and left on
// the server for the next run. Templates refuse connections (so autovacuum
// and stray clients cannot block the copies); drop an old one with
//   psql -c 'ALTER DATABASE fangkong_tmpl_… IS_TEMPLATE false' -c 'DROP DATABASE fangkong_tmpl_…'
// When anything goes wrong with it, tests fall back to migrating an empty
// database, as before.

// templateVersion changes when the way templates are built changes.
const templateVersion = "1"

var pgTemplate struct {
	once sync.Once
	name string // "" when there is none: migrate every database instead
	err  error
}

// migratedTemplate returns the name of the template database for the
// current migrations, building it if the server has none yet.
func migratedTemplate(base string) (string, error) {
	pgTemplate.once.Do(func() { pgTemplate.name, pgTemplate.err = buildTemplate(base) })
	return pgTemplate.name, pgTemplate.err
}

// migrationsHash hashes the PostgreSQL migration files and the code that
// applies them, read from the module's source tree.
func migrationsHash() (string, error) {
	dir, err := moduleRoot()
	if err != nil {
		return "", err
	}
	names, err := db.MigrationNames(db.Postgres)
	if err != nil {
		return "", err
	}
	files := []string{filepath.Join(dir, "internal", "db", "migrate.go")}
	for _, n := range names {
		files = append(files, filepath.Join(dir, "internal", "db", "migrations", string(db.Postgres), n))
	}
	sort.Strings(files[1:])
	h := sha256.New()
	fmt.Fprintf(h, "fangkong test template %s\n", templateVersion)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test")
		}
		dir = parent
	}
}

func buildTemplate(base string) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "fangkong_tmpl_" + sum
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx) // holds the advisory lock
	if err != nil {
		return "", err
	}
	defer conn.Close()
	const lockID = 7_316_424_002 // fangkong's test templates (7_316_424_001 is Migrate's)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", lockID)
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		return "", err
	}
	if n == 1 {
		return name, nil
	}
	// Build under another name and rename when complete, so a build that
	// dies half-way never passes for a template.
	build := name + "_build"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+build); err != nil {
		return "", err
	}
	d, err := db.Open(ctx, withDatabase(base, build))
	if err != nil {
		return "", err
	}
	err = d.Migrate(ctx)
	d.Close()
	if err != nil {
		return "", fmt.Errorf("migrate %s: %w", build, err)
	}
	for _, q := range []string{
		"ALTER DATABASE " + build + " RENAME TO " + name,
		"ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
	} {
		if err := retryInUse(ctx, func() error { _, err := conn.ExecContext(ctx, q); return err }); err != nil {
			return "", err
		}
	}
	return name, nil
}

// retryInUse retries fn while PostgreSQL says the database it needs is in
// use (SQLSTATE 55006), as it may for a moment after its last client left.
func retryInUse(ctx context.Context, fn func() error) error {
	for i := 0; ; i++ {
		err := fn()
		var pe *pgconn.PgError
		if err == nil || !errors.As(err, &pe) || pe.Code != "55006" || i == 20 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}
