package apply_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// failing is a sandbox behind a handler that answers every request matching a pattern (a
// ServeMux pattern such as "DELETE /v2/numbers/{tn}") with a 500, before the sandbox sees it,
// and counts them; a v2 backend talks to the handler.
type failing struct {
	sb    *sandboxtest.Server
	b     *backend.V2
	count atomic.Int32
}

func newFailing(t *testing.T, pattern string) *failing {
	t.Helper()
	f := &failing{sb: sandboxtest.Start(t, sandbox.Options{Seed: 11, InventorySize: 100})}
	mux := http.NewServeMux()
	mux.Handle("/", f.sb.Server)
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		f.count.Add(1)
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"errors":[{"detail":"Internal Server Error","status":500}]}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.b = v2Backend(t, srv.URL+"/v2")
	return f
}

// TestV2WriteFailingEveryTime: a write the server answers 500 every time is sent 3 times (the
// default Options.Attempts), apply reading the account after each, and the failure says what
// the last read showed, never that the outcome is unknown.
func TestV2WriteFailingEveryTime(t *testing.T) {
	t.Parallel()
	const kept, gone = "13125550100", "13125550101"
	for _, tc := range []struct {
		name    string
		pattern string
		desired func(f *failing) *spec.Spec // seeds the account, returns the spec
		action  plan.Action
		shows   string
		after   func(t *testing.T, f *failing) // checks the account is as it was
	}{{
		name:    "release",
		pattern: "DELETE /v2/numbers/{tn}",
		desired: func(f *failing) *spec.Spec {
			f.own(t, kept, gone)
			d := specOf(map[string]spec.Number{kept: {}})
			d.Policy.Unmanaged, d.Policy.MaxReleases = spec.UnmanagedRelease, 1
			return d
		},
		action: plan.Release,
		shows:  "the account still owns the number (read after the last attempt)",
		after: func(t *testing.T, f *failing) {
			if _, err := f.b.Number(context.Background(), gone); err != nil {
				t.Errorf("the number is gone: %v", err)
			}
		},
	}, {
		name:    "purchase",
		pattern: "POST /v2/numbers/{tn}",
		desired: func(f *failing) *spec.Spec {
			d := specOf(map[string]spec.Number{f.forSale(t): {}})
			d.Policy.MaxPurchases = 1
			return d
		},
		action: plan.Purchase,
		shows:  "the account does not own the number (read after the last attempt)",
		after: func(t *testing.T, f *failing) {
			if ns, err := f.b.Numbers(context.Background(), nil); err != nil || len(ns) != 0 {
				t.Errorf("numbers %+v, %v: want none bought", ns, err)
			}
		},
	}, {
		name:    "set routes",
		pattern: "PATCH /v2/numbers/{tn}/relationships/primary_route",
		desired: func(f *failing) *spec.Spec {
			f.own(t, kept)
			d := specOf(map[string]spec.Number{kept: {PrimaryRoute: "pbx"}})
			d.Routes["pbx"] = f.route(t, "pbx", "10.0.0.1:5060")
			return d
		},
		action: plan.SetRoutes,
		shows:  `the number's primary route is "sip-reg" and it has no failover route (read after the last attempt)`,
		after: func(t *testing.T, f *failing) {
			if n, err := f.b.Number(context.Background(), kept); err != nil || n.PrimaryRoute != spec.BuiltinRoute {
				t.Errorf("number %+v, %v: want it on sip-reg still", n, err)
			}
		},
	}, {
		name:    "update route",
		pattern: "PATCH /v2/routes/{id}",
		desired: func(f *failing) *spec.Spec {
			f.route(t, "pbx", "10.0.0.1:5060")
			d := specOf(nil)
			d.Routes["pbx"] = spec.Route{Type: spec.RouteHost, Value: "10.0.0.2:5060"}
			return d
		},
		action: plan.UpdateRoute,
		shows:  `the route has type HOST and value "10.0.0.1:5060" (read after the last attempt)`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFailing(t, tc.pattern)
			desired := tc.desired(f)
			p := makeV2Plan(t, f.b, desired)
			if len(p.Changes) != 1 || p.Changes[0].Action != tc.action {
				t.Fatalf("changes %+v, want one %s", p.Changes, tc.action)
			}
			rep := run(t, f.b, p, apply.Options{Backoff: time.Millisecond})
			res := rep.Results[0]
			if res.Status != apply.Failed || res.Attempts != 3 {
				t.Errorf("result %s after %d attempts, want failed after 3", res.Status, res.Attempts)
			}
			if n := f.count.Load(); n != 3 {
				t.Errorf("sent %d times, want 3", n)
			}
			for _, part := range []string{"500 Internal Server Error (sent 3 times)", tc.shows} {
				if !strings.Contains(res.Error, part) {
					t.Errorf("error %q does not say %q", res.Error, part)
				}
			}
			if strings.Contains(res.Error, "outcome unknown") {
				t.Errorf("error %q says the outcome is unknown, though the account was read", res.Error)
			}
			if tc.after != nil {
				tc.after(t, f)
			}
		})
	}
}

