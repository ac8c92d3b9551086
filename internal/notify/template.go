package notify

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/personal"
)

// Template is one version of an event type's message (消息模板). Version 0
// is the default the domain declares, never stored.
type Template struct {
	Kind      string
	Version   int
	Body      string
	Channels  []string
	SMSCode   string // the provider's approved template code (模板CODE)
	CreatedBy string
	CreatedAt int64
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Render fills ${var} placeholders; an unknown one is left as typed.
func Render(body string, vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(body, func(m string) string {
		if v, ok := vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// MaxBody is the longest template, in characters (an SMS of 67 characters
// is one part; providers cap a message near 500).
const MaxBody = 300

func checkTemplate(t EventType, body string) error {
	if strings.TrimSpace(body) == "" {
		return errs.Invalidf("body", "请填写消息内容")
	}
	if utf8.RuneCountInString(body) > MaxBody {
		return errs.Invalidf("body", "消息内容不能超过 %d 字", MaxBody)
	}
	for _, m := range placeholder.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(t.Vars, m[1]) {
			return errs.Invalidf("body", "未知的变量 ${%s}，可用：%s", m[1], strings.Join(wrapVars(t.Vars), " "))
		}
	}
	return nil
}

func wrapVars(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "${" + v + "}"
	}
	return out
}

// current is the newest stored version of t's template, or its default.
func (s *Service) current(ctx context.Context, q db.Querier, t EventType) (Template, error) {
	list, err := s.versions(ctx, q, t, 1)
	if err != nil {
		return Template{}, err
	}
	return list[0], nil
}

// Template returns the template in force for kind.
func (s *Service) Template(ctx context.Context, kind string) (Template, error) {
	t, err := s.Type(kind)
	if err != nil {
		return Template{}, err
	}
	return s.current(ctx, s.db.R(), t)
}

// Versions lists kind's template versions, newest first, ending with the
// default (version 0).
func (s *Service) Versions(ctx context.Context, kind string) ([]Template, error) {
	t, err := s.Type(kind)
	if err != nil {
		return nil, err
	}
	return s.versions(ctx, s.db.R(), t, 50)
}

func (s *Service) versions(ctx context.Context, q db.Querier, t EventType, limit int) ([]Template, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, body, channels, sms_code, created_by, created_at
		FROM notify_templates WHERE kind = $1 ORDER BY version DESC LIMIT $2`, t.Kind, limit)
	if err != nil {
		return nil, fmt.Errorf("templates of %s: %w", t.Kind, err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		x := Template{Kind: t.Kind}
		var ch string
		if err := rows.Scan(&x.Version, &x.Body, &ch, &x.SMSCode, &x.CreatedBy, &x.CreatedAt); err != nil {
			return nil, err
		}
		x.Channels = splitChannels(ch)
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) < limit {
		out = append(out, Template{Kind: t.Kind, Body: t.Template, Channels: t.Channels, CreatedBy: "系统默认"})
	}
	return out, nil
}

// Preview renders body with the type's sample values.
func (s *Service) Preview(kind, body string) (string, error) {
	t, err := s.Type(kind)
	if err != nil {
		return "", err
	}
	if err := checkTemplate(t, body); err != nil {
		return "", err
	}
	return Render(body, t.Sample), nil
}

// SaveTemplate stores a new version of kind's template; the change is
// audited. channels are among ChannelSMS and ChannelRobot.
func (s *Service) SaveTemplate(ctx context.Context, who audit.Actor, kind, body string, channels []string, smsCode string) (Template, error) {
	t, err := s.Type(kind)
	if err != nil {
		return Template{}, err
	}
	body, err = personal.Text(body)
	if err != nil {
		return Template{}, errs.Invalidf("body", "消息内容含有不允许的字符")
	}
	if err := checkTemplate(t, body); err != nil {
		return Template{}, err
	}
	var chs []string
	for _, c := range channels {
		if c != ChannelSMS && c != ChannelRobot {
			return Template{}, errs.Invalidf("channels", "未知的发送渠道 %q", c)
		}
		if !slices.Contains(chs, c) {
			chs = append(chs, c)
		}
	}
	smsCode = strings.TrimSpace(smsCode)
	if len(smsCode) > 40 || strings.ContainsAny(smsCode, " \t\r\n") {
		return Template{}, errs.Invalidf("sms_code", "短信模板编号格式不正确")
	}
	x := Template{Kind: kind, Body: body, Channels: chs, SMSCode: smsCode, CreatedBy: who.Username, CreatedAt: s.now().UnixMilli()}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM notify_templates WHERE kind = $1`, kind).Scan(&x.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notify_templates (kind, version, body, channels, sms_code, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, kind, x.Version, body, strings.Join(chs, ","), smsCode, x.CreatedBy, x.CreatedAt); err != nil {
			if db.IsUniqueViolation(err) {
				return &errs.Conflict{Message: "模板刚被他人修改，请刷新后重试"}
			}
			return err
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionUpdate, "notify_template", kind, who.Unit,
			fmt.Sprintf("%s 消息模板第 %d 版", t.Name, x.Version))
	})
	if err != nil {
		return Template{}, fmt.Errorf("save template %s: %w", kind, err)
	}
	return x, nil
}
