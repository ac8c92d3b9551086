package place

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"fangkong/internal/jurisdiction"
)

// node is a province, city, county or township.
type node struct {
	code  string
	name  string
	short string // short form ("" = none); townships' are matched only under their county
	level int8
}

// Resolver resolves typed places to division codes. It is read-only after
// Load and safe for concurrent use.
type Resolver struct {
	nodes  []node // levels 1–4, each level sorted by code, top level first
	blocks [jurisdiction.LevelTownship + 1][2]int32
	byCode map[string]int32
	// byName maps full names of levels 1–4 and short forms of levels 1–3
	// to nodes; keys is its keys sorted, for suggestions by prefix.
	byName   map[string][]int32
	keys     []string
	maxRunes int // longest key, in characters
	// villages holds every village packed in one string, per village its
	// last six code digits, its folded name and "\n"; counties maps a
	// county's code to its run (or runs) of lines in it. One allocation
	// of about 10 MB instead of 620,000 small ones.
	villages string
	counties map[string][]span
	// townShort maps townships' short names (甘亭 for 甘亭街道) to them,
	// and byVillage is the start of every village's line in villages,
	// sorted by folded name: for a township or village named without its
	// county (see loose).
	townShort map[string][]int32
	byVillage []int32
	runs      []run
	// shown is the name of a village whose folded name dropped more than
	// its committee ending (双环邨 is matched as 双环村 and shown as typed
	// in the national files).
	shown map[string]string
}

// run is where a county's villages begin in Resolver.villages.
type run struct {
	from   int32
	county string
}

// span is a run of bytes of Resolver.villages.
type span struct{ from, to int32 }

// CodesOnly is a Resolver without names: a bare division code (2, 4, 6, 9
// or 12 digits) resolves to itself, anything else to nothing. It serves
// where the national files are not at hand (tests of one domain, a server
// started without FANGKONG_DATA).
func CodesOnly() *Resolver {
	return &Resolver{byCode: map[string]int32{}, byName: map[string][]int32{}}
}

// Loaded reports whether names are loaded (false for CodesOnly).
func (r *Resolver) Loaded() bool { return len(r.nodes) > 0 }

// Load builds a Resolver from the five files of the national division codes
// (jurisdiction.RegionFiles) read from src.
func Load(src jurisdiction.RegionSource) (*Resolver, error) {
	r := CodesOnly()
	r.counties, r.townShort, r.shown = map[string][]span{}, map[string][]int32{}, map[string]string{}
	for _, f := range jurisdiction.RegionFiles {
		var err error
		if f.Level == jurisdiction.LevelVillage {
			var p packer
			err = readFile(src, f.Name, func(rec []string) { p.add(r, rec) })
			p.done(r)
		} else {
			var rows [][2]string
			err = readFile(src, f.Name, func(rec []string) { rows = append(rows, [2]string{rec[0], rec[1]}) })
			r.addLevel(f.Level, rows)
		}
		if err != nil {
			return nil, fmt.Errorf("load places %s: %w", f.Name, err)
		}
	}
	// Former names (户县 for 鄠邑区) are names of today's division.
	for name, code := range jurisdiction.FormerNames() {
		if i, ok := r.byCode[code]; ok {
			r.index(name, i)
			if short := shortName(name, int(r.nodes[i].level)); short != "" && r.nodes[i].level < jurisdiction.LevelCounty {
				r.index(short, i)
			}
		}
	}
	r.keys = make([]string, 0, len(r.byName))
	for k := range r.byName {
		r.keys = append(r.keys, k)
	}
	sort.Strings(r.keys)
	return r, nil
}

// readFile calls fn with the code and name of every row of a gzip'd CSV
// file (the record is reused between calls).
func readFile(src jurisdiction.RegionSource, name string, fn func(rec []string)) error {
	rc, err := src(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		return err
	}
	cr := csv.NewReader(zr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return err
	}
	if len(header) < 2 || strings.TrimPrefix(header[0], "\ufeff") != "code" || header[1] != "name" {
		return fmt.Errorf("unexpected header %v", header)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec) >= 2 && allDigits(rec[0]) {
			fn(rec)
		}
	}
}

