package notify

import "testing"

func TestUnsigned(t *testing.T) {
	for in, want := range map[string]string{
		"【防控】西街社区张三体温38.5℃":    "西街社区张三体温38.5℃",
		"【升级提醒·1级】【防控】张三超时未处置": "[升级提醒·1级]张三超时未处置",
		"请于今日18时前到村委会采样点采样":    "请于今日18时前到村委会采样点采样",
		"【防控系统】张三的【重要】提醒":      "张三的[重要]提醒",
	} {
		if got := unsigned(in); got != want {
			t.Errorf("unsigned(%q) = %q, want %q", in, got, want)
		}
	}
}
