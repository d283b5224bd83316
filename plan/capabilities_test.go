package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// with returns v1Like changed by edit.
func with(edit func(*account.Capabilities)) account.Capabilities {
	c := v1Like
	c.API = "fake"
	edit(&c)
	return c
}

func errorsOf(p *Plan) []string {
	var out []string
	for _, d := range p.Diagnostics {
		if d.Severity == Error {
			out = append(out, d.Message)
		}
	}
	return out
}

// The same spec that a backend without ChangeRoute refuses is planned as an update_route by one
// with it.
func TestComputeChangeRouteCapability(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(map[string]spec.Route{"pbx": host}, nil)
	current := onAccount(map[string]spec.Route{"pbx": {Type: spec.RouteHost, Value: "10.0.0.1"}}, nil)

	off := Compute(desired, current, nil, Options{Capabilities: with(func(c *account.Capabilities) {})})
	if want := []string{`route pbx has value "10.0.0.1" on the account, the spec says "24.239.23.40:5060": fake cannot change a route`}; !cmp.Equal(want, errorsOf(off)) || len(off.Changes) != 0 {
		t.Errorf("without ChangeRoute: changes %v, errors %q; want no change and %q", off.Changes, errorsOf(off), want)
	}

	on := Compute(desired, current, nil, Options{Capabilities: with(func(c *account.Capabilities) { c.ChangeRoute = true })})
	want := []Change{{Action: UpdateRoute, Key: "pbx", Pos: pos(3, 3),
		Before: map[string]string{"type": "HOST", "value": "10.0.0.1"},
		After:  map[string]string{"type": "HOST", "value": "24.239.23.40:5060"}}}
	if diff := cmp.Diff(want, on.Changes); diff != "" || on.HasErrors() {
		t.Errorf("with ChangeRoute: changes (-want +got):\n%s\ndiagnostics %+v", diff, on.Diagnostics)
	}
}

func TestComputeEdgeStrategyCapability(t *testing.T) {
	t.Parallel()
	edged := spec.Route{Type: spec.RouteHost, Value: host.Value, EdgeStrategy: "1"}
	desired := desiredSpec(map[string]spec.Route{"pbx": edged}, nil)
	current := onAccount(map[string]spec.Route{"pbx": host}, nil)

	off := Compute(desired, current, nil, Options{Capabilities: with(func(c *account.Capabilities) { c.ChangeRoute = true })})
	if got := errorsOf(off); len(got) != 1 || !strings.Contains(got[0], "fake routes have no edge strategy") || len(off.Changes) != 0 {
		t.Errorf("without EdgeStrategy: changes %v, errors %q; want one error naming the edge strategy", off.Changes, got)
	}
	on := Compute(desired, current, nil, Options{Capabilities: with(func(c *account.Capabilities) { c.ChangeRoute, c.EdgeStrategy = true, true })})
	if len(on.Changes) != 1 || on.Changes[0].Action != UpdateRoute || on.Changes[0].After["edge_strategy"] != "1" || on.HasErrors() {
		t.Errorf("with EdgeStrategy: changes %+v, diagnostics %+v; want an update_route to edge strategy 1", on.Changes, on.Diagnostics)
	}
}

// Every v2 field of a number is an error on a backend that cannot manage it, and none on one
// that can.
func TestComputeNumberFieldCapabilities(t *testing.T) {
	t.Parallel()
	yes := true
	n := spec.Number{PrimaryRoute: "sip-reg", Alias: "front desk", CNAMLookups: &yes, CNAM: "ACME", E911: "hq",
		Messaging: &spec.Messaging{SMSCallback: "https://example.com/sms"}}
	desired := desiredSpec(nil, map[string]spec.Number{tnA: n})
	current := onAccount(nil, map[string]spec.Number{tnA: {BillingMethod: spec.BillingMetered, PrimaryRoute: "sip-reg", FailoverRoute: "sip-reg"}})

	off := Compute(desired, current, nil, Options{Capabilities: with(func(c *account.Capabilities) {})})
	got := errorsOf(off)
	for _, field := range []string{"alias", "cnam_lookups", "cnam", "e911", "messaging"} {
		want := fmt.Sprintf("number %s sets %s, which fake cannot manage", tnA, field)
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("errors %q lack %q", got, want)
		}
	}
	on := Compute(desired, current, nil, Options{Capabilities: with(func(c *account.Capabilities) {
		c.Alias, c.CNAMLookups, c.CNAM, c.E911, c.Messaging = true, true, true, true, true
	})})
	if on.HasErrors() {
		t.Errorf("a backend with every capability: errors %q", errorsOf(on))
	}
}

// A backend without billing methods buys without one; a spec that sets one gets a warning and
// the same purchase, so that a v1 spec moves to v2 unchanged.
func TestComputeBillingMethodsCapability(t *testing.T) {
	t.Parallel()
	caps := with(func(c *account.Capabilities) { c.BillingMethods = false })
	inv := inventory(forSale(tnB, "1.00", "2.00"))
	p := Compute(desiredSpec(nil, map[string]spec.Number{tnB: {}}), onAccount(nil, nil), inv, Options{Capabilities: caps})
	if len(p.Changes) != 1 || p.Changes[0].Action != Purchase || len(p.Changes[0].After) != 0 || p.HasErrors() {
		t.Errorf("purchase without billing methods: changes %+v, diagnostics %+v", p.Changes, p.Diagnostics)
	}
	p = Compute(desiredSpec(nil, map[string]spec.Number{tnB: {BillingMethod: spec.BillingMetered}}), onAccount(nil, nil), inv, Options{Capabilities: caps})
	want := []Diagnostic{{Severity: Warning, Pos: pos(10, 34), Message: "number 12065550101 set billing_method, which fake numbers do not have: it is left out",
		Hint: "leave billing_method out of the spec (and of defaults) to silence this warning"}}
	if diff := cmp.Diff(want, p.Diagnostics); diff != "" || len(p.Changes) != 1 || len(p.Changes[0].After) != 0 {
		t.Errorf("a billing method on a backend without them: changes %+v, diagnostics (-want +got):\n%s", p.Changes, diff)
	}
}

// Where the list of numbers lacks their routes, Make reads the details of the managed numbers
// only.
func TestMakeReadsDetailsWhenTheListLacksThem(t *testing.T) {
	t.Parallel()
	r := sampleAccount()
	caps := with(func(c *account.Capabilities) { c.ListHasRoutes = false })
	r.caps = &caps
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {PrimaryRoute: "pbx", FailoverRoute: "cell"}})
	p, current, err := Make(t.Context(), r, desired, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("changes %+v, want none: the details say the routes are set", p.Changes)
	}
	if diff := cmp.Diff([]string{tnA}, r.details); diff != "" {
		t.Errorf("details read (-want +got):\n%s", diff)
	}
	if got := current.Numbers[tnB]; got != (spec.Number{}) {
		t.Errorf("an unmanaged number's details were filled in: %+v", got)
	}
}
