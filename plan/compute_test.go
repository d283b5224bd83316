package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// desiredSpec returns a spec as spec.Load leaves it: policy defaults set, positions known.
func desiredSpec(routes map[string]spec.Route, numbers map[string]spec.Number) *spec.Spec {
	s := &spec.Spec{
		Version: 1,
		Routes:  routes,
		Numbers: numbers,
		Policy:  spec.Policy{Unmanaged: spec.UnmanagedWarn, MaxPurchases: spec.DefaultMaxPurchases},
		Positions: map[string]spec.Pos{
			"policy":                  {File: "numbers.yaml", Line: 30, Col: 1},
			"policy.unmanaged":        {File: "numbers.yaml", Line: 31, Col: 14},
			"policy.max_purchases":    {File: "numbers.yaml", Line: 32, Col: 18},
			"policy.max_monthly_cost": {File: "numbers.yaml", Line: 33, Col: 21},
		},
	}
	line := 3
	for _, name := range sortedKeys(routes) {
		s.Positions["routes."+name] = spec.Pos{File: "numbers.yaml", Line: line, Col: 3}
		s.Positions["routes."+name+".type"] = spec.Pos{File: "numbers.yaml", Line: line, Col: 10}
		s.Positions["routes."+name+".value"] = spec.Pos{File: "numbers.yaml", Line: line, Col: 22}
		line++
	}
	line = 10
	for _, tn := range sortedKeys(numbers) {
		s.Positions["numbers."+tn] = spec.Pos{File: "numbers.yaml", Line: line, Col: 3}
		if numbers[tn].BillingMethod != "" {
			s.Positions["numbers."+tn+".billing_method"] = spec.Pos{File: "numbers.yaml", Line: line, Col: 34}
		}
		line++
	}
	return s
}

// ackSuffix ends the hint of a limit that an acknowledgement lifts; the test puts the plan's
// digest in its place.
const ackSuffix = " +acknowledge"

func onAccount(routes map[string]spec.Route, numbers map[string]spec.Number) *spec.Spec {
	return &spec.Spec{Routes: routes, Numbers: numbers}
}

func forSale(tn, initial, monthly string, methods ...string) account.Offer {
	return account.Offer{
		TN: tn, SetupCost: money.MustParse(initial), MonthlyCost: money.MustParse(monthly),
		State: "WA", RateCenter: "SEATTLE", BillingMethods: methods,
	}
}

func inventory(ns ...account.Offer) Inventory {
	inv := Inventory{}
	for _, n := range ns {
		inv[n.TN] = n
	}
	return inv
}

func pos(line, col int) spec.Pos { return spec.Pos{File: "numbers.yaml", Line: line, Col: col} }

var (
	host    = spec.Route{Type: spec.RouteHost, Value: "24.239.23.40:5060"}
	backup  = spec.Route{Type: spec.RouteURI, Value: "sip:16476998778@215.122.69.152:5060;transport=tcp"}
	metered = func(p, f string) spec.Number {
		return spec.Number{BillingMethod: spec.BillingMetered, PrimaryRoute: p, FailoverRoute: f}
	}
)

const (
	tnA = "12065550100"
	tnB = "12065550101"
	tnC = "12065550102"
)

