package apply_test

import (
	"context"
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
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// newV2 starts a sandbox and returns it with a v2 backend on it whose retries wait little and
// whose rate limit is off.
func newV2(tb testing.TB, opts sandbox.Options) (*sandboxtest.Server, *backend.V2) {
	tb.Helper()
	if opts.InventorySize == 0 {
		opts.InventorySize = 1000
	}
	sb := sandboxtest.Start(tb, opts)
	return sb, v2Backend(tb, sb.V2)
}

// v2Backend is a v2 backend on endpoint whose retries wait little and whose rate limit is off.
func v2Backend(tb testing.TB, endpoint string) *backend.V2 {
	tb.Helper()
	c, err := v2.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v2.WithRateLimit(0, 1),
		v2.WithRetry(v2.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}),
		v2.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		tb.Fatal(err)
	}
	return backend.NewV2(c)
}

// v2Shape is a desired v2 state: routes r0… (route 0 of them exists with another value, to be
// updated), numbers to buy, owned numbers to manage (each with an alias, CNAM lookups, a CNAM,
// the E911 address "hq" and a callback), and owned numbers the spec leaves out, released.
type v2Shape struct {
	routes, purchases, owned, release int
}

var hq = spec.E911Address{FirstName: "Chris", LastName: "Smith", StreetNumber: "1218", StreetName: "3rd Ave", City: "Seattle", State: "WA", Country: "US", Zip: "98101"}

