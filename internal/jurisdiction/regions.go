package jurisdiction

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// RegionFiles are the five levels of the national division-code files
// (../shared/data/regions-*.csv.gz), top down, with the column that holds
// each row's parent code.
var RegionFiles = []struct {
	Name      string
	Level     int
	ParentCol string
}{
	{"regions-provinces.csv.gz", LevelProvince, ""},
	{"regions-cities.csv.gz", LevelCity, "provinceCode"},
	{"regions-areas.csv.gz", LevelCounty, "cityCode"},
	{"regions-streets.csv.gz", LevelTownship, "areaCode"},
	{"regions-villages.csv.gz", LevelVillage, "streetCode"},
}

// ImportStats counts rows per level: read from the files (in the prefix) and
// newly inserted.
type ImportStats struct {
	Read     [LevelVillage + 1]int
	Inserted [LevelVillage + 1]int
}

// Total returns the rows read and inserted over all levels.
func (st ImportStats) Total() (read, inserted int) {
	for l := LevelProvince; l <= LevelVillage; l++ {
		read += st.Read[l]
		inserted += st.Inserted[l]
	}
	return
}

// RegionSource opens a region file by name.
type RegionSource func(name string) (io.ReadCloser, error)

// DirSource reads the files from a directory.
func DirSource(dir string) RegionSource {
	return func(name string) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, name)) }
}

// ImportRegions loads every unit whose code starts with prefix (and the
// ancestors of the prefix, so the tree stays whole) from the five gzip'd
// CSV files. It is idempotent: units already present are left as they are.
func (s *Store) ImportRegions(ctx context.Context, src RegionSource, prefix string) (ImportStats, error) {
	var st ImportStats
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		st = ImportStats{}
		for _, f := range RegionFiles {
			if err := s.importLevel(ctx, tx, src, f.Name, f.Level, f.ParentCol, prefix, &st); err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("import regions %q: %w", prefix, err)
	}
	return st, nil
}

func (s *Store) importLevel(ctx context.Context, tx *sql.Tx, src RegionSource, name string, level int, parentCol, prefix string, st *ImportStats) error {
	rc, err := src(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	gz, err := gzip.NewReader(rc)
	if err != nil {
		return err
	}
	r := csv.NewReader(gz)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return err
	}
	codeIdx, nameIdx, parentIdx := -1, -1, -1
	for i, h := range header {
		switch strings.TrimPrefix(h, "\ufeff") {
		case "code":
			codeIdx = i
		case "name":
			nameIdx = i
		case parentCol:
			parentIdx = i
		}
	}
	if codeIdx < 0 || nameIdx < 0 || (parentCol != "" && parentIdx < 0) {
		return fmt.Errorf("unexpected header %v", header)
	}
	var before int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE level = $1", level).Scan(&before); err != nil {
		return err
	}
	in, err := s.db.NewInserter(ctx, tx, "units", []string{"code", "parent_code", "level", "name", "kind", "created_at"},
		"ON CONFLICT (code) DO NOTHING")
	if err != nil {
		return err
	}
	now := s.now().UnixMilli()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		code := rec[codeIdx]
		// In scope: the code extends the prefix, or is an ancestor of it.
		if !strings.HasPrefix(code, prefix) && !strings.HasPrefix(prefix, code) {
			continue
		}
		var parent any
		if parentIdx >= 0 {
			parent = rec[parentIdx]
		}
		st.Read[level]++
		if err := in.Add(code, parent, level, rec[nameIdx], kindOf(level, rec[nameIdx]), now); err != nil {
			return err
		}
	}
	if err := in.Close(); err != nil {
		return err
	}
	var after int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE level = $1", level).Scan(&after); err != nil {
		return err
	}
	st.Inserted[level] = after - before
	return nil
}

func kindOf(level int, name string) string {
	switch level {
	case LevelTownship:
		for _, k := range []string{"街道", "镇", "乡"} {
			if strings.HasSuffix(name, k) || strings.Contains(name, k+"办") {
				return k
			}
		}
	case LevelVillage:
		if strings.Contains(name, "社区") {
			return "社区"
		}
		return "村"
	}
	return ""
}
