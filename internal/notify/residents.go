package notify

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// MaxResidents is the most phones one message to residents reaches.
const MaxResidents = 20000

// Residents is a message to residents (群众短信) as the command centre
// prepares it: the people of a unit registered with a phone (户籍人口台账),
// and/or phones pasted one per line (e.g. a testing round's 应检未检 list).
type Residents struct {
	Unit   string // village or group inside the scope; "" with Phones only
	Phones string // pasted, one per line (or separated by commas)
	Body   string
	// Confirm is the count the sender was shown and confirmed; a send
	// whose list no longer has that many phones is refused.
	Confirm int
}

// ResidentList is whom a message to residents reaches.
type ResidentList struct {
	Phones   []string
	OptedOut int // left out: they asked for no messages (退订)
	Invalid  int // pasted entries that are no mobile number
}

// ResidentTargets resolves a message's recipients inside the scope.
func (s *Service) ResidentTargets(ctx context.Context, scope jurisdiction.Scope, in Residents) (ResidentList, error) {
	var out ResidentList
	seen := map[string]bool{}
	addPhone := func(p string) bool {
		n, err := personal.NormalizePhone(p)
		if err != nil || len(n) != 11 || !strings.HasPrefix(n, "1") {
			return false
		}
		if !seen[n] {
			seen[n] = true
			out.Phones = append(out.Phones, n)
		}
		return true
	}
	if in.Unit != "" {
		u, err := scope.Narrow(in.Unit)
		if err != nil {
			return out, errs.Invalidf("unit", "单位 %s 不存在或不在您的辖区内", in.Unit)
		}
		if jurisdiction.LevelOfCode(in.Unit) < jurisdiction.LevelVillage {
			return out, errs.Invalidf("unit", "请选择一个村（社区）或村民小组")
		}
		lo, hi := u.Args()
		rows, err := s.db.R().QueryContext(ctx, `SELECT DISTINCT phone FROM people
			WHERE `+u.Where("unit_code", 1)+` AND active = 1 AND merged_into IS NULL AND phone <> ''`, lo, hi)
		if err != nil {
			return out, fmt.Errorf("residents of %s: %w", in.Unit, err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return out, err
			}
			addPhone(p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	for _, f := range strings.FieldsFunc(in.Phones, func(r rune) bool { return r == '\n' || r == ',' || r == '，' || r == ';' || r == ' ' || r == '\r' }) {
		if !addPhone(f) {
			out.Invalid++
		}
	}
	if len(out.Phones) > 0 {
		opted, err := s.optedOut(ctx, out.Phones)
		if err != nil {
			return out, err
		}
		out.Phones = slices.DeleteFunc(out.Phones, func(p string) bool { return opted[p] })
		out.OptedOut = len(opted)
	}
	if len(out.Phones) > MaxResidents {
		return out, errs.Invalidf("phones", "一次最多发送 %d 人，请分批发送", MaxResidents)
	}
	return out, nil
}

func (s *Service) optedOut(ctx context.Context, phones []string) (map[string]bool, error) {
	out := map[string]bool{}
	for i := 0; i < len(phones); i += 500 {
		part := phones[i:min(i+500, len(phones))]
		marks := make([]string, len(part))
		args := make([]any, len(part))
		for j, p := range part {
			marks[j], args[j] = fmt.Sprintf("$%d", j+1), p
		}
		rows, err := s.db.R().QueryContext(ctx, `SELECT phone FROM notify_optout WHERE phone IN (`+strings.Join(marks, ",")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("opt-outs: %w", err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			out[p] = true
		}
		rows.Close()
	}
	return out, nil
}

// CheckResidentBody validates the text of a message to residents.
func CheckResidentBody(body string) (string, error) {
	body, err := personal.Text(body)
	if err != nil || strings.TrimSpace(body) == "" {
		return "", errs.Invalidf("body", "请填写短信内容")
	}
	if utf8.RuneCountInString(body) > MaxBody {
		return "", errs.Invalidf("body", "短信内容不能超过 %d 字", MaxBody)
	}
	return body, nil
}

// SendResidents queues a message to residents once the sender confirmed
// its count; it is audited under the unit (or the sender's unit) and
// reaches no one who opted out. It returns how many were queued.
func (s *Service) SendResidents(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, in Residents) (int, error) {
	if _, ok := s.channels[ChannelSMS]; !ok {
		return 0, errs.Invalidf("body", "短信渠道未配置：请在服务器环境变量中配置后重启")
	}
	body, err := CheckResidentBody(in.Body)
	if err != nil {
		return 0, err
	}
	list, err := s.ResidentTargets(ctx, scope, in)
	if err != nil {
		return 0, err
	}
	if len(list.Phones) == 0 {
		return 0, errs.Invalidf("phones", "名单中没有可发送的手机号")
	}
	if in.Confirm != len(list.Phones) {
		return 0, &errs.Conflict{Message: fmt.Sprintf("名单已变化：现为 %d 人，请重新核对后确认", len(list.Phones))}
	}
	unit := in.Unit
	if unit == "" {
		unit = who.Unit
	}
	if !scope.Contains(unit) {
		return 0, errs.ErrNotFound
	}
	body = s.SignResidents(ctx, who, unit, body)
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ms := s.now().UnixMilli()
		for _, p := range list.Phones {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notify_outbox (kind, unit_code, channel, target, body, vars, next_at, created_by, created_at)
				VALUES ($1, $2, 'sms', $3, $4, '{}', $5, $6, $5)`, KindResidents, unit, p, body, ms, who.Username); err != nil {
				return fmt.Errorf("residents: %w", err)
			}
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionCreate, "notify_residents", "", unit,
			fmt.Sprintf("向 %d 名群众发送短信：%s", len(list.Phones), clip(body, 80)))
	})
	if err != nil {
		return 0, err
	}
	return len(list.Phones), nil
}

// OptOut records that a phone receives no more messages to residents
// (退订), as the resident asked; alerts to staff are not affected.
func (s *Service) OptOut(ctx context.Context, who audit.Actor, phone string) error {
	p, err := personal.NormalizePhone(phone)
	if err != nil || len(p) != 11 {
		return errs.Invalidf("phone", "请填写11位手机号")
	}
	_, err = s.db.W().ExecContext(ctx, `INSERT INTO notify_optout (phone, created_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING`,
		p, s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("opt out: %w", err)
	}
	return nil
}

// SignResidents is a message to residents as they receive it: the text,
// then who speaks — the unit (the village committee) and the sender's name
// ("——西街社区居委会 张三"), so a villager knows whom to answer.
func (s *Service) SignResidents(ctx context.Context, who audit.Actor, unit, body string) string {
	if unit == "" {
		unit = who.Unit
	}
	var uname, sender string
	_ = s.db.R().QueryRowContext(ctx, `SELECT name FROM units WHERE code = $1`, unit).Scan(&uname)
	_ = s.db.R().QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, who.UserID).Scan(&sender)
	sign := strings.TrimSpace(uname + " " + sender)
	if sign == "" || strings.Contains(body, sign) {
		return body
	}
	return body + "——" + sign
}