func (a v2Shape) setup(tb testing.TB, sb *sandboxtest.Server, b *backend.V2) *spec.Spec {
	tb.Helper()
	ctx := context.Background()
	n := a.purchases + a.owned + a.release
	avail, err := b.Client().AllAvailable(ctx, v2.AvailableQuery{}, n)
	if err != nil || len(avail) < n {
		tb.Fatalf("listing the inventory: %d numbers, %v", len(avail), err)
	}
	desired := &spec.Spec{Version: 1, Routes: map[string]spec.Route{}, Numbers: map[string]spec.Number{},
		E911Addresses: map[string]spec.E911Address{"hq": hq},
		Policy:        spec.Policy{Unmanaged: spec.UnmanagedRelease, MaxReleases: a.release, MaxRouteDeletes: 1, MaxPurchases: a.purchases, MaxUpdatePercent: 100}}
	for i := range a.routes {
		name := fmt.Sprintf("r%d", i)
		desired.Routes[name] = spec.Route{Type: spec.RouteHost, Value: fmt.Sprintf("10.0.%d.%d:5060", i/250, i%250+1)}
		if i == 0 { // on the account with another value: update_route
			if err := sb.AddRoute(v1.Route{Name: name, Type: spec.RouteHost, Value: "10.9.9.9:5060"}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := sb.AddRoute(v1.Route{Name: "unused", Type: spec.RouteHost, Value: "10.8.8.8:5060"}); err != nil {
		tb.Fatal(err)
	}
	yes := true
	for i, nb := range avail[:n] {
		if i >= a.purchases {
			if err := sb.AddOwnedNumber(v1.Number{TN: nb.TN}); err != nil {
				tb.Fatal(err)
			}
		}
		if i >= a.purchases+a.owned {
			continue // unmanaged: released
		}
		primary := spec.BuiltinRoute
		if a.routes > 0 {
			primary = fmt.Sprintf("r%d", i%a.routes)
		}
		desired.Numbers[nb.TN] = spec.Number{PrimaryRoute: primary, FailoverRoute: spec.BuiltinRoute,
			Alias: "desk " + nb.TN[7:], CNAMLookups: &yes, CNAM: "ACME INC", E911: "hq",
			Messaging: &spec.Messaging{SMSCallback: "https://example.com/sms/" + nb.TN}}
	}
	return desired
}

func makeV2Plan(tb testing.TB, b *backend.V2, desired *spec.Spec) *plan.Plan {
	tb.Helper()
	p, _, err := plan.Make(context.Background(), b, desired, plan.Options{})
	if err != nil {
		tb.Fatalf("plan.Make: %v", err)
	}
	if p.HasErrors() {
		tb.Fatalf("the plan has errors: %+v", p.Diagnostics)
	}
	return p
}

// v2Writes counts, per number, the purchases and releases the sandbox carried out (whether or
// not the answer reached the client).
func v2Writes(audit []sandbox.AuditEntry) (bought, released map[string]int) {
	bought, released = map[string]int{}, map[string]int{}
	for _, e := range audit {
		tn, ok := strings.CutPrefix(e.Path, "/v2/numbers/")
		if !ok || strings.Contains(tn, "/") || e.Status >= 300 || e.Status == 0 {
			continue
		}
		switch e.Method {
		case http.MethodPost:
			bought[tn]++
		case http.MethodDelete:
			released[tn]++
		}
	}
	return bought, released
}

// planned is the numbers a plan purchases and releases.
func planned(p *plan.Plan) (bought, released map[string]int) {
	bought, released = map[string]int{}, map[string]int{}
	for _, ch := range p.Changes {
		switch ch.Action {
		case plan.Purchase:
			bought[ch.Key] = 1
		case plan.Release:
			released[ch.Key] = 1
		}
	}
	return bought, released
}

func TestV2SandboxApplyThenPlanIsClean(t *testing.T) {
	t.Parallel()
	sb, b := newV2(t, sandbox.Options{Seed: 1})
	desired := v2Shape{routes: 3, purchases: 2, owned: 3, release: 2}.setup(t, sb, b)
	p := makeV2Plan(t, b, desired)
	want := plan.Summary{RoutesToCreate: 2, RoutesToUpdate: 1, NumbersToPurchase: 2, NumbersToUpdate: 5, CNAMsToCreate: 1, E911ToCreate: 1,
		NumbersToRelease: 2, RoutesToDelete: 1}
	if diff := cmp.Diff(want, p.Summary); diff != "" {
		t.Fatalf("plan summary (-want +got):\n%s", diff)
	}
	rep, err := apply.Run(context.Background(), b, p, apply.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("not everything applied: %v", statuses(rep))
	}
	if again := makeV2Plan(t, b, desired); !again.Empty() || len(again.Diagnostics) != 0 {
		t.Errorf("plan after apply: changes %+v, diagnostics %+v", again.Changes, again.Diagnostics)
	}
	gotB, gotR := v2Writes(sb.Audit())
	wantB, wantR := planned(p)
	if diff := cmp.Diff([]map[string]int{wantB, wantR}, []map[string]int{gotB, gotR}); diff != "" {
		t.Errorf("purchases and releases in the audit log (-want +got):\n%s", diff)
	}
}

// A spec releasing more numbers than policy.max_releases (or --max-releases) allows plans an
// error and no release, and apply buys and releases nothing.
func TestV2SandboxReleaseBeyondTheLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		limit   int
		ceiling *int
		want    string
	}{
		{"policy", 1, nil, "the plan would release 2 numbers; policy.max_releases allows 1, so it releases none"},
		{"flag", 5, ptr(1), "the plan would release 2 numbers; --max-releases allows 1, so it releases none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, b := newV2(t, sandbox.Options{Seed: 2})
			desired := v2Shape{routes: 1, purchases: 1, owned: 1, release: 2}.setup(t, sb, b)
			desired.Policy.MaxReleases = tt.limit
			p, _, err := plan.Make(context.Background(), b, desired, plan.Options{Limits: plan.Limits{MaxReleases: tt.ceiling}})
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, d := range p.Diagnostics {
				if d.Severity == plan.Error {
					errs = append(errs, d.Message)
				}
			}
			if diff := cmp.Diff([]string{tt.want}, errs); diff != "" || p.Summary.NumbersToRelease != 0 {
				t.Errorf("errors (-want +got):\n%s\nreleases %d", diff, p.Summary.NumbersToRelease)
			}
			if _, err := apply.Run(context.Background(), b, p, apply.Options{}); err == nil {
				t.Error("apply ran a plan with errors")
			}
			if bought, released := v2Writes(sb.Audit()); len(bought)+len(released) != 0 {
				t.Errorf("bought %v, released %v", bought, released)
			}
		})
	}
}

