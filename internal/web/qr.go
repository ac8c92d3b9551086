package web

import (
	"fmt"
	"html/template"
	"strings"

	"rsc.io/qr"
)

// QRSVG renders text as an inline SVG QR code (no image route, prints
// sharply); px is the rendered width in CSS pixels.
func QRSVG(text string, px int) template.HTML {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return template.HTML(template.HTMLEscapeString(text))
	}
	n := c.Size + 8 // 4-module quiet zone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img" aria-label="二维码"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, px, px, n, n)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+4, y+4)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}
