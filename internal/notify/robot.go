package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Robot kinds: the work-group robots of 企业微信, 钉钉 and 飞书.
const (
	RobotWeCom    = "wecom"
	RobotDingTalk = "dingtalk"
	RobotFeishu   = "feishu"
)

// RobotKindName is the Chinese name of a robot kind.
func RobotKindName(k string) string {
	switch k {
	case RobotWeCom:
		return "企业微信群机器人"
	case RobotDingTalk:
		return "钉钉群机器人"
	case RobotFeishu:
		return "飞书群机器人"
	}
	return k
}

// Robot is a work group's webhook robot. It comes from configuration (the
// URL and secret are credentials: never stored in the database, never
// logged); Unit limits it to the events of a subtree ("" : every event).
type Robot struct {
	Name   string
	Kind   string
	URL    string
	Secret string // 钉钉 加签 / 飞书 签名校验 secret; unused by 企业微信
	Unit   string
}

// String hides the credentials.
func (r Robot) String() string { return fmt.Sprintf("robot(%s %s unit=%s)", r.Name, r.Kind, r.Unit) }

// RobotChannel sends ChannelRobot messages to the configured robots, by name.
type RobotChannel struct {
	robots map[string]Robot
	client *http.Client
	now    func() time.Time
}

// NewRobotChannel returns the channel of these robots.
func NewRobotChannel(robots []Robot, timeout time.Duration, now func() time.Time) (*RobotChannel, error) {
	c := &RobotChannel{robots: map[string]Robot{}, client: httpClient(timeout), now: now}
	for _, r := range robots {
		if r.Name == "" || r.URL == "" {
			return nil, errors.New("robot: name and URL are required")
		}
		if !slices.Contains([]string{RobotWeCom, RobotDingTalk, RobotFeishu}, r.Kind) {
			return nil, fmt.Errorf("robot %s: unknown kind %q (wecom, dingtalk, feishu)", r.Name, r.Kind)
		}
		if _, err := url.Parse(r.URL); err != nil {
			return nil, fmt.Errorf("robot %s: bad URL", r.Name) // the URL holds the key: not in the message
		}
		c.robots[r.Name] = r
	}
	return c, nil
}

// Name is ChannelRobot.
func (c *RobotChannel) Name() string { return ChannelRobot }

// Send posts the text to the robot m.To.
func (c *RobotChannel) Send(ctx context.Context, m Message) (string, error) {
	r, ok := c.robots[m.To]
	if !ok {
		return "", permanent("机器人 %s 未配置", m.To)
	}
	target := r.URL
	var body any
	switch r.Kind {
	case RobotWeCom:
		body = map[string]any{"msgtype": "text", "text": map[string]string{"content": m.Body}}
	case RobotDingTalk:
		body = map[string]any{"msgtype": "text", "text": map[string]string{"content": m.Body}}
		if r.Secret != "" {
			ts := strconv.FormatInt(c.now().UnixMilli(), 10)
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(DingTalkSign(ts, r.Secret))
		}
	case RobotFeishu:
		b := map[string]any{"msg_type": "text", "content": map[string]string{"text": m.Body}}
		if r.Secret != "" {
			ts := strconv.FormatInt(c.now().Unix(), 10)
			b["timestamp"] = ts
			b["sign"] = FeishuSign(ts, r.Secret)
		}
		body = b
	}
	js, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(js))
	if err != nil {
		return "", permanent("机器人 %s: 地址无效", r.Name)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("机器人 %s: %s", r.Name, redactURL(err, r.URL))
	}
	defer resp.Body.Close()
	raw := readBody(resp)
	if resp.StatusCode != http.StatusOK {
		return "", statusError("机器人 "+r.Name, resp, raw)
	}
	var ans struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
		Code    *int   `json:"code"`
		Msg     string `json:"msg"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return "", fmt.Errorf("机器人 %s: 无法解析的应答", r.Name)
	}
	code, msg := 0, ans.ErrMsg
	switch {
	case ans.ErrCode != nil:
		code = *ans.ErrCode
	case ans.Code != nil:
		code, msg = *ans.Code, ans.Msg
	}
	if code == 0 {
		return "", nil
	}
	e := fmt.Sprintf("机器人 %s: %d %s", r.Name, code, clip(msg, 200))
	if robotPermanent[r.Kind][code] {
		return "", permanent("%s", e)
	}
	return "", errors.New(e)
}

// robotPermanent are the robots' error codes retrying will not mend: a
// wrong or removed webhook, a bad signature, a refused message. Others
// (frequency limits 45009, 130101, 11232; server errors) are retried.
var robotPermanent = map[string]map[int]bool{
	RobotWeCom:    {93000: true, 40008: true, 40058: true, 93004: true},
	RobotDingTalk: {300001: true, 310000: true, 400102: true},
	RobotFeishu:   {19021: true, 19022: true, 19024: true, 9499: true},
}

// DingTalkSign is 钉钉's 加签: base64(HMAC-SHA256(secret, timestamp+"\n"+secret)),
// timestamp in milliseconds.
func DingTalkSign(ts, secret string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// FeishuSign is 飞书's signature: base64(HMAC-SHA256 keyed with
// timestamp+"\n"+secret over nothing), timestamp in seconds.
func FeishuSign(ts, secret string) string {
	h := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// redactURL drops the webhook URL (it carries the key) from a transport error.
func redactURL(err error, u string) string {
	s := err.Error()
	s = strings.ReplaceAll(s, u, "[webhook]")
	var ue *url.Error
	if errors.As(err, &ue) {
		s = ue.Op + " [webhook]: " + ue.Err.Error()
	}
	return s
}
