package web_test

// Access matrix of the command centre (指挥部): the operating picture and
// the daily reports. A picture or a report status of a unit outside the
// user's jurisdiction is not found; inside, no person of the ledger shows.

import (
	"fangkong/internal/auth"
)

func init() {
	featureSpecs = append(featureSpecs, commandSpecs)
}

func commandSpecs(add adder, twin twinner) {
	const P = auth.CapPictureView
	add("GET /command", P, kGlobal, func(x *tc) []variant {
		return get("/command", ok(200, "指挥部态势", `id="cards"`).not(gather(x.w.recs, (*rec).names)...), want{})
	})
	add("GET /command", P, kUnit, func(x *tc) []variant {
		return get("/command?unit="+x.code, ok(200, "指挥部态势").not(gather(x.w.recs, (*rec).names)...), x.notFound())
	})
}
