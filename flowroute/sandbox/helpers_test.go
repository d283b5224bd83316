package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// clock is the fixed time of the tests' servers and signed requests.
var clock = time.Date(2016, 2, 9, 19, 45, 18, 0, time.UTC)

func fixedNow() time.Time { return clock }

// tc is a test client that signs requests with the client's v1.Signature and nothing else of
// the client, so that every test also checks that the sandbox's own signature check agrees
// with the client's signing.
type tc struct {
	t          *testing.T
	base       string // "http://127.0.0.1:PORT"
	access     string
	secret     string
	timestamp  string // X-Timestamp to send; default the fixed clock
	signedHost string // host to sign for; default the one requested
}

// reply is a response as the tests look at it.
type reply struct {
	status int
	header http.Header
	body   string
}

// start serves a new sandbox on loopback with the fixed clock and returns it and a client.
func start(t *testing.T, opts Options) (*Server, *tc) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	s, base := newTestServer(t, opts)
	return s, &tc{t: t, base: base, access: DefaultAccessKey, secret: DefaultSecretKey}
}

// newTestServer serves a new sandbox on a loopback httptest server closed at the end of the
// test and returns it and its base URL, "http://127.0.0.1:PORT". (sandboxtest does this for
// other packages; this package's tests cannot import it.)
//
// A sandbox without a state file gets one, and at the end of the test the file must load
// into the account the server has in memory: so every test also checks that each change it
// makes reaches the journal.
func newTestServer(tb testing.TB, opts Options) (*Server, string) {
	tb.Helper()
	check := opts.StatePath == ""
	if check {
		opts.StatePath = filepath.Join(tb.TempDir(), "state.json")
	}
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	if check {
		tb.Cleanup(func() { checkStateFile(tb, s, opts) })
	}
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close) // before checkStateFile: cleanups run last first
	return s, ts.URL
}

// checkStateFile checks that s's state file loads into the account s has: a second server
// started on the file with the same options must agree with s, once both settle their CNAM
// records (which a read does without saving). What AddRoute and AddOwnedNumber added since
// the last save is only in memory, by design: it is flushed first.
func checkStateFile(tb testing.TB, s *Server, opts Options) {
	tb.Helper()
	if tb.Failed() {
		return
	}
	s.mu.Lock()
	pending := s.file.compact
	s.mu.Unlock()
	if pending {
		if err := s.Flush(); err != nil {
			tb.Fatal(err)
		}
	}
	reloaded, err := New(opts)
	if err != nil {
		tb.Errorf("the state file does not load: %v", err)
		return
	}
	var snapshots [2]string
	for i, srv := range []*Server{s, reloaded} {
		srv.mu.Lock()
		srv.settleCNAMs()
		data, err := srv.st.marshal()
		srv.mu.Unlock()
		if err != nil {
			tb.Fatal(err)
		}
		snapshots[i] = string(data)
	}
	if diff := cmp.Diff(snapshots[0], snapshots[1]); diff != "" {
		tb.Errorf("the state file does not hold the account in memory (-memory +file):\n%s", diff)
	}
}

// do sends a signed request; pathQuery begins with /v1/.
func (c *tc) do(method, pathQuery, body string) reply {
	c.t.Helper()
	r, err := c.try(context.Background(), method, pathQuery, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, pathQuery, err)
	}
	return r
}

// try is do that returns transport errors.
func (c *tc) try(ctx context.Context, method, pathQuery, body string) (reply, error) {
	u, err := url.Parse(c.base + pathQuery)
	if err != nil {
		return reply{}, err
	}
	ts := c.timestamp
	if ts == "" {
		ts = v1.Timestamp(clock)
	}
	signed := *u
	if c.signedHost != "" {
		signed.Host = c.signedHost
	}
	sig := v1.Signature(c.secret, ts, method, &signed, []byte(body))
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("X-Timestamp", ts)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.SetBasicAuth(c.access, sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{resp.StatusCode, resp.Header, string(b)}, nil
}

// want checks the status and the exact body (JSON compared after normalising).
func (r reply) want(t *testing.T, status int, body string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	if got, want := normJSON(t, r.body), normJSON(t, body); got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
}

// normJSON re-encodes JSON so that spacing does not matter; non-JSON is returned as is.
func normJSON(t *testing.T, s string) string {
	t.Helper()
	var v any
	if s == "" || json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// decode unmarshals the body into v.
func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

// serveLocal runs one request through s without a network, for benchmarks.
func serveLocal(s *Server, method, pathQuery, body string) *httptest.ResponseRecorder {
	u, _ := url.Parse("http://sandbox.test" + pathQuery)
	ts := v1.Timestamp(s.now())
	req := httptest.NewRequest(method, u.String(), strings.NewReader(body))
	req.Header.Set("X-Timestamp", ts)
	req.SetBasicAuth(s.accessKey, v1.Signature(s.secretKey, ts, method, u, []byte(body)))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}
