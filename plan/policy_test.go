package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// seattle is a v2 account of 56 managed numbers, 33 of them on pbx-seattle, and its spec, which
// changes pbx-seattle's value (and, with more, reroutes that many numbers besides).
func seattle(more int) (desired *spec.Spec, current *State) {
	routes := map[string]spec.Route{
		"pbx-seattle": {Type: spec.RouteHost, Value: "10.0.0.1"},
		"pbx-backup":  {Type: spec.RouteHost, Value: "10.0.0.2"},
	}
	numbers := map[string]spec.Number{}
	for i := range 56 {
		route := "pbx-backup"
		if i < 33 {
			route = "pbx-seattle"
		}
		numbers[fmt.Sprintf("1206555%04d", i)] = spec.Number{PrimaryRoute: route}
	}
	current = &State{Spec: onAccount(routes, numbers)}
	want := map[string]spec.Number{}
	for tn, n := range numbers {
		want[tn] = n
	}
	for i := 33; i < 33+more; i++ {
		want[fmt.Sprintf("1206555%04d", i)] = spec.Number{PrimaryRoute: "pbx-seattle"}
	}
	desired = desiredSpec(map[string]spec.Route{
		"pbx-seattle": {Type: spec.RouteHost, Value: "10.0.0.9"},
		"pbx-backup":  routes["pbx-backup"],
	}, want)
	return desired, current
}

var id = &account.Identity{API: "v2", Endpoint: "https://api.flowroute.com/v2", KeyFingerprint: account.Fingerprint("AK")}

// A route update changes every number on the route: 33 of 56 trips max_update_percent at its
// default, although no number has a change of its own. The error prints the digest; once the
// spec acknowledges it, exactly that plan passes (with a note that says so), and a plan with
// one more change does not.
func TestBlastRadiusAndAcknowledgement(t *testing.T) {
	t.Parallel()
	desired, current := seattle(0)
	p := ComputeState(desired, current, nil, Options{Capabilities: v2Like, Account: id})
	if len(p.Changes) != 1 || p.Changes[0].Action != UpdateRoute || len(p.Changes[0].Affected) != 33 {
		t.Fatalf("changes %+v, want one update_route affecting 33 numbers", p.Changes)
	}
	want := "the plan updates 33 of the 56 managed numbers (58%); policy.max_update_percent allows 30%"
	if got := errorsOf(p); !slices.Equal(got, []string{want}) {
		t.Fatalf("errors %q, want %q", got, want)
	}
	if hint := p.Diagnostics[0].Hint; !strings.Contains(hint, `policy.acknowledge: ["`+p.Digest+`"]`) {
		t.Errorf("hint %q does not say how to acknowledge %s", hint, p.Digest)
	}
	if got := TallyOf(p.Changes).Updated; got != 33 {
		t.Errorf("TallyOf counts %d numbers updated, want 33", got)
	}

	acked := *desired
	acked.Policy.Acknowledge = []string{p.Digest}
	q := ComputeState(&acked, current, nil, Options{Capabilities: v2Like, Account: id})
	if q.Digest != p.Digest || q.HasErrors() {
		t.Fatalf("acknowledged plan: digest %s (want %s), errors %q", q.Digest, p.Digest, errorsOf(q))
	}
	if !slices.ContainsFunc(q.Diagnostics, func(d Diagnostic) bool {
		return d.Severity == Note && strings.Contains(d.Message, "acknowledged for this plan") && strings.Contains(d.Message, "max_update_percent")
	}) {
		t.Errorf("the plan does not say which threshold was acknowledged: %+v", q.Diagnostics)
	}

	moreDesired, _ := seattle(1) // one more number moved onto the route
	moreDesired.Policy.Acknowledge = []string{p.Digest}
	r := ComputeState(moreDesired, current, nil, Options{Capabilities: v2Like, Account: id})
	if r.Digest == p.Digest || !r.HasErrors() {
		t.Errorf("a plan with one more change passed with the same acknowledgement: digest %s, errors %q", r.Digest, errorsOf(r))
	}
}

