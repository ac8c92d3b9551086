package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Refill is the core's answer to a form that failed validation when its
// handler did not re-render the form itself (FormError): it renders the
// page the form came from again — the Referer, else the posted path — with
// every field as it was typed and the message beside the field it concerns
// (aria-invalid, role=alert), in the same response, with the error's
// status. Nothing typed is lost and nobody lands on a bare error page.
//
// Passwords and files are never echoed back. It reports false when no page
// holding a form for the posted path could be rendered; the caller then
// answers with the plain error page.
func (s *Server) refill(w http.ResponseWriter, r *http.Request, status int, msg, field string) bool {
	ri := info(r)
	if ri.refilling || r.Method != http.MethodPost || IsAPI(r) {
		return false
	}
	if r.PostForm == nil {
		// The handler failed before reading the form (or the body was too
		// large to read): what was typed cannot be known.
		return false
	}
	ri.refilling = true
	for _, from := range refillSources(r) {
		page, ok := s.renderGET(r, from)
		if !ok {
			continue
		}
		out, ok := refillHTML(page, r.URL.Path, from, r.PostForm, msg, field)
		if !ok {
			continue
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(out)
		return true
	}
	return false
}

// refillFrom is the hidden field a refilled form carries naming the page it
// was rendered from: sent again from the refilled answer, whose address
// (and so the next Referer) is the posted path, it keeps a second error on
// the same form refillable.
const refillFrom = "_refill_from"

// refillSources are the pages that may hold the posted form: the page a
// refilled form came from, the same-origin Referer, then the posted path
// itself.
func refillSources(r *http.Request) []*url.URL {
	var out []*url.URL
	if from, err := url.Parse(r.PostForm.Get(refillFrom)); err == nil && strings.HasPrefix(from.Path, "/") &&
		!strings.HasPrefix(from.Path, "//") && from.Host == "" && from.Scheme == "" {
		out = append(out, &url.URL{Path: from.Path, RawQuery: from.RawQuery})
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Path != "" && (ref.Host == "" || ref.Host == r.Host) {
		out = append(out, &url.URL{Path: ref.Path, RawQuery: ref.RawQuery})
	}
	if len(out) == 0 || out[0].Path != r.URL.Path {
		out = append(out, &url.URL{Path: r.URL.Path})
	}
	return out
}

// renderGET renders the page at u for the same user, in memory.
func (s *Server) renderGET(r *http.Request, u *url.URL) ([]byte, bool) {
	g := r.Clone(r.Context())
	g.Method, g.URL, g.RequestURI = http.MethodGet, u, u.RequestURI()
	g.Body, g.ContentLength, g.Form, g.PostForm, g.MultipartForm = http.NoBody, 0, nil, nil, nil
	g.Header = r.Header.Clone()
	g.Header.Del("Content-Type")
	g.Header.Del("Content-Length")
	rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
	s.mux.ServeHTTP(rec, g)
	if rec.status != http.StatusOK || !strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		return nil, false
	}
	return rec.body.Bytes(), true
}

// pageRecorder keeps a rendered page in memory.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (p *pageRecorder) Header() http.Header { return p.header }
func (p *pageRecorder) Write(b []byte) (int, error) {
	p.wrote = true
	return p.body.Write(b)
}
func (p *pageRecorder) WriteHeader(status int) {
	if !p.wrote {
		p.status, p.wrote = status, true
	}
}

// refillHTML fills the forms of page that post to action with values and
// puts msg beside field (or atop the form). It reports false when the page
// has no such form.
func refillHTML(page []byte, action string, pageURL *url.URL, values url.Values, msg, field string) ([]byte, bool) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, false
	}
	var forms []*html.Node
	walk(doc, func(n *html.Node) {
		if n.DataAtom == atom.Form && formAction(n, pageURL) == action && !strings.EqualFold(attr(n, "method"), "get") {
			forms = append(forms, n)
		}
	})
	if len(forms) == 0 {
		return nil, false
	}
	// Several forms post to the same path (e.g. one per row, or a button
	// beside the full form): fill the one whose hidden fields match what
	// was sent, else the one with most of the fields sent.
	form, best := forms[0], -1
	for _, f := range forms {
		if hiddenMatch(f, values) {
			form = f
			break
		}
		if n := sentFields(f, values); n > best {
			form, best = f, n
		}
	}
	fill(form, values)
	showTyped(form)
	if pageURL.Path != action {
		hidden := &html.Node{Type: html.ElementNode, DataAtom: atom.Input, Data: "input", Attr: []html.Attribute{
			{Key: "type", Val: "hidden"}, {Key: "name", Val: refillFrom}, {Key: "value", Val: pageURL.RequestURI()}}}
		form.InsertBefore(hidden, form.FirstChild)
	}
	// A form folded away in <details> is unfolded, or its message and the
	// values typed would stay out of sight.
	for n := form.Parent; n != nil; n = n.Parent {
		if n.DataAtom == atom.Details {
			setBool(n, "open", true)
		}
	}
	if !placeMessage(form, field, msg) {
		p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p",
			Attr: []html.Attribute{{Key: "class", Val: "error"}, {Key: "role", Val: "alert"}, {Key: "id", Val: "form-error"}}}
		p.AppendChild(&html.Node{Type: html.TextNode, Data: msg})
		form.InsertBefore(p, form.FirstChild)
	}
	var b bytes.Buffer
	if err := html.Render(&b, doc); err != nil {
		return nil, false
	}
	return b.Bytes(), true
}

