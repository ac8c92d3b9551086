package demo

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fangkong/internal/dbtest"
	"fangkong/internal/personal"
	"fangkong/internal/registry"
)

const testToday = "2026-03-15"

var placeNames = []string{"西街", "太平", "东关", "石井", "甘亭", "祖庵", "玉蝉", "余下", "庞光", "涝店"}

// testVillages makes n villages alternating communities and rural villages.
func testVillages(n int) []Village {
	vs := make([]Village, n)
	for i := range vs {
		suffix := "村委会"
		if i%2 == 0 {
			suffix = "社区居委会"
		}
		vs[i] = Village{
			Code: fmt.Sprintf("610118%03d%03d", 1+i/20, 1+i%20),
			Name: fmt.Sprintf("%s%s%s", placeNames[i%len(placeNames)], chineseNumber(1+i/len(placeNames)), suffix),
		}
	}
	return vs
}

// stats collects a generation and checks every record as it arrives.
type stats struct {
	t          *testing.T
	cfg        PopulationConfig
	villages   map[string]Village
	groups     map[string]Group
	perVillage map[string]int
	ids        map[string]bool
	phones     map[string]bool
	nos        map[string]bool
	hh, people int
	ages       [100]int
	count      map[string]int // named counters
}

func newStats(t *testing.T, cfg PopulationConfig) *stats {
	s := &stats{t: t, cfg: cfg, villages: map[string]Village{}, groups: map[string]Group{},
		perVillage: map[string]int{}, ids: map[string]bool{}, phones: map[string]bool{},
		nos: map[string]bool{}, count: map[string]int{}}
	for _, v := range cfg.Villages {
		s.villages[v.Code] = v
	}
	return s
}

func (s *stats) group(g Group) error {
	t := s.t
	if s.hh > 0 {
		t.Fatalf("group %s emitted after a household", g.Code)
	}
	if s.groups[g.Code].Code != "" {
		t.Fatalf("duplicate group code %s", g.Code)
	}
	v, ok := s.villages[g.VillageCode]
	if !ok || len(g.Code) != 15 || !strings.HasPrefix(g.Code, g.VillageCode) || g.Name == "" {
		t.Fatalf("bad group %+v", g)
	}
	if !strings.Contains(v.Name, "社区") && !strings.HasSuffix(g.Name, "组") {
		t.Fatalf("rural group %q should be named like 三组", g.Name)
	}
	s.groups[g.Code] = g
	s.perVillage[g.VillageCode]++
	return nil
}

func (s *stats) household(h registry.Household, ms []registry.Person) error {
	t := s.t
	s.hh++
	g, ok := s.groups[h.UnitCode]
	if !ok {
		t.Fatalf("household %s in unknown group %s", h.No, h.UnitCode)
	}
	if h.ID != 0 || s.nos[h.No] || !strings.HasPrefix(h.No, g.VillageCode+"-") || len(h.No) != 17 {
		t.Fatalf("bad or duplicate household No %q (group %s)", h.No, g.Code)
	}
	s.nos[h.No] = true
	v := s.villages[g.VillageCode]
	if strings.Contains(v.Name, "社区") {
		if !strings.HasPrefix(h.Address, g.Name) || !strings.HasSuffix(h.Address, "室") {
			t.Fatalf("community address %q in %s", h.Address, g.Name)
		}
	} else if want := ruralName(v.Name) + g.Name; !strings.HasPrefix(h.Address, want) || !strings.HasSuffix(h.Address, "号") {
		t.Fatalf("rural address %q, want prefix %q", h.Address, want)
	}
	if len(ms) < 1 || len(ms) > 7 {
		t.Fatalf("household %s has %d members", h.No, len(ms))
	}
	heads := 0
	for _, p := range ms {
		s.person(h, p)
		if p.Relation == "户主" {
			heads++
		}
	}
	if heads != 1 || ms[0].Relation != "户主" {
		t.Fatalf("household %s has %d heads", h.No, heads)
	}
	head := ms[0]
	if h.Phone != head.Phone {
		t.Fatalf("household phone %q, head's %q", h.Phone, head.Phone)
	}
	for _, p := range ms[1:] {
		switch p.Relation {
		case "配偶":
			if p.Sex == head.Sex {
				t.Fatalf("spouses of the same sex in %s", h.No)
			}
			if d := personal.AgeOn(head.BirthDate, testToday) - personal.AgeOn(p.BirthDate, testToday); d < -12 || d > 12 {
				t.Fatalf("spouses %d years apart in %s", d, h.No)
			}
		case "子女":
			if []rune(p.Name)[0] != []rune(head.Name)[0] {
				t.Fatalf("child %s of head %s has another surname", p.Name, head.Name)
			}
			s.count["child"]++
		}
	}
	if ms[0].Groups&registry.GroupHardship != 0 {
		s.count["hardshipHH"]++
	}
	return nil
}

