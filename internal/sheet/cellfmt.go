package sheet

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// numFmtKind tells how a numeric cell under a number format reads.
type numFmtKind uint8

const (
	fmtNumber numFmtKind = iota // a plain number
	fmtDate                     // a date, possibly with a time of day
	fmtTime                     // a time of day or a duration, without a date
)

// readStyles parses a styles part (xl/styles.xml) and returns the kind of
// number format of each cell format, indexed like the s attribute of a cell.
func readStyles(r io.Reader) ([]numFmtKind, error) {
	var styles struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		CellXfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.NewDecoder(r).Decode(&styles); err != nil {
		return nil, err
	}
	custom := make(map[int]numFmtKind, len(styles.NumFmts))
	for _, f := range styles.NumFmts {
		custom[f.ID] = formatKind(f.Code)
	}
	kinds := make([]numFmtKind, len(styles.CellXfs))
	for i, xf := range styles.CellXfs {
		kind, ok := custom[xf.NumFmtID]
		if !ok {
			kind = builtInFormatKind(xf.NumFmtID)
		}
		kinds[i] = kind
	}
	return kinds, nil
}

// builtInFormatKind classifies the built-in number formats, which have no
// format code in the file. 27–36 and 50–58 are the date and time formats of
// the East Asian (here: Chinese) editions of Excel.
func builtInFormatKind(id int) numFmtKind {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id == 36,
		id >= 50 && id <= 54, id == 57, id == 58:
		return fmtDate
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id >= 45 && id <= 47,
		id == 55, id == 56:
		return fmtTime
	}
	return fmtNumber
}

// formatKind classifies a custom number format code such as
// `yyyy"年"m"月"d"日"` or "[h]:mm:ss" by its date and time placeholders,
// ignoring quoted text, escaped characters and bracketed colours, locales
// and conditions.
func formatKind(code string) numFmtKind {
	var date, month, clock bool
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*': // the next character is literal or padding
			i++
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				i = len(code)
				break
			}
			// [h], [mm] and [ss] are elapsed time; anything else is a
			// colour, locale or condition.
			if s := strings.ToLower(code[i+1 : i+1+j]); s != "" && strings.Trim(s, s[:1]) == "" && strings.Contains("hms", s[:1]) {
				clock = true
			}
			i += j + 1
		case 'y', 'Y', 'd', 'D':
			date = true
		case 'm', 'M':
			month = true // or minutes, when next to hours or seconds
		case 'h', 'H', 's', 'S':
			clock = true
		}
	}
	switch {
	case date || month && !clock:
		return fmtDate
	case clock:
		return fmtTime
	}
	return fmtNumber
}

// appendNumber appends the stored value v of a numeric cell the way Excel
// shows it in the General format, except that integers never turn into
// scientific notation: integers stored as such are kept digit for digit
// (so "13812345678" stays), other values are rounded to the 15 significant
// digits Excel keeps and printed in their shortest form ("1.3812345678E10"
// becomes "13812345678", "0.30000000000000004" becomes "0.3"). A value of
// more than 15 integer digits stays in scientific form
// ("6.1011819880502803E+17" becomes "6.10118198805028E+17"): the digits
// past the 15th were lost, and printed as zeros they would pass for an ID
// number whose check digit happens to fit. Text that is not a number is
// kept as it is.
func appendNumber(dst, v []byte) []byte {
	f, ok := parseNumber(v)
	if !ok || isPlainInteger(v) && !roundedInteger(v) {
		return append(dst, v...)
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'e', 14, 64), 64)
	if a := math.Abs(f); a >= 1e15 || a != 0 && a < 1e-9 {
		return strconv.AppendFloat(dst, f, 'E', -1, 64)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// parseNumber parses a decimal number such as "-1.5E+3"; unlike
// strconv.ParseFloat it rejects "Inf", "NaN" and hexadecimal forms.
func parseNumber(v []byte) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	for _, c := range v {
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil
}

// isPlainInteger reports whether v is an integer without a plus sign or
// leading zeros, such as "0", "-12" or "110105194912310021".
func isPlainInteger(v []byte) bool {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	if len(v) == 0 || v[0] == '0' && len(v) > 1 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// roundedInteger reports whether the plain integer v has more than 15
// digits of which all past the 15th are zeros: what a writer that keeps a
// float's 15 significant digits stores for an 18-digit ID number typed
// into a number cell ("610118198805028000"). appendNumber shows it in
// scientific form, like Excel does, and not as digits.
func roundedInteger(v []byte) bool {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	return len(v) > 15 && strings.Trim(string(v[15:]), "0") == ""
}

// maxSerial is the date serial number of 9999-12-31, Excel's last day, plus one.
const maxSerial = 2958466

// appendSerialDate appends the date serial number f (days since the epoch of
// the workbook, the fraction being the time of day) as "2006-01-02", or
// "2006-01-02 15:04:05" when there is a time of day; a time-only format
// gives "15:04:05" when there is no whole day. It reports false when f is no
// valid date.
func appendSerialDate(dst []byte, f float64, kind numFmtKind, date1904 bool) ([]byte, bool) {
	if !(f >= 0 && f < maxSerial) {
		return dst, false
	}
	days := math.Floor(f)
	secs := int(math.Round((f - days) * 86400))
	day := int(days)
	if secs == 86400 {
		day, secs = day+1, 0
	}
	layout := "2006-01-02"
	if secs != 0 {
		layout += " 15:04:05"
	}
	var t time.Time
	switch {
	case kind == fmtTime && day == 0:
		return time.Date(2000, 1, 1, 0, 0, secs, 0, time.UTC).AppendFormat(dst, "15:04:05"), true
	case date1904:
		t = time.Date(1904, 1, 1+day, 0, 0, secs, 0, time.UTC)
	case day == 60: // the 29 February 1900 that Excel wrongly believes in
		dst = append(dst, "1900-02-29"...)
		t, layout = time.Date(1900, 2, 28, 0, 0, secs, 0, time.UTC), layout[len("2006-01-02"):]
	case day < 60:
		t = time.Date(1899, 12, 31+day, 0, 0, secs, 0, time.UTC)
	default:
		t = time.Date(1899, 12, 30+day, 0, 0, secs, 0, time.UTC)
	}
	return t.AppendFormat(dst, layout), true
}

// isoLayouts are the forms of the ISO 8601 values of date cells (t="d").
var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
	"15:04:05.999999999",
}

// appendISODate appends the ISO 8601 value v of a date cell like
// appendSerialDate does, or v itself when it cannot be parsed.
func appendISODate(dst, v []byte) []byte {
	s := string(v)
	for _, layout := range isoLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		t = t.Round(time.Second)
		switch {
		case layout == isoLayouts[len(isoLayouts)-1]:
			return t.AppendFormat(dst, "15:04:05")
		case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
			return t.AppendFormat(dst, "2006-01-02")
		}
		return t.AppendFormat(dst, "2006-01-02 15:04:05")
	}
	return append(dst, v...)
}
