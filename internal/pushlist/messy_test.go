package pushlist_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/demo"
	"fangkong/internal/personal"
	"fangkong/internal/pushlist"
	"fangkong/internal/sheet"
)

// seedMany registers n people spread over the fixture's villages and group,
// each in a household of their own, and returns them as push candidates.
func seedMany(t testing.TB, d *db.DB, n int) []demo.PushPerson {
	t.Helper()
	ctx := context.Background()
	units := []struct{ code, name string }{{dbtest.VillageA, "西街社区居委会"}, {dbtest.VillageA2, "东街社区居委会"},
		{dbtest.VillageB, "余下村委会"}, {dbtest.GroupA1, "西街社区居委会"}}
	out := make([]demo.PushPerson, 0, n)
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		hids, err := d.AllocIDs(ctx, tx, "households", n)
		if err != nil {
			return err
		}
		hh, err := d.NewInserter(ctx, tx, "households", []string{"id", "no", "unit_code", "address", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		for i, id := range hids {
			u := units[i%len(units)]
			if err := hh.Add(id, fmt.Sprintf("%s9%07d", u.code[:12], i), u.code, "", 0, 0); err != nil {
				return err
			}
		}
		if err := hh.Close(); err != nil {
			return err
		}
		pp, err := d.NewInserter(ctx, tx, "people", []string{"id_number", "name", "birth_date", "phone", "household_id", "unit_code", "created_at", "updated_at"}, "")
		if err != nil {
			return err
		}
		for i, id := range hids {
			u := units[i%len(units)]
			birth := fmt.Sprintf("%04d%02d%02d", 1940+i/1000%60, 1+i%12, 1+i%28)
			first17 := fmt.Sprintf("610118%s%03d", birth, i%1000)
			idn := first17 + string(personal.IDCheckDigit(first17))
			phone := ""
			if i%3 > 0 {
				phone = fmt.Sprintf("13%09d", i)
			}
			name := []string{"王", "李", "张", "刘", "杨"}[i%5] + []string{"建国", "秀英", "伟", "芳", "军", "丽", "强", "敏"}[i/5%8] + fmt.Sprint(i%97)
			if err := pp.Add(idn, name, personal.IDBirthDate(idn), phone, id, u.code, 0, 0); err != nil {
				return err
			}
			out = append(out, demo.PushPerson{Name: name, IDNumber: idn, BirthDate: personal.IDBirthDate(idn), Phone: phone, VillageName: u.name})
		}
		return pp.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMessyListEveryRowAccounted: a 5,000-row pushed list with duplicates,
// wrong check digits, full-width digits, unknown places and empty rows ends
// with every row accounted for, on screen (the list's totals) and in the
// feedback file. TestMessyList100k is the same at acceptance size.
func TestMessyListEveryRowAccounted(t *testing.T) {
	t.Parallel()
	n := 5_000
	if v := os.Getenv("FANGKONG_PUSH_ROWS"); v != "" {
		fmt.Sscan(v, &n)
	}
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) { messyList(t, d, n, 2_000) })
}

// TestMessyList100k is the acceptance test: 100,000 rows naming
// 20,000 registered people (FANGKONG_ACCEPTANCE=1).
func TestMessyList100k(t *testing.T) {
	dbtest.Acceptance(t)
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) { messyList(t, d, 100_000, 20_000) })
}

// messyList imports an n-row generated push list naming some of nPeople
// registered people and checks that every row is accounted for.
func messyList(t *testing.T, d *db.DB, n, nPeople int) {
	ctx := context.Background()
	s, _ := setup(t, d)
	people := seedMany(t, d, nPeople)
	var file bytes.Buffer
	err := demo.WritePushList(&file, demo.PushListConfig{Seed: 42, Rows: n, People: people,
		Villages:  []demo.Village{{Code: dbtest.VillageA, Name: "西街社区居委会"}, {Code: dbtest.VillageB, Name: "余下村委会"}, {Code: "x", Name: "东街社区"}},
		Townships: []string{"甘亭街道", "余下镇"}})
	if err != nil {
		t.Fatal(err)
	}
	l := importBytes(t, s, file.Bytes(), pushlist.ImportOptions{Source: "公安", Name: "messy"})
	t.Logf("%d rows: matched %d, created %d, queued %d, duplicates %d, rejected %d", l.Rows, l.Matched, l.Created, l.Queued, l.Duplicates, l.Rejected)
	if l.Rows != n || l.Accounted() != n {
		t.Fatalf("rows %d accounted %d of %d", l.Rows, l.Accounted(), n)
	}
	if l.Matched == 0 || l.Created == 0 || l.Queued == 0 || l.Duplicates == 0 || l.Rejected == 0 {
		t.Errorf("an outcome never happened: %+v", l)
	}
	// The stored tasks agree with the totals, and every rejected row has its reason.
	byOutcome := map[string]int{}
	rows, err := d.R().QueryContext(ctx, `SELECT outcome, status, reason = '', COUNT(*) FROM push_tasks WHERE list_id = $1 GROUP BY 1, 2, 3`, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o, st string
		var noReason bool
		var c int
		if err := rows.Scan(&o, &st, &noReason, &c); err != nil {
			t.Fatal(err)
		}
		byOutcome[o] += c
		if (o == pushlist.OutcomeRejected || o == pushlist.OutcomeDuplicate) && noReason {
			t.Errorf("%d %s rows without a reason", c, o)
		}
	}
	rows.Close()
	want := map[string]int{pushlist.OutcomeMatched: l.Matched, pushlist.OutcomeCreated: l.Created, pushlist.OutcomeQueued: l.Queued,
		pushlist.OutcomeDuplicate: l.Duplicates, pushlist.OutcomeRejected: l.Rejected}
	for o, c := range want {
		if byOutcome[o] != c {
			t.Errorf("%s: %d tasks, list says %d", o, byOutcome[o], c)
		}
	}
	// Wrong check digits are still tasks (matched by name and birth date).
	var wrongCheck int
	d.R().QueryRow(`SELECT COUNT(*) FROM push_tasks WHERE list_id = $1 AND reason LIKE '%校验位%' AND outcome <> 'rejected'`, l.ID).Scan(&wrongCheck)
	if wrongCheck == 0 {
		t.Error("no row with a wrong check digit became a task")
	}

	// The feedback file: every row, in order, outcomes adding up.
	var fb bytes.Buffer
	written, err := s.Feedback(ctx, centre, county, l.ID, &fb)
	if err != nil || written != n {
		t.Fatalf("feedback: %v, %d rows", err, written)
	}
	rd, err := sheet.Open(bytes.NewReader(fb.Bytes()), int64(fb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	last := rd.Columns().Index("处理情况")
	if last < 0 || rd.Header()[len(rd.Header())-1] != "原文件行号" {
		t.Fatalf("feedback header %v", rd.Header())
	}
	inFile := map[string]int{}
	i := 0
	for rd.Next() {
		i++
		if got := rd.Row()[0]; got != fmt.Sprint(i) {
			t.Fatalf("feedback row %d carries 序号 %s", i, got)
		}
		inFile[rd.Row()[last]]++
	}
	if i != n {
		t.Fatalf("feedback has %d rows, want %d", i, n)
	}
	for o, c := range want {
		if inFile[pushlist.OutcomeName(o)] != c {
			t.Errorf("feedback %s: %d, want %d", pushlist.OutcomeName(o), inFile[pushlist.OutcomeName(o)], c)
		}
	}
}