// formAction is the path a form posts to ("" is the page itself).
func formAction(n *html.Node, pageURL *url.URL) string {
	a := attr(n, "action")
	if a == "" {
		return pageURL.Path
	}
	u, err := pageURL.Parse(a)
	if err != nil {
		return ""
	}
	return u.Path
}

// hiddenMatch reports whether every hidden field of the form (but the CSRF
// token and the form id, fresh in each render) carries the value that was
// sent.
func hiddenMatch(form *html.Node, values url.Values) bool {
	ok, any := true, false
	walk(form, func(n *html.Node) {
		if n.DataAtom != atom.Input || attr(n, "type") != "hidden" || attr(n, "name") == "csrf_token" || attr(n, "name") == formField {
			return
		}
		any = true
		if vs, sent := values[attr(n, "name")]; !sent || len(vs) == 0 || vs[0] != attr(n, "value") {
			ok = false
		}
	})
	return ok && any
}

// sentFields counts the form's named fields, other than hidden ones, that
// were sent.
func sentFields(form *html.Node, values url.Values) int {
	n := 0
	walk(form, func(e *html.Node) {
		if (e.DataAtom == atom.Input && attr(e, "type") != "hidden") || e.DataAtom == atom.Select || e.DataAtom == atom.Textarea {
			if _, sent := values[attr(e, "name")]; sent && attr(e, "name") != "" {
				n++
			}
		}
	})
	return n
}

// fill sets the form's fields to the values sent, in document order for
// repeated names.
func fill(form *html.Node, values url.Values) {
	used := map[string]int{}
	next := func(name string) (string, bool) {
		vs := values[name]
		i := used[name]
		if i >= len(vs) {
			return "", false
		}
		used[name] = i + 1
		return vs[i], true
	}
	walk(form, func(n *html.Node) {
		name := attr(n, "name")
		if name == "" || name == "csrf_token" {
			return
		}
		switch n.DataAtom {
		case atom.Input:
			switch strings.ToLower(attr(n, "type")) {
			case "password", "file", "submit", "button", "hidden", "image", "reset":
			case "checkbox", "radio":
				setBool(n, "checked", contains(values[name], cmpOr(attr(n, "value"), "on")))
			default:
				if v, ok := next(name); ok {
					setAttr(n, "value", v)
				}
			}
		case atom.Textarea:
			if v, ok := next(name); ok {
				for c := n.FirstChild; c != nil; c = n.FirstChild {
					n.RemoveChild(c)
				}
				n.AppendChild(&html.Node{Type: html.TextNode, Data: v})
			}
		case atom.Select:
			sent := values[name]
			if len(sent) == 0 {
				return
			}
			walk(n, func(o *html.Node) {
				if o.DataAtom == atom.Option {
					setBool(o, "selected", contains(sent, optionValue(o)))
				}
			})
		}
	})
}

