package pushlist

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"fangkong/internal/errs"
	"fangkong/internal/personal"
)

// GuessMapping maps fields to headers by their usual names.
func GuessMapping(headers []string) map[string]string {
	norm := make([]string, len(headers))
	for i, h := range headers {
		norm[i] = foldHeader(h)
	}
	m := map[string]string{}
	used := map[int]bool{}
	for _, f := range Fields {
	names:
		for _, a := range append([]string{f.Label}, f.Aliases...) {
			for i, h := range norm {
				if h != "" && h == foldHeader(a) && !used[i] {
					m[f.Key], used[i] = headers[i], true
					break names
				}
			}
		}
	}
	return m
}

// foldHeader folds a header for comparison: full-width forms to half-width,
// no spaces or "*" markers, ASCII lower case.
func foldHeader(s string) string {
	s = strings.ToLower(personal.Halfwidth(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '*' {
			return -1
		}
		return r
	}, s)
	return s
}

// SavedMapping returns the mapping last used for source, or nil.
func (s *Service) SavedMapping(ctx context.Context, source string) (map[string]string, error) {
	var raw string
	err := s.db.R().QueryRowContext(ctx, "SELECT mapping FROM push_mappings WHERE source = $1", source).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("saved mapping %q: %w", source, err)
	}
	m := map[string]string{}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("saved mapping %q: %w", source, err)
	}
	return m, nil
}

// SuggestMapping is the saved mapping of source restricted to the headers
// present, completed by guesses for the fields it leaves out.
func (s *Service) SuggestMapping(ctx context.Context, source string, headers []string) (map[string]string, bool, error) {
	guess := GuessMapping(headers)
	saved, err := s.SavedMapping(ctx, source)
	if err != nil || saved == nil {
		return guess, false, err
	}
	present := map[string]bool{}
	for _, h := range headers {
		present[h] = true
	}
	for k, h := range saved {
		if present[h] {
			guess[k] = h
		} else if h == "" {
			delete(guess, k)
		}
	}
	return guess, true, nil
}

// columnIndexes turns a mapping into column indexes (-1 = not mapped) and
// checks it names at least one identifying column.
func columnIndexes(headers []string, m map[string]string) (map[string]int, error) {
	idx := map[string]int{}
	for _, f := range Fields {
		idx[f.Key] = -1
		h := strings.TrimSpace(m[f.Key])
		if h == "" {
			continue
		}
		found := -1
		for i, hh := range headers {
			if hh == h {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, errs.Invalidf("列对应", "字段“%s”对应的列“%s”不在文件表头中", f.Label, h)
		}
		idx[f.Key] = found
	}
	if idx[FieldName] < 0 && idx[FieldIDNumber] < 0 && idx[FieldPhone] < 0 {
		return nil, errs.Invalidf("列对应", "请至少为“姓名”“身份证号”“手机号”之一指定列")
	}
	return idx, nil
}