// specOf is a v2 spec of numbers and no routes, leaving unmanaged objects alone.
func specOf(numbers map[string]spec.Number) *spec.Spec {
	if numbers == nil {
		numbers = map[string]spec.Number{}
	}
	return &spec.Spec{Version: 1, Routes: map[string]spec.Route{}, Numbers: numbers,
		Policy: spec.Policy{Unmanaged: spec.UnmanagedIgnore, MaxUpdatePercent: 100}}
}

// own gives the account the numbers, on sip-reg.
func (f *failing) own(t *testing.T, tns ...string) {
	t.Helper()
	for _, tn := range tns {
		if err := f.sb.AddOwnedNumber(v1.Number{TN: tn}); err != nil {
			t.Fatal(err)
		}
	}
}

// route gives the account a HOST route and returns it as a spec declares it.
func (f *failing) route(t *testing.T, name, value string) spec.Route {
	t.Helper()
	if err := f.sb.AddRoute(v1.Route{Name: name, Type: spec.RouteHost, Value: value}); err != nil {
		t.Fatal(err)
	}
	return spec.Route{Type: spec.RouteHost, Value: value}
}

// forSale is a number of the inventory.
func (f *failing) forSale(t *testing.T) string {
	t.Helper()
	avail, err := f.b.Client().AllAvailable(context.Background(), v2.AvailableQuery{}, 1)
	if err != nil || len(avail) != 1 {
		t.Fatalf("inventory %+v, %v", avail, err)
	}
	return avail[0].TN
}

// TestV2ReleaseAfterItsE911Disconnection: a number with an E911 address is released only after
// the plan's disconnection; when that fails, the release is skipped, never sent. (apply no
// longer reads the number before a release: the plan's order is what keeps the address.)
func TestV2ReleaseAfterItsE911Disconnection(t *testing.T) {
	t.Parallel()
	const kept, gone = "13125550100", "13125550101"
	f := newFailing(t, "DELETE /v2/numbers/{tn}/relationships/e911s")
	f.own(t, kept, gone)
	ctx := context.Background()
	a, err := f.b.CreateE911(ctx, account.E911Address{Name: "hq", E911Address: hq})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.b.AssociateE911(ctx, gone, a.ID); err != nil {
		t.Fatal(err)
	}
	desired := specOf(map[string]spec.Number{kept: {}})
	desired.Policy.Unmanaged, desired.Policy.MaxReleases, desired.Policy.MaxRouteDeletes = spec.UnmanagedRelease, 1, 1
	p := makeV2Plan(t, f.b, desired)
	rep := run(t, f.b, p, apply.Options{Backoff: time.Millisecond})
	want := map[string]string{
		"set_e911 " + gone: "failed",
		"release " + gone:  "skipped: depends on failed set_e911 " + gone,
	}
	if diff := cmp.Diff(want, statuses(rep)); diff != "" {
		t.Fatalf("results (-want +got):\n%s", diff)
	}
	if _, released := v2Writes(f.sb.Audit()); len(released) != 0 {
		t.Errorf("released %v", released)
	}
	n, err := f.b.Number(ctx, gone)
	if err != nil || n.E911ID != a.ID {
		t.Errorf("number %+v, %v: want it owned, with its address", n, err)
	}
}

