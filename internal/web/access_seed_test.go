package web_test

// The world of the access matrix (access_test.go): the fixture tree plus a
// county outside it, one household of two people, a grid and a responsible
// person in each of four villages, one account per role, and helpers that
// send a request and check what came back.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fangkong/internal/app"
	"fangkong/internal/apptest"
	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// A county outside the fixture's 鄠邑区, so that even the command post has
// something it must not see.
const (
	farCounty   = "610124"
	farTownship = "610124100"
	farVillage  = "610124100001"
)

// rec is the data seeded in one village.
type rec struct {
	key, unit    string
	hh           registry.Household
	head, member registry.Person
	grid         jurisdiction.Grid
	resp         jurisdiction.Responsible
	holder       auth.User // a village account there, never logged in
	// extra holds IDs and values that features seed in this village
	// (featureSeeds); extraLeaks are strings of those records that must
	// never reach anyone outside the village's scope.
	extra      map[string]string
	extraLeaks []string
}

var recordSeeds = []struct {
	key, unit, head, member, headID, memberID, phone, hhPhone, address, grid, resp, respPhone string
}{
	{"A", dbtest.VillageA, "西街王五", "西街王六", "61011819800101001", "61011820100202002", "13800001001", "15100001001", "西街社区1号楼", "西街第一网格", "责任人西街", "18800001001"},
	{"A2", dbtest.VillageA2, "邻村张三", "邻村张四", "61011819750505003", "61011820050808004", "13900002002", "15100002002", "东街社区8号院", "东街第八网格", "责任人东街", "18800002002"},
	{"B", dbtest.VillageB, "邻镇李四", "邻镇李七", "61011819660606005", "61011819950909006", "13700003003", "15100003003", "余下村3组12号", "余下第三网格", "责任人余下", "18800003003"},
	{"F", farVillage, "外县赵一", "外县赵二", "61012419700707007", "61012420001010008", "13600004004", "15100004004", "哑柏村5组7号", "哑柏第五网格", "责任人哑柏", "18800004004"},
}

// principal is a logged-in account: a browser session and an API token.
type principal struct {
	name, username string
	user           auth.User
	home           string // key of a record inside the scope
	sess, token    *apptest.Client
}

// One account per role; the TownshipA roles cannot see VillageB, nobody sees
// the far county.
var principalSeeds = []struct {
	name string
	role auth.Role
	unit string
	home string
}{
	{"command", auth.RoleCommand, dbtest.County, "A"},
	{"township", auth.RoleTownship, dbtest.TownshipA, "A"},
	{"village", auth.RoleVillage, dbtest.VillageA, "A"},
	{"village2", auth.RoleVillage, dbtest.VillageA2, "A2"},
	{"checkpoint", auth.RoleCheckpoint, dbtest.TownshipA, "A"},
	{"sentinel", auth.RoleSentinel, dbtest.TownshipA, "A"},
	{"sampling", auth.RoleSampling, dbtest.TownshipA, "A"},
	{"site", auth.RoleSite, dbtest.TownshipA, "A"},
	{"tracing", auth.RoleTracing, dbtest.TownshipA, "A"},
	{"inspector", auth.RoleInspector, dbtest.TownshipA, "A"},
	{"admin", auth.RoleAdmin, dbtest.TownshipA, "A"},
}

// allUnits are the unit targets of the sweep: every code of the tree.
var allUnits = []string{"61", "6101", dbtest.County, dbtest.TownshipA, dbtest.TownshipB, dbtest.VillageA, dbtest.VillageA2,
	dbtest.VillageB, dbtest.GroupA1, farCounty, farTownship, farVillage}

type world struct {
	t            *testing.T
	e            *apptest.Env
	d            *db.DB
	recs         []*rec
	principals   []*principal
	foreignToken int64 // an API token of another account (h_a)
	n            int   // counter for unique names
	counts       map[string]int
}

var seedActor = audit.Actor{Username: "seed", Role: "admin"}

func seedWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	dbtest.Tree(t, d)
	for _, u := range []struct {
		code, parent string
		level        int
		name         string
	}{{farCounty, "6101", 3, "周至县"}, {farTownship, farCounty, 4, "哑柏镇"}, {farVillage, farTownship, 5, "哑柏村委会"}} {
		if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, '', 0)",
			u.code, u.parent, u.level, u.name); err != nil {
			t.Fatal(err)
		}
	}
	// The matrix looks each seeded person up many times a minute per account.
	e := apptest.StartWith(t, d, func(c *app.Config) { c.LookupsPerMinute = 100000 })
	w := &world{t: t, e: e, d: d, counts: map[string]int{}}
	ctx, all := context.Background(), jurisdiction.System("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tails := map[string]string{}
	for _, s := range recordSeeds {
		r := &rec{key: s.key, unit: s.unit, extra: map[string]string{}}
		var err error
		r.grid, err = e.App.Units.AddGrid(ctx, all, s.unit, s.grid)
		must(err)
		r.hh, err = e.App.Registry.CreateHousehold(ctx, seedActor, all, registry.Household{UnitCode: s.unit, GridID: r.grid.ID, Address: s.address, Phone: s.hhPhone})
		must(err)
		r.head, err = e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: s.head, IDNumber: dbtest.ID(s.headID),
			Phone: s.phone, HouseholdID: r.hh.ID, Relation: "户主"})
		must(err)
		r.member, err = e.App.Registry.CreatePerson(ctx, seedActor, all, registry.Person{Name: s.member, IDNumber: dbtest.ID(s.memberID),
			HouseholdID: r.hh.ID, Relation: "子女"})
		must(err)
		r.resp, err = e.App.Units.AddResponsible(ctx, all, jurisdiction.Responsible{UnitCode: s.unit, GridID: r.grid.ID, Duty: "网格长", Name: s.resp, Phone: s.respPhone})
		must(err)
		r.holder = e.AddUser(t, "h_"+strings.ToLower(s.key), auth.RoleVillage, s.unit)
		for _, id := range []string{r.head.IDNumber, r.member.IDNumber} {
			if other, dup := tails[id[14:]]; dup {
				t.Fatalf("seed: ID numbers %s and %s share their last 4 characters", id, other)
			}
			tails[id[14:]] = id
		}
		w.recs = append(w.recs, r)
	}
	_, tok, err := e.App.Auth.CreateToken(ctx, w.recs[0].holder, "foreign")
	must(err)
	w.foreignToken = tok.ID
	for _, ri := range auth.Roles {
		found := false
		for _, ps := range principalSeeds {
			found = found || ps.role == ri.Role
		}
		if !found {
			t.Fatalf("role %s has no account in the access matrix", ri.Role)
		}
	}
	for _, ps := range principalSeeds {
		p := &principal{name: ps.name, username: "p_" + ps.name, home: ps.home}
		p.user = e.AddUser(t, p.username, ps.role, ps.unit)
		p.sess = e.Login(t, p.username, apptest.Password)
		p.token = e.TokenClient(t, p.user)
		w.principals = append(w.principals, p)
	}
	for _, f := range append(featureSeeds, lateSeeds...) {
		f(w)
	}
	// The audit log gets an entry about a VillageB person, seen from the county.
	if st, _ := w.principal("command").sess.Get(fmt.Sprintf("/people/%d", w.rec("B").head.ID)); st != http.StatusOK {
		t.Fatalf("command viewing a VillageB person: status %d", st)
	}
	return w
}

func (w *world) rec(key string) *rec {
	for _, r := range w.recs {
		if r.key == key {
			return r
		}
	}
	w.t.Fatalf("no record %s", key)
	return nil
}

func (w *world) principal(name string) *principal {
	for _, p := range w.principals {
		if p.name == name {
			return p
		}
	}
	w.t.Fatalf("no principal %s", name)
	return nil
}

