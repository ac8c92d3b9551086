package web_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// retry.js under Node with a scripted server: a 429 and a network failure
// are retried with the same scan_id, scans stay in order, the outbox is in
// localStorage until answered, and each promise gets its final answer.
func TestRetryJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	out, err := exec.Command(node, "testdata/retry_harness.js", "static/retry.js").CombinedOutput()
	if err != nil {
		t.Fatalf("harness: %v\n%s", err, out)
	}
	var got struct {
		Sent        []string
		Results     [][2]any
		Persisted   []string
		PendingNote string
		Left        int
		Stored      string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !slices.Equal(got.Sent, []string{"a", "a", "a", "b"}) {
		t.Errorf("attempts %v, want a refused, a failed, a and b accepted in order", got.Sent)
	}
	if len(got.Results) != 2 || got.Results[0][0] != "a" || got.Results[1][0] != "b" || got.Results[0][1] != float64(201) {
		t.Errorf("answers %v", got.Results)
	}
	if !slices.Equal(got.Persisted, []string{"a", "b"}) || !strings.Contains(got.PendingNote, "待提交") {
		t.Errorf("outbox before delivery %v, note %q", got.Persisted, got.PendingNote)
	}
	if got.Left != 0 || got.Stored != "[]" {
		t.Errorf("outbox after delivery: %d left, stored %s", got.Left, got.Stored)
	}
}
