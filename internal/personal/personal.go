// Package personal holds the rules for personal identifiers (个人信息): the
// resident ID number (居民身份证号码, GB 11643) with its check digit, birth date
// and sex, the 15-to-18-digit conversion, mainland mobile numbers (手机号), and
// how both are masked (脱敏) in lists.
package personal

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Validation errors carry a message a cadre understands (zh-CN).
var (
	ErrIDLength    = errors.New("身份证号应为18位（或15位旧号）")
	ErrIDChars     = errors.New("身份证号只能包含数字，最后一位可为X")
	ErrIDBirthDate = errors.New("身份证号中的出生日期无效")
	ErrIDCheck     = errors.New("身份证号校验位错误")
	ErrPhone       = errors.New("手机号应为11位大陆手机号（1开头，第二位3-9）")
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckDigit returns the GB 11643 check character for the first 17 digits.
func IDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// Halfwidth folds full-width digits, letters and spaces to ASCII and trims spaces.
func Halfwidth(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// NormalizeIDNumber cleans an ID number as typed or imported (full-width digits,
// spaces, lower-case x), converts a 15-digit old number to 18 digits, and checks
// the birth date and the check digit.
func NormalizeIDNumber(s string) (string, error) {
	s = strings.ToUpper(Halfwidth(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
	switch len(s) {
	case 15:
		for _, c := range s {
			if c < '0' || c > '9' {
				return "", ErrIDChars
			}
		}
		// Old numbers carry a 2-digit year, always 19xx.
		s17 := s[:6] + "19" + s[6:]
		if _, err := time.Parse("20060102", s17[6:14]); err != nil {
			return "", ErrIDBirthDate
		}
		return s17 + string(IDCheckDigit(s17)), nil
	case 18:
	default:
		return "", ErrIDLength
	}
	for i, c := range s {
		if (c < '0' || c > '9') && !(i == 17 && c == 'X') {
			return "", ErrIDChars
		}
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1880 {
		return "", ErrIDBirthDate
	}
	if IDCheckDigit(s[:17]) != s[17] {
		return "", ErrIDCheck
	}
	return s, nil
}

// IDBirthDate returns the birth date (YYYY-MM-DD) of a normalised 18-digit number.
func IDBirthDate(id string) string {
	if len(id) != 18 {
		return ""
	}
	return id[6:10] + "-" + id[10:12] + "-" + id[12:14]
}

// IDSex returns "男" or "女" from the 17th digit of a normalised number.
func IDSex(id string) string {
	if len(id) != 18 {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// NormalizePhone accepts a mainland mobile number with optional spaces, dashes,
// full-width digits and a +86/86 prefix, and returns its 11 digits.
func NormalizePhone(s string) (string, error) {
	s = Halfwidth(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimPrefix(s, "+86")
	if len(s) == 15 && strings.HasPrefix(s, "0086") {
		s = s[4:]
	}
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return "", ErrPhone
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", ErrPhone
		}
	}
	return s, nil
}

// MaskID shows the first 4 and last 4 characters: 6101**********123X.
func MaskID(id string) string {
	if len(id) < 9 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-8) + id[len(id)-4:]
}

// MaskPhone shows the first 3 and last 4 digits: 138****5678.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// AgeOn returns the age in whole years on the given date (YYYY-MM-DD strings).
func AgeOn(birth, on string) int {
	if len(birth) != 10 || len(on) != 10 {
		return 0
	}
	by, bm, bd := ymd(birth)
	oy, om, od := ymd(on)
	age := oy - by
	if om < bm || (om == bm && od < bd) {
		age--
	}
	return age
}

// ymd reads the year, month and day of a YYYY-MM-DD date digit by digit
// (every row of a people list asks for an age: fmt.Sscanf was 5% of the
// list's CPU); anything else is read as fmt.Sscanf("%d-%d-%d") reads it.
func ymd(d string) (y, m, day int) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	if d[4] == '-' && d[7] == '-' {
		y, ok1 := num(d[:4])
		m, ok2 := num(d[5:7])
		day, ok3 := num(d[8:])
		if ok1 && ok2 && ok3 {
			return y, m, day
		}
	}
	fmt.Sscanf(d, "%d-%d-%d", &y, &m, &day)
	return y, m, day
}

// ParseDate parses a calendar date YYYY-MM-DD.
func ParseDate(d string) (time.Time, error) { return time.Parse("2006-01-02", d) }

// NormSex reads 性别 as registers write it: 男/女, 男性/女性, the national
// standard's codes 1 and 2, M/F. Anything else is returned as it is, for
// the validator to refuse.
func NormSex(s string) string {
	switch strings.ToUpper(strings.TrimSpace(Halfwidth(s))) {
	case "男", "男性", "1", "M", "MALE":
		return "男"
	case "女", "女性", "2", "F", "FEMALE":
		return "女"
	}
	return s
}
