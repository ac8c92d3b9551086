package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
)

type ctxKey int

const (
	keyReq ctxKey = iota
)

// reqInfo is what middleware learns about a request.
type reqInfo struct {
	id      string
	ip      string
	user    auth.User
	session auth.Session
	authed  bool
	viaAPI  bool // bearer token: no CSRF needed
	secure  bool // the server sets Secure cookies
	// refilling: the failed form's page is being rendered again (refill);
	// its own errors are not refilled.
	refilling bool
}

func withRequest(r *http.Request, ip string) *http.Request {
	b := make([]byte, 8)
	rand.Read(b)
	ri := &reqInfo{id: hex.EncodeToString(b), ip: ip}
	return r.WithContext(context.WithValue(r.Context(), keyReq, ri))
}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(keyReq).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// RequestID is the request's id (in logs and the audit log).
func RequestID(r *http.Request) string { return info(r).id }

// IP is the client's address (the trusted proxy's view of it).
func IP(r *http.Request) string { return info(r).ip }

// User is the signed-in user (zero when none).
func User(r *http.Request) auth.User { return info(r).user }

// SessionID is the id of the browser session making the request ("" for
// an API token).
func SessionID(r *http.Request) string { return info(r).session.ID }

// Actor is the current user as the audit log records them.
func Actor(r *http.Request) audit.Actor {
	ri := info(r)
	return ri.user.Actor(ri.ip, ri.id)
}

// clientIP takes the peer address; X-Forwarded-For is believed only when
// the peer is a trusted proxy (loopback by default, or Deps.TrustedProxies).
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer.Unmap()) {
		return host
	}
	xff := r.Header.Get("X-Forwarded-For")
	if xff == "" {
		return host
	}
	// The right-most address is the one the trusted proxy saw.
	parts := strings.Split(xff, ",")
	last := strings.TrimSpace(parts[len(parts)-1])
	if _, err := netip.ParseAddr(last); err == nil {
		return last
	}
	return host
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	if len(s.TrustedProxies) == 0 {
		return a.IsLoopback()
	}
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
