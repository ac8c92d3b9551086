package demo

import "fangkong/internal/registry"

// member is one person of a household being composed, before names, IDs and
// phones are attached.
type member struct {
	age     int
	male    bool
	wed     bool // has a spouse in the household
	rel     string
	surname string
	res     string
	fixed   bool // residence chosen deliberately; keep it
	groups  registry.SpecialGroup
	father  int // index of the father in the household, -1 if absent
	mother  int
}

// plan is the shape of a household around its head.
type plan struct {
	spouse  bool
	parents int  // the head's parents living with them
	kids    int  // unmarried children of the head
	married bool // one married child living with his/her spouse
	grand   int  // grandchildren (children of the married child)
}

func (p plan) size() int {
	n := 1 + p.parents + p.kids + p.grand
	if p.spouse {
		n++
	}
	if p.married {
		n += 2
	}
	return n
}

// Household size distribution (mean ≈ 3.05) and the plans for each size.
var (
	sizeWeights = [8]int{0, 15, 26, 24, 18, 10, 5, 2}
	plansBySize = [8][]struct {
		w int
		p plan
	}{
		1: {{1, plan{}}},
		2: {{65, plan{spouse: true}}, {25, plan{kids: 1}}, {10, plan{parents: 1}}},
		3: {{60, plan{spouse: true, kids: 1}}, {14, plan{spouse: true, parents: 1}}, {8, plan{kids: 2}},
			{8, plan{married: true}}, {6, plan{parents: 2}}, {4, plan{kids: 1, parents: 1}}},
		4: {{50, plan{spouse: true, kids: 2}}, {22, plan{spouse: true, kids: 1, parents: 1}},
			{16, plan{spouse: true, married: true}}, {12, plan{married: true, grand: 1}}},
		5: {{12, plan{spouse: true, kids: 3}}, {25, plan{spouse: true, kids: 2, parents: 1}},
			{13, plan{spouse: true, kids: 1, parents: 2}}, {38, plan{spouse: true, married: true, grand: 1}},
			{12, plan{married: true, grand: 2}}},
		6: {{30, plan{spouse: true, kids: 2, parents: 2}}, {45, plan{spouse: true, married: true, grand: 2}},
			{15, plan{spouse: true, kids: 1, married: true, grand: 1}}, {10, plan{spouse: true, kids: 3, parents: 1}}},
		7: {{35, plan{spouse: true, married: true, grand: 3}}, {30, plan{spouse: true, married: true, grand: 2, parents: 1}},
			{20, plan{spouse: true, kids: 3, parents: 2}}, {15, plan{spouse: true, kids: 1, married: true, grand: 2}}},
	}
)

// span is an age range [lo, hi] with a relative weight.
type span struct{ lo, hi, w int }

// Head-of-household age distributions by household shape.
var (
	agesGrandparent = []span{{46, 54, 2}, {55, 64, 4}, {65, 74, 3}, {75, 85, 1}}
	agesWithParents = []span{{25, 34, 3}, {35, 44, 4}, {45, 54, 3}, {55, 62, 1}}
	agesNuclear     = []span{{24, 29, 2}, {30, 39, 4}, {40, 49, 6}, {50, 59, 6}, {60, 69, 2}, {70, 80, 1}}
	agesLoneParent  = []span{{30, 44, 1}, {45, 59, 2}, {60, 85, 3}}
	agesCouple      = []span{{22, 34, 2}, {35, 49, 2}, {50, 59, 4}, {60, 69, 5}, {70, 79, 3}, {80, 90, 1}}
	agesAloneOld    = []span{{65, 69, 3}, {70, 74, 3}, {75, 79, 3}, {80, 84, 2}, {85, 95, 1}}
	agesAloneYoung  = []span{{22, 39, 2}, {40, 49, 3}, {50, 64, 4}}
)

func (g *gen) ageFrom(spans []span) int {
	total := 0
	for _, s := range spans {
		total += s.w
	}
	r := g.rng.IntN(total)
	for _, s := range spans {
		if r < s.w {
			return g.between(s.lo, s.hi)
		}
		r -= s.w
	}
	return spans[len(spans)-1].hi
}

func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// spouseGap is how many years the husband is older than the wife.
func (g *gen) spouseGap() int {
	d := int(g.rng.NormFloat64()*2.5 + 2.5)
	return max(-4, min(d, 10))
}

