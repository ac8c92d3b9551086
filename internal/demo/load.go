package demo

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/place"
	"fangkong/internal/registry"
	"fangkong/internal/summary"
)

// CountyCode is the demo county: 西安市鄠邑区.
const CountyCode = "610118"

//go:embed regions/*.csv.gz
var regionFiles embed.FS

// Regions reads the embedded division codes of the demo county (an extract
// of ../shared/data, in the same five-file layout).
func Regions(name string) (io.ReadCloser, error) { return regionFiles.Open("regions/" + name) }

// demoCounty is the demo county's scope. Loading the demo is a system job:
// it acts for no signed-in user, so it cuts the county from the whole
// country.
func demoCounty() jurisdiction.Scope {
	s, err := jurisdiction.System("demo loader").Narrow(CountyCode)
	if err != nil {
		panic(err) // CountyCode is a constant division code
	}
	return s
}

// Login is a demo account.
type Login struct {
	Username string
	Password string
	Role     auth.Role
	UnitCode string
	UnitName string
}

// Options tune the demo.
type Options struct {
	People int   // default 550,000
	Seed   int64 // default 20211223
	Now    func() time.Time
	// SkipSampling leaves out the testing round in progress (全员核酸).
	SkipSampling bool
	// Phase, when set, is told how long each part of the demo took.
	Phase func(name string, took time.Duration)
	// Summaries are the domains' summaries the demo's daily reports are
	// compiled from (App.SummarySources); nil: quarantine sites only.
	Summaries []summary.Source
	// Places resolves place names and division codes (地名解析), so that
	// the demo's check log and lists carry names (北京市朝阳区, not
	// 110105); nil: codes only, as without the data files.
	Places *place.Resolver
}

// places is opt.Places, or a resolver that knows codes only.
func (o Options) places() *place.Resolver {
	if o.Places != nil {
		return o.Places
	}
	return place.CodesOnly()
}

