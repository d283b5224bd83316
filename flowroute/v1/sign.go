package v1

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// timestampFormat is the layout of the X-Timestamp header: UTC, to the second, no zone.
const timestampFormat = "2006-01-02T15:04:05"

// Signature computes the v1 request signature: the lowercase hex HMAC-SHA1, keyed with the
// secret key, of
//
//	timestamp \n METHOD \n md5hex(body) or "" \n scheme://host[:port]/path \n canonical query
//
// where the canonical query drops blank values, sorts the keys and form-encodes them. The
// host keeps the port only when u names one. The result is the Basic auth password, with the
// access key as user and timestamp (Timestamp) in the X-Timestamp header. The client signs
// every request itself; Signature is for a request it has no method for.
func Signature(secretKey, timestamp, method string, u *url.URL, body []byte) string {
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(message(timestamp, method, u, body)))
	return hex.EncodeToString(mac.Sum(nil))
}

// message is the text that Signature signs.
func message(timestamp, method string, u *url.URL, body []byte) string {
	bodyMD5 := ""
	if len(body) > 0 {
		sum := md5.Sum(body)
		bodyMD5 = hex.EncodeToString(sum[:])
	}
	var b strings.Builder
	b.WriteString(timestamp)
	b.WriteByte('\n')
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(bodyMD5)
	b.WriteByte('\n')
	b.WriteString(u.Scheme + "://" + u.Host + u.EscapedPath())
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(u.Query()))
	return b.String()
}

// canonicalQuery drops blank values, sorts by key and form-encodes: "limit=1&npa=206".
// Both the signature and the URL sent use it, so the two always agree.
func canonicalQuery(q url.Values) string { return engine.EncodeQuery(q) }

// Timestamp formats t as the X-Timestamp header value.
func Timestamp(t time.Time) string { return t.UTC().Format(timestampFormat) }

// signer is v1's engine.Auth: each attempt gets an X-Timestamp and HTTP Basic auth with the
// access key as user and the Signature of the request as password.
type signer struct {
	accessKey string
	secretKey engine.Secret
}

// Authenticate signs req.
func (s signer) Authenticate(req *http.Request, body []byte, now time.Time) error {
	ts := Timestamp(now)
	req.Header.Set("X-Timestamp", ts)
	req.SetBasicAuth(s.accessKey, Signature(string(s.secretKey), ts, req.Method, req.URL, body))
	return nil
}

// Secrets is the secret key.
func (s signer) Secrets() []string { return []string{string(s.secretKey)} }
