package app

import (
	"fangkong/internal/measure"
	"fangkong/internal/notify"
)

// notifyEvents lists the events the domains declare (事件类型), in the
// order the notification pages show them; adding a domain's events adds
// one line here.
func notifyEvents() []notify.EventType {
	var out []notify.EventType
	out = append(out, measure.Events...)
	return out
}
