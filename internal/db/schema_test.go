package db_test

// The schema-parity test: the two migration folders must build the same
// schema. Both databases are migrated and read back from their catalogues
// (SQLite's pragmas, PostgreSQL's information_schema and pg_catalog), and
// compared table by table in a common vocabulary: columns with their
// normalised types, nullability and defaults, primary keys, unique
// constraints, named indexes (columns, uniqueness, partial predicate),
// foreign keys and triggers (table, timing, event, name). Differences that
// are intended are listed, with their reason, in parityAllowed.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
)

// parityAllowed lists the intended differences, as the test prints them,
// with the reason each is fine. An entry that no longer matches a
// difference fails the test, so the list cannot go stale.
var parityAllowed = map[string]string{
	// SQLite triggers fire on one event each; PostgreSQL's append-only and
	// immutability guards are one trigger function for UPDATE OR DELETE.
	// Same behaviour (both tested by TestMigrateTwiceAndBulk and
	// measure's TestPolicyVersionsImmutable), different names.
	"trigger audit_log BEFORE UPDATE ROW: sqlite audit_log_no_update, postgres audit_log_no_change":                   "one PostgreSQL trigger for both events",
	"trigger audit_log BEFORE DELETE ROW: sqlite audit_log_no_delete, postgres audit_log_no_change":                   "one PostgreSQL trigger for both events",
	"trigger policy_versions BEFORE UPDATE ROW: sqlite policy_versions_no_update, postgres policy_versions_no_change": "one PostgreSQL trigger for both events",
	"trigger policy_versions BEFORE DELETE ROW: sqlite policy_versions_no_delete, postgres policy_versions_no_change": "one PostgreSQL trigger for both events",
	// The roll-up counters (0021_unit_counts) are kept by row triggers on
	// SQLite and by statement triggers with transition tables on PostgreSQL
	// (one aggregated delta per bulk statement); the same counters, checked
	// against a full recount by registry's TestCountersMatchRecount.
	"trigger people AFTER DELETE ROW: only in sqlite (people_counts_delete)":                "statement triggers on PostgreSQL",
	"trigger people AFTER DELETE STATEMENT: only in postgres (people_counts_delete)":        "row triggers on SQLite",
	"trigger people AFTER INSERT ROW: only in sqlite (people_counts_insert)":                "statement triggers on PostgreSQL",
	"trigger people AFTER INSERT STATEMENT: only in postgres (people_counts_insert)":        "row triggers on SQLite",
	"trigger people AFTER UPDATE ROW: only in sqlite (people_counts_update)":                "statement triggers on PostgreSQL",
	"trigger people AFTER UPDATE STATEMENT: only in postgres (people_counts_update)":        "row triggers on SQLite",
	"trigger households AFTER DELETE ROW: only in sqlite (household_counts_delete)":         "statement triggers on PostgreSQL",
	"trigger households AFTER DELETE STATEMENT: only in postgres (household_counts_delete)": "row triggers on SQLite",
	"trigger households AFTER INSERT ROW: only in sqlite (household_counts_insert)":         "statement triggers on PostgreSQL",
	"trigger households AFTER INSERT STATEMENT: only in postgres (household_counts_insert)": "row triggers on SQLite",
	"trigger households AFTER UPDATE ROW: only in sqlite (household_counts_update)":         "statement triggers on PostgreSQL",
	"trigger households AFTER UPDATE STATEMENT: only in postgres (household_counts_update)": "row triggers on SQLite",
	// The scan batch reads what test_samples' keys guard in the same
	// transaction; on PostgreSQL the keys' per-row checks were a fifth of
	// the machine's CPU at the peak (0030_sample_keys).
	"table test_samples: foreign keys sqlite [{campaign_id test_campaigns id NO ACTION} {person_id people id NO ACTION} {tube_id test_tubes id NO ACTION}], postgres []": "checked by the scan batch on PostgreSQL",
	// A 户编号 prefix is a LIKE on PostgreSQL, which the unique index serves
	// only under the C collation; SQLite searches a range on that index.
	"index households_no_pattern: only in postgres (ON households (no))": "LIKE needs text_pattern_ops on PostgreSQL",
	// The returnee, push-task and sweep counters (0026_returns_counts): the
	// same split, checked by returnee's TestCountersMatchRecount.
	"trigger returnees AFTER DELETE ROW: only in sqlite (returnee_counts_delete)":               "statement triggers on PostgreSQL",
	"trigger returnees AFTER DELETE STATEMENT: only in postgres (returnee_counts_delete)":       "row triggers on SQLite",
	"trigger returnees AFTER INSERT ROW: only in sqlite (returnee_counts_insert)":               "statement triggers on PostgreSQL",
	"trigger returnees AFTER INSERT STATEMENT: only in postgres (returnee_counts_insert)":       "row triggers on SQLite",
	"trigger returnees AFTER UPDATE ROW: only in sqlite (returnee_counts_update)":               "statement triggers on PostgreSQL",
	"trigger returnees AFTER UPDATE STATEMENT: only in postgres (returnee_counts_update)":       "row triggers on SQLite",
	"trigger push_tasks AFTER DELETE ROW: only in sqlite (push_task_counts_delete)":             "statement triggers on PostgreSQL",
	"trigger push_tasks AFTER DELETE STATEMENT: only in postgres (push_task_counts_delete)":     "row triggers on SQLite",
	"trigger push_tasks AFTER INSERT ROW: only in sqlite (push_task_counts_insert)":             "statement triggers on PostgreSQL",
	"trigger push_tasks AFTER INSERT STATEMENT: only in postgres (push_task_counts_insert)":     "row triggers on SQLite",
	"trigger push_tasks AFTER UPDATE ROW: only in sqlite (push_task_counts_update)":             "statement triggers on PostgreSQL",
	"trigger push_tasks AFTER UPDATE STATEMENT: only in postgres (push_task_counts_update)":     "row triggers on SQLite",
	"trigger sweep_visits AFTER DELETE ROW: only in sqlite (sweep_visit_counts_delete)":         "statement triggers on PostgreSQL",
	"trigger sweep_visits AFTER DELETE STATEMENT: only in postgres (sweep_visit_counts_delete)": "row triggers on SQLite",
	"trigger sweep_visits AFTER INSERT ROW: only in sqlite (sweep_visit_counts_insert)":         "statement triggers on PostgreSQL",
	"trigger sweep_visits AFTER INSERT STATEMENT: only in postgres (sweep_visit_counts_insert)": "row triggers on SQLite",
	"trigger sweep_visits AFTER UPDATE ROW: only in sqlite (sweep_visit_counts_update)":         "statement triggers on PostgreSQL",
	"trigger sweep_visits AFTER UPDATE STATEMENT: only in postgres (sweep_visit_counts_update)": "row triggers on SQLite",
}