// addLevel appends one level's rows, sorted by code, and indexes their names.
func (r *Resolver) addLevel(level int, rows [][2]string) {
	slices.SortFunc(rows, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	// The codes and names are copied into one string (the CSV reader's
	// lines would keep 45,000 small allocations alive among its garbage).
	var arena strings.Builder
	size := 0
	for _, row := range rows {
		size += len(row[0]) + len(row[1])
	}
	arena.Grow(size)
	for _, row := range rows {
		arena.WriteString(row[0])
		arena.WriteString(row[1])
	}
	text, at := arena.String(), 0
	cut := func(n int) string { at += n; return text[at-n : at] }
	start := int32(len(r.nodes))
	for _, row := range rows {
		i := int32(len(r.nodes))
		n := node{code: cut(len(row[0])), name: cut(len(row[1])), level: int8(level)}
		if !placeholders[n.name] {
			n.short = jurisdiction.Simplified(shortName(n.name, level))
			r.index(jurisdiction.Simplified(n.name), i)
			if n.short != "" && level == jurisdiction.LevelTownship {
				r.townShort[n.short] = append(r.townShort[n.short], i)
			}
			if n.short != "" && level < jurisdiction.LevelTownship {
				r.index(n.short, i)
				// 恩施州, 青龙县: an autonomous division by its stem and plain suffix
				for _, suf := range []string{"州", "县", "旗"} {
					if strings.HasSuffix(n.name, "自治"+suf) {
						r.index(n.short+suf, i)
					}
				}
			}
		}
		r.nodes = append(r.nodes, n)
		r.byCode[n.code] = i
	}
	r.blocks[level] = [2]int32{start, int32(len(r.nodes))}
}

func (r *Resolver) index(key string, i int32) {
	if !slices.Contains(r.byName[key], i) {
		r.byName[key] = append(r.byName[key], i)
	}
	r.maxRunes = max(r.maxRunes, runes(key))
}

// packer packs village rows, in the file's code order, so one county's
// rows come together.
type packer struct {
	buf    bytes.Buffer
	county string
	from   int
}

func (p *packer) add(r *Resolver, rec []string) {
	code := rec[0]
	if len(code) != 12 {
		return
	}
	if code[:6] != p.county {
		p.close(r)
		p.county, p.from = code[:6], p.buf.Len()
	}
	name := committee.Replace(rec[1])
	folded := jurisdiction.Simplified(name) // foldVillage, without replacing twice
	if folded != name {
		r.shown[code] = name
	}
	p.buf.WriteString(code[6:])
	p.buf.WriteString(folded)
	p.buf.WriteByte('\n')
}

// close ends the current county's run.
func (p *packer) close(r *Resolver) {
	if p.county != "" && p.buf.Len() > p.from {
		r.counties[p.county] = append(r.counties[p.county], span{int32(p.from), int32(p.buf.Len())})
		r.runs = append(r.runs, run{int32(p.from), p.county})
	}
}

// done keeps the packed villages in a string of their exact size and sorts
// them by name.
func (p *packer) done(r *Resolver) {
	p.close(r)
	r.villages = p.buf.String()
	// Sorted by the first eight bytes of the name first: most comparisons
	// end there.
	type line struct {
		key  uint64
		name string
		at   int32
	}
	lines := make([]line, 0, strings.Count(r.villages, "\n"))
	for at := 0; at < len(r.villages); {
		end := at + strings.IndexByte(r.villages[at:], '\n')
		if end-at > 6 {
			name := r.villages[at+6 : end]
			var b [8]byte
			copy(b[:], name)
			lines = append(lines, line{binary.BigEndian.Uint64(b[:]), name, int32(at)})
		}
		at = end + 1
	}
	slices.SortFunc(lines, func(a, b line) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	r.byVillage = make([]int32, len(lines))
	for i, l := range lines {
		r.byVillage[i] = l.at
	}
}

// villageAt is the code and folded name of the village whose line starts at at.
func (r *Resolver) villageAt(at int32) (code, name string) {
	line := r.villages[at:]
	line = line[:strings.IndexByte(line, '\n')]
	k := sort.Search(len(r.runs), func(i int) bool { return r.runs[i].from > at }) - 1
	return r.runs[k].county + line[:6], line[6:]
}

// villagesNamed calls fn with the code of every village whose folded name
// is name (or, with prefix, begins with it), in name order; fn returns false
// to stop.
func (r *Resolver) villagesNamed(name string, prefix bool, fn func(code string) bool) {
	i := sort.Search(len(r.byVillage), func(i int) bool {
		_, n := r.villageAt(r.byVillage[i])
		return n >= name
	})
	for ; i < len(r.byVillage); i++ {
		code, n := r.villageAt(r.byVillage[i])
		if n != name && !(prefix && strings.HasPrefix(n, name)) || !fn(code) {
			return
		}
	}
}

// eachVillage calls fn with the last six code digits and the folded name
// of every village under code (a county, township or village code); fn
// returns false to stop.
func (r *Resolver) eachVillage(code string, fn func(tail, name string) bool) {
	if len(code) < 6 {
		return
	}
	for _, sp := range r.counties[code[:6]] {
		packed := r.villages[sp.from:sp.to]
		for packed != "" {
			line, rest, _ := strings.Cut(packed, "\n")
			packed = rest
			if len(line) >= 6 && strings.HasPrefix(line, code[6:]) && !fn(line[:6], line[6:]) {
				return
			}
		}
	}
}

// under returns the nodes of a level whose code starts with prefix.
func (r *Resolver) under(level int, prefix string) []node {
	if level < 1 || level >= len(r.blocks) {
		return nil
	}
	b := r.nodes[r.blocks[level][0]:r.blocks[level][1]]
	lo := sort.Search(len(b), func(i int) bool { return b[i].code >= prefix })
	hi := lo
	for hi < len(b) && strings.HasPrefix(b[hi].code, prefix) {
		hi++
	}
	return b[lo:hi]
}

// known reports whether code is a loaded division code.
func (r *Resolver) known(code string) bool {
	if _, ok := r.byCode[code]; ok {
		return true
	}
	if len(code) != 12 {
		return false
	}
	found := false
	r.eachVillage(code, func(string, string) bool { found = true; return false })
	return found
}

// names returns the names of code from the province down, without grouping
// rows and without a name repeated from its parent (东莞市 东莞市).
func (r *Resolver) names(code string) []string {
	var out []string
	add := func(name string) {
		if name != "" && !placeholders[name] && (len(out) == 0 || out[len(out)-1] != name) {
			out = append(out, name)
		}
	}
	for _, n := range []int{2, 4, 6, 9} {
		if len(code) < n {
			break
		}
		if i, ok := r.byCode[code[:n]]; ok {
			add(r.nodes[i].name)
		}
	}
	if len(code) == 12 {
		r.eachVillage(code, func(_, name string) bool {
			if s, ok := r.shown[code]; ok {
				name = s
			}
			add(name)
			return false
		})
	}
	return out
}

// PlaceName is the full name of a division code (陕西省西安市雁塔区), ""
// when the code is not known.
func (r *Resolver) PlaceName(code string) string {
	if !r.known(code) {
		return ""
	}
	return strings.Join(r.names(code), "")
}