// Loaded reports whether the demo county is already in the database.
func Loaded(ctx context.Context, d *db.DB) (bool, error) {
	var v string
	err := d.R().QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'demo_county'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Load fills an empty database with the demo county: its real division
// codes, a synthetic population with groups, grids and responsible people,
// and one login per role. It returns the logins.
func Load(ctx context.Context, d *db.DB, units *jurisdiction.Store, users *auth.Service, opt Options) ([]Login, error) {
	if opt.People == 0 {
		opt.People = 550_000
	}
	if opt.Seed == 0 {
		opt.Seed = 20211223
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if _, err := units.ImportRegions(ctx, Regions, CountyCode); err != nil {
		return nil, err
	}
	scope := demoCounty()
	vs, err := units.Units(ctx, scope, jurisdiction.LevelVillage)
	if err != nil {
		return nil, err
	}
	villages := make([]Village, len(vs))
	for i, v := range vs {
		villages[i] = Village{Code: v.Code, Name: v.Name}
	}
	cfg := PopulationConfig{Seed: opt.Seed, CountyCode: CountyCode, Villages: villages, People: opt.People, Today: clock.Day(opt.Now())}
	var logins []Login
	// The demo's parts in order, each timed (Options.Phase reports them).
	steps := []struct {
		name string
		run  func() error
	}{
		{"population", func() error {
			return d.Tx(ctx, func(tx *sql.Tx) error { return loadPopulation(ctx, d, tx, cfg, opt.Now().UnixMilli()) })
		}},
		{"returnees", func() error { return loadReturnees(ctx, d, opt.Seed, opt.Now) }},
		{"logins", func() (err error) { logins, err = createLogins(ctx, d, units, users); return err }},
		{"push lists", func() error { return loadPushLists(ctx, d, units, opt.places(), opt.Now(), opt.Seed) }},
		{"sites", func() error { return loadSites(ctx, d, units, opt.Now) }},
		{"measures", func() error { return loadMeasures(ctx, d, opt.Now) }},
		{"sentinels", func() error { return loadSentinels(ctx, d, units, users, opt.Now) }},
		{"checkpoints", func() error { return loadCheckpoints(ctx, d, units, opt.places(), opt.Now) }},
		{"testing round", func() error {
			if opt.SkipSampling {
				return nil
			}
			return loadSampling(ctx, d, units, opt.Now())
		}},
		{"outbreak", func() error { return loadTracing(ctx, d, units, opt.places(), opt.Now, opt.Seed, opt.People) }},
		{"command centre", func() error { return loadCommand(ctx, d, units, opt.Now, opt.Summaries, opt.Seed) }},
		{"statistics", func() error { return d.AnalyzeAll(ctx) }}, // for the planner: searches of a million people
	}
	for _, st := range steps {
		start := time.Now()
		if err := st.run(); err != nil {
			return nil, fmt.Errorf("load demo %s: %w", st.name, err)
		}
		if opt.Phase != nil {
			opt.Phase(st.name, time.Since(start))
		}
	}
	_, err = d.W().ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('demo_county', $1)", CountyCode)
	return logins, err
}

// loader bulk-inserts the generated population inside one transaction.
type loader struct {
	ctx            context.Context
	d              *db.DB
	tx             *sql.Tx
	now            int64
	units, hh, ppl *db.Inserter
	resp           *db.Inserter
	ids            []int64
	grids          map[string][]int64 // village → grid ids
	cadres         map[string][]registry.Person
	pendingH       []registry.Household
	pendingP       [][]registry.Person
}

func loadPopulation(ctx context.Context, d *db.DB, tx *sql.Tx, cfg PopulationConfig, now int64) error {
	l := &loader{ctx: ctx, d: d, tx: tx, now: now, grids: map[string][]int64{}, cadres: map[string][]registry.Person{}}
	var err error
	if l.units, err = d.NewInserter(ctx, tx, "units", []string{"code", "parent_code", "level", "name", "kind", "created_at"}, ""); err != nil {
		return err
	}
	if l.hh, err = d.NewInserter(ctx, tx, "households", []string{"id", "no", "unit_code", "grid_id", "address", "phone",
		"cadre_name", "cadre_phone", "version", "created_at", "updated_at"}, ""); err != nil {
		return err
	}
	if l.ppl, err = d.NewInserter(ctx, tx, "people", []string{"id_number", "name", "sex", "birth_date", "phone", "household_id", "relation",
		"unit_code", "residence", "groups", "note", "version", "created_at", "updated_at"}, ""); err != nil {
		return err
	}
	if l.resp, err = d.NewInserter(ctx, tx, "responsibles", []string{"unit_code", "grid_id", "duty", "name", "phone", "created_at"}, ""); err != nil {
		return err
	}
	groupsDone := false
	err = Generate(cfg, func(g Group) error {
		kind := "村民小组"
		if strings.Contains(g.Name, "小区") || strings.HasSuffix(g.Name, "院") {
			kind = "小区"
		}
		return l.units.Add(g.Code, g.VillageCode, jurisdiction.LevelGroup, g.Name, kind, now)
	}, func(h registry.Household, members []registry.Person) error {
		if !groupsDone {
			groupsDone = true
			if err := l.units.Close(); err != nil {
				return err
			}
		}
		return l.household(h, members)
	})
	if err != nil {
		return err
	}
	if err := l.flush(); err != nil {
		return err
	}
	if err := l.hh.Close(); err != nil {
		return err
	}
	if err := l.ppl.Close(); err != nil {
		return err
	}
	if err := l.responsibles(cfg.Villages); err != nil {
		return err
	}
	return l.resp.Close()
}

func (l *loader) household(h registry.Household, members []registry.Person) error {
	village := jurisdiction.VillageOf(h.UnitCode)
	grids, ok := l.grids[village]
	if !ok {
		var err error
		if grids, err = l.makeGrids(village); err != nil {
			return err
		}
	}
	if len(l.ids) == 0 {
		var err error
		if err = l.flush(); err != nil { // SQLite allocates after MAX(id): insert first
			return err
		}
		if l.ids, err = l.d.AllocIDs(l.ctx, l.tx, "households", 5000); err != nil {
			return err
		}
	}
	h.ID, l.ids = l.ids[0], l.ids[1:]
	h.GridID = grids[int(h.ID)%len(grids)]
	for _, m := range members {
		if len(l.cadres[village]) < 8 && m.Phone != "" && ageBetween(m.BirthDate, 28, 58) {
			l.cadres[village] = append(l.cadres[village], m)
		}
	}
	if c := l.cadres[village]; len(c) >= 2 {
		h.CadreName, h.CadrePhone = c[1].Name, c[1].Phone // the village's 村干部包户
	}
	l.pendingH = append(l.pendingH, h)
	l.pendingP = append(l.pendingP, members)
	if len(l.pendingH) >= 1000 {
		return l.flush()
	}
	return nil
}

// flush writes the pending households, then their members (PostgreSQL
// checks the household key of every person as it arrives).
func (l *loader) flush() error {
	for _, h := range l.pendingH {
		if err := l.hh.Add(h.ID, h.No, h.UnitCode, h.GridID, h.Address, h.Phone, h.CadreName, h.CadrePhone, 1, l.now, l.now); err != nil {
			return err
		}
	}
	if err := l.hh.Flush(); err != nil {
		return err
	}
	for i, ms := range l.pendingP {
		for _, p := range ms {
			if err := l.ppl.Add(p.IDNumber, p.Name, p.Sex, p.BirthDate, p.Phone, l.pendingH[i].ID, p.Relation, p.UnitCode,
				p.Residence, int64(p.Groups), p.Note, 1, l.now, l.now); err != nil {
				return err
			}
		}
	}
	l.pendingH, l.pendingP = l.pendingH[:0], l.pendingP[:0]
	return nil
}

var gridNames = []string{"第一网格", "第二网格", "第三网格", "第四网格"}

func (l *loader) makeGrids(village string) ([]int64, error) {
	n := 2 + int(village[len(village)-1]-'0')%3
	ids := make([]int64, 0, n)
	for _, name := range gridNames[:n] {
		var id int64
		if err := l.tx.QueryRowContext(l.ctx, "INSERT INTO grids (village_code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
			village, name, l.now).Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	l.grids[village] = ids
	return ids, nil
}

// responsibles names, from each village's own adults, a grid worker per
// grid, a grid leader and a cadre for households; the township duties go to
// adults of the township's first village (its seat).
func (l *loader) responsibles(villages []Village) error {
	add := func(unit string, grid any, duty string, p registry.Person) error {
		return l.resp.Add(unit, grid, duty, p.Name, p.Phone, l.now)
	}
	seat := map[string][]registry.Person{} // township → adults of its first village
	for _, v := range villages {
		if _, ok := seat[v.Code[:9]]; !ok && len(l.cadres[v.Code]) >= 8 {
			seat[v.Code[:9]] = l.cadres[v.Code]
			if err := add(v.Code[:9], nil, "县级领导包镇", l.cadres[v.Code][7]); err != nil {
				return err
			}
		}
	}
	for i, v := range villages {
		c := l.cadres[v.Code]
		if len(c) < 4 {
			continue
		}
		if err := add(v.Code, nil, "网格长", c[0]); err != nil {
			return err
		}
		if err := add(v.Code, nil, "村干部包户", c[1]); err != nil {
			return err
		}
		for j, g := range l.grids[v.Code] {
			if err := add(v.Code, g, "网格员", c[(2+j)%len(c)]); err != nil {
				return err
			}
		}
		if s := seat[v.Code[:9]]; len(s) >= 8 {
			if err := add(v.Code, nil, "镇干部包村", s[4+i%3]); err != nil {
				return err
			}
		}
	}
	return nil
}

func ageBetween(birth string, lo, hi int) bool {
	age := personal.AgeOn(birth, clock.Day(time.Now()))
	return age >= lo && age <= hi
}

// createLogins adds one account per role, bound to a unit fitting the role.
func createLogins(ctx context.Context, d *db.DB, units *jurisdiction.Store, users *auth.Service) ([]Login, error) {
	scope := demoCounty()
	towns, err := units.Children(ctx, scope, CountyCode)
	if err != nil || len(towns) == 0 {
		return nil, fmt.Errorf("demo logins: no townships (%v)", err)
	}
	town := towns[0]
	villages, err := units.Children(ctx, scope, town.Code)
	if err != nil || len(villages) == 0 {
		return nil, fmt.Errorf("demo logins: no villages (%v)", err)
	}
	village := villages[0]
	county, err := units.Get(ctx, scope, CountyCode)
	if err != nil {
		return nil, err
	}
	plan := []struct {
		user, name string
		role       auth.Role
		unit       jurisdiction.Unit
	}{
		{"zhihuibu", "县指挥部值班员", auth.RoleCommand, county},
		{"zhenjie", "镇街干部", auth.RoleTownship, town},
		{"wanggeyuan", "网格员", auth.RoleVillage, village},
		{"kakou", "卡口值守", auth.RoleCheckpoint, county},
		{"shaodian", "村卫生室医生", auth.RoleSentinel, town},
		{"hesuan", "核酸采样队", auth.RoleSampling, county},
		{"gelidian", "隔离点管理员", auth.RoleSite, county},
		{"liudiao", "流调队员", auth.RoleTracing, county},
		{"ducha", "督查组", auth.RoleInspector, county},
		{"admin", "系统管理员", auth.RoleAdmin, county},
	}
	system := audit.Actor{Username: "demo", Role: string(auth.RoleAdmin), Unit: CountyCode}
	var out []Login
	for _, p := range plan {
		pw := "Demo-" + p.user + "-2026"
		if _, err := users.CreateUser(ctx, system, scope, auth.NewUser{Username: p.user, DisplayName: p.name, Role: p.role,
			UnitCode: p.unit.Code, Password: pw}); err != nil {
			return nil, fmt.Errorf("demo login %s: %w", p.user, err)
		}
		out = append(out, Login{Username: p.user, Password: pw, Role: p.role, UnitCode: p.unit.Code, UnitName: p.unit.Name})
	}
	return out, nil
}

// DemoLogins lists the demo accounts without touching the database (for
// printing on a second run).
func DemoLogins(ctx context.Context, users *auth.Service) []Login {
	var out []Login
	for _, name := range []string{"zhihuibu", "zhenjie", "wanggeyuan", "kakou", "shaodian", "hesuan", "gelidian", "liudiao", "ducha", "admin"} {
		u, err := users.ByUsername(ctx, name)
		if err != nil {
			continue
		}
		out = append(out, Login{Username: name, Password: "Demo-" + name + "-2026", Role: u.Role, UnitCode: u.UnitCode})
	}
	return out
}