type column struct {
	name    string
	typ     string // normalised: int, text, float, numeric, bool, blob, json
	notNull bool
	dflt    string // normalised default; "<auto>" for generated ids; "" for none
}

type index struct {
	table   string
	columns []string
	unique  bool
	where   string // normalised predicate of a partial index
}

type fkey struct {
	columns, refTable, refColumns, onDelete string
}

type trigger struct {
	table, timing, event, orientation string
}

type schema struct {
	columns map[string][]column // table → columns in order
	pk      map[string][]string // table → primary-key columns
	uniques map[string][]string // table → unique constraints ("a,b"), sorted
	indexes map[string]index    // name → index made by CREATE INDEX
	fkeys   map[string][]fkey   // table → foreign keys, sorted
	trigs   map[trigger][]string
}

func newSchema() *schema {
	return &schema{columns: map[string][]column{}, pk: map[string][]string{}, uniques: map[string][]string{},
		indexes: map[string]index{}, fkeys: map[string][]fkey{}, trigs: map[trigger][]string{}}
}

// normType maps a declared SQLite type or a PostgreSQL data_type to the
// common vocabulary. Every PostgreSQL integer type is "int", like SQLite's
// INTEGER: the width is not compared, because the PostgreSQL migrations
// use 32-bit INTEGER on purpose for small bounded values (flags, counts of
// one push list, versions, tenths of a degree) where SQLite, which has one
// integer type, says INTEGER too.
func normType(dialect db.Dialect, t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if dialect == db.Postgres {
		switch t {
		case "bigint", "integer", "smallint":
			return "int"
		case "text", "character varying", "character":
			return "text"
		case "double precision", "real":
			return "float"
		case "numeric":
			return "numeric"
		case "boolean":
			return "bool"
		case "bytea":
			return "blob"
		case "json", "jsonb":
			return "json"
		}
		return "pg:" + t
	}
	// SQLite's affinity rules (https://sqlite.org/datatype3.html, 3.1).
	switch {
	case strings.Contains(t, "int"):
		return "int"
	case strings.Contains(t, "char"), strings.Contains(t, "clob"), strings.Contains(t, "text"):
		return "text"
	case t == "" || strings.Contains(t, "blob"):
		return "blob"
	case strings.Contains(t, "real"), strings.Contains(t, "floa"), strings.Contains(t, "doub"):
		return "float"
	case t == "boolean" || t == "bool":
		return "bool"
	case t == "json" || t == "jsonb":
		return "json"
	}
	return "numeric"
}

