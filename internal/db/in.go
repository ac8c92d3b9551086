package db

import "strconv"

// In is the placeholder list of n arguments numbered from first, for a
// small IN list: In(3, 2) is "$2, $3, $4". Bind the values in the same
// order after the first-1 arguments before them.
func In(n, first int) string {
	b := make([]byte, 0, n*5)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(first+i), 10)
	}
	return string(b)
}
