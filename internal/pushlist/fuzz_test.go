package pushlist

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
	"fangkong/internal/sheet"
)

// fuzzIndex is a small registry: a township, a village and two people
// who share a phone, so a row can match, route, queue or duplicate.
func fuzzIndex() *index {
	ix := &index{units: map[string]unitInfo{}, villages: map[rune][]placeName{}, townships: map[rune][]placeName{},
		byID: map[uint64]int32{}, byPhone: newMultiMap[uint64](2), byNameDOB: newMultiMap[nameDOB](2)}
	for code, u := range map[string]unitInfo{"610118001": {"甘亭街道", jurisdiction.LevelTownship}, "610118001001": {"西街社区居委会", jurisdiction.LevelVillage}} {
		ix.addUnit(code, u)
	}
	for i, p := range []struct{ name, id, birth, phone string }{
		{"王大", "61011819800101011X", "1980-01-01", "13900000001"}, {"王二", "", "1985-02-03", "13900000001"}} {
		ix.people = append(ix.people, person{id: int64(i + 1), unit: "610118001001", name: p.name})
		if k, ok := idKey(p.id); ok {
			ix.byID[k] = int32(i)
		}
		k, _ := digitsKey(p.phone)
		ix.byPhone.add(k, int32(i))
		if k, ok := dobKey(p.name, p.birth); ok {
			ix.byNameDOB.add(k, int32(i))
		}
	}
	return ix
}

// FuzzPushRow: a pushed file read, mapped, normalised, matched and routed
// as Import does, without the database. Every row is accounted for, and
// nothing kept of a row is longer than the limits.
func FuzzPushRow(f *testing.F) {
	f.Add([]byte("姓名,身份证号,手机号,来源地,到达日期,现住址,目的地,备注\n王大,61011819800101011x,,西安市雁塔区,2026年11月20日,,,\n" +
		"王二,,139-0000-0001,,20261120,西街社区12号,,\n李四,,,,,,610118001001,\n,,,,,,,\n王大,,13900000001,,2026/11/20 10:00,,,重复\n"))
	f.Add([]byte("XM,ZJHM,DZ\n\xcd\xf5\xb4\xf3,610118198001010110,\n"))
	f.Add([]byte("name,phone\n\x1f,\"a\x1fb\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := OpenFile(bytes.NewReader(data), int64(len(data)), 0)
		if err != nil {
			return
		}
		defer rd.Close()
		headers := rd.Header()
		cols, err := columnIndexes(headers, GuessMapping(headers))
		if err != nil {
			return
		}
		list := &List{Headers: headers}
		im := &importer{ix: fuzzIndex(), scope: jurisdiction.Grant("610118"), cols: cols, list: list, seen: map[string]seenTask{},
			places: place.CodesOnly(), year: 2026}
		for ord := 1; rd.Next(); ord++ {
			row := rd.Row()
			tk := im.prepare(ord, rd.RowNumber(), row)
			switch tk.outcome {
			case OutcomeMatched, OutcomeCreated, OutcomeQueued, OutcomeDuplicate, OutcomeRejected:
			default:
				t.Fatalf("row %d: outcome %q", ord, tk.outcome)
			}
			cells := strings.Split(tk.raw, rawSep)
			if len(cells) != max(len(row), 1) {
				t.Fatalf("row %d: raw of %d cells for %d", ord, len(cells), len(row))
			}
			for _, c := range cells {
				if utf8.RuneCountInString(c) > sheet.FreeTextChars+1 {
					t.Fatalf("row %d keeps a cell of %d characters", ord, utf8.RuneCountInString(c))
				}
			}
			if sheet.LongCell(row) >= 0 && tk.outcome != OutcomeRejected {
				t.Fatalf("row %d with a long cell: %s", ord, tk.outcome)
			}
		}
		if l := list; l.Matched+l.Created+l.Queued+l.Duplicates+l.Rejected != l.Rows {
			t.Fatalf("accounting %+v", *l)
		}
	})
}
