package sheet

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Cell values as other offices' spreadsheets deliver them: dates written
// the Chinese way or left as Excel serial numbers, and long numbers (ID
// numbers, phones) that the spreadsheet turned into floating point.

// halfwidth folds full-width ASCII forms and the ideographic space.
func halfwidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - ('！' - '!')
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// dateFolder turns the Chinese and dotted forms into "y-m-d h:m:s".
var dateFolder = strings.NewReplacer("年", "-", "月", "-", "日", " ", "号", " ", "/", "-", ".", "-", "点半", ":30", "时半", ":30",
	"时", ":", "点", ":", "分", ":", "秒", "", "T", " ", "上午", " ", "下午", " ", "中午", " ", "晚上", " ", "傍晚", " ", "夜间", " ",
	"凌晨", " ", "早上", " ", "早晨", " ", "AM", " ", "PM", " ", "am", " ", "pm", " ")

// afternoon reports whether s says the time is after noon (下午3点20分,
// 晚上8点, 3:20 PM): its hour then counts from 12.
func afternoon(s string) bool {
	for _, w := range []string{"下午", "晚上", "傍晚", "夜间", "中午", "PM", "pm"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// ParseDateTime reads a date, with or without a time of day, in the forms
// people and spreadsheets write: 2021-12-10, 2021/12/10 5:34, 2021.12.10,
// 20211210, 2021年12月10日, 2021年12月10日5时34分, 2021年12月10日 05:34,
// 下午3点20分 and 3:20 PM (15:20), 12月10日 (in year, the list's year), and
// Excel serial numbers (44540, 44540.23). It reports whether a time of day
// was given.
func ParseDateTime(s string, year int) (t time.Time, hasTime, ok bool) {
	s = strings.TrimSpace(halfwidth(s))
	if s == "" {
		return time.Time{}, false, false
	}
	if len(s) == 8 && isDigitString(s) {
		t, err := time.Parse("20060102", s)
		return t, false, err == nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
		// An Excel serial number: 10000 is 1927-05-18, 99999 is 2173-10-14.
		if f >= 10000 && f < 100000 {
			days := math.Floor(f)
			secs := int(math.Round((f - days) * 86400))
			t = time.Date(1899, 12, 30+int(days), 0, 0, secs, 0, time.UTC)
			return t, secs != 0, true
		}
		return time.Time{}, false, false
	}
	f := strings.Fields(strings.ReplaceAll(dateFolder.Replace(s), "-", " - "))
	// f is now numbers separated by "-" and time parts with ":".
	var date []int
	var clock string
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == "-":
		case strings.Contains(f[i], ":"):
			clock += f[i]
		case isDigitString(f[i]) && len(date) < 3 && clock == "":
			n, _ := strconv.Atoi(f[i])
			date = append(date, n)
		case isDigitString(f[i]) && clock != "" && strings.HasSuffix(clock, ":"):
			clock += f[i]
		default:
			return time.Time{}, false, false
		}
	}
	var y, m, d int
	switch len(date) {
	case 3:
		y, m, d = date[0], date[1], date[2]
	case 2:
		if year == 0 {
			return time.Time{}, false, false
		}
		y, m, d = year, date[0], date[1]
	default:
		return time.Time{}, false, false
	}
	if y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false, false
	}
	t = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false, false // 2月30日
	}
	if clock = strings.TrimSuffix(clock, ":"); clock != "" {
		parts := strings.Split(clock, ":")
		var hms [3]int
		if len(parts) > 3 {
			return time.Time{}, false, false
		}
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > []int{23, 59, 59}[i] {
				return time.Time{}, false, false
			}
			hms[i] = n
		}
		if hms[0] < 12 && afternoon(s) && !(strings.Contains(s, "中午") && hms[0] >= 11) {
			hms[0] += 12 // 中午11点 and 中午12点 are before and at noon
		}
		t = t.Add(time.Duration(hms[0])*time.Hour + time.Duration(hms[1])*time.Minute + time.Duration(hms[2])*time.Second)
		hasTime = true
	}
	return t, hasTime, true
}

// ParseDate is ParseDateTime as YYYY-MM-DD, or "" when s is no date.
func ParseDate(s string, year int) string {
	t, _, ok := ParseDateTime(s, year)
	if !ok {
		return ""
	}
	return t.Format("2006-01-02")
}

