package notify

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the channels' configuration: credentials come from the
// environment only (never the database, never the log: String hides them).
type Config struct {
	SMS    SMSConfig
	Robots []Robot
	// Workers send the outbox in each instance (default 2).
	Workers int
	Options Options
}

// String describes the configuration without its secrets.
func (c Config) String() string {
	var rs []string
	for _, r := range c.Robots {
		rs = append(rs, r.String())
	}
	sms := "sms(off)"
	if c.SMS.Configured() {
		sms = c.SMS.String()
	}
	return sms + " " + strings.Join(rs, " ")
}

// ConfigFromEnv reads
//
//	FANGKONG_SMS_ACCESS_KEY_ID, FANGKONG_SMS_ACCESS_KEY_SECRET  阿里云 AccessKey (SMS off without them)
//	FANGKONG_SMS_SIGN_NAME      短信签名
//	FANGKONG_SMS_TEMPLATE       code of an approved "${content}" template (test sends, messages to residents)
//	FANGKONG_SMS_ENDPOINT       default https://dysmsapi.aliyuncs.com/
//	FANGKONG_SMS_RECEIPT_TOKEN  secret path element of the receipt callback /hooks/sms/aliyun/{token}
//	FANGKONG_ROBOT_<ID>_URL     a robot's webhook (one robot per ID), with
//	FANGKONG_ROBOT_<ID>_KIND    wecom | dingtalk | feishu
//	FANGKONG_ROBOT_<ID>_SECRET  钉钉加签 / 飞书签名 secret
//	FANGKONG_ROBOT_<ID>_NAME    the group's name (default ID)
//	FANGKONG_ROBOT_<ID>_UNIT    division code whose events it receives (default all)
//	FANGKONG_NOTIFY_WORKERS     senders per instance (default 2)
//	FANGKONG_NOTIFY_LEASE       how long a claimed message is held before another
//	                            instance may retry it, e.g. 2m (the default)
//
// from getenv and the environment's keys (os.Getenv, os.Environ).
func ConfigFromEnv(getenv func(string) string, environ []string) (Config, error) {
	c := Config{SMS: SMSConfig{
		AccessKeyID:     getenv("FANGKONG_SMS_ACCESS_KEY_ID"),
		AccessKeySecret: getenv("FANGKONG_SMS_ACCESS_KEY_SECRET"),
		SignName:        getenv("FANGKONG_SMS_SIGN_NAME"),
		Template:        getenv("FANGKONG_SMS_TEMPLATE"),
		Endpoint:        getenv("FANGKONG_SMS_ENDPOINT"),
		ReceiptToken:    getenv("FANGKONG_SMS_RECEIPT_TOKEN"),
		Timeout:         10 * time.Second,
	}}
	if (c.SMS.AccessKeyID == "") != (c.SMS.AccessKeySecret == "") {
		return c, fmt.Errorf("FANGKONG_SMS_ACCESS_KEY_ID and FANGKONG_SMS_ACCESS_KEY_SECRET go together")
	}
	if c.SMS.Configured() && c.SMS.SignName == "" {
		return c, fmt.Errorf("FANGKONG_SMS_SIGN_NAME is required with an SMS AccessKey")
	}
	if v := getenv("FANGKONG_NOTIFY_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return c, fmt.Errorf("FANGKONG_NOTIFY_WORKERS: want 1–64, got %q", v)
		}
		c.Workers = n
	}
	if v := getenv("FANGKONG_NOTIFY_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return c, fmt.Errorf("FANGKONG_NOTIFY_LEASE: want a duration of at least 1s, got %q", v)
		}
		c.Options.Lease = d
	}
	var ids []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if id, ok := strings.CutPrefix(k, "FANGKONG_ROBOT_"); ok {
			if id, ok = strings.CutSuffix(id, "_URL"); ok && id != "" {
				ids = append(ids, id)
			}
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := "FANGKONG_ROBOT_" + id + "_"
		r := Robot{Name: getenv(p + "NAME"), Kind: getenv(p + "KIND"), URL: getenv(p + "URL"), Secret: getenv(p + "SECRET"), Unit: getenv(p + "UNIT")}
		if r.Name == "" {
			r.Name = id
		}
		if r.Kind == "" {
			return c, fmt.Errorf("%sKIND is required (wecom, dingtalk, feishu)", p)
		}
		c.Robots = append(c.Robots, r)
	}
	if _, err := NewRobotChannel(c.Robots, 0, time.Now); err != nil {
		return c, err
	}
	return c, nil
}

// ChannelsOf builds the channels a configuration enables.
func ChannelsOf(c Config, now func() time.Time) ([]Channel, error) {
	var out []Channel
	if c.SMS.Configured() {
		out = append(out, NewAliyunSMS(c.SMS, now))
	}
	if len(c.Robots) > 0 {
		rc, err := NewRobotChannel(c.Robots, 10*time.Second, now)
		if err != nil {
			return nil, err
		}
		out = append(out, rc)
	}
	return out, nil
}
