package demo

import (
	"fangkong/internal/clock"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// PushPerson is a registered person a generated push list may name.
type PushPerson struct {
	Name, IDNumber, BirthDate, Phone string
	VillageName                      string
}

// PushListConfig says what push list (大数据推送名单) to generate.
type PushListConfig struct {
	Seed      int64
	Rows      int
	People    []PushPerson // registered people rows may name
	Villages  []Village    // destinations of people not registered
	Townships []string     // township names
	// Today dates the arrivals (the 25 days before it); zero is 2026-11-26,
	// so a generated file is the same every time.
	Today time.Time
}

// PushListHeaders are the columns of a generated push list (as a public
// security push might have them).
var PushListHeaders = []string{"序号", "人员姓名", "证件号码", "联系电话", "出发地", "到达时间", "现住址", "备注"}

var pushOrigins = []string{"北京市朝阳区", "上海市浦东新区", "广东省广州市天河区", "湖北省武汉市江岸区", "四川省成都市武侯区",
	"河南省郑州市金水区", "新疆维吾尔自治区乌鲁木齐市", "内蒙古自治区呼和浩特市", "陕西省西安市雁塔区", "浙江省杭州市西湖区"}

var outsideCounties = []string{"110105", "310115", "440106", "420102", "510107", "410105", "650102"}

// PushListRows generates a messy push list: registered people by clean,
// full-width, spaced or 15-digit ID numbers, by phone in several formats,
// with wrong check digits; people not registered with a village, a township
// or no known place in their address; duplicates of earlier rows; and rows
// with nothing to act on. fn receives each row (reused between calls).
func PushListRows(cfg PushListConfig, fn func(row []string) error) error {
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9e3779b9))
	g := &gen{rng: rng}
	row := make([]string, len(PushListHeaders))
	var prev [][]string
	for i := 1; i <= cfg.Rows; i++ {
		clear(row)
		row[0] = fmt.Sprint(i)
		row[4] = pushOrigins[rng.IntN(len(pushOrigins))]
		row[5] = arrivalText(rng, cfg.Today)
		k := rng.IntN(100)
		switch {
		case k < 50 && len(cfg.People) > 0:
			p := cfg.People[rng.IntN(len(cfg.People))]
			row[1] = p.Name
			switch j := rng.IntN(100); {
			case j < 60:
				row[2] = p.IDNumber
			case j < 70:
				row[2] = fullwidth(p.IDNumber)
			case j < 75:
				row[2] = p.IDNumber[:6] + " " + p.IDNumber[6:14] + " " + strings.ToLower(p.IDNumber[14:])
			case j < 80 && p.IDNumber[6:8] == "19":
				row[2] = p.IDNumber[:6] + p.IDNumber[8:17]
			case j < 92 && p.Phone != "":
				row[3] = phoneText(rng, p.Phone)
				if rng.IntN(3) == 0 {
					row[1] = ""
				}
			default:
				row[2] = wrongCheck(p.IDNumber)
				row[6] = p.VillageName
			}
		case k < 80:
			male := rng.IntN(2) == 0
			row[1] = g.surname() + string(namePools[2][map[bool]int{true: 0, false: 1}[male]].first[rng.IntN(10)]) + string(namePools[2][0].second[rng.IntN(10)])
			if rng.IntN(4) > 0 {
				c := outsideCounties[rng.IntN(len(outsideCounties))]
				b := fmt.Sprintf("%s%04d%02d%02d%03d", c, 1950+rng.IntN(55), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(999))
				row[2] = b + string(personal.IDCheckDigit(b))
			}
			if rng.IntN(2) == 0 || row[2] == "" {
				row[3] = fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))
			}
			switch j := rng.IntN(10); {
			case j < 6 && len(cfg.Villages) > 0:
				v := cfg.Villages[rng.IntN(len(cfg.Villages))]
				row[6] = v.Name + fmt.Sprintf("%d号", 1+rng.IntN(200))
			case j < 8 && len(cfg.Townships) > 0:
				row[6] = cfg.Townships[rng.IntN(len(cfg.Townships))] + "附近"
			default:
				row[6] = "不详"
			}
		case k < 93 && len(prev) > 0:
			copy(row[1:], prev[rng.IntN(len(prev))][1:])
			row[7] = "重复推送"
		case k < 97:
			row[4], row[6], row[7] = "", "", "信息缺失"
			if rng.IntN(2) == 0 {
				row[2] = "无"
			}
		default:
			row[1] = "未知" + fmt.Sprint(rng.IntN(100))
			row[3] = "12345"
			row[6] = "外省"
		}
		if len(prev) < 5000 {
			prev = append(prev, append([]string(nil), row...))
		} else if rng.IntN(20) == 0 {
			copy(prev[rng.IntN(len(prev))], row)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// WritePushList writes a generated push list as XLSX.
func WritePushList(w io.Writer, cfg PushListConfig) error {
	sw, err := sheet.NewWriter(w, "推送名单", PushListHeaders, nil)
	if err != nil {
		return err
	}
	if err := PushListRows(cfg, sw.WriteRow); err != nil {
		return err
	}
	return sw.Close()
}

// arrivalText is an arrival date in the 25 days before today, written the
// ways the lists write it.
func arrivalText(rng *rand.Rand, today time.Time) string {
	if today.IsZero() {
		today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	}
	if day, err := time.Parse(time.DateOnly, clock.Day(today)); err == nil {
		today = day // the day in China
	}
	d := today.AddDate(0, 0, -1-rng.IntN(25))
	y, m, day := d.Date()
	switch rng.IntN(4) {
	case 0:
		return fmt.Sprintf("%d/%d/%d", y, m, day)
	case 1:
		return fmt.Sprintf("%d年%d月%d日", y, m, day)
	case 2:
		return d.Format("2006-01-02") + fmt.Sprintf(" %02d:%02d", rng.IntN(24), rng.IntN(60))
	}
	return d.Format("2006-01-02")
}

func phoneText(rng *rand.Rand, p string) string {
	switch rng.IntN(4) {
	case 0:
		return "+86 " + p[:3] + "-" + p[3:7] + "-" + p[7:]
	case 1:
		return "86" + p
	case 2:
		return fullwidth(p)
	}
	return p
}

func fullwidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func wrongCheck(id string) string {
	good := id[17]
	for _, c := range []byte("0123456789X") {
		if c != good {
			return id[:17] + string(c)
		}
	}
	return id
}
