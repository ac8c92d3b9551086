package web

import (
	"strings"
	"testing"
)

func TestBesideField(t *testing.T) {
	page := `<main><p class="error" role="alert">请填写数量</p><form method="post" action="/x"><label for="n">数量</label><input id="n" name="n"></form></main>`
	out, ok := besideField([]byte(page), "/x", "请填写数量", "数量")
	if !ok || !strings.Contains(string(out), `<input id="n" name="n" aria-invalid="true" aria-describedby="err-数量"/><span class="error field-error" role="alert" id="err-数量">请填写数量</span>`) {
		t.Fatalf("by label: %v %s", ok, out)
	}
	// A template that shows the message beside its field itself: not placed
	// twice; the field is marked and the message made an alert.
	placed := strings.Replace(page, `name="n">`, `name="n"><p class="error">请填写数量</p>`, 1)
	out, ok = besideField([]byte(placed), "/x", "请填写数量", "数量")
	if !ok || strings.Count(string(out), "请填写数量") != 2 ||
		!strings.Contains(string(out), `<input id="n" name="n" aria-invalid="true" aria-describedby="err-数量"/><p class="error" role="alert" id="err-数量">`) {
		t.Errorf("placed by the template: %v %s", ok, out)
	}
	// … and when the template marked it all, the page is left as it was.
	done := strings.Replace(page, `name="n">`, `name="n" aria-invalid="true" aria-describedby="e"><span id="e" role="alert">请填写数量</span>`, 1)
	if _, ok := besideField([]byte(done), "/x", "请填写数量", "数量"); ok {
		t.Error("rewrote a page whose template marked the field")
	}
	// A label with notes in brackets and words between the field's.
	for label, field := range map[string]string{"返乡（抵达）日期": "返乡日期", "离开来源地日期": "离开日期", "核酸阴性证明采样时间": "核酸采样时间"} {
		p := `<form method="post"><label for="a">开始日期</label><input id="a" name="a"><label for="b">` + label + `</label><input id="b" name="b"></form>`
		if out, ok := besideField([]byte(p), "/x", "有误", field); !ok || !strings.Contains(string(out), `<input id="b" name="b" aria-invalid="true"`) {
			t.Errorf("%s for %s: %v %s", field, label, ok, out)
		}
	}
	// 日期 alone names no field by its characters (开始日期 does not start with 日).
	if _, ok := besideField([]byte(`<form method="post"><label for="a">开始时间</label><input id="a" name="a"></form>`), "/x", "有误", "始间"); ok {
		t.Error("matched characters not at the label's start")
	}
	// No such field, or a form that only searches (GET): unchanged.
	if _, ok := besideField([]byte(page), "/x", "请填写数量", "日期"); ok {
		t.Error("no such field")
	}
	get := strings.Replace(page, `method="post"`, `method="get"`, 1)
	if _, ok := besideField([]byte(get), "/x", "请填写数量", "n"); ok {
		t.Error("a GET form")
	}
}

// A date or number the picker cannot show comes back as text, in sight.
func TestShowTyped(t *testing.T) {
	page := `<form method="post" action="/x"><label for="d">最近检测日期</label><input id="d" name="d" type="date" value="2021年13月40日">` +
		`<input name="ok" type="date" value="2026-12-01"><input name="n" type="number" value="三"><input name="m" type="number" value="12"></form>`
	out, ok := besideField([]byte(page), "/x", "日期无效", "最近检测日期")
	s := string(out)
	if !ok || !strings.Contains(s, `<input id="d" name="d" type="text" value="2021年13月40日"`) ||
		!strings.Contains(s, `<input name="ok" type="date" value="2026-12-01"/>`) ||
		!strings.Contains(s, `<input name="n" type="text" value="三" inputmode="decimal"/>`) ||
		!strings.Contains(s, `<input name="m" type="number" value="12"/>`) {
		t.Errorf("%v %s", ok, s)
	}
}
