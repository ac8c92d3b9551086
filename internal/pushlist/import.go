package pushlist

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// ImportOptions are what the centre chooses for one list.
type ImportOptions struct {
	Source        string
	Name          string // shown in lists; the file name by default
	DeadlineHours int    // 0 = DefaultDeadlineHours
	// Mapping maps fields to header names; nil = the source's saved
	// mapping, completed by guesses.
	Mapping map[string]string
	// HeaderRow is the header's row number the centre chose; 0 = detected
	// (see sheet.OpenTable).
	HeaderRow int
}

// KnownHeaders are the header names of every field, for finding the
// header row of a file.
func KnownHeaders() []string {
	var out []string
	for _, f := range Fields {
		out = append(out, f.Label)
		out = append(out, f.Aliases...)
	}
	return append(out, "序号")
}

// OpenFile opens a pushed file as a table: the header row detected, or the
// one chosen, footer rows left out.
func OpenFile(r io.ReaderAt, size int64, headerRow int) (*sheet.Reader, error) {
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: KnownHeaders(), HeaderRow: headerRow})
	if err != nil {
		return nil, errs.Invalidf("文件", "%s", err.Error())
	}
	return rd, nil
}

// rawSep joins a row's cells in push_tasks.raw; it never occurs in text.
const rawSep = "\x1f"

// insertCols are the columns the importer writes, in Add order.
var insertCols = []string{"id", "list_id", "row_no", "raw", "name", "id_number", "phone", "origin", "arrival_date", "address",
	"person_id", "unit_code", "outcome", "match_method", "route_method", "reason", "dup_of", "status", "deadline_at", "created_at",
	"origin_code"}

// seenTask is a task a later row of the same person links to.
type seenTask struct {
	ord  int   // ordinal in this list (1-based); 0 = an open task of an earlier list
	id   int64 // that open task's ID
	unit string
	row  int // sheet row in this list
}

// importer is the state of one import inside its transaction.
type importer struct {
	ix       *index
	scope    jurisdiction.Scope
	cols     map[string]int
	seen     map[string]seenTask
	list     *List
	ins      *db.Inserter
	nextID   func() (int64, error)
	deadline int64
	now      int64
	today    string // YYYY-MM-DD of now, the latest plausible birth date
	year     int    // of the import, for dates written without one (12月10日)
	places   Places
}

// Import reads a pushed file, normalises and matches every row, and turns
// each into a verification task, a queued task, a linked duplicate or a
// rejected row, in one transaction. The returned List accounts for every
// row. The mapping is saved for the source.
func (s *Service) Import(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, r io.ReaderAt, size int64, opt ImportOptions) (List, error) {
	var err error
	if opt.Source, err = personal.Name(opt.Source); err != nil {
		return List{}, errs.Invalidf("数据来源", "%s", err.Error())
	}
	if opt.Name, err = personal.Name(opt.Name); err != nil {
		return List{}, errs.Invalidf("名单名称", "%s", err.Error())
	}
	if opt.Source == "" || utf8.RuneCountInString(opt.Source) > 30 {
		return List{}, errs.Invalidf("数据来源", "请填写数据来源（30字以内），如公安、电信运营商")
	}
	if opt.DeadlineHours == 0 {
		opt.DeadlineHours = DefaultDeadlineHours
	}
	if opt.DeadlineHours < 1 || opt.DeadlineHours > 24*14 {
		return List{}, errs.Invalidf("核查时限", "核查时限应为1至336小时")
	}
	if len(scope.Code()) < 4 {
		return List{}, errs.Invalidf("辖区", "请使用市、县级指挥部账号导入推送名单")
	}
	rd, err := OpenFile(r, size, opt.HeaderRow)
	if err != nil {
		return List{}, err
	}
	defer rd.Close()
	headers := rd.Header()
	if opt.Mapping == nil {
		if opt.Mapping, _, err = s.SuggestMapping(ctx, opt.Source, headers); err != nil {
			return List{}, err
		}
	}
	cols, err := columnIndexes(headers, opt.Mapping)
	if err != nil {
		return List{}, err
	}
	if opt.Name == "" {
		opt.Name = opt.Source + "推送名单"
	}
	ix, err := loadIndex(ctx, s.db.R(), scope)
	if err != nil {
		return List{}, fmt.Errorf("import push list: %w", err)
	}
	hdrJSON, _ := json.Marshal(headers)
	mapJSON, _ := json.Marshal(opt.Mapping)
	var list List
	used := false
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		list = List{Source: opt.Source, Name: opt.Name, UnitCode: scope.Code(), Headers: headers, Mapping: opt.Mapping,
			DeadlineHours: opt.DeadlineHours, CreatedBy: who.Username, CreatedAt: now.UnixMilli()}
		if err := tx.QueryRowContext(ctx, `INSERT INTO push_lists (source, name, unit_code, headers, mapping, deadline_hours, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, list.Source, list.Name, list.UnitCode, string(hdrJSON), string(mapJSON),
			list.DeadlineHours, list.CreatedBy, list.CreatedAt).Scan(&list.ID); err != nil {
			return fmt.Errorf("insert push list: %w", err)
		}
		im := &importer{ix: ix, scope: scope, cols: cols, list: &list, now: list.CreatedAt, today: clock.Day(now), places: s.places,
			year:     now.Year(),
			deadline: now.Add(time.Duration(opt.DeadlineHours) * time.Hour).UnixMilli()}
		if err := im.loadOpen(ctx, tx); err != nil {
			return err
		}
		im.nextID = s.idAllocator(ctx, tx)
		var err error
		if im.ins, err = s.db.NewInserter(ctx, tx, "push_tasks", insertCols, ""); err != nil {
			return err
		}
		if used {
			// The sheet was read by an attempt that failed: never retry
			// into an empty list.
			return errors.New("导入中断，请重新导入")
		}
		used = true
		if err := im.run(ctx, rd); err != nil {
			return err
		}
		if err := im.ins.Close(); err != nil {
			return err
		}
		list.HeaderRow, list.Skipped = rd.HeaderRow(), rd.Footers()
		skipped, _ := json.Marshal(list.Skipped)
		if list.Skipped == nil {
			skipped = []byte("[]")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE push_lists SET rows_total = $1, matched = $2, created = $3, queued = $4,
			duplicates = $5, rejected = $6, header_row = $7, skipped = $8 WHERE id = $9`, list.Rows, list.Matched, list.Created,
			list.Queued, list.Duplicates, list.Rejected, list.HeaderRow, string(skipped), list.ID); err != nil {
			return fmt.Errorf("update push list: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO push_mappings (source, mapping, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (source) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
			list.Source, string(mapJSON), list.CreatedAt); err != nil {
			return fmt.Errorf("save mapping: %w", err)
		}
		return audit.Record(ctx, tx, now, who, audit.ActionImport, "pushlist", fmt.Sprint(list.ID), scope.Code(),
			fmt.Sprintf("导入推送名单“%s”（%s）：%d行，匹配%d，新建%d，转队列%d，重复%d，退回%d；表头在第%d行，表尾%d行未计入", list.Name,
				list.Source, list.Rows, list.Matched, list.Created, list.Queued, list.Duplicates, list.Rejected, list.HeaderRow,
				len(list.Skipped)))
	})
	if err != nil {
		return List{}, fmt.Errorf("import push list: %w", err)
	}
	return list, nil
}

