// Package demo generates a deterministic synthetic population for the demo
// county: villages and communities, their groups and estates, households and
// people with valid ID numbers, phones, residence statuses and special groups.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/registry"
)

// Village is one village committee (村委会) or community (社区居委会) of the demo county.
type Village struct {
	Code string // 12-digit division code, e.g. "610118001001"
	Name string // e.g. "西街社区居委会" or "太平村委会"
}

// Group is a 村民小组 (rural village) or 小区 (community) under a village.
type Group struct {
	Code        string // village code + 3 digits, "001".. e.g. "610118001001001"
	Name        string // "一组", "二组" … for villages; an estate name such as "滨河花园" or "3号院" for communities
	VillageCode string
}

// PopulationConfig says what to generate.
type PopulationConfig struct {
	Seed       int64
	CountyCode string // 6 digits, e.g. "610118"; the ID-number prefix of everyone born here
	Villages   []Village
	People     int    // target total people, e.g. 550000
	Today      string // "YYYY-MM-DD": ages are computed against this date
}

// gen holds the state of one generation run.
type gen struct {
	rng      *rand.Rand
	county   string
	today    time.Time
	epochDay int64    // first day covered by usedIDs
	usedIDs  []uint64 // bit (day-epochDay)*1000+seq: birth date and sequence taken
	phones   map[uint64]struct{}
	estates  map[string]bool // estate names used in the county
	local    []string        // the current village's common surnames
}

// village is a village with its generation plan.
type village struct {
	Village
	community bool
	people    int
	groups    []*group
	weights   []float64 // cumulative group weights
}

// group is a Group with the state of its address numbering.
type group struct {
	Group
	prefix string // rural: "太平村三组"; community: the estate name
	// Rural: next house number. Community: current building/unit/floor/door.
	next                       int
	bld, unit, floor, door     int
	floors, units, doorsPerFlr int
}

// Generate emits groups first (all of them, via groupFn), then households one
// by one with their members (hhFn), deterministically for a given config.
// Household.ID and Person.ID are left 0; Household.No is
// "<villageCode>-<4-digit sequence within village>", Household.UnitCode is the
// group code, Person.UnitCode equals its household's UnitCode. The total number
// of people equals cfg.People.
func Generate(cfg PopulationConfig, groupFn func(Group) error, hhFn func(h registry.Household, members []registry.Person) error) error {
	if len(cfg.CountyCode) != 6 || !digits(cfg.CountyCode) {
		return errors.New("demo: county code must be 6 digits")
	}
	today, err := time.Parse(time.DateOnly, cfg.Today)
	if err != nil {
		return fmt.Errorf("demo: bad Today: %w", err)
	}
	if cfg.People < 0 {
		return errors.New("demo: negative People")
	}
	for _, v := range cfg.Villages {
		if len(v.Code) != 12 || !digits(v.Code) {
			return fmt.Errorf("demo: village code %q must be 12 digits", v.Code)
		}
	}
	if len(cfg.Villages) == 0 && cfg.People > 0 {
		return errors.New("demo: no villages")
	}
	g := &gen{
		rng:     rand.New(rand.NewPCG(uint64(cfg.Seed), 0x66616e676b6f6e67)),
		county:  cfg.CountyCode,
		today:   today,
		phones:  make(map[uint64]struct{}, cfg.People),
		estates: make(map[string]bool),
	}
	epoch := today.AddDate(-101, 0, 0)
	g.epochDay = epoch.Unix() / 86400
	days := today.Unix()/86400 - g.epochDay + 1
	g.usedIDs = make([]uint64, (days*1000+63)/64)

	vs := g.plan(cfg)
	for _, v := range vs {
		for _, gr := range v.groups {
			if err := groupFn(gr.Group); err != nil {
				return err
			}
		}
	}
	for _, v := range vs {
		g.local = g.local[:0]
		for len(g.local) < 3 {
			g.local = append(g.local, g.surname())
		}
		seq := 0
		for left := v.people; left > 0; {
			n := min(g.householdSize(), left)
			left -= n
			seq++
			if err := g.household(v, seq, n, hhFn); err != nil {
				return err
			}
		}
	}
	return nil
}

// plan sizes the villages and lays out their groups.
func (g *gen) plan(cfg PopulationConfig) []*village {
	vs := make([]*village, len(cfg.Villages))
	w := make([]float64, len(vs))
	sum := 0.0
	for i, v := range cfg.Villages {
		vs[i] = &village{Village: v, community: strings.Contains(v.Name, "社区")}
		if vs[i].community {
			w[i] = 1.2 + 0.8*g.rng.Float64()
		} else {
			w[i] = 0.5 + 0.6*g.rng.Float64()
		}
		sum += w[i]
	}
	// Share People out by weight; hand the rounding remainder out one by one.
	given := 0
	for i, v := range vs {
		v.people = int(float64(cfg.People) * w[i] / sum)
		given += v.people
	}
	for i := 0; given < cfg.People; i = (i + 1) % len(vs) {
		vs[i].people++
		given++
	}
	for i, v := range vs {
		var n int
		if v.community {
			n = 3 + int((w[i]-1.2)/0.8*3) + g.rng.IntN(3)
		} else {
			n = 4 + int((w[i]-0.5)/0.6*6) + g.rng.IntN(3)
		}
		n = min(n, 12)
		cum := 0.0
		for j := 1; j <= n; j++ {
			gr := &group{Group: Group{
				Code:        fmt.Sprintf("%s%03d", v.Code, j),
				VillageCode: v.Code,
			}}
			if v.community {
				g.estate(gr, v.groups)
			} else {
				gr.Name = chineseNumber(j) + "组"
				gr.prefix = ruralName(v.Name) + gr.Name
				gr.next = 1
			}
			v.groups = append(v.groups, gr)
			cum += 0.6 + 0.8*g.rng.Float64()
			v.weights = append(v.weights, cum)
		}
	}
	return vs
}

