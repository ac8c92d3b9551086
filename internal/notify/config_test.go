package notify_test

import (
	"strings"
	"testing"
	"time"

	"fangkong/internal/notify"
)

// Credentials come from the environment and never show in the config's
// description (which is what gets logged).
func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"FANGKONG_SMS_ACCESS_KEY_ID": "LTAI5tKEYID", "FANGKONG_SMS_ACCESS_KEY_SECRET": "s3cr3t-value", "FANGKONG_SMS_SIGN_NAME": "鄠邑防控",
		"FANGKONG_ROBOT_CMD_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-123", "FANGKONG_ROBOT_CMD_KIND": "wecom",
		"FANGKONG_ROBOT_CMD_NAME": "县指挥部群", "FANGKONG_ROBOT_DT_URL": "https://oapi.dingtalk.com/robot/send?access_token=tok-456",
		"FANGKONG_ROBOT_DT_KIND": "dingtalk", "FANGKONG_ROBOT_DT_SECRET": "SECabc", "FANGKONG_ROBOT_DT_UNIT": "610118001",
		"FANGKONG_NOTIFY_LEASE": "5s",
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	c, err := notify.ConfigFromEnv(func(k string) string { return env[k] }, environ)
	if err != nil {
		t.Fatal(err)
	}
	if !c.SMS.Configured() || len(c.Robots) != 2 || c.Robots[0].Name != "县指挥部群" || c.Robots[1].Unit != "610118001" || c.Options.Lease != 5*time.Second {
		t.Fatalf("config %+v", c)
	}
	desc := c.String()
	for _, secret := range []string{"LTAI5tKEYID", "s3cr3t-value", "robot-key-123", "tok-456", "SECabc"} {
		if strings.Contains(desc, secret) {
			t.Errorf("the description shows %q: %s", secret, desc)
		}
	}
	env["FANGKONG_ROBOT_DT_KIND"] = "qq"
	if _, err := notify.ConfigFromEnv(func(k string) string { return env[k] }, environ); err == nil {
		t.Error("an unknown robot kind was accepted")
	}
	delete(env, "FANGKONG_SMS_ACCESS_KEY_SECRET")
	env["FANGKONG_ROBOT_DT_KIND"] = "dingtalk"
	if _, err := notify.ConfigFromEnv(func(k string) string { return env[k] }, environ); err == nil {
		t.Error("an AccessKey ID without its secret was accepted")
	}
}
