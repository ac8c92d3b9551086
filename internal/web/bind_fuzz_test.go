package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fangkong/internal/web"
)

// bindTarget has a field of every kind web.Bind fills.
type bindTarget struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	ID    int64   `json:"id"`
	Temp  float64 `json:"temp"`
	Done  bool    `json:"done"`
	Skip  string  `json:"-"`
	Plain string
}

// FuzzBind: web.Bind on any form or JSON body, as a page or an API
// request, answers an error or a filled struct, never a panic; form
// strings come trimmed; the body read is bounded as the server bounds it.
func FuzzBind(f *testing.F) {
	f.Add(false, "application/x-www-form-urlencoded", []byte("name=+%E5%BC%A0%E4%B8%89+&count=3&id=9007199254740993&temp=36.6&done=on"))
	f.Add(false, "application/x-www-form-urlencoded", []byte("count=x&temp=1e400&done=true&name=%ff"))
	f.Add(true, "application/json", []byte(`{"name":"张三","count":3,"id":-1,"temp":36.6,"done":true}`))
	f.Add(true, "application/json", []byte(`{"name":1,"unknown":2}`))
	f.Add(false, "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n 李四 \r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, api bool, contentType string, body []byte) {
		path := "/units/x"
		if api {
			path = "/api/v1/units/x"
		}
		r := httptest.NewRequest(http.MethodPost, path+"?count=7", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<20)
		var in bindTarget
		if err := web.Bind(r, &in); err != nil {
			return
		}
		if !api && strings.TrimSpace(in.Name) != in.Name {
			t.Fatalf("form string not trimmed: %q", in.Name)
		}
		if in.Skip != "" {
			t.Fatalf("a field tagged json:\"-\" was filled: %q", in.Skip)
		}
	})
}
