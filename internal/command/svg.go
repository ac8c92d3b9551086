package command

import (
	"fmt"
	"html/template"
	"strings"
)

// Spark draws a series as a small SVG line chart (no JavaScript): points
// of -1 (no value that day) are gaps; the last point is marked. The
// chart's title lists the values for screen readers and a long press.
func Spark(series []int, days []string, w, h int) template.HTML {
	if len(series) == 0 {
		return ""
	}
	top := 1
	for _, v := range series {
		top = max(top, v)
	}
	step := float64(w-4) / float64(max(len(series)-1, 1))
	y := func(v int) float64 { return float64(h-3) - float64(v)*float64(h-6)/float64(top) }
	var b strings.Builder
	var title []string
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %d %d" width="%d" height="%d" role="img">`, w, h, w, h)
	var path []string
	last := -1
	for i, v := range series {
		if v < 0 {
			if len(path) > 1 {
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="currentColor" stroke-width="1.5"/>`, strings.Join(path, " "))
			}
			path = path[:0]
			continue
		}
		last = i
		path = append(path, fmt.Sprintf("%.1f,%.1f", 2+float64(i)*step, y(v)))
		if i < len(days) {
			title = append(title, fmt.Sprintf("%s:%d", days[i][5:], v))
		}
	}
	if len(path) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="currentColor" stroke-width="1.5"/>`, strings.Join(path, " "))
	}
	if last >= 0 {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2" fill="currentColor"/>`, 2+float64(last)*step, y(series[last]))
	}
	fmt.Fprintf(&b, `<title>%s</title></svg>`, template.HTMLEscapeString(strings.Join(title, " ")))
	return template.HTML(b.String())
}
