package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/notify"
)

// The events of tracing (通知事件): a case clock missed (网络直报、活动轨迹、
// 初步流调报告超时), told to the command centre, and contacts handed over
// to control measures (移交管控、转运), told to each contact's village.
const (
	EventClockMissed = "tracing.clock_missed"
	EventHandOff     = "tracing.handoff"
)

// Events are tracing's notification events, as the app lists them.
var Events = []notify.EventType{
	{Kind: EventClockMissed, Name: "流调时限超时", Vars: []string{"name", "unit", "clock", "due", "id"},
		Sample:   map[string]string{"name": "张三", "unit": "西街社区", "clock": "网络直报（2小时）", "due": "2026-12-06 12:00:00", "id": "5"},
		Template: "【防控】病例${name}（${unit}）的${clock}已超时（时限${due}），请立即督办。",
		Channels: []string{notify.ChannelSMS, notify.ChannelRobot}, Link: "/tracing/cases/${id}",
		To: []notify.Recipient{{Role: "command", Level: jurisdiction.LevelCounty}}},
	{Kind: EventHandOff, Name: "流调移交管控", Vars: []string{"village", "count", "names", "action"},
		Sample:   map[string]string{"village": "西街社区", "count": "2", "names": "张三、李四", "action": "已安排转运至集中隔离点"},
		Template: "【防控】流调移交${village}密接/次密接${count}人（${names}），${action}，请在“管控工作”中查看并落实管控措施。",
		Channels: []string{notify.ChannelSMS}, Link: "/measures/work",
		To: []notify.Recipient{{Duty: "*"}, {Role: "village"}}},
}

func init() {
	for i := range Events {
		Events[i].Dedup = 24 * time.Hour
	}
}

// emitMissed tells the command centre of case c's clocks newly missed
// (not in before, the clocks already escalated), inside the transaction
// ctx carries.
func (s *Service) emitMissed(ctx context.Context, c Case, before string) error {
	old := strings.Split(before, ",")
	for _, k := range c.Clocks {
		if !k.Missed() || slices.Contains(old, k.Key) {
			continue
		}
		err := s.notifier.Emit(ctx, notify.Event{Kind: EventClockMissed, Unit: c.UnitCode, Key: fmt.Sprintf("tracing-case:%d:%s", c.ID, k.Key),
			Vars: map[string]string{"name": c.Name, "unit": c.UnitName, "clock": k.Name, "due": clock.Format(k.Due), "id": fmt.Sprint(c.ID)}})
		if err != nil {
			return err
		}
	}
	return nil
}

// handed is a contact handed over, as its village is told.
type handed struct {
	id         int64
	unit, name string
}

// emitHandOff tells each village of its contacts handed over (one message
// a village), inside the transaction ctx carries.
func (s *Service) emitHandOff(ctx context.Context, q db.Querier, list []handed, transferred bool) error {
	byVillage := map[string][]handed{}
	var order []string
	for _, x := range list {
		v := jurisdiction.VillageOf(x.unit)
		if v == "" {
			v = x.unit
		}
		if jurisdiction.LevelOfCode(v) == 0 {
			continue // no unit to tell
		}
		if _, ok := byVillage[v]; !ok {
			order = append(order, v)
		}
		byVillage[v] = append(byVillage[v], x)
	}
	action := "已纳入管控措施"
	if transferred {
		action = "已安排转运至集中隔离点"
	}
	for _, v := range order {
		xs := byVillage[v]
		var name string
		if err := q.QueryRowContext(ctx, `SELECT name FROM units WHERE code = $1`, v).Scan(&name); err != nil && err != sql.ErrNoRows {
			return err
		}
		names := make([]string, len(xs))
		for i, x := range xs {
			names[i] = x.name
		}
		err := s.notifier.Emit(ctx, notify.Event{Kind: EventHandOff, Unit: v, Key: fmt.Sprintf("tracing-handoff:%d", xs[0].id),
			Vars: map[string]string{"village": name, "count": fmt.Sprint(len(xs)), "names": strings.Join(names, "、"), "action": action}})
		if err != nil {
			return err
		}
	}
	return nil
}
