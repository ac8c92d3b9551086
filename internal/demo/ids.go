package demo

import (
	"strconv"
	"time"

	"fangkong/internal/personal"
)

// idNumber allocates a unique ID number for someone born on birth (moving the
// birth date a day earlier in the practically impossible case that the day's
// sequence numbers are exhausted) and returns it with the birth date used.
func (g *gen) idNumber(birth time.Time, male bool) (string, time.Time) {
	for {
		day := birth.Unix()/86400 - g.epochDay
		for try := 0; try < 200 && day >= 0; try++ {
			seq := 2 * (g.rng.IntN(499) + 1) // 2..998, even: women
			if male {
				seq--
			}
			bit := day*1000 + int64(seq)
			if g.usedIDs[bit/64]&(1<<(bit%64)) != 0 {
				continue
			}
			g.usedIDs[bit/64] |= 1 << (bit % 64)
			var b [18]byte
			copy(b[:], g.county)
			y, mo, d := birth.Date()
			put(b[6:10], y)
			put(b[10:12], int(mo))
			put(b[12:14], d)
			put(b[14:17], seq)
			b[17] = personal.IDCheckDigit(string(b[:17]))
			return string(b[:]), birth
		}
		birth = birth.AddDate(0, 0, -1)
		if birth.Unix()/86400 < g.epochDay {
			birth = g.today
		}
	}
}

// put writes n as len(b) zero-padded decimal digits.
func put(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// Mobile prefixes (号段) of the three carriers.
var phonePrefixes = []uint64{
	130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
	173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 193, 198, 199,
}

// phone allocates a unique mobile number.
func (g *gen) phone() string {
	for {
		n := phonePrefixes[g.rng.IntN(len(phonePrefixes))]*100_000_000 + uint64(g.rng.IntN(100_000_000))
		if _, ok := g.phones[n]; !ok {
			g.phones[n] = struct{}{}
			return strconv.FormatUint(n, 10)
		}
	}
}

// phoneShare is the share of people of an age who have a mobile phone.
func phoneShare(age int) float64 {
	switch {
	case age < 14:
		return 0
	case age < 18:
		return 0.7
	case age < 60:
		return 0.97
	case age < 70:
		return 0.9
	case age < 80:
		return 0.7
	}
	return 0.4
}
