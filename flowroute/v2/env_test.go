package v2

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/front"
)

// The tests run the client against the sandbox, the account the tool's own --sandbox serves,
// behind a recording handler. A test that needs an answer the sandbox does not give (a doc
// quirk, a malformed body, a lost answer) overrides the endpoint with a small handler.

const (
	testAccess = "ACCESS-KEY-42"
	testSecret = "TOPSECRET-never-print-me"
	// publicBase is the base the sandbox writes into links: a client must never follow a
	// link's host.
	publicBase = "https://api.flowroute.com"
	// forSale is a number every sandbox inventory has (its README's example).
	forSale = "12062092844"
	// owned is the number writeFixture and the tests give the account.
	owned = "12065550100"
)

// recorded is one request the server received.
type recorded = front.Request

// fake is the account behind an env: the sandbox, seeded directly, and the switches of the
// wrapper around it. (The name predates the sandbox; the benchmarks use it.)
type fake struct {
	t       testing.TB
	sb      *sandboxtest.Server
	noBulk  atomic.Bool   // answer the v2.1 bulk details 404, as a server without them
	latency time.Duration // added to every request (benchmarks); set before the first request
}

// addNumbers gives the account n numbers from first on: primary route sip-reg, no failover.
func (f *fake) addNumbers(first, n int) {
	f.t.Helper()
	for i := range n {
		if err := f.sb.AddOwnedNumber(v1.Number{TN: strconv.Itoa(first + i)}); err != nil {
			f.t.Fatal(err)
		}
	}
}

// setBulk turns the v2.1 bulk details on or off.
func (f *fake) setBulk(on bool) { f.noBulk.Store(!on) }

// handler is the sandbox's own handler, for overrides that change a request or an answer and
// hand on to it.
func (f *fake) handler() http.Handler { return f.sb.Server }

// env is a client wired to a sandbox account on loopback. Requests are recorded; a handler
// registered with override answers instead of the sandbox for its pattern.
type env struct {
	t      testing.TB
	fake   *fake
	client *Client
	url    string // the server's base, without /v2
	front  *front.Front

	mu     sync.Mutex
	sleeps []time.Duration
}

// setup starts a sandbox (CNAM records stay pending until approve) and a client for it: no
// client-side rate limit, 3 attempts, backoffs recorded instead of waited, pages of 3 items so
// that walks cross pages. opts come last.
func setup(t testing.TB, opts ...Option) *env {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{AccessKey: testAccess, SecretKey: testSecret, Seed: 1, InventorySize: 200,
		CNAMApproval: sandbox.CNAMPending, LinkBase: publicBase})
	e := &env{t: t, fake: &fake{t: t, sb: sb}}
	e.front = front.New(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := e.fake.latency; d > 0 {
			time.Sleep(d)
		}
		if e.fake.noBulk.Load() && r.URL.Path == "/v2.1/numbers/details" {
			apiErr(w, 404, "", "Could not find that resource on your account.")
			return
		}
		sb.ServeHTTP(w, r)
	}))
	e.url = e.front.URL
	base := []Option{
		WithRateLimit(0, 0),
		WithRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}),
		withSleep(func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		}),
		WithPageSize(3),
	}
	c, err := New(e.url+"/v2", testAccess, testSecret, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// override answers requests matching pattern (a ServeMux pattern such as "POST
// /v2/routes") with h instead of the sandbox, once they carry the test's credentials.
func (e *env) override(pattern string, h http.HandlerFunc) {
	e.front.Override(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pass, ok := r.BasicAuth(); !ok || user != testAccess || pass != testSecret {
			apiErr(w, 401, "Unauthorized", "Authentication failed.")
			return
		}
		h(w, r)
	}))
}

// requests returns the requests received so far, and forgets them.
func (e *env) requests() []recorded { return e.front.Requests() }

// lines is the requests as "METHOD URI" lines, for comparing sequences.
var lines = front.Lines

// approve approves a pending CNAM record through the sandbox's own endpoint.
func (e *env) approve(id string) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/sandbox/cnams/"+id+"/approve", nil)
	req.SetBasicAuth(testAccess, testSecret)
	w := httptest.NewRecorder()
	e.fake.sb.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		e.t.Fatalf("approving CNAM %s: %d %s", id, w.Code, w.Body)
	}
}

// writeJSON writes v as a v2 answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

// apiErr writes v2's error envelope.
func apiErr(w http.ResponseWriter, status int, title, detail string) {
	e := map[string]any{"detail": detail, "id": "7fc8c70a-ca58-430c-b383-b89df84f8083", "status": status}
	if title != "" {
		e["title"] = title
	}
	writeJSON(w, status, map[string]any{"errors": []any{e}})
}

// lose runs the sandbox's own handler for r and afterwards answers with status instead: the
// write is carried out, its answer lost.
func (e *env) lose(status int) http.HandlerFunc {
	return e.runThen(func(w http.ResponseWriter, r *http.Request) {
		apiErr(w, status, "Service Unavailable", "We're temporarily offline for maintanance.")
	})
}

// drop answers nothing and closes the connection: the client sees the request written and no
// answer.
func drop(w http.ResponseWriter, r *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// once wraps h so that it answers only the first request; later ones go to the sandbox.
func (e *env) once(h http.HandlerFunc) http.HandlerFunc {
	var n sync.Once
	return func(w http.ResponseWriter, r *http.Request) {
		done := false
		n.Do(func() { h(w, r); done = true })
		if !done {
			e.fake.sb.ServeHTTP(w, r)
		}
	}
}

// runThen runs the sandbox's own handler for r, throws its answer away and answers with h
// instead: the write is carried out, its answer replaced.
func (e *env) runThen(h http.HandlerFunc) http.HandlerFunc { return e.front.RunThen(h) }
