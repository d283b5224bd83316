package flowroute

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
	"time"
)

// TimestampFormat is the layout of the X-Timestamp header: UTC, to the second, no zone.
const TimestampFormat = "2006-01-02T15:04:05"

// Signature computes the v1 request signature: the lowercase hex HMAC-SHA1, keyed with the
// secret key, of
//
//	timestamp \n METHOD \n md5hex(body) or "" \n scheme://host[:port]/path \n canonical query
//
// where the canonical query drops blank values, sorts the keys and form-encodes them. The
// host keeps the port only when u names one. The result is the Basic auth password.
func Signature(secretKey, timestamp, method string, u *url.URL, body []byte) string {
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(Message(timestamp, method, u, body)))
	return hex.EncodeToString(mac.Sum(nil))
}

// Message is the text that Signature signs, exposed for tests and for the sandbox.
func Message(timestamp, method string, u *url.URL, body []byte) string {
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
	b.WriteString(CanonicalQuery(u.Query()))
	return b.String()
}

// CanonicalQuery drops blank values, sorts by key and form-encodes: "limit=1&npa=206".
// Both the signature and the URL sent use it, so the two always agree.
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			if v == "" {
				continue
			}
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// Timestamp formats t as the X-Timestamp header value.
func Timestamp(t time.Time) string { return t.UTC().Format(TimestampFormat) }
