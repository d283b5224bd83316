package sandbox

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxClockSkew is how far a request's X-Timestamp may be from the server's clock.
const MaxClockSkew = 300 * time.Second

// timestampLayout is the X-Timestamp of docs/flowroute-v1-api.md: UTC to the second,
// "2016-02-09T19:45:18", which some SDKs send with a trailing Z.
const timestampLayout = "2006-01-02T15:04:05"

// The v1 signature is computed here from docs/flowroute-v1-api.md alone, not with the client's
// code: were the two to share it, a signing bug would pass on both sides. The shared vectors
// (testdata/flowroute-v1-signatures.json) hold both to the same answers.

// VerifySignature reports whether signature is the v1 signature of the request by secretKey.
// u is the URL as the server sees it (scheme, host as sent, path, query in any order). The
// host is tried with its port and without it, since some SDKs sign one and some the other.
func VerifySignature(secretKey, timestamp, method string, u *url.URL, body []byte, signature string) bool {
	if signatureMatches(secretKey, signedMessage(timestamp, method, u.Host, u, body), signature) {
		return true
	}
	if host, _, err := net.SplitHostPort(u.Host); err == nil {
		if strings.Contains(host, ":") { // an IPv6 literal keeps its brackets
			host = "[" + host + "]"
		}
		return signatureMatches(secretKey, signedMessage(timestamp, method, host, u, body), signature)
	}
	return false
}

// signedMessage is the text a v1 signature signs: timestamp, METHOD, body_md5, then the
// canonical URI (scheme://host/path and the canonical query), one per line. host replaces
// u's, so that it can be tried with and without its port.
func signedMessage(timestamp, method, host string, u *url.URL, body []byte) string {
	return timestamp + "\n" + strings.ToUpper(method) + "\n" + bodyDigest(body) + "\n" +
		u.Scheme + "://" + host + u.EscapedPath() + "\n" + canonicalQuery(u.Query())
}

// bodyDigest is the body_md5 of the message: the lowercase hex MD5 of the body's bytes, ""
// for no body.
func bodyDigest(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	sum := md5.Sum(body)
	return hex.EncodeToString(sum[:])
}

// canonicalQuery is the query line of the message: blank values dropped, keys sorted,
// form-urlencoded ("limit=1&npa=206"); "" for none.
func canonicalQuery(q url.Values) string {
	kept := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if v != "" {
				kept[k] = append(kept[k], v)
			}
		}
	}
	return kept.Encode()
}

// signatureMatches reports whether signature is the lowercase hex HMAC-SHA1 of message keyed
// with secretKey, in constant time.
func signatureMatches(secretKey, message, signature string) bool {
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(message))
	want := make([]byte, hex.EncodedLen(mac.Size()))
	hex.Encode(want, mac.Sum(nil))
	return hmac.Equal(want, []byte(signature))
}

// parseTimestamp reads an X-Timestamp: "2016-02-09T19:45:18", with or without a trailing Z.
func parseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(timestampLayout, strings.TrimSuffix(s, "Z"))
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