// placeMessage puts msg right after the field named field (or with that
// id) and marks it invalid; false when the form has no such field.
func placeMessage(form *html.Node, field, msg string) bool {
	target := fieldNamed(form, field)
	if target == nil || target.Parent == nil {
		return false
	}
	setAttr(target, "aria-invalid", "true")
	id := "err-" + field
	setAttr(target, "aria-describedby", id)
	p := &html.Node{Type: html.ElementNode, DataAtom: atom.Span, Data: "span",
		Attr: []html.Attribute{{Key: "class", Val: "error field-error"}, {Key: "role", Val: "alert"}, {Key: "id", Val: id}}}
	p.AppendChild(&html.Node{Type: html.TextNode, Data: msg})
	target.Parent.InsertBefore(p, target.NextSibling)
	return true
}

// fieldNamed is the form's control a message names: by name or id, else
// by its label (labelled); nil when none.
func fieldNamed(form *html.Node, field string) *html.Node {
	if field == "" {
		return nil
	}
	var target *html.Node
	walk(form, func(n *html.Node) {
		if target == nil && n.Type == html.ElementNode && (attr(n, "name") == field || attr(n, "id") == field) &&
			(n.DataAtom == atom.Input || n.DataAtom == atom.Select || n.DataAtom == atom.Textarea) {
			target = n
		}
	})
	if target == nil {
		target = labelled(form, field)
	}
	return target
}

// labelled finds the field a domain's error names by its label: the control
// whose <label> or aria-label reads field ("排查范围"), else whose label
// contains it ("日期" in 开始日期).
func labelled(form *html.Node, field string) *html.Node {
	byID := map[string]*html.Node{}
	var controls []*html.Node
	walk(form, func(n *html.Node) {
		if n.DataAtom == atom.Input || n.DataAtom == atom.Select || n.DataAtom == atom.Textarea {
			if t := attr(n, "type"); t == "hidden" || t == "submit" {
				return
			}
			controls = append(controls, n)
			if id := attr(n, "id"); id != "" {
				byID[id] = n
			}
		}
	})
	type cand struct {
		n     *html.Node
		label string
	}
	var cands []cand
	walk(form, func(n *html.Node) {
		if n.DataAtom == atom.Label {
			if c := byID[attr(n, "for")]; c != nil {
				cands = append(cands, cand{c, strings.TrimSpace(textOf(n))})
			}
		}
	})
	for _, c := range controls {
		if l := attr(c, "aria-label"); l != "" {
			cands = append(cands, cand{c, l})
		}
	}
	for _, c := range cands {
		if c.label == field {
			return c.n
		}
	}
	for _, c := range cands {
		if strings.Contains(c.label, field) {
			return c.n
		}
	}
	// The label's words around the field's: "返乡日期" for 返乡（抵达）日期,
	// "离开日期" for 离开来源地日期 — the field's characters in order,
	// starting where the label starts; the shortest such label wins.
	var best *html.Node
	bestLen := 0
	for _, c := range cands {
		if l := bareLabel(c.label); inOrder(field, l) && (best == nil || len(l) < bestLen) {
			best, bestLen = c.n, len(l)
		}
	}
	return best
}

// bareLabel is a label without its parenthesised notes （…） (…) and
// surrounding marks.
func bareLabel(l string) string {
	var b strings.Builder
	depth := 0
	for _, r := range l {
		switch r {
		case '（', '(':
			depth++
		case '）', ')':
			depth = max(depth-1, 0)
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	return strings.Trim(b.String(), " ：:*＊")
}

// inOrder reports whether field's characters appear in label in order,
// the first being label's first (so 日期 does not match 开始日期).
func inOrder(field, label string) bool {
	f, l := []rune(field), []rune(label)
	if len(f) < 2 || len(l) == 0 || f[0] != l[0] {
		return false
	}
	i := 0
	for _, r := range l {
		if i < len(f) && r == f[i] {
			i++
		}
	}
	return i == len(f)
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func setBool(n *html.Node, key string, on bool) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key {
			out = append(out, a)
		}
	}
	n.Attr = out
	if on {
		n.Attr = append(n.Attr, html.Attribute{Key: key})
	}
}

func optionValue(o *html.Node) string {
	for _, a := range o.Attr {
		if a.Key == "value" {
			return a.Val
		}
	}
	var b strings.Builder
	for c := o.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
