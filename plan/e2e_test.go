package plan_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// The v1 client, through its adapter, is an account backend.
var _ account.Backend = backend.NewV1(nil)

// newAccount starts a sandbox and returns it with a client for it.
func newAccount(t *testing.T) (*sandbox.Server, *v1.Client) {
	t.Helper()
	sb, endpoint := sandboxtest.NewServer(t, sandbox.Options{Seed: 7, InventorySize: 200})
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v1.WithRateLimit(0, 1))
	if err != nil {
		t.Fatal(err)
	}
	return sb, c
}

// TestPlanAgainstSandbox seeds an account through the client, plans a spec against it and
// checks the exact actions, and that planning wrote nothing to the account.
func TestPlanAgainstSandbox(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	sb, c := newAccount(t)
	avail, err := c.AllAvailable(ctx, v1.SearchQuery{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(avail) < 4 {
		t.Fatalf("the sandbox offers %d numbers, want 4", len(avail))
	}
	owned1, owned2, buy, legacy := avail[0], avail[1], avail[2], avail[3]

	for _, r := range []v1.Route{
		{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"},
		{Name: "legacy", Type: "PSTN", Value: "16476998778"},
	} {
		if err := c.CreateRoute(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, tn := range []string{owned1.TN, owned2.TN, legacy.TN} {
		if err := c.PurchaseNumber(ctx, tn, "METERED"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SetRoutes(ctx, owned2.TN, "pbx", "legacy"); err != nil {
		t.Fatal(err)
	}
	audit := sb.Audit()

	desired, err := spec.Parse("numbers.yaml", fmt.Appendf(nil, `version: 1
defaults: {billing_method: METERED}
routes:
  pbx: {type: HOST, value: "24.239.23.40:5060"}
  cell: {type: PSTN, value: "12065550100"}
numbers:
  "%s": {primary_route: pbx, failover_route: cell}
  "%s": {failover_route: pbx}
  "%s": {primary_route: cell}
`, owned1.TN, owned2.TN, buy.TN))
	if err != nil {
		t.Fatal(err)
	}
	p, current, err := plan.Make(ctx, backend.NewV1(c), desired, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}

	want := []plan.Change{
		{Action: plan.CreateRoute, Key: "cell", Pos: desired.PosOf("routes", "cell"),
			After: map[string]string{"type": "PSTN", "value": "12065550100"}},
		{Action: plan.Purchase, Key: buy.TN, Pos: desired.PosOf("numbers", buy.TN),
			After: map[string]string{"billing_method": "METERED"},
			Cost:  &plan.Cost{Initial: buy.InitialCost, Monthly: buy.MonthlyCost}},
		{Action: plan.SetRoutes, Key: owned1.TN, Pos: desired.PosOf("numbers", owned1.TN),
			Before: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"},
			After:  map[string]string{"primary_route": "pbx", "failover_route": "cell"}},
		{Action: plan.SetRoutes, Key: owned2.TN, Pos: desired.PosOf("numbers", owned2.TN),
			Before: map[string]string{"primary_route": "pbx", "failover_route": "legacy"},
			After:  map[string]string{"primary_route": "pbx", "failover_route": "pbx"}},
		{Action: plan.SetRoutes, Key: buy.TN, Pos: desired.PosOf("numbers", buy.TN),
			Before: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"},
			After:  map[string]string{"primary_route": "cell", "failover_route": "sip-reg"}},
	}
	if diff := cmp.Diff(want, p.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(plan.Unmanaged{Routes: []string{"legacy"}, Numbers: []string{legacy.TN}}, p.Unmanaged); diff != "" {
		t.Errorf("unmanaged (-want +got):\n%s", diff)
	}
	if p.HasErrors() {
		t.Errorf("unexpected errors: %+v", p.Diagnostics)
	}
	if _, ok := current.Routes[spec.BuiltinRoute]; ok {
		t.Error("the fetched state holds the built-in sip-reg route")
	}
	if diff := cmp.Diff(audit, sb.Audit()); diff != "" {
		t.Errorf("planning wrote to the account (-before +after):\n%s", diff)
	}

	// The digest identifies the state: reading it again gives the same, a write changes it.
	again, err := plan.Fetch(ctx, backend.NewV1(c), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Digest(again) != p.StateDigest {
		t.Error("reading an unchanged account gave another digest")
	}
	if err := c.SetRoutes(ctx, owned1.TN, "pbx", "pbx"); err != nil {
		t.Fatal(err)
	}
	changed, err := plan.Fetch(ctx, backend.NewV1(c), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Digest(changed) == p.StateDigest {
		t.Error("a changed account kept its digest")
	}
}

// TestPlanInventoryDiagnosticsAgainstSandbox plans numbers the sandbox does not sell.
func TestPlanInventoryDiagnosticsAgainstSandbox(t *testing.T) {
	t.Parallel()
	_, c := newAccount(t)
	desired, err := spec.Parse("numbers.yaml", []byte(`version: 1
numbers:
  "19999999999": {billing_method: METERED}
`))
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := plan.Make(t.Context(), backend.NewV1(c), desired, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasErrors() || len(p.Changes) != 0 {
		t.Fatalf("plan of a number not for sale: changes %v, diagnostics %+v; want one error and no change", p.Changes, p.Diagnostics)
	}
	if d := p.Diagnostics[0]; d.Key != "19999999999" || d.Pos != desired.PosOf("numbers", "19999999999") {
		t.Errorf("diagnostic %+v, want it on the number at its position", d)
	}
}

// On v2, whose list of numbers lacks their routes, a route changed in place counts every number
// that uses it, those the spec does not manage too: plan reads every number's details then.
func TestRouteUpdateReachesUnmanagedNumbersOnV2(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	sb := sandboxtest.Start(t, sandbox.Options{Seed: 7, InventorySize: 200})
	c, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v1.WithRateLimit(0, 1))
	if err != nil {
		t.Fatal(err)
	}
	avail, err := c.AllAvailable(ctx, v1.SearchQuery{}, 3)
	if err != nil || len(avail) < 3 {
		t.Fatalf("inventory: %d numbers, %v", len(avail), err)
	}
	if err := c.CreateRoute(ctx, v1.Route{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range avail {
		if err := c.PurchaseNumber(ctx, a.TN, "METERED"); err != nil {
			t.Fatal(err)
		}
		if err := c.SetRoutes(ctx, a.TN, "pbx", "sip-reg"); err != nil {
			t.Fatal(err)
		}
	}
	b, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v2.WithRateLimit(0, 1))
	if err != nil {
		t.Fatal(err)
	}
	desired := &spec.Spec{
		Routes:  map[string]spec.Route{"pbx": {Type: "HOST", Value: "24.239.23.41:5060"}},
		Numbers: map[string]spec.Number{avail[0].TN: {}}, // one managed, two not
		Policy:  spec.Policy{Unmanaged: spec.UnmanagedIgnore, MaxPurchases: 10, MaxUpdatePercent: 100},
	}
	p, _, err := plan.Make(ctx, backend.NewV2(b), desired, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.UpdateRoute {
		t.Fatalf("changes %+v, want one update_route", p.Changes)
	}
	want := []string{avail[0].TN, avail[1].TN, avail[2].TN}
	if diff := cmp.Diff(want, p.Changes[0].Affected, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("affected (-want +got):\n%s", diff)
	}
}