var pgCast = regexp.MustCompile(`::[a-z][a-z ]*(\[\])?`)

// normDefault puts a default expression in one spelling: PostgreSQL's
// casts ('x'::text) and either side's outer parentheses are dropped.
func normDefault(s string) string {
	s = strings.TrimSpace(pgCast.ReplaceAllString(s, ""))
	for len(s) > 1 && s[0] == '(' && s[len(s)-1] == ')' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// normPredicate puts a partial index's WHERE clause in one spelling:
// lower case, no parentheses, single spaces, no casts.
func normPredicate(s string) string {
	s = strings.ToLower(pgCast.ReplaceAllString(s, ""))
	s = strings.NewReplacer("(", " ", ")", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

var fkAction = map[string]string{
	// PostgreSQL's pg_constraint.confdeltype
	"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT",
}

func query(t *testing.T, d *db.DB, q string, args []any, scan func(scan func(...any) error) error) {
	t.Helper()
	rows, err := d.R().QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", d.Dialect, err, q)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows.Scan); err != nil {
			t.Fatalf("%s: %v\n%s", d.Dialect, err, q)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v\n%s", d.Dialect, err, q)
	}
}

var (
	sqliteTrigger = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:TEMP\w*\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+` +
		`(BEFORE\s+|AFTER\s+|INSTEAD\s+OF\s+)?(DELETE|INSERT|UPDATE)\b`)
	sqliteWhere = regexp.MustCompile(`(?is)\sWHERE\s(.*)$`)
)

// readSQLite reads the schema of a SQLite database from its pragmas.
func readSQLite(t *testing.T, d *db.DB) *schema {
	t.Helper()
	s := newSchema()
	var tables []string
	query(t, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`, nil,
		func(scan func(...any) error) error {
			var n string
			err := scan(&n)
			tables = append(tables, n)
			return err
		})
	for _, tb := range tables {
		type pkCol struct {
			n    int
			name string
		}
		var pks []pkCol
		var intPK bool
		query(t, d, `SELECT name, type, "notnull", COALESCE(dflt_value, ''), pk FROM pragma_table_info($1) ORDER BY cid`, []any{tb},
			func(scan func(...any) error) error {
				var c column
				var typ string
				var pk int
				if err := scan(&c.name, &typ, &c.notNull, &c.dflt, &pk); err != nil {
					return err
				}
				c.typ = normType(db.SQLite, typ)
				c.dflt = normDefault(c.dflt)
				if pk > 0 {
					pks = append(pks, pkCol{pk, c.name})
					// SQLite lets a non-INTEGER primary-key column hold NULL
					// (a documented quirk); the code never stores one, and
					// PostgreSQL's primary keys are NOT NULL.
					c.notNull = true
					intPK = strings.EqualFold(strings.TrimSpace(typ), "INTEGER")
				}
				s.columns[tb] = append(s.columns[tb], c)
				return nil
			})
		sort.Slice(pks, func(i, j int) bool { return pks[i].n < pks[j].n })
		for _, p := range pks {
			s.pk[tb] = append(s.pk[tb], p.name)
		}
		// An INTEGER PRIMARY KEY is the rowid: SQLite assigns it when an
		// insert leaves it out, as an identity column does.
		if len(pks) == 1 && intPK {
			for i := range s.columns[tb] {
				if s.columns[tb][i].name == pks[0].name && s.columns[tb][i].dflt == "" {
					s.columns[tb][i].dflt = "<auto>"
				}
			}
		}
		type ixRow struct {
			name    string
			unique  bool
			origin  string
			partial bool
		}
		var ixs []ixRow
		query(t, d, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, []any{tb},
			func(scan func(...any) error) error {
				var x ixRow
				err := scan(&x.name, &x.unique, &x.origin, &x.partial)
				ixs = append(ixs, x)
				return err
			})
		for _, x := range ixs {
			var cols []string
			query(t, d, `SELECT COALESCE(name, '<expr>') FROM pragma_index_info($1) ORDER BY seqno`, []any{x.name},
				func(scan func(...any) error) error {
					var c string
					err := scan(&c)
					cols = append(cols, c)
					return err
				})
			switch x.origin {
			case "pk": // the primary key, compared as such
			case "u":
				s.uniques[tb] = append(s.uniques[tb], strings.Join(cols, ","))
			default:
				ix := index{table: tb, columns: cols, unique: x.unique}
				if x.partial {
					var sql string
					query(t, d, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1`, []any{x.name},
						func(scan func(...any) error) error { return scan(&sql) })
					if m := sqliteWhere.FindStringSubmatch(sql); m != nil {
						ix.where = normPredicate(m[1])
					} else {
						t.Fatalf("sqlite: partial index %s without WHERE: %s", x.name, sql)
					}
				}
				s.indexes[x.name] = ix
			}
		}
		sort.Strings(s.uniques[tb])
		fks := map[int]*fkey{}
		query(t, d, `SELECT id, "table", "from", COALESCE("to", ''), on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq`, []any{tb},
			func(scan func(...any) error) error {
				var id int
				var ref, from, to, onDelete string
				if err := scan(&id, &ref, &from, &to, &onDelete); err != nil {
					return err
				}
				fk := fks[id]
				if fk == nil {
					fk = &fkey{refTable: ref, onDelete: onDelete}
					fks[id] = fk
				} else {
					fk.columns += ","
					fk.refColumns += ","
				}
				fk.columns += from
				fk.refColumns += to // "" (the parent's primary key) is resolved below
				return nil
			})
		for _, fk := range fks {
			s.fkeys[tb] = append(s.fkeys[tb], *fk)
		}
	}
	// REFERENCES parent without columns means the parent's primary key.
	for tb, fks := range s.fkeys {
		for i := range fks {
			if strings.Trim(fks[i].refColumns, ",") == "" {
				fks[i].refColumns = strings.Join(s.pk[fks[i].refTable], ",")
			}
		}
		sortFKs(s.fkeys[tb])
	}
	query(t, d, `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'`, nil,
		func(scan func(...any) error) error {
			var name, tb, sql string
			if err := scan(&name, &tb, &sql); err != nil {
				return err
			}
			m := sqliteTrigger.FindStringSubmatch(sql)
			if m == nil {
				return fmt.Errorf("trigger %s: cannot read %q", name, sql)
			}
			timing := strings.ToUpper(strings.Join(strings.Fields(m[1]), " "))
			if timing == "" {
				timing = "BEFORE" // SQLite's default
			}
			k := trigger{table: tb, timing: timing, event: strings.ToUpper(m[2]), orientation: "ROW"} // SQLite has row triggers only
			s.trigs[k] = append(s.trigs[k], name)
			return nil
		})
	return s
}

// readPostgres reads the schema of the current schema of a PostgreSQL
// database from information_schema and pg_catalog.
func readPostgres(t *testing.T, d *db.DB) *schema {
	t.Helper()
	s := newSchema()
	query(t, d, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO', COALESCE(c.column_default, ''), c.is_identity = 'YES'
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position`, nil,
		func(scan func(...any) error) error {
			var tb, typ string
			var c column
			var identity bool
			if err := scan(&tb, &c.name, &typ, &c.notNull, &c.dflt, &identity); err != nil {
				return err
			}
			c.typ = normType(db.Postgres, typ)
			if identity || strings.HasPrefix(c.dflt, "nextval(") {
				c.dflt = "<auto>" // GENERATED … AS IDENTITY, or a serial's sequence
			} else {
				c.dflt = normDefault(c.dflt)
			}
			s.columns[tb] = append(s.columns[tb], c)
			return nil
		})
	// Every index of the schema's tables, with whether a primary-key or
	// unique constraint owns it (those have generated names, so they are
	// compared by table and columns only).
	query(t, d, `SELECT t.relname, i.relname, x.indisunique, x.indisprimary,
			EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')),
			COALESCE(pg_get_expr(x.indpred, x.indrelid), ''),
			array_to_string(ARRAY(SELECT COALESCE(a.attname, '<expr>') FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0 ORDER BY k.n), ',')
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relkind = 'r'
		ORDER BY t.relname, i.relname`, nil,
		func(scan func(...any) error) error {
			var tb, name, where, cols string
			var unique, primary, constraint bool
			if err := scan(&tb, &name, &unique, &primary, &constraint, &where, &cols); err != nil {
				return err
			}
			switch {
			case primary:
				s.pk[tb] = strings.Split(cols, ",")
			case constraint:
				s.uniques[tb] = append(s.uniques[tb], cols)
			default:
				s.indexes[name] = index{table: tb, columns: strings.Split(cols, ","), unique: unique, where: normPredicate(where)}
			}
			return nil
		})
	for tb := range s.uniques {
		sort.Strings(s.uniques[tb])
	}
	query(t, d, `SELECT t.relname, r.relname, c.confdeltype,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), ','),
			array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n), ',')
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema()`, nil,
		func(scan func(...any) error) error {
			var tb, action string
			var fk fkey
			if err := scan(&tb, &fk.refTable, &action, &fk.columns, &fk.refColumns); err != nil {
				return err
			}
			fk.onDelete = fkAction[action]
			s.fkeys[tb] = append(s.fkeys[tb], fk)
			return nil
		})
	for tb := range s.fkeys {
		sortFKs(s.fkeys[tb])
	}
	query(t, d, `SELECT trigger_name, event_object_table, action_timing, event_manipulation, action_orientation
		FROM information_schema.triggers WHERE trigger_schema = current_schema()`, nil,
		func(scan func(...any) error) error {
			var name string
			var k trigger
			if err := scan(&name, &k.table, &k.timing, &k.event, &k.orientation); err != nil {
				return err
			}
			s.trigs[k] = append(s.trigs[k], name)
			return nil
		})
	return s
}

func sortFKs(fks []fkey) {
	sort.Slice(fks, func(i, j int) bool {
		if fks[i].columns != fks[j].columns {
			return fks[i].columns < fks[j].columns
		}
		return fks[i].refTable < fks[j].refTable
	})
}

func keys[M ~map[K]V, K interface{ ~string }, V any](m M) []K {
	var out []K
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (c column) String() string {
	s := c.typ
	if c.notNull {
		s += " NOT NULL"
	}
	if c.dflt != "" {
		s += " DEFAULT " + c.dflt
	}
	return s
}

func (x index) String() string {
	s := "ON " + x.table + " (" + strings.Join(x.columns, ", ") + ")"
	if x.unique {
		s = "UNIQUE " + s
	}
	if x.where != "" {
		s += " WHERE " + x.where
	}
	return s
}

func (k trigger) String() string {
	return k.table + " " + k.timing + " " + k.event + " " + k.orientation
}

// diffSchemas lists every difference between the SQLite (a) and the
// PostgreSQL (b) schema, one line each.
func diffSchemas(a, b *schema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, tb := range keys(a.columns) {
		if _, ok := b.columns[tb]; !ok {
			add("table %s: only in sqlite", tb)
		}
	}
	for _, tb := range keys(b.columns) {
		ca, ok := a.columns[tb]
		if !ok {
			add("table %s: only in postgres", tb)
			continue
		}
		cb := b.columns[tb]
		var na, nb []string
		for _, c := range ca {
			na = append(na, c.name)
		}
		for _, c := range cb {
			nb = append(nb, c.name)
		}
		if !slices.Equal(na, nb) {
			add("table %s: columns sqlite (%s), postgres (%s)", tb, strings.Join(na, ", "), strings.Join(nb, ", "))
		}
		byName := map[string]column{}
		for _, c := range cb {
			byName[c.name] = c
		}
		for _, x := range ca {
			if y, ok := byName[x.name]; ok && x != y {
				add("column %s.%s: sqlite %s, postgres %s", tb, x.name, x, y)
			}
		}
		if pa, pb := a.pk[tb], b.pk[tb]; !slices.Equal(pa, pb) {
			add("table %s: primary key sqlite (%s), postgres (%s)", tb, strings.Join(pa, ","), strings.Join(pb, ","))
		}
		if ua, ub := a.uniques[tb], b.uniques[tb]; !slices.Equal(ua, ub) {
			add("table %s: unique constraints sqlite %v, postgres %v", tb, ua, ub)
		}
		if fa, fb := a.fkeys[tb], b.fkeys[tb]; !slices.Equal(fa, fb) {
			add("table %s: foreign keys sqlite %v, postgres %v", tb, fa, fb)
		}
	}
	for _, name := range keys(a.indexes) {
		x := a.indexes[name]
		y, ok := b.indexes[name]
		switch {
		case !ok:
			add("index %s: only in sqlite (%s)", name, x)
		case x.String() != y.String():
			add("index %s: sqlite %s, postgres %s", name, x, y)
		}
	}
	for _, name := range keys(b.indexes) {
		if _, ok := a.indexes[name]; !ok {
			add("index %s: only in postgres (%s)", name, b.indexes[name])
		}
	}
	trigs := map[trigger]bool{}
	for k := range a.trigs {
		trigs[k] = true
	}
	for k := range b.trigs {
		trigs[k] = true
	}
	var tks []trigger
	for k := range trigs {
		tks = append(tks, k)
	}
	sort.Slice(tks, func(i, j int) bool { return tks[i].String() < tks[j].String() })
	for _, k := range tks {
		ta, tb := slices.Sorted(slices.Values(a.trigs[k])), slices.Sorted(slices.Values(b.trigs[k]))
		switch {
		case len(ta) == 0:
			add("trigger %s: only in postgres (%s)", k, strings.Join(tb, ", "))
		case len(tb) == 0:
			add("trigger %s: only in sqlite (%s)", k, strings.Join(ta, ", "))
		case !slices.Equal(ta, tb):
			add("trigger %s: sqlite %s, postgres %s", k, strings.Join(ta, ", "), strings.Join(tb, ", "))
		}
	}
	return out
}

// TestSchemaParity migrates a SQLite and a PostgreSQL database and
// compares their schemas (see the top of this file). Without
// FANGKONG_TEST_POSTGRES it checks only that the SQLite schema reads.
func TestSchemaParity(t *testing.T) {
	t.Parallel()
	lite := readSQLite(t, dbtest.SQLite(t))
	if len(lite.columns["people"]) == 0 || lite.indexes["people_name"].table != "people" ||
		len(lite.trigs[trigger{"audit_log", "BEFORE", "UPDATE", "ROW"}]) == 0 || len(lite.fkeys["people"]) == 0 {
		t.Fatalf("sqlite schema not read: people %v, indexes %v, triggers %v", lite.columns["people"], keys(lite.indexes), lite.trigs)
	}
	pg := readPostgres(t, dbtest.Postgres(t)) // skips when no server
	used := map[string]bool{}
	for _, d := range diffSchemas(lite, pg) {
		if _, ok := parityAllowed[d]; ok {
			used[d] = true
			continue
		}
		t.Error(d)
	}
	for _, d := range keys(parityAllowed) {
		if !used[d] {
			t.Errorf("parityAllowed lists a difference there no longer is: %s", d)
		}
	}
	t.Logf("compared %d tables, %d indexes, %d trigger events", len(pg.columns), len(pg.indexes), len(pg.trigs))
}

// TestSchemaParityDetects makes one change of each kind the parity test
// compares to a migrated database — SQLite always, PostgreSQL when
// configured — and checks that diffSchemas reports each change, and
// nothing else, against a SQLite database without them.
func TestSchemaParityDetects(t *testing.T) {
	t.Parallel()
	ref := `
		CREATE TABLE parity_a (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
		CREATE TABLE parity_b (k TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
		CREATE TABLE parity_c (k TEXT PRIMARY KEY, s TEXT NOT NULL DEFAULT '常住');
		CREATE TABLE parity_e (a TEXT NOT NULL, b TEXT NOT NULL, UNIQUE (a, b));
		CREATE TABLE parity_f (id INTEGER PRIMARY KEY, unit TEXT REFERENCES units (code));
		CREATE TABLE parity_h (k TEXT PRIMARY KEY, n INTEGER NOT NULL);
		CREATE INDEX parity_ix ON parity_a (v);
		CREATE UNIQUE INDEX parity_ux ON parity_b (n);
		CREATE INDEX parity_px ON parity_c (s) WHERE s <> '';
		CREATE INDEX parity_same ON parity_c (s, k) WHERE s <> '' AND k > 'a';`
	changed := map[db.Dialect]string{
		db.SQLite: `
		CREATE TABLE parity_a (id INTEGER PRIMARY KEY, v REAL NOT NULL);
		CREATE TABLE parity_b (k TEXT PRIMARY KEY, n INTEGER DEFAULT 0);
		CREATE TABLE parity_c (k TEXT PRIMARY KEY, s TEXT NOT NULL DEFAULT '');
		CREATE TABLE parity_e (a TEXT NOT NULL, b TEXT NOT NULL);
		CREATE TABLE parity_f (id INTEGER PRIMARY KEY, unit TEXT REFERENCES units (code) ON DELETE CASCADE);
		CREATE TABLE parity_g (k TEXT PRIMARY KEY);
		CREATE TABLE parity_h (k TEXT PRIMARY KEY, n INTEGER NOT NULL);
		CREATE INDEX parity_ix ON parity_a (v, id);
		CREATE INDEX parity_ux ON parity_b (n);
		CREATE INDEX parity_px ON parity_c (s);
		CREATE INDEX parity_same ON parity_c (s, k) WHERE s <> '' AND k > 'a';
		CREATE TRIGGER parity_t BEFORE DELETE ON parity_a BEGIN SELECT RAISE(ABORT, 'no'); END;`,
		db.Postgres: `
		CREATE TABLE parity_a (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v DOUBLE PRECISION NOT NULL);
		CREATE TABLE parity_b (k TEXT PRIMARY KEY, n BIGINT DEFAULT 0);
		CREATE TABLE parity_c (k TEXT PRIMARY KEY, s TEXT NOT NULL DEFAULT '');
		CREATE TABLE parity_e (a TEXT NOT NULL, b TEXT NOT NULL);
		CREATE TABLE parity_f (id BIGSERIAL PRIMARY KEY, unit TEXT REFERENCES units (code) ON DELETE CASCADE);
		CREATE TABLE parity_g (k TEXT PRIMARY KEY);
		CREATE TABLE parity_h (k TEXT PRIMARY KEY, n INTEGER NOT NULL);
		CREATE INDEX parity_ix ON parity_a (v, id);
		CREATE INDEX parity_ux ON parity_b (n);
		CREATE INDEX parity_px ON parity_c (s);
		CREATE INDEX parity_same ON parity_c (s, k) WHERE s <> '' AND k > 'a';
		CREATE FUNCTION parity_t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
		CREATE TRIGGER parity_t BEFORE DELETE ON parity_a FOR EACH ROW EXECUTE FUNCTION parity_t();`,
	}
	want := []string{
		"column parity_a.v: sqlite text NOT NULL, postgres float NOT NULL",
		"column parity_b.n: sqlite int NOT NULL DEFAULT 0, postgres int DEFAULT 0",
		"column parity_c.s: sqlite text NOT NULL DEFAULT '常住', postgres text NOT NULL DEFAULT ''",
		"table parity_e: unique constraints sqlite [a,b], postgres []",
		"table parity_f: foreign keys sqlite [{unit units code NO ACTION}], postgres [{unit units code CASCADE}]",
		"table parity_g: only in postgres",
		"index parity_ix: sqlite ON parity_a (v), postgres ON parity_a (v, id)",
		"index parity_px: sqlite ON parity_c (s) WHERE s <> '', postgres ON parity_c (s)",
		"index parity_ux: sqlite UNIQUE ON parity_b (n), postgres ON parity_b (n)",
		"trigger parity_a BEFORE DELETE ROW: only in postgres (parity_t)",
	}
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		a := dbtest.SQLite(t)
		if _, err := a.W().Exec(ref); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W().Exec(changed[d.Dialect]); err != nil {
			t.Fatal(err)
		}
		read := readSQLite
		if d.Dialect == db.Postgres {
			read = readPostgres
		}
		var got []string
		for _, line := range diffSchemas(readSQLite(t, a), read(t, d)) {
			if _, ok := parityAllowed[line]; !ok || d.Dialect != db.Postgres {
				got = append(got, line)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("differences reported:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	})
}