// NormDate is a date as typed in a form (2021年12月10日, 2021/12/10,
// 2021.12.10, with its year) as YYYY-MM-DD; anything else is returned
// as it is, for the validator to refuse with its own message.
func NormDate(s string) string {
	t, _, ok := ParseDateTime(s, 0)
	if !ok {
		return s
	}
	return t.Format("2006-01-02")
}

// NormDateTime is NormDate with the time of day when one was given
// (2021年12月10日5时34分 is 2021-12-10 05:34).
func NormDateTime(s string) string {
	t, hasTime, ok := ParseDateTime(s, 0)
	switch {
	case !ok:
		return s
	case hasTime:
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("2006-01-02")
}

func isDigitString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// NumberDigits undoes what a spreadsheet does to a long number kept as a
// number: "13800138000.0" and "1.3800138E+10" give "13800138000" (exact);
// "1.38001E+10" and "6.10118E+17" lost digits and give damaged. A value in
// none of these forms (plain digits, text) gives numeric false.
func NumberDigits(s string) (digits string, numeric, damaged bool) {
	s = strings.TrimSpace(halfwidth(s))
	if s == "" || isDigitString(s) {
		return "", false, false
	}
	mant, exp, sci := strings.Cut(strings.ToUpper(s), "E")
	ip, fp, dot := strings.Cut(mant, ".")
	if !isDigitString(ip) || dot && fp != "" && !isDigitString(fp) {
		return "", false, false
	}
	if !sci {
		if strings.Trim(fp, "0") != "" {
			return "", false, false // 1380013800.5 is no phone or ID number
		}
		return ip, true, false
	}
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	if err != nil || e < 0 || e > 30 {
		return "", false, false
	}
	r, ok := new(big.Rat).SetString(mant)
	if !ok {
		return "", false, false
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil)))
	if !r.IsInt() {
		return "", false, false
	}
	digits = r.Num().String()
	// Excel shows 6 significant digits in the General format ("1.38001E+10"):
	// a mantissa that short, for a longer number, lost digits.
	sig := len(strings.TrimLeft(ip+fp, "0"))
	return digits, true, sig <= 6 && sig < len(digits)
}

// IDDamageReason is why a damaged ID number is not matched on.
const IDDamageReason = "身份证号被表格软件改写（科学计数或末位变为0），未按身份证号匹配"

// IDNumberCell reads an ID number cell: the digits of a number-typed cell
// when exact, or damaged when a spreadsheet rewrote it (scientific form
// with lost digits; any number of more than 15 digits, which a spreadsheet
// cannot hold; or 18 digits ending in 000 whose check digit fails, the
// trace of a float's 15 significant digits). The quote marks people type
// before or after an ID number to keep it as text (610118…1234' or
// ‘610118…1234) are dropped.
func IDNumberCell(s string) (id string, damaged bool) {
	if t := strings.Trim(strings.TrimSpace(s), idQuotes); t != s && t != "" {
		s = t
	}
	if d, num, dmg := NumberDigits(s); num {
		if dmg || len(d) > 15 {
			return d, true
		}
		return d, false
	}
	t := strings.TrimSpace(halfwidth(s))
	if len(t) == 18 && isDigitString(t) && strings.HasSuffix(t, "000") && !idCheckOK(t) {
		return t, true
	}
	return s, false
}

// idQuotes are the marks typed around an ID number to keep it as text.
const idQuotes = "'`＇‘’\"“”\t "

// idCheckOK reports whether an 18-character ID number's check character
// is right.
func idCheckOK(id string) bool {
	if len(id) != 18 || !isDigitString(id[:17]) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	c := "10X98765432"[sum%11]
	return id[17] == c || c == 'X' && id[17] == 'x'
}

// PhoneDamageReason is why a damaged phone is not matched on.
const PhoneDamageReason = "手机号被表格软件改写（科学计数丢失位数），未按手机号匹配"

// PhoneCell reads a phone cell: "13800138000.0" and "1.3800138E+10" give
// "13800138000"; "1.38001E+10" is damaged. Other text is returned as it is.
func PhoneCell(s string) (phone string, damaged bool) {
	if d, num, dmg := NumberDigits(s); num {
		return d, dmg
	}
	return s, false
}