func TestCompute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		desired, current *spec.Spec
		inv              Inventory
		changes          []Change
		diags            []Diagnostic
	}{
		{
			name:    "route in spec, not on account: create_route",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, nil),
			current: onAccount(nil, nil),
			changes: []Change{{Action: CreateRoute, Key: "pbx", Pos: pos(3, 3),
				After: map[string]string{"type": "HOST", "value": "24.239.23.40:5060"}}},
		},
		{
			name:    "route on account with the same type and value: nothing",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, nil),
			current: onAccount(map[string]spec.Route{"pbx": host}, nil),
		},
		{
			name:    "route on account with another value: error, v1 cannot change it",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, nil),
			current: onAccount(map[string]spec.Route{"pbx": {Type: spec.RouteHost, Value: "10.0.0.1"}}, nil),
			diags: []Diagnostic{{Severity: Error, Pos: pos(3, 22), Key: "pbx",
				Message: `route pbx has value "10.0.0.1" on the account, the spec says "24.239.23.40:5060": v1 cannot change a route`,
				Hint:    "create a route under a new name and point the numbers at it"}},
		},
		{
			name:    "route on account with another type and value: an error for each field",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, nil),
			current: onAccount(map[string]spec.Route{"pbx": {Type: spec.RoutePSTN, Value: "16476998778"}}, nil),
			diags: []Diagnostic{
				{Severity: Error, Pos: pos(3, 10), Key: "pbx",
					Message: `route pbx has type "PSTN" on the account, the spec says "HOST": v1 cannot change a route`,
					Hint:    "create a route under a new name and point the numbers at it"},
				{Severity: Error, Pos: pos(3, 22), Key: "pbx",
					Message: `route pbx has value "16476998778" on the account, the spec says "24.239.23.40:5060": v1 cannot change a route`,
					Hint:    "create a route under a new name and point the numbers at it"},
			},
		},
		{
			name:    "number not on account with default routes: purchase only",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: {BillingMethod: spec.BillingMetered, PrimaryRoute: spec.BuiltinRoute}}),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "1.00", "1.25", "VPRI", "METERED")),
			changes: []Change{{Action: Purchase, Key: tnA, Pos: pos(10, 3),
				After: map[string]string{"billing_method": "METERED"},
				Cost:  &Cost{Initial: money.MustParse("1.00"), Monthly: money.MustParse("1.25")}}},
		},
		{
			name:    "number not on account with its own routes: purchase, then set_routes from sip-reg",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: metered("pbx", "")}),
			current: onAccount(map[string]spec.Route{"pbx": host}, nil),
			inv:     inventory(forSale(tnA, "1.00", "1.25", "METERED")),
			changes: []Change{
				{Action: Purchase, Key: tnA, Pos: pos(10, 3), After: map[string]string{"billing_method": "METERED"},
					Cost: &Cost{Initial: money.MustParse("1.00"), Monthly: money.MustParse("1.25")}},
				{Action: SetRoutes, Key: tnA, Pos: pos(10, 3),
					Before: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"},
					After:  map[string]string{"primary_route": "pbx", "failover_route": "sip-reg"}},
			},
		},
		{
			name:    "number not for sale: error",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: metered("", "")}),
			current: onAccount(nil, nil),
			inv:     inventory(),
			diags: []Diagnostic{{Severity: Error, Pos: pos(10, 3), Key: tnA,
				Message: "number 12065550100 is not on the account and not available for purchase",
				Hint:    "it may have been sold since it was pinned: `flowroute-numbers add --replace 12065550100` with this plan's -f files swaps it for another chosen the same way, keeping its fields (`flowroute-numbers search` lists numbers for sale)"}},
		},
		{
			name:    "billing method the number does not allow: error at the billing method",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: {BillingMethod: spec.BillingVPRI}}),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "1.00", "1.25", "METERED")),
			diags: []Diagnostic{{Severity: Error, Pos: pos(10, 34), Key: tnA,
				Message: "number 12065550100 cannot be bought with billing method VPRI",
				Hint:    "set billing_method to one of: METERED"}},
		},
		{
			name:    "no billing method and one allowed: that one",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: {}}),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "0.50", "0.75", "METERED")),
			changes: []Change{{Action: Purchase, Key: tnA, Pos: pos(10, 3), After: map[string]string{"billing_method": "METERED"},
				Cost: &Cost{Initial: money.MustParse("0.50"), Monthly: money.MustParse("0.75")}}},
		},
		{
			name:    "no billing method and several allowed: error asking to choose",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: {}}),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "0.50", "0.75", "VPRI", "METERED")),
			diags: []Diagnostic{{Severity: Error, Pos: pos(10, 3), Key: tnA,
				Message: "number 12065550100 is to be purchased but the spec sets no billing method, and the number allows VPRI and METERED",
				Hint:    "set billing_method on the number (or in defaults) to one of: VPRI, METERED"}},
		},
		{
			name:    "number on account, routes differ: set_routes with before and after",
			desired: desiredSpec(map[string]spec.Route{"pbx": host, "backup": backup}, map[string]spec.Number{tnA: metered("pbx", "backup")}),
			current: onAccount(map[string]spec.Route{"pbx": host, "backup": backup}, map[string]spec.Number{tnA: metered("sip-reg", "sip-reg")}),
			changes: []Change{{Action: SetRoutes, Key: tnA, Pos: pos(10, 3),
				Before: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"},
				After:  map[string]string{"primary_route": "pbx", "failover_route": "backup"}}},
		},
		{
			name:    "only the primary managed: the failover keeps its current value",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: {PrimaryRoute: "pbx"}}),
			current: onAccount(map[string]spec.Route{"pbx": host, "old": backup}, map[string]spec.Number{tnA: metered("sip-reg", "old")}),
			changes: []Change{{Action: SetRoutes, Key: tnA, Pos: pos(10, 3),
				Before: map[string]string{"primary_route": "sip-reg", "failover_route": "old"},
				After:  map[string]string{"primary_route": "pbx", "failover_route": "old"}}},
			diags: []Diagnostic{{Severity: Warning, Pos: pos(31, 14),
				Message: "the account has 1 route that the spec does not name",
				Hint:    "they are left as they are, never deleted; add them to the spec to manage them, or set policy.unmanaged: ignore"}},
		},
		{
			name:    "only the failover managed: the primary keeps its current value",
			desired: desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: {FailoverRoute: "pbx"}}),
			current: onAccount(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: metered("pbx", "sip-reg")}),
			changes: []Change{{Action: SetRoutes, Key: tnA, Pos: pos(10, 3),
				Before: map[string]string{"primary_route": "pbx", "failover_route": "sip-reg"},
				After:  map[string]string{"primary_route": "pbx", "failover_route": "pbx"}}},
		},
		{
			name:    "fields left out are not managed: nothing",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: {}}),
			current: onAccount(map[string]spec.Route{}, map[string]spec.Number{tnA: {BillingMethod: "VPRI", PrimaryRoute: "x", FailoverRoute: "y"}}),
		},
		{
			name:    "number on account, billing method differs: error at the billing method",
			desired: desiredSpec(nil, map[string]spec.Number{tnA: metered("sip-reg", "sip-reg")}),
			current: onAccount(nil, map[string]spec.Number{tnA: {BillingMethod: "VPRI", PrimaryRoute: "sip-reg", FailoverRoute: "sip-reg"}}),
			diags: []Diagnostic{{Severity: Error, Pos: pos(10, 34), Key: tnA,
				Message: "number 12065550100 is billed VPRI on the account, the spec says METERED: v1 cannot change a number's billing method",
				Hint:    "leave billing_method out of the number (or set it to VPRI) to keep the current one; to change it, ask Flowroute support or use the Flowroute portal"}},
		},
		{
			name: "purchases over policy.max_purchases: error at the policy",
			desired: func() *spec.Spec {
				s := desiredSpec(nil, map[string]spec.Number{tnA: metered("", ""), tnB: metered("", ""), tnC: metered("", "")})
				s.Policy.MaxPurchases = 2
				return s
			}(),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "1", "1", "METERED"), forSale(tnB, "1", "1", "METERED"), forSale(tnC, "1", "1", "METERED")),
			changes: []Change{
				{Action: Purchase, Key: tnA, Pos: pos(10, 3), After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Initial: 10000, Monthly: 10000}},
				{Action: Purchase, Key: tnB, Pos: pos(11, 3), After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Initial: 10000, Monthly: 10000}},
				{Action: Purchase, Key: tnC, Pos: pos(12, 3), After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Initial: 10000, Monthly: 10000}},
			},
			diags: []Diagnostic{{Severity: Error, Pos: pos(32, 18),
				Message: "the spec buys 3 numbers; policy.max_purchases allows 2",
				Hint:    "raise policy.max_purchases, or buy the numbers in smaller steps" + ackSuffix}},
		},
		{
			name: "monthly cost over policy.max_monthly_cost: error at the policy",
			desired: func() *spec.Spec {
				s := desiredSpec(nil, map[string]spec.Number{tnA: metered("", ""), tnB: metered("", "")})
				limit := money.MustParse("2.00")
				s.Policy.MaxMonthlyCost = &limit
				return s
			}(),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "1", "1.25", "METERED"), forSale(tnB, "1", "1", "METERED")),
			changes: []Change{
				{Action: Purchase, Key: tnA, Pos: pos(10, 3), After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Initial: 10000, Monthly: 12500}},
				{Action: Purchase, Key: tnB, Pos: pos(11, 3), After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Initial: 10000, Monthly: 10000}},
			},
			diags: []Diagnostic{{Severity: Error, Pos: pos(33, 21),
				Message: "the purchases cost 2.25 per month; policy.max_monthly_cost allows 2.00",
				Hint:    "raise policy.max_monthly_cost, or buy fewer numbers" + ackSuffix}},
		},
		{
			name: "monthly cost at policy.max_monthly_cost: allowed",
			desired: func() *spec.Spec {
				s := desiredSpec(nil, map[string]spec.Number{tnA: metered("", "")})
				limit := money.MustParse("1.25")
				s.Policy.MaxMonthlyCost = &limit
				return s
			}(),
			current: onAccount(nil, nil),
			inv:     inventory(forSale(tnA, "1", "1.25", "METERED")),
			changes: []Change{{Action: Purchase, Key: tnA, Pos: pos(10, 3), After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Initial: 10000, Monthly: 12500}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Compute(tt.desired, tt.current, tt.inv, Options{Capabilities: v1Like})
			if tt.changes == nil {
				tt.changes = []Change{}
			}
			if tt.diags == nil {
				tt.diags = []Diagnostic{}
			}
			if diff := cmp.Diff(tt.changes, p.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			// A limit's error says how to acknowledge exactly this plan: by the digest of the
			// changes expected.
			for i, d := range tt.diags {
				if before, ok := strings.CutSuffix(d.Hint, ackSuffix); ok {
					tt.diags[i].Hint = before + "; " + AcknowledgeHint(PlanDigest(tt.changes, nil))
				}
			}
			if diff := cmp.Diff(tt.diags, p.Diagnostics); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			wantErrors := false
			for _, d := range tt.diags {
				wantErrors = wantErrors || d.Severity == Error
			}
			if p.HasErrors() != wantErrors {
				t.Errorf("HasErrors() = %v, want %v", p.HasErrors(), wantErrors)
			}
		})
	}
}

