package backend

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/front"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// The v2 adapter's tests run a v2 client against the sandbox behind a recording front; a test
// that needs an answer the sandbox does not give (a lost answer, a 207) overrides an endpoint
// with a small handler.

var ctx = context.Background()

const (
	testAccess = "ACCESS-KEY-42"
	testSecret = "TOPSECRET-never-print-me"
	// forSale is a number every sandbox inventory has (its README's example).
	forSale = "12062092844"
)

// env is a v2 client wired to a sandbox account on loopback.
type env struct {
	t      *testing.T
	sb     *sandboxtest.Server
	front  *front.Front
	client *v2.Client
}

// setup starts a sandbox (CNAM records stay pending until approve) and a v2 client for it: no
// client-side rate limit, short backoffs, pages of 3 items so that walks cross pages.
func setup(t *testing.T) *env {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{AccessKey: testAccess, SecretKey: testSecret, Seed: 1, InventorySize: 200,
		CNAMApproval: sandbox.CNAMPending})
	f := front.New(t, sb)
	c, err := v2.New(f.URL+"/v2", testAccess, testSecret, v2.WithRateLimit(0, 0), v2.WithPageSize(3),
		v2.WithRetry(v2.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, sb: sb, front: f, client: c}
}

// withOffice is setup with number 12065550100 on the account and, created through a new V2,
// route "office" (host 10.0.0.1): it returns the env, the V2 and the route.
func withOffice(t *testing.T) (*env, *V2, account.Route) {
	t.Helper()
	e := setup(t)
	e.addNumbers(12065550100, 1)
	b := NewV2(e.client)
	r, err := b.CreateRoute(ctx, account.Route{Name: "office", Route: spec.Route{Type: spec.RouteHost, Value: "10.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	return e, b, r
}

// override answers requests matching pattern with h instead of the sandbox.
func (e *env) override(pattern string, h http.HandlerFunc) { e.front.Override(pattern, h) }

// requests returns the requests received so far, and forgets them.
func (e *env) requests() []front.Request { return e.front.Requests() }

// addNumbers gives the account n numbers from first on: primary route sip-reg, no failover.
func (e *env) addNumbers(first, n int) {
	e.t.Helper()
	for i := range n {
		if err := e.sb.AddOwnedNumber(v1.Number{TN: strconv.Itoa(first + i)}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// approve approves a pending CNAM record through the sandbox's own endpoint.
func (e *env) approve(id string) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/sandbox/cnams/"+id+"/approve", nil)
	req.SetBasicAuth(testAccess, testSecret)
	w := httptest.NewRecorder()
	e.sb.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		e.t.Fatalf("approving CNAM %s: %d %s", id, w.Code, w.Body)
	}
}

// lose carries the write out and answers status: its answer is lost.
func (e *env) lose(status int) http.HandlerFunc {
	return e.front.RunThen(func(w http.ResponseWriter, r *http.Request) { writeError(w, status, http.StatusText(status)) })
}

// writeJSON writes v as a v2 answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes v2's error envelope with status and detail.
func writeError(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"detail": detail, "status": status}}})
}
