package web

import (
	"bytes"
	"html/template"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// besideField puts a page's validation message beside the field it names
// when the page's own template did not: many forms are re-rendered by
// their handlers with View.Error and View.Field, and without this their
// message stood only atop the page, away from the field on a phone. The
// message goes after the field named (by name, id or label) in a form that
// posts (preferring those that post to path), the field is marked
// aria-invalid, and a folded <details> around it is opened. When the
// template placed the message itself, the field is marked and the message
// made an alert describing it. It reports false when no form has the
// field, or the template marked it all itself; the page is then left as it
// was.
func besideField(page []byte, path, msg, field string) ([]byte, bool) {
	if msg == "" || field == "" {
		return nil, false
	}
	// The layout's banner shows the message once; a template that shows it
	// beside its field shows it twice.
	placed := bytes.Count(page, []byte(template.HTMLEscapeString(msg))) > 1 || bytes.Contains(page, []byte(`id="err-`+field+`"`))
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, false
	}
	var same, other []*html.Node
	walk(doc, func(n *html.Node) {
		if n.DataAtom != atom.Form || !strings.EqualFold(attr(n, "method"), "post") {
			return
		}
		if a := attr(n, "action"); a == "" || a == path || strings.HasPrefix(a, path+"?") {
			same = append(same, n)
		} else {
			other = append(other, n)
		}
	})
	for _, form := range append(same, other...) {
		if placed {
			if !markPlaced(form, field, msg) {
				continue
			}
		} else if !placeMessage(form, field, msg) {
			continue
		}
		for n := form.Parent; n != nil; n = n.Parent {
			if n.DataAtom == atom.Details {
				setBool(n, "open", true)
			}
		}
		var b bytes.Buffer
		if err := html.Render(&b, doc); err != nil {
			return nil, false
		}
		return b.Bytes(), true
	}
	return nil, false
}

// markPlaced marks the field a template put msg beside: the field
// aria-invalid and described by the message, the message an alert. False
// when the form has no such field or no element reading msg, or nothing
// was missing.
func markPlaced(form *html.Node, field, msg string) bool {
	target := fieldNamed(form, field)
	if target == nil {
		return false
	}
	var note *html.Node
	walk(form, func(n *html.Node) {
		if note == nil && n.Type == html.ElementNode && n.DataAtom != atom.Form && strings.TrimSpace(textOf(n)) == msg {
			note = n
		}
	})
	if note == nil {
		return false
	}
	changed := false
	if attr(note, "role") == "" {
		setAttr(note, "role", "alert")
		changed = true
	}
	id := attr(note, "id")
	if id == "" {
		id = "err-" + field
		setAttr(note, "id", id)
		changed = true
	}
	if attr(target, "aria-invalid") != "true" {
		setAttr(target, "aria-invalid", "true")
		changed = true
	}
	if attr(target, "aria-describedby") == "" {
		setAttr(target, "aria-describedby", id)
		changed = true
	}
	return changed
}