func TestComputeUnmanagedPolicy(t *testing.T) {
	t.Parallel()
	current := onAccount(
		map[string]spec.Route{"pbx": host, "legacy": backup},
		map[string]spec.Number{tnA: metered("pbx", "pbx"), tnB: metered("sip-reg", "sip-reg"), tnC: metered("legacy", "legacy")},
	)
	wantUnmanaged := Unmanaged{Routes: []string{"legacy"}, Numbers: []string{tnB, tnC}}
	tests := []struct {
		policy string
		diags  []Diagnostic
	}{
		{spec.UnmanagedIgnore, []Diagnostic{}},
		{spec.UnmanagedWarn, []Diagnostic{{Severity: Warning, Pos: pos(31, 14),
			Message: "the account has 2 numbers and 1 route that the spec does not name",
			Hint:    "they are left as they are, never deleted; add them to the spec to manage them, or set policy.unmanaged: ignore"}}},
		{spec.UnmanagedError, []Diagnostic{{Severity: Error, Pos: pos(31, 14),
			Message: "the account has 2 numbers and 1 route that the spec does not name (policy.unmanaged: error)",
			Hint:    "add them to the spec (`flowroute-numbers export` writes the whole account as a spec), or set policy.unmanaged to warn or ignore"}}},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			t.Parallel()
			desired := desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: metered("pbx", "pbx")})
			desired.Policy.Unmanaged = tt.policy
			p := Compute(desired, current, nil, Options{Capabilities: v1Like})
			if diff := cmp.Diff(wantUnmanaged, p.Unmanaged); diff != "" {
				t.Errorf("unmanaged (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.diags, p.Diagnostics); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if !p.Empty() {
				t.Errorf("unmanaged objects gave changes: %v; they must never be touched", p.Changes)
			}
			if got, want := p.HasErrors(), tt.policy == spec.UnmanagedError; got != want {
				t.Errorf("HasErrors() = %v, want %v", got, want)
			}
		})
	}
}

