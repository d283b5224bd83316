package apply_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// fault is one scripted answer to a call of the fake account.
type fault struct {
	err    error // what the call returns
	effect bool  // whether a write takes effect before err is returned (a lost response)
}

// lostError is a write whose answer never came back, as the clients report one: it matches
// account.ErrOutcomeUnknown and wraps what went wrong.
type lostError struct {
	Method, Path string
	Err          error
}

func (e *lostError) Error() string {
	return fmt.Sprintf("%s %s: outcome unknown, the request may have been carried out: %v", e.Method, e.Path, e.Err)
}

func (e *lostError) Unwrap() error        { return e.Err }
func (e *lostError) Is(target error) bool { return target == account.ErrOutcomeUnknown }

// errLost is the error of a write whose answer never came back.
func errLost(method, path string) error {
	return &lostError{Method: method, Path: path, Err: fmt.Errorf("%s %s: connection reset by peer", method, path)}
}

// statusError is a backend's error with the server's status, matching the neutral error of
// its kind.
type statusError struct {
	Status       int
	Method, Path string
	Message      string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Message)
}

func (e *statusError) Is(target error) bool {
	switch e.Status {
	case http.StatusNotFound:
		return target == account.ErrNotFound
	case http.StatusConflict:
		return target == account.ErrConflict
	case http.StatusTooManyRequests:
		return target == account.ErrRateLimited
	}
	return false
}

func apiError(status int, method, path, msg string) error {
	return &statusError{Status: status, Method: method, Path: path, Message: msg}
}

// lostBefore: the write never reached the account and its answer is lost.
// lostAfter: the write was carried out and its answer is lost.
func lostBefore(op string) fault { return fault{err: errLost("PUT", op)} }
func lostAfter(op string) fault  { return fault{err: errLost("PUT", op), effect: true} }

// fakeAccount is an in-memory account with scripted failures. Calls are named "create ROUTE",
// "purchase TN", "set TN", "get TN", "routes" and "lookup TN"; script holds, per call name, the
// faults its next calls meet, in order. It is safe for concurrent use.
type fakeAccount struct {
	mu        sync.Mutex
	caps      account.Capabilities
	routes    map[string]account.Route
	numbers   map[string]account.Number
	available map[string]account.Offer
	script    map[string][]fault

	writes   []string // every write call sent, in order
	effects  []string // every write that took effect, in order
	seq      int
	started  map[string]int // write call -> sequence number when it began (last time)
	finished map[string]int // write call -> sequence number when it ended (last time)

	inflight, maxInflight int
	entered               chan string   // when set, each write announces itself here...
	release               chan struct{} // ...and waits for a token here before going on
}

func newFake() *fakeAccount {
	return &fakeAccount{
		caps:      account.Capabilities{API: "v1", BillingMethods: true, ListHasRoutes: true},
		routes:    map[string]account.Route{"sip-reg": {Name: "sip-reg", Route: spec.Route{Type: "SIP-REG"}}},
		numbers:   map[string]account.Number{},
		available: map[string]account.Offer{},
		script:    map[string][]fault{},
		started:   map[string]int{},
		finished:  map[string]int{},
	}
}

func (f *fakeAccount) addAvailable(tns ...string) {
	for _, tn := range tns {
		f.available[tn] = account.Offer{TN: tn, SetupCost: money.MustParse("1.00"), MonthlyCost: money.MustParse("1.25"),
			BillingMethods: []string{spec.BillingMetered, spec.BillingVPRI}}
	}
}

func (f *fakeAccount) addOwned(tns ...string) {
	for _, tn := range tns {
		f.numbers[tn] = number(tn, spec.BillingMetered, "sip-reg", "sip-reg")
	}
}

func number(tn, billing, primary, failover string) account.Number {
	return account.Number{TN: tn, Number: spec.Number{BillingMethod: billing, PrimaryRoute: primary, FailoverRoute: failover}, Detailed: true}
}

func route(name, typ, value string) account.Route {
	return account.Route{Name: name, Route: spec.Route{Type: typ, Value: value}}
}

// on scripts the next answers of call.
func (f *fakeAccount) on(call string, faults ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[call] = append(f.script[call], faults...)
}

// next pops the scripted fault of call, if any.
func (f *fakeAccount) next(call string) (fault, bool) {
	q := f.script[call]
	if len(q) == 0 {
		return fault{}, false
	}
	f.script[call] = q[1:]
	return q[0], true
}

