package main

import "testing"

func TestOpenURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://localhost:8080",
		"0.0.0.0:8080":   "http://localhost:8080",
		"127.0.0.1:9123": "http://127.0.0.1:9123",
		"[::1]:9000":     "http://[::1]:9000",
		"[::]:9000":      "http://localhost:9000",
		"demo.local:80":  "http://demo.local:80",
	} {
		if got := openURL(addr); got != want {
			t.Errorf("openURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