// otherSurname picks a surname for someone marrying into the family.
func (g *gen) otherSurname(not string) string {
	s := g.surname()
	if s == not && g.chance(0.9) {
		s = g.surname()
	}
	return s
}

func (g *gen) householdSize() int {
	r := g.rng.IntN(100)
	for n := 1; n < len(sizeWeights); n++ {
		if r < sizeWeights[n] {
			return n
		}
		r -= sizeWeights[n]
	}
	return 3
}

// family composes a household of n people, its residence statuses and
// special groups.
func (g *gen) family(n int) []member {
	var ms []member
	for try := 0; try < 50 && ms == nil; try++ {
		ps := plansBySize[n]
		total := 0
		for _, p := range ps {
			total += p.w
		}
		r := g.rng.IntN(total)
		for _, p := range ps {
			if r < p.w {
				ms = g.build(p.p)
				break
			}
			r -= p.w
		}
	}
	if ms == nil { // practically unreachable: a plain nuclear family
		ms = g.fallback(n)
	}
	for i := range ms {
		if !ms[i].fixed {
			ms[i].res = g.residence(&ms[i])
		}
	}
	g.specialGroups(ms)
	return ms
}

func newMember(rel, surname string, male bool, age int) member {
	return member{rel: rel, surname: surname, male: male, age: age, father: -1, mother: -1}
}

// build composes a household following p, or returns nil when the drawn ages
// are inconsistent (the caller draws again).
func (g *gen) build(p plan) []member {
	ms := make([]member, 0, p.size())
	var headAge int
	switch {
	case p.married:
		headAge = g.ageFrom(agesGrandparent)
	case p.parents > 0:
		headAge = g.ageFrom(agesWithParents)
	case p.kids > 0 && p.spouse:
		headAge = g.ageFrom(agesNuclear)
	case p.kids > 0:
		headAge = g.ageFrom(agesLoneParent)
	case p.spouse:
		headAge = g.ageFrom(agesCouple)
	case g.chance(0.6):
		headAge = g.ageFrom(agesAloneOld)
	default:
		headAge = g.ageFrom(agesAloneYoung)
	}
	var male bool
	switch {
	case p.spouse:
		male = g.chance(0.92)
	case headAge >= 60 || p.married:
		male = g.chance(0.42) // mostly widows
	default:
		male = g.chance(0.7)
	}
	head := newMember("户主", g.headSurname(), male, headAge)
	ms = append(ms, head)
	dad, mom := -1, -1
	momAge := headAge // the mother's age, also when she is not in the household
	if male {
		dad, momAge = 0, headAge-g.spouseGap()
	} else {
		mom = 0
	}
	if p.spouse {
		gap := g.spouseGap()
		s := newMember("配偶", g.otherSurname(head.surname), !male, headAge-gap)
		if !male {
			s.age = headAge + gap
		}
		if s.age < 20 || s.age > 98 {
			return nil
		}
		ms[0].wed, s.wed = true, true
		if s.male {
			dad = len(ms)
		} else {
			mom, momAge = len(ms), s.age
		}
		ms = append(ms, s)
	}
	youngestKid := 99
	if p.married {
		c := newMember("子女", head.surname, g.chance(0.85), momAge-g.between(21, 32))
		c.father, c.mother, c.wed = dad, mom, true
		if c.age < 21 {
			return nil
		}
		gap := g.spouseGap()
		in := newMember("儿媳", g.otherSurname(c.surname), !c.male, c.age-gap)
		if !c.male {
			in.rel, in.age = "女婿", c.age+gap
		}
		in.wed = true
		if in.age < 20 {
			return nil
		}
		ci := len(ms)
		ms = append(ms, c, in)
		gdad, gmom, gmomAge := ci, ci+1, in.age
		if !c.male {
			gdad, gmom, gmomAge = ci+1, ci, c.age
		}
		ages := g.siblingAges(gmomAge-g.between(20, 32), p.grand)
		if ages == nil {
			return nil
		}
		for _, a := range ages {
			k := newMember("孙子女", head.surname, g.chance(0.53), a)
			k.father, k.mother = gdad, gmom
			ms = append(ms, k)
		}
		if p.grand > 0 && ages[len(ages)-1] < 16 && c.age <= 50 && g.chance(0.35) {
			ms[ci].res, ms[ci].fixed = registry.ResidentWorking, true
			ms[ci+1].res, ms[ci+1].fixed = registry.ResidentWorking, true
		}
	}
	if p.kids > 0 {
		first := momAge - g.between(20, 34)
		if p.married {
			first = ms[len(ms)-2-p.grand].age - g.between(2, 8)
		}
		ages := g.siblingAges(first, p.kids)
		if ages == nil {
			return nil
		}
		for _, a := range ages {
			k := newMember("子女", head.surname, g.chance(0.52), a)
			k.father, k.mother = dad, mom
			ms = append(ms, k)
		}
		youngestKid = ages[len(ages)-1]
	}
	if p.parents > 0 {
		fatherAge := headAge + g.between(22, 34)
		motherAge := fatherAge - g.spouseGap()
		if p.parents == 2 {
			f := newMember("父母", head.surname, true, fatherAge)
			m := newMember("父母", g.otherSurname(head.surname), false, motherAge)
			f.wed, m.wed = true, true
			ms = append(ms, f, m)
		} else if g.chance(0.65) {
			ms = append(ms, newMember("父母", g.otherSurname(head.surname), false, motherAge))
		} else {
			ms = append(ms, newMember("父母", head.surname, true, fatherAge))
		}
		if max(fatherAge, motherAge) > 98 {
			return nil
		}
		// Young parents working away leave their children with the grandparents.
		if p.spouse && youngestKid < 16 && headAge <= 50 && g.chance(0.3) {
			for i := 0; i < 2; i++ {
				ms[i].res, ms[i].fixed = registry.ResidentWorking, true
			}
		}
	}
	return ms
}