// write runs a write call: it records it, honours the gate and the script, and carries out
// do unless the script says the write never took effect.
func (f *fakeAccount) write(ctx context.Context, call string, do func() error) error {
	f.mu.Lock()
	f.writes = append(f.writes, call)
	f.seq++
	f.started[call] = f.seq
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	entered, release := f.entered, f.release
	f.mu.Unlock()

	if entered != nil {
		entered <- call
		<-release
	}
	if err := ctx.Err(); err != nil { // as an HTTP client would: a cancelled request is cut off
		f.mu.Lock()
		defer f.mu.Unlock()
		f.inflight--
		return fmt.Errorf("PUT %s: %w: %w", call, account.ErrOutcomeUnknown, err)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { f.inflight--; f.seq++; f.finished[call] = f.seq }()
	flt, scripted := f.next(call)
	if scripted && !flt.effect {
		return flt.err
	}
	if err := do(); err != nil {
		return err
	}
	f.effects = append(f.effects, call)
	return flt.err
}

func (f *fakeAccount) read(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if flt, ok := f.next(call); ok {
		return flt.err
	}
	return nil
}

func (f *fakeAccount) Capabilities() account.Capabilities { return f.caps }

func (f *fakeAccount) CreateRoute(ctx context.Context, r account.Route) (account.Route, error) {
	return r, f.write(ctx, "create "+r.Name, func() error {
		if _, ok := f.routes[r.Name]; ok {
			return apiError(http.StatusConflict, "PUT", "/v1/routes/"+r.Name, "Route name already exists.")
		}
		f.routes[r.Name] = r
		return nil
	})
}

func (f *fakeAccount) Purchase(ctx context.Context, tn, billingMethod string) error {
	return f.write(ctx, "purchase "+tn, func() error {
		if _, ok := f.available[tn]; !ok {
			return apiError(http.StatusUnprocessableEntity, "PUT", "/v1/tns/"+tn, "Business Logic Error: The TN is not available for purchase.")
		}
		delete(f.available, tn)
		f.numbers[tn] = number(tn, billingMethod, "sip-reg", "sip-reg")
		return nil
	})
}

func (f *fakeAccount) SetRoutes(ctx context.Context, tn, primary, failover string) error {
	return f.write(ctx, "set "+tn, func() error {
		n, ok := f.numbers[tn]
		_, okP := f.routes[primary]
		_, okF := f.routes[failover]
		if !ok || !okP || !okF {
			return apiError(http.StatusNotFound, "PATCH", "/v1/tns/"+tn, "Not found.")
		}
		n.PrimaryRoute, n.FailoverRoute = primary, failover
		f.numbers[tn] = n
		return nil
	})
}

func (f *fakeAccount) Number(ctx context.Context, tn string) (*account.Number, error) {
	if err := f.read("get " + tn); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.numbers[tn]
	if !ok {
		return nil, apiError(http.StatusNotFound, "GET", "/v1/tns/"+tn, "Not found.")
	}
	return &n, nil
}

func (f *fakeAccount) Routes(ctx context.Context) ([]account.Route, error) {
	if err := f.read("routes"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []account.Route
	for _, r := range f.routes {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (f *fakeAccount) Numbers(ctx context.Context, progress account.Progress) ([]account.Number, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []account.Number
	for _, n := range f.numbers {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TN < out[j].TN })
	return out, nil
}

func (f *fakeAccount) Lookup(ctx context.Context, tn string) (*account.Offer, error) {
	if err := f.read("lookup " + tn); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.available[tn]
	if !ok {
		return nil, apiError(http.StatusNotFound, "GET", "/v1/available-tns/tns/?tn="+tn, "no such number")
	}
	return &a, nil
}

// routeEditor is a fakeAccount whose backend can change routes (account.RouteEditor).
type routeEditor struct{ *fakeAccount }

func (f routeEditor) UpdateRoute(ctx context.Context, r account.Route) error {
	return f.write(ctx, "update "+r.Name, func() error {
		if _, ok := f.routes[r.Name]; !ok {
			return apiError(http.StatusNotFound, "PUT", "/routes/"+r.Name, "Not found.")
		}
		f.routes[r.Name] = r
		return nil
	})
}

func (f routeEditor) DeleteRoute(ctx context.Context, r account.Route) error {
	return f.write(ctx, "delete "+r.Name, func() error {
		delete(f.routes, r.Name)
		return nil
	})
}

// count returns how many recorded calls (writes or effects) equal call.
func count(calls []string, call string) int {
	n := 0
	for _, c := range calls {
		if c == call {
			n++
		}
	}
	return n
}

// Plan building helpers.

func createRoute(name, typ, value string) plan.Change {
	return plan.Change{Action: plan.CreateRoute, Key: name, After: map[string]string{"type": typ, "value": value}}
}

func purchase(tn string) plan.Change {
	return plan.Change{Action: plan.Purchase, Key: tn, After: map[string]string{"billing_method": spec.BillingMetered},
		Cost: &plan.Cost{Initial: money.MustParse("1.00"), Monthly: money.MustParse("1.25")}}
}

func setRoutes(tn, primary, failover string) plan.Change {
	return plan.Change{Action: plan.SetRoutes, Key: tn,
		Before: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"},
		After:  map[string]string{"primary_route": primary, "failover_route": failover}}
}

func newPlan(changes ...plan.Change) *plan.Plan {
	return &plan.Plan{FormatVersion: plan.FormatVersion, Changes: changes, Policy: spec.Policy{MaxPurchases: 1000}}
}
