package web

import (
	"bytes"
	"html/template"
	"regexp"
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
		if fieldNamed(form, field) == nil {
			continue
		}
		changed := showTyped(form)
		if placed {
			changed = markPlaced(form, field, msg) || changed
		} else {
			changed = placeMessage(form, field, msg) || changed
		}
		if !changed {
			return nil, false
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

// pickerFormats are the values a date, time or number input can show; a
// browser blanks any other value, and what was typed ("2021年13月40日",
// "三") would vanish from the page that asks to correct it.
var pickerFormats = map[string]*regexp.Regexp{
	"date":           regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`),
	"datetime-local": regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$`),
	"time":           regexp.MustCompile(`^\d{2}:\d{2}(:\d{2})?$`),
	"month":          regexp.MustCompile(`^\d{4}-\d{2}$`),
	"number":         regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`),
}

// showTyped turns the form's date, time and number inputs holding a value
// their picker cannot show into text inputs, so the value typed stays in
// sight beside its message; it reports whether it changed any.
func showTyped(form *html.Node) bool {
	changed := false
	walk(form, func(n *html.Node) {
		if n.DataAtom != atom.Input {
			return
		}
		typ := strings.ToLower(attr(n, "type"))
		re, ok := pickerFormats[typ]
		if v := attr(n, "value"); !ok || v == "" || re.MatchString(v) {
			return
		}
		setAttr(n, "type", "text")
		if typ == "number" {
			setAttr(n, "inputmode", "decimal")
		}
		changed = true
	})
	return changed
}
