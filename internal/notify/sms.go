package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SMSConfig is the SMS provider's account (阿里云短信服务 SendSms). The
// AccessKey is a credential: from configuration, never stored, never
// logged (String hides it).
type SMSConfig struct {
	Endpoint        string // default https://dysmsapi.aliyuncs.com/ (tests point it at loopback)
	AccessKeyID     string
	AccessKeySecret string
	SignName        string // 短信签名
	// Template is the code of an approved template "${content}" used for
	// messages without their own code (test sends, messages to residents).
	Template     string
	Timeout      time.Duration
	ReceiptToken string // the secret path element of the delivery-receipt callback
}

// String hides the credentials.
func (c SMSConfig) String() string {
	return fmt.Sprintf("sms(aliyun %s sign=%s)", c.Endpoint, c.SignName)
}

// Configured reports whether an account is set.
func (c SMSConfig) Configured() bool { return c.AccessKeyID != "" && c.AccessKeySecret != "" }

// AliyunSMS sends ChannelSMS messages through Alibaba Cloud's SendSms API
// (RPC style, signature version 1.0, HMAC-SHA1), one phone per request,
// with the outbox row's id as OutId.
type AliyunSMS struct {
	cfg    SMSConfig
	client *http.Client
	now    func() time.Time
	nonce  func() string
}

// NewAliyunSMS returns the channel; the endpoint defaults to Alibaba Cloud's.
func NewAliyunSMS(cfg SMSConfig, now func() time.Time) *AliyunSMS {
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://dysmsapi.aliyuncs.com/"
	}
	return &AliyunSMS{cfg: cfg, client: httpClient(cfg.Timeout), now: now, nonce: newOwner}
}

// Name is ChannelSMS.
func (a *AliyunSMS) Name() string { return ChannelSMS }

// Send calls SendSms for one phone.
func (a *AliyunSMS) Send(ctx context.Context, m Message) (string, error) {
	code, vars := m.SMSCode, m.Vars
	if code == "" {
		if a.cfg.Template == "" {
			return "", permanent("未设置短信模板编号（消息模板或 FANGKONG_SMS_TEMPLATE）")
		}
		code, vars = a.cfg.Template, map[string]string{"content": unsigned(m.Body)}
	}
	if vars == nil {
		vars = map[string]string{}
	}
	param, _ := json.Marshal(vars)
	p := map[string]string{
		"AccessKeyId":      a.cfg.AccessKeyID,
		"Action":           "SendSms",
		"Format":           "JSON",
		"OutId":            strconv.FormatInt(m.ID, 10),
		"PhoneNumbers":     m.To,
		"RegionId":         "cn-hangzhou",
		"SignName":         a.cfg.SignName,
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   a.nonce(),
		"SignatureVersion": "1.0",
		"TemplateCode":     code,
		"TemplateParam":    string(param),
		"Timestamp":        a.now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          "2017-05-25",
	}
	p["Signature"] = AliyunSign(http.MethodPost, p, a.cfg.AccessKeySecret)
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.Endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", permanent("短信接口地址无效")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("短信接口: %w", err)
	}
	defer resp.Body.Close()
	raw := readBody(resp)
	var ans struct{ Code, Message, BizId, RequestId string }
	if jerr := json.Unmarshal(raw, &ans); jerr != nil || ans.Code == "" {
		if resp.StatusCode != http.StatusOK {
			return "", statusError("短信接口", resp, raw)
		}
		return "", errors.New("短信接口: 无法解析的应答")
	}
	if ans.Code == "OK" {
		return ans.BizId, nil
	}
	e := fmt.Sprintf("短信接口: %s %s", ans.Code, clip(ans.Message, 200))
	if aliyunRetry(ans.Code) {
		return "", errors.New(e)
	}
	return "", permanent("%s", e)
}

// aliyunRetry: frequency limits and the provider's own faults are retried;
// everything else (a bad number, template, signature or key) is not.
func aliyunRetry(code string) bool {
	return code == "isv.BUSINESS_LIMIT_CONTROL" || code == "Throttling.User" || code == "Throttling" ||
		strings.HasPrefix(code, "isp.") || code == "ServiceUnavailable" || code == "InternalError"
}

// aliyunEncode is the percent-encoding of Alibaba Cloud's signature
// (RFC 3986: space as %20, * as %2A, ~ kept).
func aliyunEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// AliyunSign is the RPC signature (version 1.0): base64(HMAC-SHA1(secret+"&",
// method&%2F&encode(sorted, encoded query))). Signature itself is excluded.
func AliyunSign(method string, params map[string]string, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = aliyunEncode(k) + "=" + aliyunEncode(params[k])
	}
	sts := method + "&" + aliyunEncode("/") + "&" + aliyunEncode(strings.Join(parts, "&"))
	h := hmac.New(sha1.New, []byte(secret+"&"))
	h.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// AliyunReceipt is one entry of Alibaba Cloud's SMS delivery report
// (SmsReport), as pushed to the receipt callback.
type AliyunReceipt struct {
	PhoneNumber string `json:"phone_number"`
	Success     bool   `json:"success"`
	BizID       string `json:"biz_id"`
	OutID       string `json:"out_id"`
	ErrCode     string `json:"err_code"`
	ErrMsg      string `json:"err_msg"`
	ReportTime  string `json:"report_time"`
}

// unsigned is a message as an SMS template's variable: the gateway puts
// the signature (SignName) in front itself and carriers refuse 【】 inside a
// variable, so a leading signature (【防控】) is dropped and other brackets
// (【升级提醒·1级】) become plain ones.
func unsigned(body string) string {
	rest := body
	var lead string
	if r, ok := strings.CutPrefix(rest, "【升级"); ok {
		if i := strings.Index(r, "】"); i >= 0 {
			lead, rest = "[升级"+r[:i]+"]", r[i+len("】"):]
		}
	}
	if r, ok := strings.CutPrefix(rest, "【"); ok {
		if i := strings.Index(r, "】"); i >= 0 && i <= 30 {
			rest = r[i+len("】"):]
		}
	}
	return strings.NewReplacer("【", "[", "】", "]").Replace(lead + strings.TrimSpace(rest))
}
