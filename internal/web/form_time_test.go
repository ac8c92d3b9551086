package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
)

// Times as a date picker sends them and as people type them.
func TestParseLocalTime(t *testing.T) {
	want := time.Date(2022, 3, 1, 8, 30, 0, 0, clock.Shanghai).UnixMilli()
	for _, v := range []string{"2022-03-01T08:30", "2022-03-01 08:30", " 2022年3月1日8时30分", "2022/3/1 8:30", "2022.3.1 8点30分"} {
		if got, err := ParseLocalTime("t", v); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", v, got, err, want)
		}
	}
	if got, err := ParseLocalTime("t", "2022年3月1日"); err != nil || got != time.Date(2022, 3, 1, 0, 0, 0, 0, clock.Shanghai).UnixMilli() {
		t.Errorf("a date alone: %d %v", got, err)
	}
	if got, err := ParseLocalTime("t", ""); err != nil || got != 0 {
		t.Errorf("blank: %d %v", got, err)
	}
	for _, v := range []string{"昨天下午", "2022-02-30 08:00", "3月1日 8:30"} {
		if _, err := ParseLocalTime("t", v); !errs.IsInvalid(err) {
			t.Errorf("%q: %v, want invalid", v, err)
		}
	}
}

// A form's date fields (…_on, …_date) are read as typed; other fields are
// left as they are.
func TestBindReadsDatesAsTyped(t *testing.T) {
	var in struct {
		ArrivedOn string `json:"arrived_on"`
		BirthDate string `json:"birth_date"`
		BasedOn   string `json:"based_on"`
		Note      string `json:"note"`
		Bad       string `json:"checked_on"`
	}
	r := httptest.NewRequest("POST", "/x", strings.NewReader(url.Values{"arrived_on": {"2021年12月10日"}, "birth_date": {"1990/1/2"},
		"based_on": {"20211210"}, "note": {"2021年12月10日"}, "checked_on": {"上周"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := Bind(r, &in); err != nil {
		t.Fatal(err)
	}
	if in.ArrivedOn != "2021-12-10" || in.BirthDate != "1990-01-02" || in.BasedOn != "20211210" || in.Note != "2021年12月10日" || in.Bad != "上周" {
		t.Errorf("bound %+v", in)
	}
}
