package apply_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// The v1 client's adapter is the account apply runs against in the command.
var _ account.Backend = backend.NewV1(nil)

// fast keeps the retry waits of the tests short.
var fast = apply.Options{Backoff: time.Millisecond, Attempts: 3}

func run(t *testing.T, acct account.Backend, p *plan.Plan, opts apply.Options) *apply.Report {
	t.Helper()
	rep, err := apply.Run(context.Background(), acct, p, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// statuses summarises a report as "action key" -> status, with the reason or error.
func statuses(rep *apply.Report) map[string]string {
	out := map[string]string{}
	for _, r := range rep.Results {
		s := string(r.Status)
		if r.Reason != "" {
			s += ": " + r.Reason
		}
		out[string(r.Change.Action)+" "+r.Change.Key] = s
	}
	return out
}

func TestRunAppliesInDependencyOrder(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.addAvailable("12065550101", "12065550102")
	f.addOwned("12065550201", "12065550202")
	p := newPlan(
		createRoute("pbx", "HOST", "10.0.0.1:5060"),
		createRoute("backup", "PSTN", "16476998778"),
		purchase("12065550101"),
		purchase("12065550102"),
		setRoutes("12065550101", "pbx", "backup"),
		setRoutes("12065550102", "sip-reg", "backup"),
		setRoutes("12065550201", "pbx", "pbx"),
		setRoutes("12065550202", "sip-reg", "sip-reg"),
	)
	rep := run(t, f, p, fast)
	if !rep.OK() {
		t.Fatalf("not everything applied: %v", statuses(rep))
	}
	// Each update began after the writes it depends on had finished.
	deps := map[string][]string{
		"set 12065550101": {"purchase 12065550101", "create pbx", "create backup"},
		"set 12065550102": {"purchase 12065550102", "create backup"},
		"set 12065550201": {"create pbx"},
	}
	for call, before := range deps {
		for _, dep := range before {
			if f.started[call] < f.finished[dep] {
				t.Errorf("%s started (at %d) before %s finished (at %d)", call, f.started[call], dep, f.finished[dep])
			}
		}
	}
	want := map[string][]string{
		"12065550101": {"pbx", "backup"}, "12065550102": {"sip-reg", "backup"},
		"12065550201": {"pbx", "pbx"}, "12065550202": {"sip-reg", "sip-reg"},
	}
	got := map[string][]string{}
	for tn, n := range f.numbers {
		got[tn] = []string{n.PrimaryRoute, n.FailoverRoute}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("account numbers (-want +got):\n%s", diff)
	}
	if len(f.writes) != len(p.Changes) {
		t.Errorf("sent %d writes for %d changes: %v", len(f.writes), len(p.Changes), f.writes)
	}
}

func TestRunHonoursParallelism(t *testing.T) {
	t.Parallel()
	const n, par = 20, 3
	f := newFake()
	var changes []plan.Change
	for i := range n {
		tn := fmt.Sprintf("120655501%02d", i)
		f.addAvailable(tn)
		changes = append(changes, purchase(tn))
	}
	f.entered, f.release = make(chan string), make(chan struct{})
	done := make(chan *apply.Report)
	go func() {
		rep, _ := apply.Run(context.Background(), f, newPlan(changes...), apply.Options{Parallelism: par})
		done <- rep
	}()
	// Let par writes in, then one more for each one released: had Run started more than par,
	// they would have entered too and raised maxInflight.
	for range par {
		<-f.entered
	}
	for range n - par {
		f.release <- struct{}{}
		<-f.entered
	}
	for range par {
		f.release <- struct{}{}
	}
	rep := <-done
	if !rep.OK() {
		t.Fatalf("not everything applied: %v", statuses(rep))
	}
	if f.maxInflight != par {
		t.Errorf("at most %d writes were in flight at once, want exactly %d", f.maxInflight, par)
	}
}

func TestRunFailedRouteSkipsExactlyItsDependents(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.addAvailable("12065550101")
	f.addOwned("12065550201", "12065550202", "12065550203")
	f.on("create bad", fault{err: apiError(422, "PUT", "/v1/routes/bad", "Invalid value.")})
	p := newPlan(
		createRoute("bad", "HOST", "10.0.0.1"),
		createRoute("good", "HOST", "10.0.0.2"),
		purchase("12065550101"),
		setRoutes("12065550101", "good", "bad"),
		setRoutes("12065550201", "bad", "sip-reg"),
		setRoutes("12065550202", "good", "sip-reg"),
		setRoutes("12065550203", "sip-reg", "good"),
	)
	rep := run(t, f, p, fast)
	want := map[string]string{
		"create_route bad":       "failed",
		"create_route good":      "applied",
		"purchase 12065550101":   "skipped: depends on failed create_route bad", // never bought to stay on sip-reg
		"set_routes 12065550101": "skipped: depends on failed create_route bad",
		"set_routes 12065550201": "skipped: depends on failed create_route bad",
		"set_routes 12065550202": "applied",
		"set_routes 12065550203": "applied",
	}
	if diff := cmp.Diff(want, statuses(rep)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if rep.OK() {
		t.Error("OK() = true for a report with a failure")
	}
	if got := rep.Of(apply.Failed)[0].Error; !strings.Contains(got, "Invalid value.") {
		t.Errorf("failure %q does not say why", got)
	}
	for _, call := range []string{"purchase 12065550101", "set 12065550101", "set 12065550201"} {
		if count(f.writes, call) != 0 {
			t.Errorf("%s was sent although its route failed", call)
		}
	}
}

func TestRunFailedPurchaseSkipsItsUpdate(t *testing.T) {
	t.Parallel()
	f := newFake() // 12065550101 is not for sale
	p := newPlan(purchase("12065550101"), setRoutes("12065550101", "sip-reg", "sip-reg"))
	rep := run(t, f, p, fast)
	want := map[string]string{
		"purchase 12065550101":   "failed",
		"set_routes 12065550101": "skipped: depends on failed purchase 12065550101",
	}
	if diff := cmp.Diff(want, statuses(rep)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func TestPurchaseOutcomeUnknown(t *testing.T) {
	t.Parallel()
	const tn = "12065550101"
	const call = "purchase " + tn
	readFails := fault{err: errLost("GET", "/v1/tns/"+tn)}
	for _, tc := range []struct {
		name       string
		script     map[string][]fault
		forSale    bool
		status     apply.Status
		errPart    string // in Result.Error
		sent       int    // purchases sent
		bought     bool
		boughtOnce bool
	}{
		{name: "it happened", script: map[string][]fault{call: {lostAfter(call)}},
			forSale: true, status: apply.Applied, sent: 1, bought: true},
		{name: "it did not happen", script: map[string][]fault{call: {lostBefore(call)}},
			forSale: true, status: apply.Applied, sent: 2, bought: true},
		{name: "it did not happen and the number is no longer for sale", script: map[string][]fault{call: {lostBefore(call), {err: apiError(422, "PUT", "/v1/tns/"+tn, "The TN is not available for purchase.")}}},
			forSale: true, status: apply.Failed, sent: 2,
			errPart: "purchase: sent 2 times, the last answer: PUT /v1/tns/12065550101: 422 The TN is not available for purchase.; the account does not own the number (read after the last attempt)"},
		{name: "it never happens", script: map[string][]fault{call: {lostBefore(call), lostBefore(call), lostBefore(call), lostBefore(call)}},
			forSale: true, status: apply.Failed, errPart: "purchase: PUT purchase 12065550101: connection reset by peer (sent 3 times); the account does not own the number (read after the last attempt)", sent: 3},
		{name: "reading it back fails", script: map[string][]fault{call: {lostAfter(call)}, "get " + tn: {readFails, readFails, readFails, readFails}},
			forSale: true, status: apply.Failed, errPart: "outcome unknown: check the account", sent: 1, bought: true},
		{name: "reading it back fails, then works", script: map[string][]fault{call: {lostBefore(call)}, "get " + tn: {readFails, readFails}},
			forSale: true, status: apply.Applied, sent: 2, bought: true},
		{name: "a lost attempt landed late", script: map[string][]fault{call: {lostBefore(call), {err: apiError(422, "PUT", "/", "not available"), effect: true}}},
			forSale: true, status: apply.Applied, sent: 2, bought: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			if tc.forSale {
				f.addAvailable(tn)
			}
			for c, faults := range tc.script {
				f.on(c, faults...)
			}
			rep := run(t, f, newPlan(purchase(tn)), fast)
			res := rep.Results[0]
			if res.Status != tc.status || !strings.Contains(res.Error, tc.errPart) {
				t.Errorf("result = %s %q, want %s containing %q", res.Status, res.Error, tc.status, tc.errPart)
			}
			if unknownThoughSettled(tc.errPart, res.Error) {
				t.Errorf("a read settled the purchase, yet the error says the outcome is unknown: %q", res.Error)
			}
			if got := count(f.writes, call); got != tc.sent {
				t.Errorf("sent %d purchases, want %d", got, tc.sent)
			}
			if res.Attempts != tc.sent {
				t.Errorf("Attempts = %d, want %d", res.Attempts, tc.sent)
			}
			_, owned := f.numbers[tn]
			if owned != tc.bought {
				t.Errorf("account owns the number: %v, want %v", owned, tc.bought)
			}
			if got := count(f.effects, call); got > 1 {
				t.Errorf("bought %d times", got)
			}
		})
	}
}

func TestCreateRouteConflictAndLostAnswers(t *testing.T) {
	t.Parallel()
	const call = "create pbx"
	for _, tc := range []struct {
		name     string
		existing *account.Route
		script   []fault
		status   apply.Status
		errPart  string
		sent     int
	}{
		{name: "409, same route", existing: ptr(route("pbx", "HOST", "10.0.0.1:5060")),
			status: apply.Applied, sent: 1},
		{name: "409, another value", existing: ptr(route("pbx", "HOST", "10.9.9.9")),
			status: apply.Failed, errPart: `already exists with type HOST and value "10.9.9.9"`, sent: 1},
		{name: "409, another type", existing: ptr(route("pbx", "PSTN", "10.0.0.1:5060")),
			status: apply.Failed, errPart: "already exists with type PSTN", sent: 1},
		{name: "lost, it happened", script: []fault{lostAfter(call)}, status: apply.Applied, sent: 1},
		{name: "lost, it did not happen", script: []fault{lostBefore(call)}, status: apply.Applied, sent: 2},
		{name: "lost, it landed late", script: []fault{lostBefore(call), {err: apiError(409, "PUT", "/", "Route name already exists."), effect: true}},
			status: apply.Applied, sent: 2},
		{name: "lost every time", script: []fault{lostBefore(call), lostBefore(call), lostBefore(call)},
			status: apply.Failed, errPart: `create route: PUT create pbx: connection reset by peer (sent 3 times); the account lists no route named "pbx" (read after the last attempt)`, sent: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			if tc.existing != nil {
				f.routes["pbx"] = *tc.existing
			}
			f.on(call, tc.script...)
			rep := run(t, f, newPlan(createRoute("pbx", "HOST", "10.0.0.1:5060")), fast)
			res := rep.Results[0]
			if res.Status != tc.status || !strings.Contains(res.Error, tc.errPart) {
				t.Errorf("result = %s %q, want %s containing %q", res.Status, res.Error, tc.status, tc.errPart)
			}
			if unknownThoughSettled(tc.errPart, res.Error) {
				t.Errorf("a read settled the creation, yet the error says the outcome is unknown: %q", res.Error)
			}
			if got := count(f.writes, call); got != tc.sent {
				t.Errorf("sent %d creations, want %d", got, tc.sent)
			}
			if tc.existing != nil && f.routes["pbx"] != *tc.existing {
				t.Errorf("the existing route changed: %+v", f.routes["pbx"])
			}
		})
	}
}

// unknownThoughSettled reports whether an error says the outcome is unknown where the expected
// part says a read settled it: "outcome unknown" is only for writes the account could not be
// read for.
func unknownThoughSettled(want, got string) bool {
	return !strings.Contains(want, "outcome unknown") && strings.Contains(got, "outcome unknown")
}

func TestSetRoutesOutcomeUnknown(t *testing.T) {
	t.Parallel()
	const tn = "12065550201"
	const call = "set " + tn
	for _, tc := range []struct {
		name   string
		script []fault
		sent   int
	}{
		{name: "it happened", script: []fault{lostAfter(call)}, sent: 1},
		{name: "it did not happen", script: []fault{lostBefore(call)}, sent: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			f.addOwned(tn)
			f.routes["pbx"] = route("pbx", "HOST", "10.0.0.1")
			f.on(call, tc.script...)
			rep := run(t, f, newPlan(setRoutes(tn, "pbx", "sip-reg")), fast)
			if !rep.OK() {
				t.Fatalf("not applied: %+v", rep.Results[0])
			}
			if got := count(f.writes, call); got != tc.sent {
				t.Errorf("sent %d updates, want %d", got, tc.sent)
			}
		})
	}
}

func TestRunRefusesAndWritesNothing(t *testing.T) {
	t.Parallel()
	three := func() *plan.Plan {
		return newPlan(createRoute("pbx", "HOST", "10.0.0.1"), purchase("12065550101"), purchase("12065550102"), purchase("12065550103"))
	}
	for _, tc := range []struct {
		name    string
		edit    func(p *plan.Plan)
		errPart string
	}{
		{name: "max_purchases", edit: func(p *plan.Plan) { p.Policy.MaxPurchases = 2 },
			errPart: "the spec buys 3 numbers; policy.max_purchases allows 2"},
		{name: "max_monthly_cost", edit: func(p *plan.Plan) { m := money.MustParse("3.00"); p.Policy.MaxMonthlyCost = &m },
			errPart: "cost 3.75 per month; policy.max_monthly_cost allows 3.00"},
		{name: "error diagnostics", edit: func(p *plan.Plan) {
			p.Diagnostics = []plan.Diagnostic{{Severity: plan.Error, Key: "x", Message: "route x differs"}}
		}, errPart: "the plan has errors: route x differs"},
		{name: "malformed change", edit: func(p *plan.Plan) { delete(p.Changes[0].After, "value") },
			errPart: "create_route pbx lacks value"},
		{name: "unknown action", edit: func(p *plan.Plan) { p.Changes[0].Action = "rename_route" },
			errPart: `unknown action "rename_route"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			f.addAvailable("12065550101", "12065550102", "12065550103")
			p := three()
			tc.edit(p)
			rep, err := apply.Run(context.Background(), f, p, fast)
			if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("Run error = %v, want a refusal containing %q", err, tc.errPart)
			}
			if rep != nil {
				t.Errorf("Run returned a report with a refusal: %+v", rep)
			}
			if len(f.writes) != 0 {
				t.Errorf("writes sent by a refused apply: %v", f.writes)
			}
		})
	}
}

func TestRunWithinPolicyLimits(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.addAvailable("12065550101", "12065550102")
	p := newPlan(purchase("12065550101"), purchase("12065550102"))
	m := money.MustParse("2.50") // exactly the cost: allowed
	p.Policy.MaxPurchases, p.Policy.MaxMonthlyCost = 2, &m
	if rep := run(t, f, p, fast); !rep.OK() {
		t.Errorf("not applied: %v", statuses(rep))
	}
}

func TestRunCancelSkipsWhatHasNotStarted(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.addAvailable("12065550101", "12065550102", "12065550103", "12065550104")
	p := newPlan(purchase("12065550101"), purchase("12065550102"), purchase("12065550103"), purchase("12065550104"),
		setRoutes("12065550101", "sip-reg", "sip-reg"))
	f.entered, f.release = make(chan string), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *apply.Report)
	go func() {
		rep, _ := apply.Run(ctx, f, p, apply.Options{Parallelism: 2, Backoff: time.Millisecond})
		done <- rep
	}()
	<-f.entered
	<-f.entered
	cancel()
	f.release <- struct{}{} // the writes in flight finish after the cancellation
	f.release <- struct{}{}
	rep := <-done
	want := map[string]string{
		"purchase 12065550101":   "applied",
		"purchase 12065550102":   "applied",
		"purchase 12065550103":   "skipped: interrupted before it started",
		"purchase 12065550104":   "skipped: interrupted before it started",
		"set_routes 12065550101": "skipped: interrupted before it started",
	}
	if diff := cmp.Diff(want, statuses(rep)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if !rep.Interrupted {
		t.Error("Interrupted = false")
	}
	slices.Sort(f.writes)
	if diff := cmp.Diff([]string{"purchase 12065550101", "purchase 12065550102"}, f.writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
}

func TestRunEvents(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.addAvailable("12065550101", "12065550102")
	p := newPlan(createRoute("bad", "HOST", "x"), purchase("12065550101"), purchase("12065550102"), setRoutes("12065550101", "bad", "sip-reg"))
	f.on("create bad", fault{err: apiError(422, "PUT", "/v1/routes/bad", "Invalid value.")})
	var got []string
	rep := run(t, f, p, apply.Options{Parallelism: 1, Events: func(e apply.Event) {
		kind := map[apply.EventKind]string{apply.Started: "start", apply.Finished: "finish"}[e.Kind]
		got = append(got, fmt.Sprintf("%s %s %s %s %d/%d", kind, e.Result.Change.Action, e.Result.Change.Key, e.Result.Status, e.Done, e.Total))
	}})
	want := []string{
		"start create_route bad  0/4",
		"finish create_route bad failed 1/4",
		"finish purchase 12065550101 skipped 2/4",
		"finish set_routes 12065550101 skipped 3/4",
		"start purchase 12065550102  3/4",
		"finish purchase 12065550102 applied 4/4",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if rep.Count(apply.Applied) != 1 || rep.Count(apply.Failed) != 1 || rep.Count(apply.Skipped) != 2 {
		t.Errorf("counts: %v", statuses(rep))
	}
}

func TestRunEmptyPlan(t *testing.T) {
	t.Parallel()
	f := newFake()
	rep := run(t, f, newPlan(), fast)
	if !rep.OK() || len(rep.Results) != 0 {
		t.Errorf("report of an empty plan: %+v", rep)
	}
}

func ptr[T any](v T) *T { return &v }
