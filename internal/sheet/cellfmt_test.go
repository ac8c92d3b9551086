package sheet

import "testing"

func TestAppendNumber(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":            "13812345678",
		"110105194912310021":     "110105194912310021",
		"1.3812345678E10":        "13812345678",
		"1.10105194912310E+17":   "1.1010519491231E+17",
		"1.1010519491231002E+17": "1.1010519491231E+17",
		"6.1011819880502803E+17": "6.10118198805028E+17",
		"6.10118001001001E+14":   "610118001001001",
		"610118198805028000":     "6.10118198805028E+17",
		"610118001001001":        "610118001001001",
		"2.5":                    "2.5",
		"0.30000000000000004":    "0.3",
		"-1.5E-3":                "-0.0015",
		"0012":                   "12",
		"1E+25":                  "1E+25",
		"1.5E-12":                "1.5E-12",
		"NaN":                    "NaN",
		"12 kg":                  "12 kg",
	} {
		if got := string(appendNumber(nil, []byte(in))); got != want {
			t.Errorf("appendNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatKind(t *testing.T) {
	for code, want := range map[string]numFmtKind{
		"General":                   fmtNumber,
		"0.00":                      fmtNumber,
		"#,##0.00 [$元-804];[Red]-0": fmtNumber,
		`0.0"days"`:                 fmtNumber,
		`0\d`:                       fmtNumber,
		"@":                         fmtNumber,
		"yyyy/m/d":                  fmtDate,
		"[$-804]yyyy年m月d日":          fmtDate,
		`yyyy"年"m"月"`:               fmtDate,
		"mmm":                       fmtDate,
		"yyyy-mm-dd hh:mm:ss":       fmtDate,
		"h:mm AM/PM":                fmtTime,
		"[h]:mm:ss":                 fmtTime,
		"mm:ss.0":                   fmtTime,
		`h"时"mm"分"`:                 fmtTime,
	} {
		if got := formatKind(code); got != want {
			t.Errorf("formatKind(%q) = %d, want %d", code, got, want)
		}
	}
	for id, want := range map[int]numFmtKind{0: fmtNumber, 14: fmtDate, 22: fmtDate, 20: fmtTime, 31: fmtDate, 49: fmtNumber, 57: fmtDate} {
		if got := builtInFormatKind(id); got != want {
			t.Errorf("builtInFormatKind(%d) = %d, want %d", id, got, want)
		}
	}
}

func TestAppendSerialDate(t *testing.T) {
	tests := []struct {
		serial   float64
		kind     numFmtKind
		date1904 bool
		want     string
	}{
		{44682, fmtDate, false, "2022-05-01"},
		{44682.354166666664, fmtDate, false, "2022-05-01 08:30:00"},
		{44682.99999999, fmtDate, false, "2022-05-02"},
		{1, fmtDate, false, "1900-01-01"},
		{59, fmtDate, false, "1900-02-28"},
		{60, fmtDate, false, "1900-02-29"},
		{61, fmtDate, false, "1900-03-01"},
		{0, fmtDate, true, "1904-01-01"},
		{43220, fmtDate, true, "2022-05-01"},
		{0.75, fmtTime, false, "18:00:00"},
		{1.5, fmtTime, false, "1900-01-01 12:00:00"},
		{-1, fmtDate, false, ""},
	}
	for _, tt := range tests {
		got, ok := appendSerialDate(nil, tt.serial, tt.kind, tt.date1904)
		if string(got) != tt.want || ok != (tt.want != "") {
			t.Errorf("appendSerialDate(%v, %d, %v) = %q, %v, want %q", tt.serial, tt.kind, tt.date1904, got, ok, tt.want)
		}
	}
	for in, want := range map[string]string{
		"2022-05-01T00:00:00Z": "2022-05-01",
		"2022-05-01T08:30:00":  "2022-05-01 08:30:00",
		"2022-05-01":           "2022-05-01",
		"08:30:00":             "08:30:00",
		"soon":                 "soon",
	} {
		if got := string(appendISODate(nil, []byte(in))); got != want {
			t.Errorf("appendISODate(%q) = %q, want %q", in, got, want)
		}
	}
}
