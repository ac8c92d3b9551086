// Package riskarea keeps the list of risk areas (中高风险地区) as a history:
// each entry names a place (a division code at any level, optionally a
// free-text place under it such as a 小区), a level (高/中/低 or
// 封控区/管控区/防范区) and the days it was in force. Questions such as "was X a
// risk area on day D" are answered from that history, never from today's
// list; entries are closed (effective_to set), not overwritten, and every
// change is audited.
package riskarea

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/personal"
	"fangkong/internal/place"
	"fangkong/internal/sheet"
	"fangkong/internal/wire"
)

// Levels. 封控区/管控区/防范区 rank with 高/中/低.
const (
	High    = "高风险"
	Medium  = "中风险"
	Low     = "低风险"
	Sealed  = "封控区"
	Control = "管控区"
	Guard   = "防范区"
)

// Levels lists the valid levels in display order.
var Levels = []string{High, Medium, Low, Sealed, Control, Guard}

// Rank orders levels: 3 high (高风险, 封控区), 2 medium (中风险, 管控区), 1 low
// (低风险, 防范区), 0 none.
func Rank(level string) int {
	switch level {
	case High, Sealed:
		return 3
	case Medium, Control:
		return 2
	case Low, Guard:
		return 1
	}
	return 0
}

// RankName is the short name of a rank: 高/中/低/"".
func RankName(rank int) string {
	return [...]string{"", "低", "中", "高"}[max(0, min(rank, 3))]
}

// ParseLevel accepts 高/中/低, 高风险 …, 封控区/管控区/防范区 (also 封控/管控/防范).
func ParseLevel(s string) (string, error) {
	s = strings.TrimSpace(personal.Halfwidth(s))
	switch s {
	case "高", "高风险", "高风险地区", "高风险区":
		return High, nil
	case "中", "中风险", "中风险地区", "中风险区":
		return Medium, nil
	case "低", "低风险", "低风险地区", "低风险区":
		return Low, nil
	case "封控", "封控区":
		return Sealed, nil
	case "管控", "管控区":
		return Control, nil
	case "防范", "防范区":
		return Guard, nil
	}
	return "", errs.Invalidf("风险等级", "请填写 高/中/低 或 封控区/管控区/防范区，而不是“%s”", sheet.Clip(s, 60))
}

// Entry is one line of the list's history.
type Entry struct {
	ID            int64
	Code          string // division code, 2–12 digits
	PlaceName     string // name of the code as given or resolved
	Detail        string // free-text place under the code ("" = the whole code)
	Level         string
	EffectiveFrom string // first day, YYYY-MM-DD
	EffectiveTo   string // last day; "" = still in force
	Note          string
	CreatedBy     string
	CreatedAt     int64
	ClosedBy      string
	ClosedAt      int64
	Version       int64
}

// Place renders "雁塔区（610113）某小区".
func (e Entry) Place() string {
	s := e.PlaceName
	if s == "" {
		s = e.Code
	} else {
		s += "（" + e.Code + "）"
	}
	if e.Detail != "" {
		s += " " + e.Detail
	}
	return s
}

// Rank is the entry's level rank.
func (e Entry) Rank() int { return Rank(e.Level) }

// InForce reports whether the entry covers day.
func (e Entry) InForce(day string) bool {
	return e.EffectiveFrom <= day && (e.EffectiveTo == "" || day <= e.EffectiveTo)
}

// NameResolver is place knowledge (package place): the name of a division
// code ("" when unknown) and the codes of a place typed as text.
type NameResolver interface {
	PlaceName(code string) string
	Resolve(text string) place.Result
}

// NoNames knows no names, only the shape of a code: the NameResolver when
// no division-code files are loaded (PlaceName then stays as given, and a
// place must be given by its code).
var NoNames NameResolver = place.CodesOnly()

// Releveler is told, inside the transaction of each change to the list,
// which codes the change touched, so that levels stored elsewhere (the
// returnee ledger's origins, package returnee) follow the history in the
// same commit: its error undoes the change.
type Releveler interface {
	Relevel(ctx context.Context, who audit.Actor, codes []string) error
}

type noRelevel struct{}

func (noRelevel) Relevel(context.Context, audit.Actor, []string) error { return nil }

