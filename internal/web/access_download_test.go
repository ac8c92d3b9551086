package web_test

// Access matrix of the core's downloads (an import's full error report):
// a download is served to the user who made it, and to nobody else.

import (
	"bytes"
	"context"
	"time"

	"fangkong/internal/download"
	"fangkong/internal/sheet"
)

func init() {
	featureSpecs = append(featureSpecs, downloadSpecs)
}

// errorReport is a small XLSX holding text.
func errorReport(w *world, text string) []byte {
	var b bytes.Buffer
	sw, err := sheet.NewWriter(&b, "错误", []string{"行号", "列", "原因"}, nil)
	if err == nil {
		err = sw.WriteRow([]string{"2", "姓名", text})
	}
	if err == nil {
		err = sw.Close()
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return b.Bytes()
}

func downloadSpecs(add adder, twin twinner) {
	add("GET /downloads/{token}", "", kGlobal, func(x *tc) []variant {
		store, ctx := download.NewStore(x.w.d, time.Now), context.Background()
		other := x.w.principal("command")
		if other == x.p {
			other = x.w.principal("village")
		}
		mineText, otherText := "本人的错误报告 "+x.w.uniq("r"), "他人的错误报告 "+x.w.uniq("r")
		mine, err := store.Put(ctx, x.p.user.ID, "导入错误报告.xlsx", errorReport(x.w, mineText))
		if err != nil {
			x.w.t.Fatal(err)
		}
		theirs, err := store.Put(ctx, other.user.ID, "导入错误报告.xlsx", errorReport(x.w, otherText))
		if err != nil {
			x.w.t.Fatal(err)
		}
		return []variant{
			{path: "/downloads/" + mine, in: xlsxWant([]string{mineText}, []string{otherText})},
			{path: "/downloads/" + theirs, in: want{status: 404}.not(otherText)},
			{path: "/downloads/0123456789abcdef0123456789abcdef", in: want{status: 404}},
		}
	})
}