// run reads, normalises, matches and routes the rows in one goroutine
// while this one allocates IDs and inserts, so parsing and the database
// share the machine's cores.
func (im *importer) run(ctx context.Context, rd *sheet.Reader) error {
	// A batch is 512 rows, or 1 MB of their text (which the tasks hold
	// on to), so the batches in flight take little memory whatever the rows.
	const batch, batchBytes = 512, 1 << 20
	ch := make(chan []task, 8)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(ch)
		buf, size := make([]task, 0, batch), 0
		ord := 0
		for rd.Next() {
			ord++
			t := im.prepare(ord, rd.RowNumber(), rd.Row())
			buf = append(buf, t)
			size += len(t.raw)
			for _, c := range rd.Row() {
				size += len(c)
			}
			if len(buf) == batch || size >= batchBytes {
				select {
				case ch <- buf:
				case <-stop:
					return
				}
				buf, size = make([]task, 0, batch), 0
			}
		}
		if err := rd.Err(); err != nil {
			readErr = errs.Invalidf("文件", "%s", err.Error())
			return
		}
		select {
		case ch <- buf:
		case <-stop:
		}
	}()
	var ids []int64
	for b := range ch {
		for i := range b {
			if err := im.insert(&b[i], &ids); err != nil {
				close(stop)
				for range ch {
				}
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			close(stop)
			for range ch {
			}
			return err
		}
	}
	return readErr
}

// idAllocator hands out task IDs: on SQLite, the run after MAX(id), which
// the transaction's writer lock keeps free; on PostgreSQL, blocks of the
// sequence.
func (s *Service) idAllocator(ctx context.Context, tx *sql.Tx) func() (int64, error) {
	var block []int64
	var next int64
	return func() (int64, error) {
		if s.db.Dialect == db.SQLite && next > 0 {
			next++
			return next, nil
		}
		if len(block) == 0 {
			n := 5000
			if s.db.Dialect == db.SQLite {
				n = 1
			}
			var err error
			if block, err = s.db.AllocIDs(ctx, tx, "push_tasks", n); err != nil {
				return 0, err
			}
		}
		id := block[0]
		block = block[1:]
		if s.db.Dialect == db.SQLite {
			next = id
		}
		return id, nil
	}
}

// loadOpen indexes the open tasks inside the scope, so a repeat push of the
// same person links to them.
func (im *importer) loadOpen(ctx context.Context, tx *sql.Tx) error {
	im.seen = map[string]seenTask{}
	lo, hi := im.scope.Args()
	rows, err := tx.QueryContext(ctx, `SELECT id, person_id, id_number, phone, name, unit_code FROM push_tasks
		WHERE `+im.scope.Where("unit_code", 1)+` AND status = $3`, lo, hi, StatusOpen)
	if err != nil {
		return fmt.Errorf("load open tasks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t seenTask
		var pid int64
		var idn, phone, name string
		if err := rows.Scan(&t.id, &pid, &idn, &phone, &name, &t.unit); err != nil {
			return err
		}
		if _, err := personal.NormalizeIDNumber(idn); err != nil {
			idn = ""
		}
		for _, k := range dupKeys(pid, idn, phone, name) {
			if _, ok := im.seen[k]; !ok {
				im.seen[k] = t
			}
		}
	}
	return rows.Err()
}

// dupKeys are the keys under which a row is the same person as another.
func dupKeys(personID int64, validID, phone, name string) []string {
	var ks []string
	if personID > 0 {
		ks = append(ks, fmt.Sprint("p:", personID))
	}
	if validID != "" {
		ks = append(ks, "i:"+validID)
	}
	if phone != "" && name != "" {
		ks = append(ks, "t:"+phone+"|"+name)
	}
	return ks
}