// TestV2RenamedRouteReportedByVerification: SetRoutes goes by the route ids the backend read
// when it planned, without reading the number back. When another writer renames the route
// between plan and apply (and creates another of the old name), the number ends on the
// renamed route, and the plan made after apply, which the command's verification is, reports
// the number's route as still to change.
func TestV2RenamedRouteReportedByVerification(t *testing.T) {
	t.Parallel()
	const tn = "13125550100"
	sb, b := newV2(t, sandbox.Options{Seed: 12})
	if err := sb.AddOwnedNumber(v1.Number{TN: tn}); err != nil {
		t.Fatal(err)
	}
	office := spec.Route{Type: spec.RouteHost, Value: "10.0.0.1:5060"}
	if err := sb.AddRoute(v1.Route{Name: "office", Type: office.Type, Value: office.Value}); err != nil {
		t.Fatal(err)
	}
	desired := specOf(map[string]spec.Number{tn: {PrimaryRoute: "office"}})
	desired.Routes["office"] = office
	p := makeV2Plan(t, b, desired)
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.SetRoutes {
		t.Fatalf("changes %+v, want one set_routes", p.Changes)
	}

	// another writer: "office" becomes "old-office", and a new "office" appears
	ctx := context.Background()
	rs, err := b.Client().AllRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Alias == "office" {
			if _, err := b.Client().UpdateRoute(ctx, r.ID, v2.RouteInput{Alias: "old-office"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := b.Client().CreateRoute(ctx, v2.RouteInput{Alias: "office", Type: v2.RouteHost, Value: office.Value}); err != nil {
		t.Fatal(err)
	}

	if rep := run(t, b, p, apply.Options{}); !rep.OK() {
		t.Fatalf("results %v", statuses(rep))
	}
	verify := makeV2Plan(t, b, desired)
	var got []string
	for _, ch := range verify.Changes {
		got = append(got, string(ch.Action)+" "+ch.Key+" "+ch.Before["primary_route"]+" -> "+ch.After["primary_route"])
	}
	if diff := cmp.Diff([]string{"set_routes " + tn + " old-office -> office"}, got); diff != "" {
		t.Errorf("verification (-want +got):\n%s", diff)
	}
}

// TestV2ReleaseAlreadyDone: a number released, and a route deleted, between plan and apply are
// applied without a second try: the server's 404 is read as the account's answer, and the
// read confirms it.
func TestV2ReleaseAlreadyDone(t *testing.T) {
	t.Parallel()
	const kept, gone = "13125550100", "13125550101"
	sb, b := newV2(t, sandbox.Options{Seed: 13})
	for _, tn := range []string{kept, gone} {
		if err := sb.AddOwnedNumber(v1.Number{TN: tn}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sb.AddRoute(v1.Route{Name: "unused", Type: spec.RouteHost, Value: "10.8.8.8:5060"}); err != nil {
		t.Fatal(err)
	}
	desired := specOf(map[string]spec.Number{kept: {}})
	desired.Policy.Unmanaged, desired.Policy.MaxReleases, desired.Policy.MaxRouteDeletes = spec.UnmanagedRelease, 1, 1
	p := makeV2Plan(t, b, desired)
	ctx := context.Background()
	if err := b.Release(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteRoute(ctx, account.Route{Name: "unused"}); err != nil {
		t.Fatal(err)
	}
	rep := run(t, b, p, apply.Options{Backoff: time.Millisecond})
	var got []string
	for _, r := range rep.Results {
		got = append(got, fmt.Sprintf("%s %s: %s after %d, %s", r.Change.Action, r.Change.Key, r.Status, r.Attempts, r.Note))
	}
	want := []string{"release " + gone + ": applied after 1, the account no longer owned the number", "delete_route unused: applied after 1, the route was already gone"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}