func (s *stats) person(h registry.Household, p registry.Person) {
	t := s.t
	s.people++
	if p.ID != 0 || p.UnitCode != h.UnitCode {
		t.Fatalf("person %s: ID %d, unit %s, household unit %s", p.Name, p.ID, p.UnitCode, h.UnitCode)
	}
	id, err := personal.NormalizeIDNumber(p.IDNumber)
	if err != nil || id != p.IDNumber || !strings.HasPrefix(id, s.cfg.CountyCode) {
		t.Fatalf("bad ID number %q: %v", p.IDNumber, err)
	}
	if s.ids[id] {
		t.Fatalf("duplicate ID number %s", id)
	}
	s.ids[id] = true
	if personal.IDSex(id) != p.Sex || personal.IDBirthDate(id) != p.BirthDate {
		t.Fatalf("ID %s does not match sex %s / birth %s", id, p.Sex, p.BirthDate)
	}
	if n := []rune(p.Name); len(n) < 2 || len(n) > 3 {
		t.Fatalf("odd name %q", p.Name)
	}
	if !slices.Contains(registry.Relations, p.Relation) || !slices.Contains(registry.ResidenceStatuses, p.Residence) {
		t.Fatalf("bad relation %q or residence %q", p.Relation, p.Residence)
	}
	age := personal.AgeOn(p.BirthDate, testToday)
	if age < 0 || age > 98 {
		t.Fatalf("age %d of %s", age, p.Name)
	}
	s.ages[age]++
	if p.Phone != "" {
		ph, err := personal.NormalizePhone(p.Phone)
		if err != nil || ph != p.Phone || s.phones[ph] || age < 14 {
			t.Fatalf("bad, duplicate or too young phone %q (age %d): %v", p.Phone, age, err)
		}
		s.phones[ph] = true
	}
	c := s.count
	if age >= 14 {
		c["14+"]++
		if p.Phone != "" {
			c["14+phone"]++
		}
	}
	if age >= 18 && age <= 55 {
		c["18-55"]++
		if p.Residence == registry.ResidentWorking {
			c["18-55work"]++
		}
	}
	if p.Residence == registry.ResidentBack {
		c["back"]++
	}
	if age >= 60 {
		c["60+"]++
		if p.Groups&registry.GroupChronic != 0 {
			c["60+chronic"]++
		}
	}
	if p.Sex == "女" && age >= 20 && age <= 40 {
		c["w20-40"]++
		if p.Groups&registry.GroupPregnant != 0 {
			c["w20-40pregnant"]++
		}
	}
	if p.Groups&registry.GroupPregnant != 0 && (p.Sex != "女" || age < 20 || age > 40) {
		t.Fatalf("pregnant %s %d", p.Sex, age)
	}
	if p.Groups&registry.GroupDisabled != 0 {
		c["disabled"]++
	}
	if p.Groups&registry.GroupElderlyAlone != 0 {
		c["alone"]++
		if h.Members != 1 || age < 65 {
			t.Fatalf("独居老人 aged %d in a household of %d", age, h.Members)
		}
	} else if h.Members == 1 && age >= 65 {
		t.Fatalf("single person aged %d not marked 独居老人", age)
	}
	if p.Groups&registry.GroupLeftBehind != 0 {
		c["leftBehind"]++
		if age >= 16 {
			t.Fatalf("留守儿童 aged %d", age)
		}
	}
}

func (s *stats) share(num, den string) float64 { return float64(s.count[num]) / float64(s.count[den]) }

// checkShares asserts the realism targets of the brief on the collected data.
func (s *stats) checkShares() {
	t := s.t
	between := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.4f, want %.3f–%.3f", what, got, lo, hi)
		} else {
			t.Logf("%s = %.4f", what, got)
		}
	}
	between("people/target", float64(s.people)/float64(s.cfg.People), 0.98, 1.02)
	between("mean household size", float64(s.people)/float64(s.hh), 2.9, 3.2)
	between("phones among 14+", s.share("14+phone", "14+"), 0.85, 0.95)
	between("外出务工 among 18–55", s.share("18-55work", "18-55"), 0.15, 0.25)
	between("返乡 share", float64(s.count["back"])/float64(s.people), 0.005, 0.02)
	between("慢病 among 60+", s.share("60+chronic", "60+"), 0.2, 0.3)
	between("孕产妇 among women 20–40", s.share("w20-40pregnant", "w20-40"), 0.008, 0.025)
	between("残疾 share", float64(s.count["disabled"])/float64(s.people), 0.03, 0.07)
	between("困难 households", float64(s.count["hardshipHH"])/float64(s.hh), 0.015, 0.045)
	sum := func(lo, hi int) float64 {
		n := 0
		for a := lo; a <= hi; a++ {
			n += s.ages[a]
		}
		return float64(n) / float64(s.people)
	}
	between("aged 0–14", sum(0, 14), 0.1, 0.2)
	between("aged 40–70", sum(40, 70), 0.38, 0.55)
	between("aged 60+", sum(60, 98), 0.18, 0.32)
	between("aged 85+", sum(85, 98), 0.005, 0.03)
	t.Logf("留守儿童 %d, 独居老人 %d, 0–15 %d", s.count["leftBehind"], s.count["alone"], int(sum(0, 15)*float64(s.people)))
	if s.count["leftBehind"] == 0 || s.count["alone"] == 0 {
		t.Errorf("no 留守儿童 (%d) or no 独居老人 (%d)", s.count["leftBehind"], s.count["alone"])
	}
	for code, v := range s.villages {
		n := s.perVillage[code]
		lo, hi := 4, 12
		if strings.Contains(v.Name, "社区") {
			lo, hi = 3, 8
		}
		if n < lo || n > hi {
			t.Errorf("%s has %d groups, want %d–%d", v.Name, n, lo, hi)
		}
	}
}