// NoRelevel is the Releveler when nothing stores levels from the list
// (loading demo data before any arrival, tests of the list alone).
var NoRelevel Releveler = noRelevel{}

// Lookup is the read side of the list: levels from the history and place
// names. It needs no Releveler, so that the returnee ledger can be built
// with it before the Service that relevels the ledger.
type Lookup struct {
	db    *db.DB
	names NameResolver
}

// NewLookup returns a Lookup; names is required (NoNames for none).
func NewLookup(d *db.DB, names NameResolver) *Lookup {
	wire.Need("riskarea.NewLookup", "db", d)
	wire.Need("riskarea.NewLookup", "names", names)
	return &Lookup{db: d, names: names}
}

// PlaceName is the name of a division code ("" when unknown).
func (l *Lookup) PlaceName(code string) string { return l.names.PlaceName(code) }

// Resolve reads a place typed as text (地名解析): a code or a name.
func (l *Lookup) Resolve(text string) place.Result { return l.names.Resolve(text) }

// Service reads and writes the risk-area list.
type Service struct {
	db      *db.DB
	now     func() time.Time
	levels  *Lookup
	relevel Releveler
}

// changed tells the Releveler, inside the change's transaction.
func (s *Service) changed(ctx context.Context, who audit.Actor, codes ...string) error {
	if len(codes) == 0 {
		return nil
	}
	if err := s.relevel.Relevel(ctx, who, codes); err != nil {
		return fmt.Errorf("after risk-area change: %w", err)
	}
	return nil
}

// NewService returns a Service answering from levels and telling relevel
// of every change; all are required (NoRelevel for none).
func NewService(d *db.DB, levels *Lookup, relevel Releveler, now func() time.Time) *Service {
	wire.Need("riskarea.NewService", "db", d)
	wire.Need("riskarea.NewService", "levels", levels)
	wire.Need("riskarea.NewService", "relevel", relevel)
	wire.Need("riskarea.NewService", "now", now)
	return &Service{db: d, now: now, levels: levels, relevel: relevel}
}

