package web_test

// Access matrix of notifications (通知): everyone has an inbox and sees only
// their own messages; the command centre (notify.manage) sees the delivery
// log of its jurisdiction, resends a failed message inside it (outside: 404),
// edits templates and sends test messages.

import (
	"fmt"

	"fangkong/internal/auth"
)

// notifyFailed is the failed outbox row seeded in each village.
var notifyFailed = map[*rec]int64{}

func init() {
	featureSeeds = append(featureSeeds, seedNotify)
	fingerprintParts = append(fingerprintParts, "COUNT(*) FROM notify_templates", "COUNT(*) FROM notify_outbox",
		"COUNT(*) FROM notify_outbox WHERE status = 'failed'", "COUNT(*) FROM notify_inbox", "COUNT(*) FROM notify_optout")
	featureSpecs = append(featureSpecs, notifySpecs)
}

func inboxText(p *principal) string { return "给" + p.username + "的站内消息" }

func seedNotify(w *world) {
	clear(notifyFailed)
	for _, r := range w.recs {
		var id int64
		if err := w.d.W().QueryRow(`INSERT INTO notify_outbox (kind, unit_code, channel, target, target_name, body, status, attempts,
			next_at, last_error, created_at) VALUES ('measure.abnormal', $1, 'sms', $2, $3, $4, 'failed', 8, 0, '短信接口: isp.SYSTEM_ERROR', 0) RETURNING id`,
			r.unit, r.resp.Phone, "通知接收人"+r.key, "发往"+r.key+"的预警短信").Scan(&id); err != nil {
			w.t.Fatal(err)
		}
		notifyFailed[r] = id
		r.extraLeaks = append(r.extraLeaks, "通知接收人"+r.key)
	}
	for _, p := range w.principals {
		if _, err := w.d.W().Exec(`INSERT INTO notify_inbox (user_id, kind, unit_code, body, created_at) VALUES ($1, 'measure.abnormal', $2, $3, 0)`,
			p.user.ID, p.user.UnitCode, inboxText(p)); err != nil {
			w.t.Fatal(err)
		}
	}
}

func notifySpecs(add adder, twin twinner) {
	const M, RS = auth.CapNotifyManage, auth.CapNotifyResidents
	others := func(x *tc) []string {
		var out []string
		for _, p := range x.w.principals {
			if p != x.p {
				out = append(out, inboxText(p))
			}
		}
		return out
	}
	add("GET /inbox", "", kGlobal, func(x *tc) []variant {
		return get("/inbox", ok(200, inboxText(x.p)).not(others(x)...), want{})
	})
	add("GET /api/v1/inbox", "", kGlobal, func(x *tc) []variant {
		return get("/api/v1/inbox", ok(200, inboxText(x.p), `"unread"`).not(others(x)...), want{})
	})
	add("POST /inbox/read", "", kGlobal, func(x *tc) []variant {
		return []variant{{path: "/inbox/read", in: ok(303), pure: true}}
	})
	add("GET /notify", M, kGlobal, func(x *tc) []variant {
		var in, out []string
		for _, r := range x.w.recs {
			if x.seesUnit(r.unit) {
				in = append(in, "通知接收人"+r.key)
			} else {
				out = append(out, "通知接收人"+r.key)
			}
		}
		return get("/notify", ok(200, append(in, "发送失败", "测试发送", "健康监测异常")...).not(out...), want{})
	})
	add("POST /notify/messages/{id}/resend", M, kRecord, func(x *tc) []variant {
		id := notifyFailed[x.r]
		return []variant{{path: fmt.Sprintf("/notify/messages/%d/resend", id), in: ok(303), out: x.notFound(), after: func() error {
			_, err := x.w.d.W().Exec(`UPDATE notify_outbox SET status = 'failed' WHERE id = $1`, id)
			return err
		}}}
	})
	add("POST /notify/test", M, kGlobal, func(x *tc) []variant {
		// No channel is configured in the test app: the form answers so.
		return []variant{{path: "/notify/test", body: m{"channel": "sms", "to": "13800000000"}, in: ok(400, "渠道未配置", "13800000000")}}
	})
	add("GET /notify/templates/{kind}", M, kGlobal, func(x *tc) []variant {
		return append(get("/notify/templates/measure.abnormal", ok(200, "健康监测异常", "默认"), want{}),
			get("/notify/templates/nothing.here", want{status: 404}, want{})...)
	})
	add("POST /notify/templates/{kind}", M, kGlobal, func(x *tc) []variant {
		return []variant{
			{path: "/notify/templates/measure.abnormal", body: m{"body": x.w.uniq("请核实") + "${name}", "sms": "1"}, in: ok(303)},
			{path: "/notify/templates/measure.abnormal", body: m{"body": "${nobody}来了"}, in: ok(400, "未知的变量", "${nobody}来了")},
			{path: "/notify/templates/measure.abnormal", body: m{"body": "预览${name}", "preview": "1"}, in: ok(200, "预览张三"), pure: true},
		}
	})
	add("GET /notify/residents", RS, kGlobal, func(x *tc) []variant {
		return get("/notify/residents", ok(200, "群众短信", "核对人数"), want{})
	})
	add("POST /notify/residents", RS, kRecord, func(x *tc) []variant {
		// Without confirm: the count to confirm, nothing sent; a unit
		// outside the jurisdiction is refused beside its field.
		return []variant{{path: "/notify/residents", body: m{"unit": x.r.unit, "body": "请于今日18时前到村委会采样点采样"},
			in: ok(200, "请确认发送", "确认发送"), out: x.invalid(400, "不在您的辖区内"), pure: true}}
	})
	add("POST /notify/optouts", RS, kGlobal, func(x *tc) []variant {
		x.w.n++
		return []variant{{path: "/notify/optouts", body: m{"phone": fmt.Sprintf("139%08d", x.w.n)}, in: ok(303)}}
	})
}