func generate(t *testing.T, cfg PopulationConfig) *stats {
	s := newStats(t, cfg)
	if err := Generate(cfg, s.group, s.household); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGenerate(t *testing.T) {
	cfg := PopulationConfig{Seed: 7, CountyCode: "610118", Villages: testVillages(50), People: 20000, Today: testToday}
	s := generate(t, cfg)
	s.checkShares()
	if s.people != cfg.People {
		t.Errorf("generated %d people, want exactly %d", s.people, cfg.People)
	}
	if len(s.ids) != s.people {
		t.Errorf("%d distinct IDs for %d people", len(s.ids), s.people)
	}
}

func TestPlansAddUp(t *testing.T) {
	for n, ps := range plansBySize {
		for _, p := range ps {
			if p.p.size() != n {
				t.Errorf("plan %+v listed for size %d has size %d", p.p, n, p.p.size())
			}
		}
	}
}

// digest hashes everything Generate emits.
func digest(t *testing.T, cfg PopulationConfig) string {
	h := sha256.New()
	err := Generate(cfg, func(g Group) error {
		fmt.Fprintf(h, "%+v\n", g)
		return nil
	}, func(hh registry.Household, ms []registry.Person) error {
		fmt.Fprintf(h, "%+v\n", hh)
		for _, p := range ms {
			fmt.Fprintf(h, "%+v\n", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	cfg := PopulationConfig{Seed: 42, CountyCode: "610118", Villages: testVillages(20), People: 5000, Today: testToday}
	a, b := digest(t, cfg), digest(t, cfg)
	if a != b {
		t.Fatalf("two runs differ: %s vs %s", a, b)
	}
	cfg.Seed++
	if digest(t, cfg) == a {
		t.Fatal("another seed gives the same output")
	}
}

func TestGenerateErrors(t *testing.T) {
	nop := func(Group) error { return nil }
	nopHH := func(registry.Household, []registry.Person) error { return nil }
	good := PopulationConfig{CountyCode: "610118", Villages: testVillages(2), People: 10, Today: testToday}
	for name, mod := range map[string]func(*PopulationConfig){
		"county":  func(c *PopulationConfig) { c.CountyCode = "6101" },
		"today":   func(c *PopulationConfig) { c.Today = "2026/03/15" },
		"village": func(c *PopulationConfig) { c.Villages = []Village{{Code: "61011800100", Name: "x村委会"}} },
	} {
		cfg := good
		mod(&cfg)
		if err := Generate(cfg, nop, nopHH); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	stop := fmt.Errorf("stop")
	if err := Generate(good, nop, func(registry.Household, []registry.Person) error { return stop }); err != stop {
		t.Errorf("callback error not returned: %v", err)
	}
}

// TestGenerate550k generates the full demo county and times it
// (acceptance size: FANGKONG_ACCEPTANCE=1; TestGenerate checks the same
// shares on 20,000 people on every run).
func TestGenerate550k(t *testing.T) {
	dbtest.Acceptance(t)
	cfg := PopulationConfig{Seed: 1, CountyCode: "610118", Villages: testVillages(282), People: 550000, Today: testToday}
	start := time.Now()
	people, households := 0, 0
	err := Generate(cfg, func(Group) error { return nil }, func(_ registry.Household, ms []registry.Person) error {
		households++
		people += len(ms)
		return nil
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d people in %d households in %v", people, households, elapsed)
	if people != cfg.People || households < 170000 || households > 190000 {
		t.Errorf("%d people in %d households", people, households)
	}
	if !raceEnabled && elapsed > 5*time.Second {
		t.Errorf("generation took %v, want < 5s", elapsed)
	}
	s := generate(t, cfg)
	s.checkShares()
}

func BenchmarkGenerate550k(b *testing.B) {
	cfg := PopulationConfig{Seed: 1, CountyCode: "610118", Villages: testVillages(282), People: 550000, Today: testToday}
	for b.Loop() {
		if err := Generate(cfg, func(Group) error { return nil },
			func(registry.Household, []registry.Person) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
