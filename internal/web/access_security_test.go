package web_test

import "fangkong/internal/auth"

// The retention page (保存期限) and break-the-glass reads (跨辖区查看).

func init() {
	featureSpecs = append(featureSpecs, securitySpecs)
}

func securitySpecs(add adder, twin twinner) {
	// Retention: the rules and a dry run inside the caller's scope; the
	// matrix seeds nothing past its period, so nothing is due, and no
	// personal data is on the page.
	twin("GET /retention", "GET /api/v1/retention", auth.CapRetentionView, kGlobal, func(x *tc, pre string, api bool) []variant {
		has := map[bool][]string{false: {"保存期限", `id="due-measure_details">0<`}, true: {`"kind":"measure_details"`, `"due":0`}}[api]
		return get(pre+"/retention", ok(200, has...).not(gather(x.w.recs, (*rec).leaks)...), want{})
	})
}