// A CNAM record pending approval: apply creates it and skips the association; plan shows it
// as pending, without an error or a change; once the sandbox approves it, plan associates it,
// and after that apply the plan is clean.
func TestV2SandboxCNAMPendingThenApproved(t *testing.T) {
	t.Parallel()
	sb, b := newV2(t, sandbox.Options{Seed: 3, CNAMApproval: sandbox.CNAMPending})
	desired := v2Shape{owned: 2}.setup(t, sb, b)
	for tn, n := range desired.Numbers { // only the CNAM
		desired.Numbers[tn] = spec.Number{CNAM: n.CNAM}
	}
	desired.E911Addresses = nil
	desired.Policy.Unmanaged = spec.UnmanagedWarn
	p := makeV2Plan(t, b, desired)
	if p.Summary.CNAMsToCreate != 1 || p.Summary.NumbersToUpdate != 2 {
		t.Fatalf("summary %+v, want a CNAM record to create and 2 numbers to update", p.Summary)
	}
	rep, err := apply.Run(context.Background(), b, p, apply.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(apply.Applied) != 1 || rep.Count(apply.Skipped) != 2 || rep.Count(apply.Failed) != 0 {
		t.Fatalf("results %v, want the record created and both associations skipped", statuses(rep))
	}
	desired.Policy.Unmanaged = spec.UnmanagedIgnore // the route "unused"
	pending := makeV2Plan(t, b, desired)
	if !pending.Empty() || len(pending.Diagnostics) != 1 || pending.Diagnostics[0].Severity != plan.Note ||
		!strings.Contains(pending.Diagnostics[0].Message, `CNAM "ACME INC" awaits Flowroute's approval`) {
		t.Fatalf("pending: changes %+v, diagnostics %+v; want none and a note", pending.Changes, pending.Diagnostics)
	}
	cs, err := b.CNAMs(context.Background())
	if err != nil || len(cs) != 1 {
		t.Fatalf("CNAM records %+v, %v", cs, err)
	}
	approve(t, sb, cs[0].ID)
	approved := makeV2Plan(t, b, desired)
	if approved.Summary.NumbersToUpdate != 2 || approved.Summary.CNAMsToCreate != 0 {
		t.Fatalf("approved: summary %+v, want the 2 associations", approved.Summary)
	}
	if rep := run(t, b, approved, apply.Options{}); !rep.OK() {
		t.Fatalf("results %v", statuses(rep))
	}
	if again := makeV2Plan(t, b, desired); !again.Empty() || len(again.Diagnostics) != 0 {
		t.Errorf("after the approval: changes %+v, diagnostics %+v", again.Changes, again.Diagnostics)
	}
}

// approve approves the CNAM record through the sandbox-only endpoint.
func approve(t *testing.T, sb *sandboxtest.Server, id string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, sb.URL+"/sandbox/cnams/"+id+"/approve", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("approving CNAM %s: %s", id, resp.Status)
	}
}

// An E911 address is created, then associated; a changed address is updated in place; a number
// to release is disconnected from it first.
func TestV2SandboxE911(t *testing.T) {
	t.Parallel()
	sb, b := newV2(t, sandbox.Options{Seed: 4})
	desired := v2Shape{owned: 2}.setup(t, sb, b)
	for tn, n := range desired.Numbers {
		desired.Numbers[tn] = spec.Number{E911: n.E911}
	}
	desired.Policy.Unmanaged = spec.UnmanagedWarn
	p := makeV2Plan(t, b, desired)
	var got []string
	for _, ch := range p.Changes {
		got = append(got, string(ch.Action))
	}
	if diff := cmp.Diff([]string{"create_e911", "set_e911", "set_e911"}, got); diff != "" {
		t.Fatalf("actions (-want +got):\n%s", diff)
	}
	if rep := run(t, b, p, apply.Options{}); !rep.OK() {
		t.Fatalf("results %v", statuses(rep))
	}
	moved := hq
	moved.Zip = "98104"
	desired.E911Addresses["hq"] = moved
	p = makeV2Plan(t, b, desired)
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.UpdateE911 || p.Changes[0].After["zip"] != "98104" {
		t.Fatalf("changes %+v, want one update_e911 of the zip", p.Changes)
	}
	if rep := run(t, b, p, apply.Options{}); !rep.OK() {
		t.Fatalf("results %v", statuses(rep))
	}
	// Drop one number from the spec and release it: its address is disconnected first.
	var gone string
	for tn := range desired.Numbers {
		gone = tn
		break
	}
	delete(desired.Numbers, gone)
	desired.Policy.Unmanaged, desired.Policy.MaxReleases = spec.UnmanagedRelease, 1
	p = makeV2Plan(t, b, desired)
	got = nil
	for _, ch := range p.Changes {
		got = append(got, fmt.Sprint(ch.Action, " ", ch.Key, " ", ch.After))
	}
	if diff := cmp.Diff([]string{"set_e911 " + gone + " map[e911:]", "release " + gone + " map[]", "delete_route unused map[]"}, got); diff != "" {
		t.Fatalf("changes (-want +got):\n%s", diff)
	}
	if rep := run(t, b, p, apply.Options{}); !rep.OK() {
		t.Fatalf("results %v", statuses(rep))
	}
	if again := makeV2Plan(t, b, desired); !again.Empty() {
		t.Errorf("plan after apply has changes: %+v", again.Changes)
	}
}