// siblingAges returns n ages starting at first, each 1–6 years younger than the
// previous, or nil when one would be negative.
func (g *gen) siblingAges(first, n int) []int {
	ages := make([]int, n)
	a := first
	for i := range ages {
		if i > 0 {
			a -= g.between(1, 6)
		}
		if a < 0 {
			return nil
		}
		ages[i] = a
	}
	return ages
}

func (g *gen) fallback(n int) []member {
	s := g.headSurname()
	ms := []member{newMember("户主", s, true, 45)}
	if n > 1 {
		ms = append(ms, newMember("配偶", g.otherSurname(s), false, 43))
		ms[0].wed, ms[1].wed = true, true
	}
	for i := 2; i < n; i++ {
		k := newMember("子女", s, i%2 == 0, 20-2*i)
		k.father, k.mother = 0, 1
		ms = append(ms, k)
	}
	return ms
}

// residence draws a residence status by age and relation.
func (g *gen) residence(m *member) string {
	r := g.rng.Float64()
	child := m.rel == "子女" || m.rel == "孙子女"
	switch {
	case m.age < 16:
	case m.age < 18:
		if child && r < 0.08 {
			return registry.ResidentStudy
		}
	case m.age <= 22 && child:
		switch {
		case r < 0.45:
			return registry.ResidentStudy
		case r < 0.60:
			return registry.ResidentWorking
		case r < 0.61:
			return registry.ResidentBack
		}
	case m.age <= 55:
		switch {
		case r < 0.145:
			return registry.ResidentWorking
		case r < 0.163:
			return registry.ResidentBack
		}
	case m.age <= 64:
		switch {
		case r < 0.06:
			return registry.ResidentWorking
		case r < 0.07:
			return registry.ResidentBack
		}
	}
	return registry.ResidentLocal
}

// specialGroups sets the Groups bits of the household's members.
func (g *gen) specialGroups(ms []member) {
	for i := range ms {
		m := &ms[i]
		if len(ms) == 1 && m.age >= 65 {
			m.groups |= registry.GroupElderlyAlone
		}
		if (m.age >= 60 && g.chance(0.25)) || (m.age >= 45 && m.age < 60 && g.chance(0.06)) {
			m.groups |= registry.GroupChronic
		}
		disabled := 0.03
		switch {
		case m.age < 18:
			disabled = 0.01
		case m.age >= 70:
			disabled = 0.13
		case m.age >= 55:
			disabled = 0.08
		}
		if g.chance(disabled) {
			m.groups |= registry.GroupDisabled
		}
		if !m.male && m.wed && m.age >= 20 && m.age <= 40 && g.chance(0.025) {
			m.groups |= registry.GroupPregnant
		}
		if m.age < 16 && m.father >= 0 && m.mother >= 0 &&
			ms[m.father].res == registry.ResidentWorking && ms[m.mother].res == registry.ResidentWorking {
			m.groups |= registry.GroupLeftBehind
		}
	}
	if g.chance(0.03) {
		for i := range ms {
			ms[i].groups |= registry.GroupHardship
		}
	}
}
