package sandbox

import (
	"crypto/hmac"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// MaxClockSkew is how far a request's X-Timestamp may be from the server's clock.
const MaxClockSkew = 300 * time.Second

// VerifySignature reports whether signature is the v1 signature of the request by secretKey.
// u is the URL as the server sees it (scheme, host as sent, path, query in any order). The
// host is tried with its port and without it, since some SDKs sign one and some the other.
func VerifySignature(secretKey, timestamp, method string, u *url.URL, body []byte, signature string) bool {
	if hmac.Equal([]byte(v1.Signature(secretKey, timestamp, method, u, body)), []byte(signature)) {
		return true
	}
	if host, _, err := net.SplitHostPort(u.Host); err == nil {
		bare := *u
		bare.Host = host
		if strings.Contains(host, ":") { // IPv6 literal
			bare.Host = "[" + host + "]"
		}
		return hmac.Equal([]byte(v1.Signature(secretKey, timestamp, method, &bare, body)), []byte(signature))
	}
	return false
}

// parseTimestamp reads an X-Timestamp: "2016-02-09T19:45:18", with or without a trailing Z.
func parseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(v1.TimestampFormat, strings.TrimSuffix(s, "Z"))
	return t, err == nil
}

// authenticate checks the Basic credentials, the timestamp and the signature of r, whose
// body has been read into body.
func (s *Server) authenticate(r *http.Request, body []byte) bool {
	user, sig, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.accessKey)) != 1 {
		return false
	}
	ts := r.Header.Get("X-Timestamp")
	t, ok := parseTimestamp(ts)
	if !ok {
		return false
	}
	if d := s.now().Sub(t); d > MaxClockSkew || d < -MaxClockSkew {
		return false
	}
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return VerifySignature(s.secretKey, ts, r.Method, &u, body, sig)
}
