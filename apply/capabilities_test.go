package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

func updateRoute(name, typ, value string) plan.Change {
	return plan.Change{Action: plan.UpdateRoute, Key: name,
		Before: map[string]string{"type": "HOST", "value": "10.0.0.1"},
		After:  map[string]string{"type": typ, "value": value}}
}

// A backend without ChangeRoute (or without the RouteEditor write) has an update_route refused
// before anything is written.
func TestRunRefusesUpdateRouteWithoutTheCapability(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		acct  func(*fakeAccount) account.Backend
		allow bool
	}{
		{name: "no capability, no editor", acct: func(f *fakeAccount) account.Backend { return f }},
		{name: "editor, no capability", acct: func(f *fakeAccount) account.Backend { return routeEditor{f} }},
		{name: "capability, no editor", allow: true, acct: func(f *fakeAccount) account.Backend { return f }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			f.caps.ChangeRoute = tc.allow
			f.routes["pbx"] = route("pbx", "HOST", "10.0.0.1")
			_, err := apply.Run(context.Background(), tc.acct(f), newPlan(updateRoute("pbx", "HOST", "10.0.0.2")), fast)
			if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), "v1 cannot change a route") {
				t.Errorf("Run = %v, want a refusal saying the backend cannot change a route", err)
			}
			if len(f.writes) != 0 {
				t.Errorf("writes %v, want none", f.writes)
			}
		})
	}
}

// With ChangeRoute and a RouteEditor, update_route changes the route in place, and a lost
// answer is settled by reading the route back.
func TestRunUpdatesRouteThroughTheEditor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		script []fault
		sent   int
	}{
		{name: "answered", sent: 1},
		{name: "lost, it happened", script: []fault{lostAfter("update pbx")}, sent: 1},
		{name: "lost, it did not happen", script: []fault{lostBefore("update pbx")}, sent: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			f.caps.ChangeRoute = true
			f.routes["pbx"] = route("pbx", "HOST", "10.0.0.1")
			f.on("update pbx", tc.script...)
			rep := run(t, routeEditor{f}, newPlan(updateRoute("pbx", "HOST", "10.0.0.2")), fast)
			if !rep.OK() {
				t.Fatalf("report %+v", rep.Results)
			}
			if got := f.routes["pbx"]; got.Value != "10.0.0.2" {
				t.Errorf("route after apply %+v, want value 10.0.0.2", got)
			}
			if got := count(f.writes, "update pbx"); got != tc.sent {
				t.Errorf("sent %d updates, want %d", got, tc.sent)
			}
		})
	}
}
