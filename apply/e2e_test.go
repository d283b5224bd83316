package apply_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// newSandbox starts a sandbox with a small inventory and returns it with a client whose
// retries wait little and whose rate limit is off, so that tests stay fast.
func newSandbox(tb testing.TB, seed int64, faults sandbox.Faults) (*sandbox.Server, *backend.V1) {
	tb.Helper()
	return newSandboxOpts(tb, sandbox.Options{Seed: seed, InventorySize: 1000, Faults: faults})
}

func newSandboxOpts(tb testing.TB, opts sandbox.Options) (*sandbox.Server, *backend.V1) {
	tb.Helper()
	sb, endpoint := sandboxtest.NewServer(tb, opts)
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v1.WithRateLimit(0, 1),
		v1.WithRetry(v1.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}),
		v1.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		tb.Fatal(err)
	}
	return sb, backend.NewV1(c)
}

// shape describes a desired state for the tests: routes r0…, numbers to buy from the
// inventory, and numbers the account already owns (seeded with sip-reg routes). Every number
// is routed to one of the routes, so that each purchase is followed by an update.
type shape struct {
	routes, purchases, owned int
}

// setup seeds the sandbox with the owned numbers and returns the desired spec. The numbers to
// buy are the first of the inventory.
func (a shape) setup(tb testing.TB, sb *sandbox.Server, c *backend.V1) *spec.Spec {
	tb.Helper()
	ctx := context.Background()
	avail, err := c.Client().AllAvailable(ctx, v1.SearchQuery{}, a.purchases+a.owned)
	if err != nil {
		tb.Fatalf("listing the inventory: %v", err)
	}
	if len(avail) < a.purchases+a.owned {
		tb.Fatalf("the inventory has %d numbers, want %d", len(avail), a.purchases+a.owned)
	}
	desired := &spec.Spec{Version: 1, Routes: map[string]spec.Route{}, Numbers: map[string]spec.Number{},
		Policy: spec.Policy{Unmanaged: spec.UnmanagedWarn, MaxPurchases: a.purchases, MaxUpdatePercent: 100}}
	for i := range a.routes {
		desired.Routes[fmt.Sprintf("r%d", i)] = spec.Route{Type: spec.RouteHost, Value: fmt.Sprintf("10.0.%d.%d:5060", i/250, i%250+1)}
	}
	for i, n := range avail[:a.purchases+a.owned] {
		if i >= a.purchases {
			if err := sb.AddOwnedNumber(sandbox.Number{TN: n.TN}); err != nil {
				tb.Fatal(err)
			}
		}
		primary := spec.BuiltinRoute
		if a.routes > 0 {
			primary = fmt.Sprintf("r%d", i%a.routes)
		}
		desired.Numbers[n.TN] = spec.Number{BillingMethod: spec.BillingMetered, PrimaryRoute: primary, FailoverRoute: spec.BuiltinRoute}
	}
	return desired
}

func makePlan(tb testing.TB, c *backend.V1, desired *spec.Spec) *plan.Plan {
	tb.Helper()
	p, _, err := plan.Make(context.Background(), c, desired, plan.Options{})
	if err != nil {
		tb.Fatalf("plan.Make: %v", err)
	}
	if p.HasErrors() {
		tb.Fatalf("the plan has errors: %+v", p.Diagnostics)
	}
	return p
}

// purchasesOf counts, per number, the successful purchases in the audit log (201, whether or
// not the answer reached the client).
func purchasesOf(audit []sandbox.AuditEntry) map[string]int {
	out := map[string]int{}
	for _, e := range audit {
		if tn, ok := strings.CutPrefix(e.Path, "/v1/tns/"); ok && e.Method == http.MethodPut && e.Status == http.StatusCreated {
			out[tn]++
		}
	}
	return out
}

func TestSandboxApplyThenPlanIsClean(t *testing.T) {
	t.Parallel()
	sb, c := newSandbox(t, 1, sandbox.Faults{})
	desired := shape{routes: 3, purchases: 4, owned: 5}.setup(t, sb, c)
	p := makePlan(t, c, desired)
	want := plan.Summary{RoutesToCreate: 3, NumbersToPurchase: 4, NumbersToUpdate: 9}
	if diff := cmp.Diff(want, p.Summary); diff != "" {
		t.Fatalf("plan summary (-want +got):\n%s", diff)
	}
	rep, err := apply.Run(context.Background(), c, p, apply.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("not everything applied: %v", statuses(rep))
	}
	if again := makePlan(t, c, desired); !again.Empty() {
		t.Errorf("plan after apply has changes: %+v", again.Changes)
	}
	if err := apply.CheckFresh(context.Background(), c, desired, p, plan.Options{}); !errors.Is(err, apply.ErrRefused) {
		t.Errorf("CheckFresh of the applied plan = %v, want it stale", err)
	}
}

