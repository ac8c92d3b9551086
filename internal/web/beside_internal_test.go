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
	// A template that shows the message beside its field itself is left alone.
	placed := strings.Replace(page, `name="n">`, `name="n"><span class="error" role="alert">请填写数量</span>`, 1)
	if _, ok := besideField([]byte(placed), "/x", "请填写数量", "数量"); ok {
		t.Error("placed twice")
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
