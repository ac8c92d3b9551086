package sheet

import "testing"

func TestParseDateTime(t *testing.T) {
	for in, want := range map[string]string{
		"2021年12月10日5时34分":    "2021-12-10 05:34",
		"2021年12月10日":         "2021-12-10",
		"2021年12月10日 05:34":   "2021-12-10 05:34",
		"2021/12/10 5:34":     "2021-12-10 05:34",
		"2021.12.10":          "2021-12-10",
		"20211210":            "2021-12-10",
		"12月10日":              "2021-12-10",
		"12月10日8点":            "2021-12-10 08:00",
		"2021年12月10日下午3点20分":  "2021-12-10 15:20",
		"2021年12月10日上午9点半":    "2021-12-10 09:30",
		"2021年12月10日晚上8点":     "2021-12-10 20:00",
		"2021年12月10日中午12点":    "2021-12-10 12:00",
		"2021年12月10日中午1点":     "2021-12-10 13:00",
		"2021/12/10 3:20 PM":  "2021-12-10 15:20",
		"2021/12/10 12:05 PM": "2021-12-10 12:05",
		"44540":               "2021-12-10",
		"44540.25":            "2021-12-10 06:00",
		"2021-12-10 05:34:00": "2021-12-10 05:34",
		"２０２１-12-10":          "2021-12-10",
		"2021-2-30":           "",
		"昨天":                  "",
		"1990":                "",
		"":                    "",
		"2021年12月10日25时":      "",
	} {
		tm, hasTime, ok := ParseDateTime(in, 2021)
		got := ""
		if ok {
			got = tm.Format("2006-01-02")
			if hasTime {
				got = tm.Format("2006-01-02 15:04")
			}
		}
		if got != want {
			t.Errorf("ParseDateTime(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ParseDate("12月10日", 0); got != "" {
		t.Errorf("a month and day without a year gave %q", got)
	}
}

func TestDamagedNumbers(t *testing.T) {
	for _, c := range []struct {
		in      string
		id      string
		damaged bool
	}{
		{"6.10118E+17", "610118000000000000", true},
		{"610118199001010000", "610118199001010000", true},
		{"110105194912310021", "110105194912310021", false}, // valid, untouched
		{"11010519491231002X", "11010519491231002X", false},
		{"1.10105194912310E+17", "110105194912310000", true},
		// The 15 digits Excel keeps, the check digit happening to fit.
		{"6.10118198805028E+17", "610118198805028000", true},
		{"610118198805028000.0", "610118198805028000", true},
		{"110105194912310021'", "110105194912310021", false},
		{"‘11010519491231002X’", "11010519491231002X", false},
		{"'6.10118E+17", "610118000000000000", true},
		{"张三", "张三", false},
	} {
		id, dmg := IDNumberCell(c.in)
		if id != c.id || dmg != c.damaged {
			t.Errorf("IDNumberCell(%q) = %q, %v; want %q, %v", c.in, id, dmg, c.id, c.damaged)
		}
	}
	for _, c := range []struct {
		in, phone string
		damaged   bool
	}{
		{"13800138000.0", "13800138000", false},
		{"1.3800138E+10", "13800138000", false},
		{"1.38001E+10", "13800100000", true},
		{"13800138000", "13800138000", false},
		{"138-0013-8000", "138-0013-8000", false},
		{"1.5", "1.5", false},
	} {
		ph, dmg := PhoneCell(c.in)
		if ph != c.phone || dmg != c.damaged {
			t.Errorf("PhoneCell(%q) = %q, %v; want %q, %v", c.in, ph, dmg, c.phone, c.damaged)
		}
	}
}

func FuzzValues(f *testing.F) {
	for _, s := range []string{"2021年12月10日5时34分", "44540.23", "6.10118E+17", "13800138000.0", "12月10日", "1e30", "9.9E+99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseDateTime(s, 2021)
		if d, num, _ := NumberDigits(s); num && !isDigitString(d) {
			t.Fatalf("NumberDigits(%q) = %q", s, d)
		}
		IDNumberCell(s)
		PhoneCell(s)
		IsFooter([]string{s, s}, 3, false)
	})
}

func TestNormDate(t *testing.T) {
	for in, want := range map[string][2]string{ // NormDate, NormDateTime
		"2021年12月10日5时34分": {"2021-12-10", "2021-12-10 05:34"},
		"2021/12/10 5:34":  {"2021-12-10", "2021-12-10 05:34"},
		"1990年1月1日":        {"1990-01-01", "1990-01-01"},
		"2026-12-06":       {"2026-12-06", "2026-12-06"},
		"12月10日":           {"12月10日", "12月10日"}, // no year: left for the validator
		"昨天":               {"昨天", "昨天"},
		"":                 {"", ""},
	} {
		if got := NormDate(in); got != want[0] {
			t.Errorf("NormDate(%q) = %q, want %q", in, got, want[0])
		}
		if got := NormDateTime(in); got != want[1] {
			t.Errorf("NormDateTime(%q) = %q, want %q", in, got, want[1])
		}
	}
}

// A platform's CSV keeps long numbers as text for Excel with ="…" or a
// leading apostrophe; the reader drops the marks, and keeps other text.
func TestForcedText(t *testing.T) {
	for in, want := range map[string]string{
		`="610118199001011234"`: "610118199001011234",
		`'13800138000`:          "13800138000",
		`'61011819900101123X`:   "61011819900101123X",
		`'张三'`:                  `'张三'`,
		`=SUM(A1:A3)`:           `=SUM(A1:A3)`,
	} {
		if got := unforce(in); got != want {
			t.Errorf("unforce(%q) = %q, want %q", in, got, want)
		}
	}
}