// An acknowledgement lifts the spec's limits, never a ceiling set on the command line.
func TestAcknowledgementNeverLiftsACeiling(t *testing.T) {
	t.Parallel()
	desired, current := seattle(0)
	desired.Policy.MaxUpdatePercent = 100
	ceiling := 10
	opts := Options{Capabilities: v2Like, Account: id, Limits: Limits{MaxUpdates: &ceiling}}
	p := ComputeState(desired, current, nil, opts)
	desired.Policy.Acknowledge = []string{p.Digest}
	q := ComputeState(desired, current, nil, opts)
	if got := errorsOf(q); !slices.Equal(got, []string{"the plan updates 33 numbers; --max-updates allows 10"}) {
		t.Errorf("errors %q, want the ceiling's", got)
	}
	if strings.Contains(q.Diagnostics[0].Hint, "acknowledge") {
		t.Errorf("the hint of a ceiling offers an acknowledgement: %q", q.Diagnostics[0].Hint)
	}
	// apply's check, on the same plan, agrees.
	if vs := Blocking(CheckPolicy(TallyOf(q.Changes), q.Managed, q.Policy, q.Limits, q.Digest)); len(vs) != 1 || !vs[0].Ceiling {
		t.Errorf("apply's check: %+v, want the ceiling", vs)
	}
}

// The digest binds the changes and the account, nothing else.
func TestPlanDigest(t *testing.T) {
	t.Parallel()
	desired, current := seattle(0)
	p := ComputeState(desired, current, nil, Options{Capabilities: v2Like, Account: id})
	moved := slices.Clone(p.Changes)
	moved[0].Pos = spec.Pos{File: "elsewhere.yaml", Line: 99}
	moved[0].Note = "a note"
	if PlanDigest(moved, id) != p.Digest {
		t.Error("positions or notes change the digest")
	}
	other := *id
	other.KeyFingerprint = account.Fingerprint("another key")
	if PlanDigest(p.Changes, &other) == p.Digest {
		t.Error("another account's plan has the same digest")
	}
	edited := slices.Clone(p.Changes)
	edited[0].After = map[string]string{"type": "HOST", "value": "10.0.0.10"}
	if PlanDigest(edited, id) == p.Digest {
		t.Error("another value has the same digest")
	}
}

// Route deletions have a limit, default 0: under policy.unmanaged: release an unused route is
// deleted only when policy.max_route_deletes allows it.
func TestRouteDeletionLimit(t *testing.T) {
	t.Parallel()
	current := StateOf(onAccount(map[string]spec.Route{"old": backup}, map[string]spec.Number{}))
	for _, tt := range []struct {
		name    string
		max     int
		ceiling *int
		deletes int
		err     string
	}{
		{"default 0", 0, nil, 0, "the plan would delete 1 route; policy.max_route_deletes allows 0, so it deletes none"},
		{"allowed", 1, nil, 1, ""},
		{"lowered by the flag", 1, ptr(0), 0, "the plan would delete 1 route; --max-route-deletes allows 0, so it deletes none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			desired := desiredSpec(nil, map[string]spec.Number{})
			desired.Policy.Unmanaged, desired.Policy.MaxRouteDeletes = spec.UnmanagedRelease, tt.max
			p := ComputeState(desired, current, nil, Options{Capabilities: v2Like, Limits: Limits{MaxRouteDeletes: tt.ceiling}})
			errs := errorsOf(p)
			if p.Summary.RoutesToDelete != tt.deletes || tt.err == "" && len(errs) > 0 || tt.err != "" && !slices.Equal(errs, []string{tt.err}) {
				t.Errorf("deletes %d, errors %q; want %d, %q", p.Summary.RoutesToDelete, errs, tt.deletes, tt.err)
			}
			if tt.deletes == 0 && !slices.Contains(p.Unmanaged.Routes, "old") {
				t.Errorf("the route kept is not listed as unmanaged: %+v", p.Unmanaged)
			}
		})
	}
}

// Every action of the table is in apply order with a row the renderers and apply can use.
func TestActionTable(t *testing.T) {
	t.Parallel()
	for i, info := range Actions() {
		if info.Action.Order() != i {
			t.Errorf("%s: Order %d, want %d", info.Action, info.Action.Order(), i)
		}
		if info.Sign == "" || info.Noun == "" || info.Verb == "" || info.Done == "" || info.Object == "" {
			t.Errorf("%s: row lacks its words or object: %+v", info.Action, info)
		}
		if info.Can != nil && info.Needs == "" {
			t.Errorf("%s: a capability without the words for it", info.Action)
		}
		if info.summary == nil {
			t.Errorf("%s: counts in no summary", info.Action)
		}
	}
	if _, ok := Info("rename_route"); ok {
		t.Error("Info knows an action the table does not hold")
	}
}
