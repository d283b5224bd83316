package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// signingVector is one worked example of the shared signing vectors.
type signingVector struct {
	SecretKey         string `json:"secret_key"`
	Timestamp         string `json:"timestamp"`
	Method            string `json:"method"`
	URL               string `json:"url"`
	Body              string `json:"body"`
	Message           string `json:"message"`
	BasicAuthPassword string `json:"basic_auth_password"`
}

func loadVectors(t *testing.T) []signingVector {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/flowroute-v1-signatures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []signingVector }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	return f.Vectors
}

func TestVerifySignatureAcceptsEveryVector(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		u, err := url.Parse(v.URL)
		if err != nil {
			t.Fatal(err)
		}
		if !VerifySignature(v.SecretKey, v.Timestamp, v.Method, u, []byte(v.Body), v.BasicAuthPassword) {
			t.Errorf("%s %s: vector refused", v.Method, v.URL)
		}
		if VerifySignature(v.SecretKey+"x", v.Timestamp, v.Method, u, []byte(v.Body), v.BasicAuthPassword) {
			t.Errorf("%s %s: accepted with another secret key", v.Method, v.URL)
		}
		if VerifySignature(v.SecretKey, v.Timestamp, v.Method, u, []byte(v.Body+" "), v.BasicAuthPassword) {
			t.Errorf("%s %s: accepted with another body", v.Method, v.URL)
		}
		// The server sees the query in the order sent, not the canonical one.
		shuffled := *u
		q := u.Query()
		shuffled.RawQuery = ""
		for _, k := range []string{"page", "limit", "tn", "state", "ratecenter", "npa", "nxx", "pattern"} {
			if vs, ok := q[k]; ok {
				if shuffled.RawQuery != "" {
					shuffled.RawQuery += "&"
				}
				shuffled.RawQuery += k + "=" + url.QueryEscape(vs[0])
			}
		}
		if !VerifySignature(v.SecretKey, v.Timestamp, v.Method, &shuffled, []byte(v.Body), v.BasicAuthPassword) {
			t.Errorf("%s %s: refused with the query reordered", v.Method, v.URL)
		}
	}
}

// TestSignedMessageIsTheVectors checks the sandbox's own canonical message, line by line,
// against the message each vector was signed over: a difference names the part that is wrong.
func TestSignedMessageIsTheVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		u, err := url.Parse(v.URL)
		if err != nil {
			t.Fatal(err)
		}
		if got := signedMessage(v.Timestamp, v.Method, u.Host, u, []byte(v.Body)); got != v.Message {
			t.Errorf("%s %s: message\n%q\nwant\n%q", v.Method, v.URL, got, v.Message)
		}
	}
}

// TestVerifySignatureAgreesWithTheClient: where the vectors are silent (escaped paths, spaces,
// '+', '&' and non-ASCII in the query, repeated keys, methods in lower case), the sandbox
// accepts what the client signs, and only that. The two are written apart, each from the doc.
func TestVerifySignatureAgreesWithTheClient(t *testing.T) {
	t.Parallel()
	ts := "2016-02-09T19:45:20"
	for _, raw := range []string{
		"https://api.flowroute.com/v1/routes/a%20b",
		"https://api.flowroute.com/v1/available-tns/tns/?ratecenter=new+york&state=ny",
		"https://api.flowroute.com/v1/available-tns/tns/?ratecenter=a%26b%3Dc&state=%C3%A9",
		"https://api.flowroute.com/v1/tns/?pattern=206&pattern=&pattern=312&limit=5",
		"http://[::1]:8155/v1/tns/?b=2&a=1&c=",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, method := range []string{"GET", "put", "PATCH"} {
			body := []byte(`{"billing_method":"METERED"}`)
			sig := v1.Signature("sk", ts, method, u, body)
			if !VerifySignature("sk", ts, method, u, body, sig) {
				t.Errorf("%s %s: the client's signature is refused", method, raw)
			}
			if VerifySignature("sk", ts, method, u, body, strings.ToUpper(sig)) {
				t.Errorf("%s %s: an upper-case signature is accepted", method, raw)
			}
		}
	}
}

func TestVerifySignatureTriesHostWithoutPort(t *testing.T) {
	t.Parallel()
	withPort, _ := url.Parse("http://127.0.0.1:8155/v1/routes/?page=1&limit=10")
	bare, _ := url.Parse("http://127.0.0.1/v1/routes/?page=1&limit=10")
	ts := "2016-02-09T19:45:19"
	sig := v1.Signature("s", ts, "GET", bare, nil) // as Ruby, PHP and .NET sign
	if !VerifySignature("s", ts, "GET", withPort, nil, sig) {
		t.Error("a signature without the port is refused")
	}
	other, _ := url.Parse("http://127.0.0.2/v1/routes/?page=1&limit=10")
	if VerifySignature("s", ts, "GET", withPort, nil, v1.Signature("s", ts, "GET", other, nil)) {
		t.Error("a signature for another host is accepted")
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	const denied = `{"error":"Authentication failed."}`
	ok := func(c tc) {
		t.Helper()
		c.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
	}
	fail := func(c tc) { t.Helper(); c.do("GET", "/v1/routes/", "").want(t, 401, denied) }

	ok(*c)
	z := *c
	z.timestamp = v1.Timestamp(clock) + "Z"
	ok(z)
	bare := *c
	bare.signedHost = "127.0.0.1"
	ok(bare)
	skewOK := *c
	skewOK.timestamp = v1.Timestamp(clock.Add(-299 * time.Second))
	ok(skewOK)

	wrongSecret := *c
	wrongSecret.secret = "not-the-secret"
	fail(wrongSecret)
	wrongAccess := *c
	wrongAccess.access = "someone-else"
	fail(wrongAccess)
	past := *c
	past.timestamp = v1.Timestamp(clock.Add(-301 * time.Second))
	fail(past)
	future := *c
	future.timestamp = v1.Timestamp(clock.Add(301 * time.Second))
	fail(future)
	garbled := *c
	garbled.timestamp = "yesterday"
	fail(garbled)
	otherHost := *c
	otherHost.signedHost = "api.flowroute.com"
	fail(otherHost)

	for _, mod := range []func(*http.Request){
		func(r *http.Request) { r.Header.Del("Authorization") },
		func(r *http.Request) { r.Header.Del("X-Timestamp") },
	} {
		req, _ := http.NewRequest("GET", c.base+"/v1/routes/", nil)
		ts := v1.Timestamp(clock)
		u, _ := url.Parse(c.base + "/v1/routes/")
		req.Header.Set("X-Timestamp", ts)
		req.SetBasicAuth(c.access, v1.Signature(c.secret, ts, "GET", u, nil))
		mod(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	}
}

func TestCustomKeys(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{AccessKey: "ak", SecretKey: "sk"})
	c.do("GET", "/v1/tns/", "").want(t, 401, `{"error":"Authentication failed."}`)
	c.access, c.secret = "ak", "sk"
	c.do("GET", "/v1/tns/", "").want(t, 200, `{}`)
}
