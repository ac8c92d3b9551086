package personal

import "testing"

func TestNormalizeIDNumber(t *testing.T) {
	valid := map[string]string{
		"11010519491231002X":   "11010519491231002X",
		"11010519491231002x":   "11010519491231002X",
		" 110105 19491231002X": "11010519491231002X",
		"１１０１０５１９４９１２３１００２Ｘ": "11010519491231002X", // full-width
		"440524188001010014": "440524188001010014",
		"110105491231002":    "11010519491231002X", // 15-digit old number
	}
	for in, want := range valid {
		got, err := NormalizeIDNumber(in)
		if err != nil || got != want {
			t.Errorf("NormalizeIDNumber(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := map[string]error{
		"110105194912310021": ErrIDCheck,
		"11010519491331002X": ErrIDBirthDate,
		"1101051949123100":   ErrIDLength,
		"11010519491231002Y": ErrIDChars,
		"X10105194912310021": ErrIDChars,
		"110105491331002":    ErrIDBirthDate,
		"":                   ErrIDLength,
		"11010520230230002X": ErrIDBirthDate, // 30 February
	}
	for in, want := range invalid {
		if _, err := NormalizeIDNumber(in); err != want {
			t.Errorf("NormalizeIDNumber(%q) error = %v; want %v", in, err, want)
		}
	}
	if IDSex("11010519491231002X") != "女" || IDSex("440524188001010014") != "男" {
		t.Error("IDSex wrong")
	}
	if IDBirthDate("11010519491231002X") != "1949-12-31" {
		t.Error("IDBirthDate wrong")
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":       "13812345678",
		"138 1234 5678":     "13812345678",
		"+86 138-1234-5678": "13812345678",
		"８６13812345678":     "13812345678",
		"１３８１２３４５６７８":       "13812345678",
	} {
		got, err := NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"12812345678", "1381234567", "029-88888888", "1381234567a", ""} {
		if _, err := NormalizePhone(in); err == nil {
			t.Errorf("NormalizePhone(%q) accepted", in)
		}
	}
}

func TestMasking(t *testing.T) {
	if got := MaskID("61011819900101123X"); got != "6101**********123X" {
		t.Errorf("MaskID = %q", got)
	}
	if got := MaskPhone("13812345678"); got != "138****5678" {
		t.Errorf("MaskPhone = %q", got)
	}
}

func TestAgeOnAsSscanf(t *testing.T) {
	for _, c := range []struct {
		birth, on string
		want      int
	}{
		{"1948-03-02", "2026-03-01", 77},
		{"1948-03-02", "2026-03-02", 78},
		{"2000-02-29", "2026-02-28", 25},
		{"2026-12-07", "2026-12-07", 0},
		{"1948/03/02", "2026-03-02", 78}, // not the form: read as fmt.Sscanf would (1948, 0, 0)
		{"short", "2026-03-02", 0},
	} {
		if got := AgeOn(c.birth, c.on); got != c.want {
			t.Errorf("AgeOn(%q, %q) = %d, want %d", c.birth, c.on, got, c.want)
		}
	}
}

func TestPersonName(t *testing.T) {
	for in, want := range map[string]string{"王　五": "王五", " 王 五 ": "王五", "测　甲六": "测甲六", "Mary Wang": "Mary Wang", "买买提·艾力": "买买提·艾力"} {
		if got, err := PersonName(in); err != nil || got != want {
			t.Errorf("PersonName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
