package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"fangkong/internal/errs"
	"fangkong/internal/sampling"
)

// A full scan queue is a 429 whose Retry-After comes from the error; login
// throttling keeps its minute.
func TestRetryAfterFromError(t *testing.T) {
	s := &Server{}
	for _, c := range []struct {
		err   error
		after string
	}{
		{fmt.Errorf("scan: %w", &sampling.Busy{After: 1500 * time.Millisecond}), "2"},
		{fmt.Errorf("登录失败次数过多: %w", errs.ErrTooMany), "60"},
	} {
		w := httptest.NewRecorder()
		s.APIError(w, httptest.NewRequest("POST", "/api/v1/sampling/scans", nil), c.err)
		if w.Code != 429 || w.Header().Get("Retry-After") != c.after {
			t.Errorf("%v: %d Retry-After %q, want 429 %q", c.err, w.Code, w.Header().Get("Retry-After"), c.after)
		}
	}
}