// The same v1 spec behaves on v2 as on v1: planned the same (its billing methods a warning),
// applied, and clean after.
func TestV1SpecOnV2(t *testing.T) {
	t.Parallel()
	sb1, c := newSandbox(t, 5, sandbox.Faults{})
	desired := shape{routes: 2, purchases: 2, owned: 2}.setup(t, sb1, c)
	sb, b := newV2(t, sandbox.Options{Seed: 5})
	// The v2 sandbox owns the same numbers as the v1 one: the seed gives the same inventory.
	for _, tn := range ownedOf(t, c) {
		if err := sb.AddOwnedNumber(v1.Number{TN: tn}); err != nil {
			t.Fatal(err)
		}
	}
	p1, p2 := makePlan(t, c, desired), makeV2Plan(t, b, desired)
	if p1.Summary != p2.Summary {
		t.Errorf("v1 plans %+v, v2 plans %+v", p1.Summary, p2.Summary)
	}
	if len(p2.Diagnostics) != 1 || p2.Diagnostics[0].Severity != plan.Warning || !strings.Contains(p2.Diagnostics[0].Message, "billing_method") {
		t.Errorf("v2 diagnostics %+v, want one warning about billing_method", p2.Diagnostics)
	}
	if rep := run(t, b, p2, apply.Options{}); !rep.OK() {
		t.Fatalf("results %v", statuses(rep))
	}
	if again := makeV2Plan(t, b, desired); !again.Empty() {
		t.Errorf("plan after apply has changes: %+v", again.Changes)
	}
}

func ownedOf(t *testing.T, c *backend.V1) []string {
	t.Helper()
	ns, err := c.Numbers(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.TN)
	}
	return out
}

// TestV2SandboxFaultSoak is TestSandboxFaultSoak on v2, with purchases, route changes, CNAM and
// E911 associations, callbacks and releases: every run converges in one apply, plans clean
// after, and the audit log shows each planned number bought or released once, and nothing else.
func TestV2SandboxFaultSoak(t *testing.T) {
	t.Parallel()
	const runs = 24
	faults := sandbox.Faults{FailRate: 0.10, LostResponseRate: 0.10, DropRate: 0.05}
	for seed := int64(1); seed <= runs; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			sb, b := newV2(t, sandbox.Options{Seed: seed})
			desired := v2Shape{routes: 3, purchases: 4, owned: 4, release: 3}.setup(t, sb, b)
			p := makeV2Plan(t, b, desired)
			sb.SetFaults(faults)
			rep, err := apply.Run(context.Background(), b, p, apply.Options{Backoff: time.Millisecond, Attempts: 10})
			sb.SetFaults(sandbox.Faults{})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			for _, r := range rep.Results {
				if r.Status != apply.Applied {
					t.Errorf("seed %d: %s %s %s: %s%s", seed, r.Change.Action, r.Change.Key, r.Status, r.Error, r.Reason)
				}
			}
			if again := makeV2Plan(t, b, desired); !again.Empty() {
				t.Errorf("seed %d: plan after apply has changes: %+v", seed, again.Changes)
			}
			gotB, gotR := v2Writes(sb.Audit())
			wantB, wantR := planned(p)
			if diff := cmp.Diff([]map[string]int{wantB, wantR}, []map[string]int{gotB, gotR}); diff != "" {
				t.Errorf("seed %d: purchases and releases in the audit log (-want +got):\n%s", seed, diff)
			}
		})
	}
}