// estate names a community's estate and chooses its building layout.
func (g *gen) estate(gr *group, siblings []*group) {
	taken := func(name string) bool {
		for _, s := range siblings {
			if s.Name == name {
				return true
			}
		}
		return false
	}
	gr.floors = []int{6, 6, 7, 11, 18}[g.rng.IntN(5)]
	switch r := g.rng.Float64(); {
	case r < 0.12:
		gr.floors = 5
		for gr.Name == "" || taken(gr.Name) {
			gr.Name = strconv.Itoa(g.between(1, 30)) + "号院"
		}
	case r < 0.2:
		gr.floors = 6
		for _, i := range g.rng.Perm(len(staffCompounds)) {
			if !g.estates[staffCompounds[i]] {
				gr.Name = staffCompounds[i]
				break
			}
		}
	}
	for try := 0; gr.Name == ""; try++ {
		name := estatePrefixes[g.rng.IntN(len(estatePrefixes))] + estateSuffixes[g.rng.IntN(len(estateSuffixes))]
		if !g.estates[name] || (try > 50 && !taken(name)) {
			gr.Name = name
		}
	}
	g.estates[gr.Name] = true
	gr.prefix = gr.Name
	gr.units = g.between(2, 4)
	gr.doorsPerFlr = g.between(2, 3)
	gr.bld, gr.unit, gr.floor, gr.door = 1, 1, 1, 1
}

// address returns the next free address of the group.
func (g *gen) address(gr *group, community bool) string {
	if !community {
		gr.next += 1 + g.rng.IntN(2)
		return gr.prefix + strconv.Itoa(gr.next-1) + "号"
	}
	for {
		bld, unit, room := gr.bld, gr.unit, gr.floor*100+gr.door
		if gr.door++; gr.door > gr.doorsPerFlr {
			gr.door = 1
			if gr.floor++; gr.floor > gr.floors {
				gr.floor = 1
				if gr.unit++; gr.unit > gr.units {
					gr.unit = 1
					gr.bld++
				}
			}
		}
		if g.chance(0.12) { // vacant or not registered here
			continue
		}
		return gr.prefix + strconv.Itoa(bld) + "号楼" + strconv.Itoa(unit) + "单元" + strconv.Itoa(room) + "室"
	}
}

// household composes one household of n people and hands it to hhFn.
func (g *gen) household(v *village, seq, n int, hhFn func(registry.Household, []registry.Person) error) error {
	r := g.rng.Float64() * v.weights[len(v.weights)-1]
	gi := 0
	for gi < len(v.weights)-1 && v.weights[gi] <= r {
		gi++
	}
	gr := v.groups[gi]
	ms := g.family(n)
	people := make([]registry.Person, len(ms))
	for i, m := range ms {
		birth := g.today.AddDate(-m.age, 0, -g.rng.IntN(365))
		id, birth := g.idNumber(birth, m.male)
		name := g.uniqueName(m, birth.Year(), people[:i])
		phone := ""
		if g.chance(phoneShare(m.age)) {
			phone = g.phone()
		}
		sex := "女"
		if m.male {
			sex = "男"
		}
		people[i] = registry.Person{
			IDNumber:  id,
			Name:      name,
			Sex:       sex,
			BirthDate: birth.Format(time.DateOnly),
			Phone:     phone,
			Relation:  m.rel,
			UnitCode:  gr.Code,
			Residence: m.res,
			Groups:    m.groups,
		}
	}
	h := registry.Household{
		No:       v.Code + "-" + fmt.Sprintf("%04d", seq),
		UnitCode: gr.Code,
		Address:  g.address(gr, v.community),
		Phone:    people[0].Phone,
		Members:  len(people),
		HeadName: people[0].Name,
	}
	return hhFn(h, people)
}

// uniqueName names m, avoiding a name already used in the household.
func (g *gen) uniqueName(m member, year int, others []registry.Person) string {
	for try := 0; ; try++ {
		name := m.surname + g.givenName(m.male, year)
		dup := false
		for _, o := range others {
			dup = dup || o.Name == name
		}
		if !dup || try > 20 {
			return name
		}
	}
}

// headSurname picks a head's surname: often one of the village's big families.
func (g *gen) headSurname() string {
	if len(g.local) > 0 && g.chance(0.35) {
		return g.local[g.rng.IntN(len(g.local))]
	}
	return g.surname()
}

// ruralName turns "太平村委会" into "太平村".
func ruralName(name string) string {
	for _, suf := range []string{"村民委员会", "村委会", "村委"} {
		if s, ok := strings.CutSuffix(name, suf); ok {
			name = s
			break
		}
	}
	if !strings.HasSuffix(name, "村") {
		name += "村"
	}
	return name
}

// chineseNumber writes 1–99 in Chinese numerals: 一, 十, 十二, 二十三.
func chineseNumber(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	}
	return d[n/10] + "十" + d[n%10]
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
