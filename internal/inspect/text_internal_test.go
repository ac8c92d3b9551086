package inspect

import (
	"strings"
	"testing"
)

// TestTextMessagesNameTheField: a message read away from its field (a
// banner atop the form) still says which field it means.
func TestTextMessagesNameTheField(t *testing.T) {
	if _, err := text("team", " ", 100, true); err == nil || !strings.Contains(err.Error(), "请填写督查组") {
		t.Errorf("empty team: %v", err)
	}
	if _, err := text("problem", strings.Repeat("问", 501), 500, true); err == nil || !strings.Contains(err.Error(), "问题描述不超过500个字") {
		t.Errorf("long problem: %v", err)
	}
}
