package riskarea

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"

	"fangkong/internal/jurisdiction"
)

// Names resolves division codes of provinces, cities, counties and townships
// to their full names (陕西省西安市雁塔区) from the national division-code
// files (../shared/data/regions-*.csv.gz). Villages are not loaded (620,000
// rows): a 12-digit code resolves to its township's name.
type Names struct{ m map[string]string }

// LoadNames reads the four upper levels from src.
func LoadNames(src jurisdiction.RegionSource) (*Names, error) {
	n := &Names{m: map[string]string{}}
	for _, f := range jurisdiction.RegionFiles {
		if f.Level > jurisdiction.LevelTownship {
			continue
		}
		if err := n.load(src, f.Name); err != nil {
			return nil, fmt.Errorf("load place names %s: %w", f.Name, err)
		}
	}
	return n, nil
}

func (n *Names) load(src jurisdiction.RegionSource, name string) error {
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
	cr.FieldsPerRecord = -1
	if _, err := cr.Read(); err != nil { // header
		return err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec) >= 2 {
			n.m[rec[0]] = rec[1]
		}
	}
}

// PlaceName returns the full name of code ("" when unknown).
func (n *Names) PlaceName(code string) string {
	if n == nil {
		return ""
	}
	if len(code) > 9 {
		code = code[:9]
	}
	if _, ok := n.m[code]; !ok {
		return ""
	}
	var out string
	prev := ""
	for _, p := range Prefixes(code) {
		if name := n.m[p]; name != "" && name != prev && name != "市辖区" {
			out += name
			prev = name
		}
	}
	return out
}

// Len is the number of codes known.
func (n *Names) Len() int { return len(n.m) }