func (w *world) filter(keep func(*rec) bool) []*rec {
	var out []*rec
	for _, r := range w.recs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func (w *world) uniq(prefix string) string { w.n++; return fmt.Sprintf("%s%d", prefix, w.n) }

// tempPerson registers a person without ID number (merge fodder).
func (w *world) tempPerson(unit string) int64 {
	p, err := w.e.App.Registry.CreatePerson(context.Background(), seedActor, jurisdiction.System("test"), registry.Person{
		Name: w.uniq("临时"), Sex: "男", BirthDate: "1990-01-01", UnitCode: unit})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

func (w *world) tempResponsible(unit string) int64 {
	r, err := w.e.App.Units.AddResponsible(context.Background(), jurisdiction.System("test"), jurisdiction.Responsible{
		UnitCode: unit, Duty: "网格员", Name: w.uniq("临时责任人"), Phone: "18800009999"})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ID
}

func (w *world) version(table string, id int64) int64 {
	var v int64
	if err := w.d.R().QueryRow("SELECT version FROM "+table+" WHERE id = $1", id).Scan(&v); err != nil {
		w.t.Fatal(err)
	}
	return v
}

func (w *world) tempHousehold(unit string) int64 {
	h, err := w.e.App.Registry.CreateHousehold(context.Background(), seedActor, jurisdiction.System("test"), registry.Household{
		UnitCode: unit, Address: w.uniq("临时住址")})
	if err != nil {
		w.t.Fatal(err)
	}
	return h.ID
}

func (w *world) count(query string, args ...any) int {
	var n int
	if err := w.d.R().QueryRow(query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// fingerprint summarises every row an access-controlled write may touch.
func (w *world) fingerprint() string {
	parts := []string{"COUNT(*) FROM people", "SUM(version) FROM people", "COUNT(*) FROM households", "SUM(version) FROM households",
		"COUNT(*) FROM grids", "COUNT(*) FROM units", "COUNT(*) FROM responsibles", "COUNT(*) FROM users", "SUM(disabled) FROM users",
		"SUM(updated_at) FROM users", "COUNT(*) FROM person_merges", "COUNT(*) FROM api_tokens", "COUNT(*) FROM api_tokens WHERE revoked_at <> 0"}
	parts = append(parts, fingerprintParts...)
	cols := make([]string, len(parts))
	for i, p := range parts {
		agg, from, _ := strings.Cut(p, " FROM ")
		cols[i] = fmt.Sprintf("(SELECT CAST(COALESCE(%s, 0) AS TEXT) FROM %s)", agg, from)
	}
	vals := make([]string, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := w.d.R().QueryRow("SELECT " + strings.Join(cols, ", ")).Scan(dest...); err != nil {
		w.t.Fatal(err)
	}
	return strings.Join(vals, "/")
}

func maskID(id string) string   { return id[:4] + strings.Repeat("*", 10) + id[14:] }
func maskPhone(p string) string { return p[:3] + "****" + p[7:] }
func (r *rec) names() []string  { return []string{r.head.Name, r.member.Name} }
func (r *rec) masked() []string { return []string{maskID(r.head.IDNumber), maskID(r.member.IDNumber)} }
func (r *rec) fullIDs() []string {
	return []string{r.head.IDNumber, r.member.IDNumber, r.head.Phone, r.hh.Phone}
}
func (r *rec) unitData() []string  { return []string{r.grid.Name, r.resp.Name, r.resp.Phone} }
func (r *rec) householdID() string { return fmt.Sprint(r.hh.ID) }
func (r *rec) headID() string      { return fmt.Sprint(r.head.ID) }
func (r *rec) leaks() []string {
	return append(append(append(append(r.names(), r.masked()...), r.fullIDs()...), r.hh.No, r.hh.Address), r.extraLeaks...)
}

// --- requests and checks

// want is the expected outcome of one request.
type want struct {
	status      int
	has, hasNot []string
	xlsx        bool // a 200 body is an XLSX workbook; has/hasNot apply to its cells
	check       func(body string) error
}

func ok(status int, has ...string) want { return want{status: status, has: has} }

// checked adds a check of the body.
func (x want) checked(f func(body string) error) want { x.check = f; return x }

func (x want) not(s ...string) want {
	x.hasNot = append(append([]string(nil), x.hasNot...), s...)
	return x
}

// variant is one request of a spec, with its outcome inside and outside scope.
type variant struct {
	method, path string
	form         url.Values // a page's form; else body is sent as one
	body         any        // API JSON
	file         []byte     // import upload
	via          *apptest.Client
	in, out      want
	pure         bool         // a successful write that changes no row (logout)
	after        func() error // checked after a successful request
}

func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") }

func send(c *apptest.Client, v variant) (int, string) {
	switch {
	case v.file != nil:
		return c.Upload(v.path, "ledger.csv", v.file, map[string]string{"mode": "all"})
	case isAPI(v.path):
		return c.API(v.method, v.path, v.body)
	case v.method == http.MethodGet:
		return c.Get(v.path)
	}
	form := v.form
	if body, isMap := v.body.(map[string]any); isMap && form == nil {
		form = url.Values{}
		for k, val := range body {
			form.Set(k, fmt.Sprint(val))
		}
	}
	return c.Post(v.path, form)
}

// verify lists what is wrong with a response.
func verify(v variant, exp want, status int, body string) []string {
	var bad []string
	if status != exp.status {
		return []string{fmt.Sprintf("status %d, want %d", status, exp.status)}
	}
	text := body
	if exp.xlsx && status == http.StatusOK {
		var err error
		if text, err = sheetText([]byte(body)); err != nil {
			return []string{"export: " + err.Error()}
		}
	}
	if isAPI(v.path) && status >= 400 && status != http.StatusUnprocessableEntity && !strings.Contains(body, `"error"`) {
		bad = append(bad, "API error without a JSON error")
	}
	echo := ""
	if u, err := url.Parse(v.path); err == nil && !isAPI(v.path) {
		for _, vals := range u.Query() {
			echo += strings.Join(vals, "\x00") + "\x00"
		}
	}
	for _, s := range exp.has {
		if !strings.Contains(text, s) {
			bad = append(bad, fmt.Sprintf("missing %q", s))
		}
	}
	for _, s := range exp.hasNot {
		if strings.Contains(text, s) && !strings.Contains(echo, s) { // a page may echo its own query
			bad = append(bad, fmt.Sprintf("leaks %q", s))
		}
	}
	if exp.check != nil {
		if err := exp.check(body); err != nil {
			bad = append(bad, err.Error())
		}
	}
	return bad
}

// sheetText opens an XLSX export and returns its cells, tab- and line-separated.
func sheetText(b []byte) (string, error) {
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return "", fmt.Errorf("not an XLSX file: %.80q", b)
	}
	rd, err := sheet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", err
	}
	defer rd.Close()
	var sb strings.Builder
	sb.WriteString(strings.Join(rd.Header(), "\t"))
	for rd.Next() {
		sb.WriteString("\n" + strings.Join(rd.Row(), "\t"))
	}
	return sb.String(), rd.Err()
}

// anonymous sends v without credentials: pages must send the browser to the
// login page, the API must answer 401 in JSON.
func (w *world) anonymous(v variant) []string {
	var body *strings.Reader
	if v.method == http.MethodGet {
		body = strings.NewReader("")
	} else {
		body = strings.NewReader(url.Values{"x": {"1"}}.Encode())
	}
	req, _ := http.NewRequest(v.method, w.e.Server.URL+v.path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return []string{err.Error()}
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if isAPI(v.path) {
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(b.String(), `"error"`) {
			return []string{fmt.Sprintf("status %d %s, want 401 JSON", resp.StatusCode, resp.Header.Get("Content-Type"))}
		}
		return nil
	}
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		return []string{fmt.Sprintf("status %d to %q, want 303 to /login", resp.StatusCode, loc)}
	}
	return nil
}

// declaredRoutes are the page and API routes of the app's route table:
// pattern → the capability it needs.
func declaredRoutes(t *testing.T) map[string]auth.Capability {
	e := apptest.Start(t, dbtest.SQLite(t))
	out := map[string]auth.Capability{}
	for _, rt := range e.App.Web.Routes() {
		if rt.Kind == web.KindPage || rt.Kind == web.KindAPI {
			out[rt.Pattern] = rt.Cap
		}
	}
	if len(out) < 40 {
		t.Fatalf("the route table has only %d routes", len(out))
	}
	return out
}
