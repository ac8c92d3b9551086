package registry

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
)

// An ID number is unique in the registry, so registering one that is
// already registered outside the caller's jurisdiction must be refused,
// and the refusal says that the number exists. What the answer may reveal
// (issue 12, item 11):
//
//   - only that the number is registered — never where, by whom or under
//     which name (ElsewhereMessage, the same for every unit);
//   - only to roles that may register people (the routes need people.write
//     or people.import: 指挥部, 镇街, 村社);
//   - about at most ElsewherePerHour people per user and hour (then 429,
//     and the answer is not given), so a form cannot test numbers in bulk;
//   - each answer is a look-up in the audit log (action lookup), filed under
//     the person's unit, so their village sees who tried to register them.
//
// People registered in two places (人户分离) are resolved by the cadres above
// both units, as the message says.

// ElsewhereMessage is the answer to an ID number registered outside the
// caller's jurisdiction.
const ElsewhereMessage = "该身份证号已登记，请联系上级核实"

// ElsewherePerHour bounds those answers per user and clock hour, counted
// in distinct people: asking again about a number already answered this
// hour tells nothing new and is not counted (it is audited all the same).
const ElsewherePerHour = 20

// TooManyElsewhere is the refusal once a user has had answers about
// ElsewherePerHour people this hour: HTTP 429 with Retry-After.
type TooManyElsewhere struct{ After time.Duration }

func (e *TooManyElsewhere) Error() string {
	return "本小时核对身份证号的次数已达上限，请稍后再试或联系上级核实: " + errs.ErrTooMany.Error()
}
func (e *TooManyElsewhere) Unwrap() error             { return errs.ErrTooMany }
func (e *TooManyElsewhere) RetryAfter() time.Duration { return e.After }

// elsewhereBudget keeps, per user, the people answered about in the
// current clock hour (per process: several instances each allow the budget).
type elsewhereBudget struct {
	mu   sync.Mutex
	hour int64
	seen map[int64]map[int64]bool // user → people
}

// take counts an answer to user about person pid and reports whether it is
// within budget, and if not, how long until the next hour.
func (b *elsewhereBudget) take(user, pid int64, now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h := now.Unix() / 3600; h != b.hour || b.seen == nil {
		b.hour, b.seen = h, map[int64]map[int64]bool{}
	}
	people := b.seen[user]
	if people == nil {
		people = map[int64]bool{}
		b.seen[user] = people
	}
	if people[pid] || len(people) < ElsewherePerHour {
		people[pid] = true
		return true, 0
	}
	return false, time.Duration((b.hour+1)*3600-now.Unix()) * time.Second
}

// elsewhere answers an ID number registered outside the caller's scope
// (person pid of unit): within the user's budget it writes the look-up to
// the audit log and returns the conflict; beyond it, TooManyElsewhere.
// The entry joins the transaction ctx carries, if any (it then stands or
// falls with the caller's action); audit=false skips it when that
// transaction is already broken.
func (s *Service) elsewhere(ctx context.Context, who audit.Actor, pid int64, unit string, audited bool) error {
	now := s.now()
	if ok, after := s.budget.take(who.UserID, pid, now); !ok {
		return &TooManyElsewhere{After: after}
	}
	if audited {
		if err := audit.Record(ctx, s.db.Writer(ctx), now, who, audit.ActionLookup, "person", fmt.Sprint(pid), unit,
			"登记时身份证号与本辖区人员重复（已答复：已登记，未告知所在辖区）"); err != nil {
			return err
		}
	}
	return &errs.Conflict{Message: ElsewhereMessage}
}

// Elsewhere is elsewhere for other domains that look an ID number up before
// registering a person (the returnee ledger): the same answer, budget and
// audit entry.
func (s *Service) Elsewhere(ctx context.Context, who audit.Actor, pid int64, unit string) error {
	return s.elsewhere(ctx, who, pid, unit, true)
}