func TestComputeOrderSummaryAndCost(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(
		map[string]spec.Route{"pbx": host, "backup": backup},
		map[string]spec.Number{tnA: metered("pbx", "backup"), tnB: metered("", ""), tnC: metered("backup", "")},
	)
	current := onAccount(nil, map[string]spec.Number{tnC: metered("sip-reg", "sip-reg")})
	inv := inventory(forSale(tnA, "1.00", "1.25", "METERED"), forSale(tnB, "0.50", "0.35", "METERED", "VPRI"))
	p := Compute(desired, current, inv, Options{Capabilities: v1Like})

	var got []string
	for _, ch := range p.Changes {
		got = append(got, string(ch.Action)+" "+ch.Key)
	}
	want := []string{
		"create_route backup", "create_route pbx",
		"purchase " + tnA, "purchase " + tnB,
		"set_routes " + tnA, "set_routes " + tnC,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("apply order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Summary{RoutesToCreate: 2, NumbersToPurchase: 2, NumbersToUpdate: 2}, p.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Cost{Initial: money.MustParse("1.50"), Monthly: money.MustParse("1.60")}, p.Cost); diff != "" {
		t.Errorf("cost (-want +got):\n%s", diff)
	}
	if p.FormatVersion != FormatVersion || p.StateDigest != Digest(current) {
		t.Errorf("format version %d, digest %q; want %d, %q", p.FormatVersion, p.StateDigest, FormatVersion, Digest(current))
	}
	if diff := cmp.Diff(desired.Policy, p.Policy); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
}

func TestComputeIsDeterministic(t *testing.T) {
	t.Parallel()
	build := func() []byte {
		desired := desiredSpec(map[string]spec.Route{"a": host, "b": backup, "c": host},
			map[string]spec.Number{tnA: metered("a", "b"), tnB: {BillingMethod: "VPRI"}, tnC: {}, "12065550199": metered("c", "")})
		desired.Policy.Unmanaged = spec.UnmanagedError
		desired.Policy.MaxPurchases = 0
		current := onAccount(map[string]spec.Route{"a": backup, "z": host},
			map[string]spec.Number{tnA: metered("z", "z"), "12065550300": {}, "12065550200": {}})
		data, err := json.Marshal(Compute(desired, current, inventory(forSale(tnB, "1", "1", "METERED")), Options{Capabilities: v1Like}))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first := build()
	for range 20 {
		if diff := cmp.Diff(string(first), string(build())); diff != "" {
			t.Fatalf("same inputs, different plans (-first +again):\n%s", diff)
		}
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	a := onAccount(map[string]spec.Route{"pbx": host, "b": backup}, map[string]spec.Number{tnA: metered("pbx", "b"), tnB: {}})
	same := onAccount(map[string]spec.Route{"b": backup, "pbx": host}, map[string]spec.Number{tnB: {}, tnA: metered("pbx", "b")})
	if Digest(a) != Digest(same) {
		t.Error("equal states have different digests")
	}
	if !strings.HasPrefix(Digest(a), "sha256:") || len(Digest(a)) != len("sha256:")+64 {
		t.Errorf("Digest = %q, want sha256: and 64 hex digits", Digest(a))
	}
	for name, changed := range map[string]*spec.Spec{
		"route value":    onAccount(map[string]spec.Route{"pbx": {Type: "HOST", Value: "10.0.0.1"}, "b": backup}, a.Numbers),
		"failover route": onAccount(a.Routes, map[string]spec.Number{tnA: metered("pbx", "pbx"), tnB: {}}),
		"billing method": onAccount(a.Routes, map[string]spec.Number{tnA: metered("pbx", "b"), tnB: {BillingMethod: "VPRI"}}),
		"one more":       onAccount(a.Routes, map[string]spec.Number{tnA: metered("pbx", "b"), tnB: {}, tnC: {}}),
		"fields shifted": onAccount(a.Routes, map[string]spec.Number{tnA: {BillingMethod: "METERED", PrimaryRoute: "pbxb"}, tnB: {}}),
		"empty":          onAccount(nil, nil),
	} {
		if Digest(changed) == Digest(a) {
			t.Errorf("%s: the digest did not change", name)
		}
	}
}