func TestSandboxStalePlanIsRefused(t *testing.T) {
	t.Parallel()
	sb, c := newSandbox(t, 2, sandbox.Faults{})
	desired := shape{routes: 1, purchases: 2, owned: 1}.setup(t, sb, c)
	p := makePlan(t, c, desired)
	if err := apply.CheckFresh(context.Background(), c, desired, p, plan.Options{}); err != nil {
		t.Fatalf("CheckFresh of a fresh plan: %v", err)
	}
	// Someone changes the account after the plan was saved.
	if err := sb.AddRoute(sandbox.Route{Name: "elsewhere", Type: spec.RoutePSTN, Value: "16476998778"}); err != nil {
		t.Fatal(err)
	}
	err := apply.CheckFresh(context.Background(), c, desired, p, plan.Options{})
	if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), "stale") || !strings.Contains(err.Error(), "run plan again") {
		t.Errorf("CheckFresh = %v, want a refusal saying the plan is stale", err)
	}
	if audit := sb.Audit(); len(audit) != 0 {
		t.Errorf("writes while checking a plan: %+v", audit)
	}
}

func TestSandboxGuardsBuyNothing(t *testing.T) {
	t.Parallel()
	sb, c := newSandbox(t, 3, sandbox.Faults{})
	desired := shape{routes: 1, purchases: 3}.setup(t, sb, c)
	p := makePlan(t, c, desired)
	// plan refuses such a spec itself; apply checks again, for a plan file edited since.
	p.Policy.MaxPurchases = 2
	_, err := apply.Run(context.Background(), c, p, apply.Options{})
	if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), "policy.max_purchases allows 2") {
		t.Errorf("Run = %v, want a refusal naming policy.max_purchases", err)
	}
	if audit := sb.Audit(); len(audit) != 0 {
		t.Errorf("writes by a refused apply: %+v", audit)
	}
}

func TestSandboxFailedRouteSkipsExactlyItsDependents(t *testing.T) {
	t.Parallel()
	sb, c := newSandbox(t, 4, sandbox.Faults{})
	desired := shape{routes: 2, purchases: 2, owned: 2}.setup(t, sb, c)
	p := makePlan(t, c, desired)
	// Between plan and apply, someone creates r0 with another value: its creation answers
	// 409 and the numbers routed to r0 must not be touched.
	if err := sb.AddRoute(sandbox.Route{Name: "r0", Type: spec.RouteHost, Value: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	rep, err := apply.Run(context.Background(), c, p, apply.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, ch := range p.Changes {
		want[string(ch.Action)+" "+ch.Key] = "applied"
	}
	for _, ch := range p.Changes {
		if ch.Action == plan.SetRoutes && ch.After["primary_route"] == "r0" {
			want[string(ch.Action)+" "+ch.Key] = "skipped: depends on failed create_route r0"
			if _, bought := want["purchase "+ch.Key]; bought { // never bought to stay on sip-reg
				want["purchase "+ch.Key] = "skipped: depends on failed create_route r0"
			}
		}
	}
	want["create_route r0"] = "failed"
	if diff := cmp.Diff(want, statuses(rep)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if msg := rep.Of(apply.Failed)[0].Error; !strings.Contains(msg, `already exists with type HOST and value "192.0.2.1"`) {
		t.Errorf("failure %q does not say the route exists with another value", msg)
	}
	for _, e := range sb.Audit() {
		for _, r := range rep.Of(apply.Skipped) {
			if e.Path == "/v1/tns/"+r.Change.Key && (e.Method == http.MethodPatch || e.Method == http.MethodPut) {
				t.Errorf("skipped change was sent: %+v", e)
			}
		}
	}
}

// TestSandboxFaultSoak applies a spec against a sandbox that fails, drops and loses answers,
// many times with different seeds. Every run must converge in one apply and buy each planned
// number exactly once. A failing seed is printed, so that it can be replayed alone with
// -run 'TestSandboxFaultSoak/seed=N'.
func TestSandboxFaultSoak(t *testing.T) {
	t.Parallel()
	const runs = 24
	faults := sandbox.Faults{FailRate: 0.10, LostResponseRate: 0.10, DropRate: 0.05}
	for seed := int64(1); seed <= runs; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			sb, c := newSandbox(t, seed, sandbox.Faults{})
			desired := shape{routes: 3, purchases: 15}.setup(t, sb, c)
			p := makePlan(t, c, desired)
			sb.SetFaults(faults)
			// A write fails here one time in seven; Attempts is raised so that a run with
			// 33 writes cannot plausibly exhaust it (0.15^10 per write).
			rep, err := apply.Run(context.Background(), c, p, apply.Options{Backoff: time.Millisecond, Attempts: 10})
			sb.SetFaults(sandbox.Faults{})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			for _, r := range rep.Of(apply.Failed) {
				t.Errorf("seed %d: %s %s failed: %s", seed, r.Change.Action, r.Change.Key, r.Error)
			}
			if again := makePlan(t, c, desired); !again.Empty() {
				t.Errorf("seed %d: plan after apply has changes: %+v", seed, again.Changes)
			}
			want := map[string]int{}
			for _, ch := range p.Changes {
				if ch.Action == plan.Purchase {
					want[ch.Key] = 1
				}
			}
			if diff := cmp.Diff(want, purchasesOf(sb.Audit())); diff != "" {
				t.Errorf("seed %d: purchases in the audit log (-want +got):\n%s", seed, diff)
			}
		})
	}
}