// NormalizeDetail folds a free-text place for comparison: half-width, no
// spaces or punctuation, lower case.
func NormalizeDetail(s string) string {
	s = strings.ToLower(personal.Halfwidth(s))
	var b strings.Builder
	for _, r := range s {
		if !strings.ContainsRune(" \t\u3000()（）[]【】,，.。、-_—·#", r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func validCode(code string) bool {
	switch len(code) {
	case 2, 4, 6, 9, 12:
	default:
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validDay(d string) bool {
	if len(d) != 10 {
		return false
	}
	_, err := personal.ParseDate(d)
	return err == nil
}

// normalize checks and normalises an entry. The place may be given as a
// code or a name (西安雁塔, 陕西省西安市雁塔区明德门小区): a name is resolved
// to its code, the rest of the text going before the detail.
func (s *Service) normalize(e *Entry) error {
	e.Code = strings.TrimSpace(personal.Halfwidth(e.Code))
	if !validCode(e.Code) {
		if err := s.resolve(e); err != nil {
			return err
		}
	}
	e.PlaceName = strings.TrimSpace(e.PlaceName)
	if e.PlaceName == "" {
		e.PlaceName = s.levels.PlaceName(e.Code)
	}
	e.Detail = strings.TrimSpace(personal.Halfwidth(e.Detail))
	if len([]rune(e.Detail)) > 100 || len([]rune(e.PlaceName)) > 60 {
		return errs.Invalidf("地点", "地名请在60字以内，具体地点请在100字以内")
	}
	lv, err := ParseLevel(e.Level)
	if err != nil {
		return err
	}
	e.Level = lv
	e.EffectiveFrom = strings.TrimSpace(e.EffectiveFrom)
	e.EffectiveTo = strings.TrimSpace(e.EffectiveTo)
	if !validDay(e.EffectiveFrom) {
		return errs.Invalidf("生效日期", "请填写生效日期（如2021-12-23）")
	}
	if e.EffectiveTo != "" && (!validDay(e.EffectiveTo) || e.EffectiveTo < e.EffectiveFrom) {
		return errs.Invalidf("截止日期", "截止日期须为不早于生效日期的日期，或留空表示仍有效")
	}
	if len([]rune(e.Note)) > 200 {
		return errs.Invalidf("备注", "备注请在200字以内")
	}
	return nil
}

const entryColumns = `id, code, place_name, detail, level, effective_from, effective_to, note, created_by, created_at,
	closed_by, closed_at, version`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	err := row.Scan(&e.ID, &e.Code, &e.PlaceName, &e.Detail, &e.Level, &e.EffectiveFrom, &e.EffectiveTo, &e.Note,
		&e.CreatedBy, &e.CreatedAt, &e.ClosedBy, &e.ClosedAt, &e.Version)
	return e, err
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, who audit.Actor, e *Entry) error {
	now := s.now()
	err := tx.QueryRowContext(ctx, `INSERT INTO risk_areas (code, place_name, detail, detail_norm, level, rank, effective_from,
		effective_to, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		e.Code, e.PlaceName, e.Detail, NormalizeDetail(e.Detail), e.Level, Rank(e.Level), e.EffectiveFrom, e.EffectiveTo,
		e.Note, who.Username, now.UnixMilli()).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("add risk area: %w", err)
	}
	e.CreatedBy, e.CreatedAt, e.Version = who.Username, now.UnixMilli(), 1
	to := e.EffectiveTo
	if to == "" {
		to = "至今"
	}
	return audit.Record(ctx, tx, now, who, audit.ActionCreate, "risk_area", fmt.Sprint(e.ID), "",
		fmt.Sprintf("新增风险地区 %s %s %s～%s", e.Place(), e.Level, e.EffectiveFrom, to))
}

// Add appends an entry to the list.
func (s *Service) Add(ctx context.Context, who audit.Actor, e Entry) (Entry, error) {
	if err := s.normalize(&e); err != nil {
		return Entry{}, err
	}
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.insert(ctx, tx, who, &e); err != nil {
			return err
		}
		return s.changed(ctx, who, e.Code)
	})
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Get reads one entry.
func (s *Service) Get(ctx context.Context, id int64) (Entry, error) {
	e, err := scanEntry(s.db.R().QueryRowContext(ctx, "SELECT "+entryColumns+" FROM risk_areas WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("risk area %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("risk area %d: %w", id, err)
	}
	return e, nil
}

// Close ends an entry: its last day in force becomes lastDay (the day
// before it was lifted). The entry stays in the history.
func (s *Service) Close(ctx context.Context, who audit.Actor, id int64, lastDay string) (Entry, error) {
	if lastDay == "" {
		lastDay = clock.Day(s.now().AddDate(0, 0, -1))
	}
	if !validDay(lastDay) {
		return Entry{}, errs.Invalidf("截止日期", "请填写截止日期（如2022-01-20）")
	}
	e, err := s.Get(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if e.EffectiveTo != "" && e.EffectiveTo <= lastDay {
		return Entry{}, &errs.Conflict{Message: "该条目已于 " + e.EffectiveTo + " 截止"}
	}
	if lastDay < e.EffectiveFrom {
		return Entry{}, errs.Invalidf("截止日期", "截止日期不能早于生效日期 %s", e.EffectiveFrom)
	}
	now := s.now()
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE risk_areas SET effective_to = $1, closed_by = $2, closed_at = $3,
			version = version + 1 WHERE id = $4 AND version = $5`, lastDay, who.Username, now.UnixMilli(), id, e.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		if err := audit.Record(ctx, tx, now, who, audit.ActionUpdate, "risk_area", fmt.Sprint(id), "",
			fmt.Sprintf("风险地区 %s %s 截止于 %s（原截止：%s）", e.Place(), e.Level, lastDay, orNow(e.EffectiveTo))); err != nil {
			return err
		}
		return s.changed(ctx, who, e.Code)
	})
	if err != nil {
		return Entry{}, fmt.Errorf("close risk area %d: %w", id, err)
	}
	e.EffectiveTo, e.ClosedBy, e.ClosedAt = lastDay, who.Username, now.UnixMilli()
	e.Version++
	return e, nil
}

func orNow(d string) string {
	if d == "" {
		return "至今"
	}
	return d
}

// Filter narrows a listing.
type Filter struct {
	On     string // only entries in force on this day
	Code   string // only entries whose code starts with this (or is a prefix of it)
	Active bool   // only entries still open (no effective_to, or one in the future)
	Limit  int
	Offset int
}

// List returns entries, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]Entry, error) {
	where := []string{"1 = 1"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.On != "" {
		p := arg(f.On)
		where = append(where, "effective_from <= "+p+" AND (effective_to = '' OR effective_to >= "+p+")")
	}
	if f.Active {
		p := arg(clock.Day(s.now()))
		where = append(where, "(effective_to = '' OR effective_to >= "+p+")")
	}
	if f.Code != "" {
		code := strings.TrimSpace(f.Code)
		prefixes := []string{}
		for _, n := range []int{2, 4, 6, 9, 12} {
			if len(code) >= n {
				prefixes = append(prefixes, arg(code[:n]))
			}
		}
		cond := "(code LIKE " + arg(code+"%")
		if len(prefixes) > 0 {
			cond += " OR code IN (" + strings.Join(prefixes, ", ") + ")"
		}
		where = append(where, cond+")")
	}
	limit, offset := f.Limit, f.Offset
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	q := "SELECT " + entryColumns + " FROM risk_areas WHERE " + strings.Join(where, " AND ") +
		fmt.Sprintf(" ORDER BY effective_from DESC, id DESC LIMIT %d OFFSET %d", limit, max(offset, 0))
	rows, err := s.db.R().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list risk areas: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Prefixes returns the division-code prefixes of code that can name a risk
// area: 2, 4, 6, 9 and 12 digits, up to the code's length.
func Prefixes(code string) []string {
	var out []string
	for _, n := range []int{2, 4, 6, 9, 12} {
		if len(code) >= n {
			out = append(out, code[:n])
		}
	}
	return out
}

// Match is the answer to "what was X's level on day D".
type Match struct {
	Level string // "" = not a risk area that day
	Entry Entry  // the entry that decided it
}

// Rank is the matched level's rank (0 = none).
func (m Match) Rank() int { return Rank(m.Level) }

// LevelOn answers from the history what risk level the place (code, and the
// free-text detail under it) had on day: the highest level of any entry in
// force that day whose code is the place's code or one of its prefixes; an
// entry with a detail applies only when the details are equal after
// normalisation (else the code-level entries alone decide).
func (s *Service) LevelOn(ctx context.Context, code, detail, day string) (Match, error) {
	return s.levels.LevelOn(ctx, code, detail, day)
}

// LevelOn is Service.LevelOn; inside a transaction (a change to the list
// releveling the ledger) it reads through it and sees the change.
func (l *Lookup) LevelOn(ctx context.Context, code, detail, day string) (Match, error) {
	return levelOn(ctx, l.db.Reader(ctx), code, detail, day)
}

func levelOn(ctx context.Context, q db.Querier, code, detail, day string) (Match, error) {
	code = strings.TrimSpace(personal.Halfwidth(code))
	pre := Prefixes(code)
	if len(pre) == 0 || !validDay(day) {
		return Match{}, nil
	}
	args := []any{day}
	for _, p := range pre {
		args = append(args, p)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+entryColumns+", detail_norm FROM risk_areas WHERE code IN ("+db.In(len(pre), 2)+
		") AND effective_from <= $1 AND (effective_to = '' OR effective_to >= $1)", args...)
	if err != nil {
		return Match{}, fmt.Errorf("risk level of %s on %s: %w", code, day, err)
	}
	defer rows.Close()
	want := NormalizeDetail(detail)
	var best Match
	for rows.Next() {
		var e Entry
		var norm string
		if err := rows.Scan(&e.ID, &e.Code, &e.PlaceName, &e.Detail, &e.Level, &e.EffectiveFrom, &e.EffectiveTo, &e.Note,
			&e.CreatedBy, &e.CreatedAt, &e.ClosedBy, &e.ClosedAt, &e.Version, &norm); err != nil {
			return Match{}, err
		}
		if norm != "" && (norm != want || e.Code != code && !strings.HasPrefix(code, e.Code)) {
			continue
		}
		if Rank(e.Level) > best.Rank() || Rank(e.Level) == best.Rank() && best.Level != "" && e.ID < best.Entry.ID {
			best = Match{Level: e.Level, Entry: e}
		}
	}
	return best, rows.Err()
}

// LevelsOn reports which of the given levels are valid (used by forms).
func IsLevel(s string) bool { return slices.Contains(Levels, s) }
