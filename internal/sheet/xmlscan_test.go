package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"a&amp;b&lt;&gt;&quot;&apos;": `a&b<>"'`,
		"&#20013;&#x6587;&#X41;":      "中文&#X41;",
		"&bogus; & &#xZZ;":            "&bogus; & &#xZZ;",
		"a\r\nb\rc":                   "a\nb\nc",
	} {
		if got := string(appendUnescaped(nil, []byte(in))); got != want {
			t.Errorf("appendUnescaped(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"a_x000D_b":        "a\rb",
		"_x005F_x000D_":    "_x000D_",
		"_x4E2D_x_x00":     "中x_x00",
		"snake_case_x_y_z": "snake_case_x_y_z",
	} {
		if got := string(unescapeOOXML([]byte(in))); got != want {
			t.Errorf("unescapeOOXML(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestXMLScannerSmallReads(t *testing.T) {
	// Tokens split across reads of one byte must come out whole.
	data := zipParts(t, namespacedParts)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/strings.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	sst, err := readSharedStrings(oneByteReader{rc}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range sst.len() {
		got = append(got, string(sst.get(i)))
	}
	want := []string{"姓名", " 身份证号 ", "张三", `A & B <1> "q" 's' 中文`, "line1\r\nline2_x0008_", "", "日期"}
	if !slices.Equal(got, want) {
		t.Errorf("shared strings = %q, want %q", got, want)
	}
	if _, err := readSharedStrings(strings.NewReader("<sst><si><t>cut"), 0); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated table: error = %v, want unexpected EOF", err)
	}
}

func TestSheetSmallReads(t *testing.T) {
	data := zipParts(t, namespacedParts)
	src, err := openXLSX(bytes.NewReader(data), int64(len(data)), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	want := sourceRows(t, data)
	slow := src.(*xlsxSource)
	slow.sc = newXMLScanner(oneByteReader{strings.NewReader(namespacedParts["xl/worksheets/data.xml"])})
	got := map[int][]string{}
	for {
		cells, num, err := slow.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) > 0 {
			got[num] = slices.Clone(cells)
		}
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rows = %v, want %v", got, want)
	}
}

// oneByteReader splits every token across reads.
type oneByteReader struct{ r io.Reader }

func (r oneByteReader) Read(p []byte) (int, error) { return r.r.Read(p[:min(len(p), 1)]) }
