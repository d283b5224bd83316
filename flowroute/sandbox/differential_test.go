package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// The differential tests drive one sandbox account through four writers (the v1 client, the
// v1 account backend, the v2 client, the v2 account backend) and, after every step, read the
// account back through all four and compare each reading with a model of what the steps
// should have left. Where v1 and v2 both express something (routes by name = alias, HOST,
// PSTN, URI = host, number, uri, the numbers owned, their primary and failover routes,
// sip-reg = route 0) all four readings must agree; what only v2 expresses (aliases, CNAM
// lookups, CNAM, E911, callbacks) the two v2 readings must agree on.

// Writers: which face a step goes through.
const (
	viaV1  = "v1 client"
	viaB1  = "v1 backend"
	viaV2  = "v2 client"
	viaB2  = "v2 backend"
	viaAny = ""
)

// Expected outcomes of a step.
type outcome int

const (
	ok       outcome = iota
	notFound         // matches account.ErrNotFound (a client: its ErrNotFound)
	conflict         // matches account.ErrConflict (a client: its ErrConflict, or a 409)
	refused          // any error; the account is unchanged
)

func (o outcome) String() string {
	return [...]string{"success", "not found", "conflict", "refused"}[o]
}

// mNumber is the model of a number: routes by name (failover "" is none, v2's null, which v1
// shows as sip-reg) and the fields only v2 has.
type mNumber struct {
	primary, failover string
	alias             string
	lookups           bool
	cnamID, e911ID    string
	callbacks         map[v2.CallbackType]string
}

// model is what the account should hold.
type model struct {
	routes  map[string]spec.Route // by name; sip-reg included
	numbers map[string]*mNumber
	cnams   map[string]string // id → value as stored (upper case)
	e911s   map[string]bool
}

func newModel() *model {
	return &model{
		routes:  map[string]spec.Route{spec.BuiltinRoute: {Type: "SIP-REG"}},
		numbers: map[string]*mNumber{},
		cnams:   map[string]string{},
		e911s:   map[string]bool{},
	}
}

// inUse reports whether a number routes to the route name.
func (m *model) inUse(name string) bool {
	for _, n := range m.numbers {
		if n.primary == name || n.failover == name {
			return true
		}
	}
	return false
}

// Reader kinds, for the model's projection.
const (
	readV1 = iota // routes and numbers' routes only; no failover shows as sip-reg
	readB2        // the v2 backend: v2 fields but callbacks and E911 numbers
	readV2        // the v2 client: everything
)

// view is one reading of the account, in the spec's terms.
type view struct {
	Routes  map[string]spec.Route
	Numbers map[string]nView
	CNAMs   map[string]string   // v2: id → value
	E911s   map[string][]string // v2: id → the numbers associated (the v2 client only)
}

type nView struct {
	Billing           string // v1: the billing method
	Primary, Failover string
	Alias             string
	Lookups           bool
	CNAM              string // v2: the value of the associated record
	CNAMPending       bool
	E911              string
	Callbacks         map[string]string // the v2 client only
}

// project is what a reader of the kind should see.
func (m *model) project(kind int) view {
	v := view{Routes: map[string]spec.Route{}, Numbers: map[string]nView{}}
	for name, r := range m.routes {
		v.Routes[name] = r
	}
	for tn, n := range m.numbers {
		nv := nView{Primary: n.primary, Failover: n.failover}
		if kind == readV1 {
			nv.Billing = "METERED"
			if nv.Failover == "" {
				nv.Failover = spec.BuiltinRoute
			}
			v.Numbers[tn] = nv
			continue
		}
		nv.Alias, nv.Lookups, nv.E911 = n.alias, n.lookups, n.e911ID
		if n.cnamID != "" {
			nv.CNAM = m.cnams[n.cnamID]
		}
		if kind == readV2 {
			nv.Callbacks = map[string]string{}
			for t, u := range n.callbacks {
				nv.Callbacks[string(t)] = u
			}
		}
		v.Numbers[tn] = nv
	}
	if kind == readV1 {
		return v
	}
	v.CNAMs = map[string]string{}
	for id, val := range m.cnams {
		v.CNAMs[id] = val
	}
	v.E911s = map[string][]string{}
	for id := range m.e911s {
		var tns []string
		if kind == readV2 {
			for tn, n := range m.numbers {
				if n.e911ID == id {
					tns = append(tns, tn)
				}
			}
			sort.Strings(tns)
		}
		v.E911s[id] = tns
	}
	return v
}

// harness is one sandbox, its four writers and readers, and the model.
type harness struct {
	t    *testing.T
	ctx  context.Context
	sb   *sandboxtest.Server
	v1   *v1.Client
	b1   *backend.V1
	v2   *v2.Client
	b2   *backend.V2
	m    *model
	pool []string // numbers for sale at the start, the ones the steps buy and release
	step int
	log  []string // the steps so far, for failure messages
	// outcomes counts the steps by the outcome expected.
	outcomes map[outcome]int
}

func newHarness(t *testing.T, seed int64, pool int) *harness {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{Seed: seed, InventorySize: 300})
	c1, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v1.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v2.WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: context.Background(), sb: sb, v1: c1, b1: backend.NewV1(c1), v2: c2, b2: backend.NewV2(c2), m: newModel()}
	offers, err := c2.AllAvailable(h.ctx, v2.AvailableQuery{}, pool)
	if err != nil || len(offers) != pool {
		t.Fatalf("inventory: %d offers, %v", len(offers), err)
	}
	for _, o := range offers {
		h.pool = append(h.pool, o.TN)
	}
	return h
}

// do runs one step: what it does, through which face, with the outcome the model expects;
// then it checks every reading of the account against the model.
func (h *harness) do(what, via string, want outcome, run func() error) {
	h.t.Helper()
	h.step++
	if h.outcomes == nil {
		h.outcomes = map[outcome]int{}
	}
	h.outcomes[want]++
	desc := fmt.Sprintf("step %d: %s via %s (want %s)", h.step, what, via, want)
	h.log = append(h.log, desc)
	err := run()
	if got := classify(err); got != want && (want != refused || err == nil) {
		h.t.Fatalf("%s: got %s: %v\nsteps:\n%s", desc, got, err, strings.Join(h.log, "\n"))
	}
	h.check(desc)
}

func classify(err error) outcome {
	var ae *v1.APIError
	switch {
	case err == nil:
		return ok
	case errors.Is(err, account.ErrNotFound), errors.Is(err, v1.ErrNotFound), errors.Is(err, v2.ErrNotFound):
		return notFound
	case errors.Is(err, account.ErrConflict), errors.Is(err, v2.ErrConflict), errors.As(err, &ae) && ae.Status == 409:
		return conflict
	}
	return refused
}

// check reads the account through every reader and compares each reading with the model.
func (h *harness) check(desc string) {
	h.t.Helper()
	opts := []cmp.Option{cmpopts.EquateEmpty()}
	for _, r := range []struct {
		name string
		kind int
		read func() (view, error)
	}{
		{"v1 client", readV1, h.readV1},
		{"v1 backend", readV1, h.readB1},
		{"v2 client", readV2, h.readV2},
		{"v2 backend", readB2, h.readB2},
	} {
		got, err := r.read()
		if err != nil {
			h.t.Fatalf("%s: reading through the %s: %v", desc, r.name, err)
		}
		if d := cmp.Diff(h.m.project(r.kind), got, opts...); d != "" {
			h.t.Fatalf("%s: the %s reads (-model +read):\n%s\nsteps:\n%s", desc, r.name, d, strings.Join(h.log, "\n"))
		}
	}
	h.checkOffers(desc)
}

// checkOffers requires both faces to agree on which numbers of the pool are for sale (those
// the model does not own) and on what they cost.
func (h *harness) checkOffers(desc string) {
	h.t.Helper()
	for _, tn := range h.pool {
		o1, err1 := h.b1.Lookup(h.ctx, tn)
		o2, err2 := h.b2.Lookup(h.ctx, tn)
		_, owned := h.m.numbers[tn]
		for _, e := range []struct {
			face string
			err  error
		}{{"v1", err1}, {"v2", err2}} {
			if owned != errors.Is(e.err, account.ErrNotFound) || e.err != nil && !owned {
				h.t.Fatalf("%s: %s lookup of %s (owned %v): %v", desc, e.face, tn, owned, e.err)
			}
		}
		if owned {
			continue
		}
		if o1.SetupCost != o2.SetupCost || o1.MonthlyCost != o2.MonthlyCost || !strings.EqualFold(o1.State, o2.State) ||
			!strings.EqualFold(strings.ReplaceAll(o1.RateCenter, " ", ""), o2.RateCenter) {
			h.t.Fatalf("%s: %s is offered differently: v1 %+v, v2 %+v", desc, tn, *o1, *o2)
		}
	}
}

func (h *harness) readV1() (view, error) {
	v := view{Routes: map[string]spec.Route{}, Numbers: map[string]nView{}}
	rs, err := h.v1.AllRoutes(h.ctx)
	if err != nil {
		return v, err
	}
	for _, r := range rs {
		v.Routes[r.Name] = spec.Route{Type: r.Type, Value: r.Value}
	}
	ns, err := h.v1.AllNumbers(h.ctx, "")
	if err != nil {
		return v, err
	}
	for _, n := range ns {
		nv := nView{Billing: n.BillingMethod, Primary: n.PrimaryRoute(), Failover: n.FailoverRoute()}
		one, err := h.v1.GetNumber(h.ctx, n.TN)
		if err != nil {
			return v, err
		}
		if d := cmp.Diff(n, *one); d != "" {
			return v, fmt.Errorf("GET /tns/%s differs from the list (-list +get):\n%s", n.TN, d)
		}
		v.Numbers[n.TN] = nv
	}
	return v, nil
}

func (h *harness) readB1() (view, error) {
	v := view{Routes: map[string]spec.Route{}, Numbers: map[string]nView{}}
	rs, err := h.b1.Routes(h.ctx)
	if err != nil {
		return v, err
	}
	for _, r := range rs {
		v.Routes[r.Name] = r.Route
	}
	ns, err := h.b1.Numbers(h.ctx, nil)
	if err != nil {
		return v, err
	}
	for _, n := range ns {
		one, err := h.b1.Number(h.ctx, n.TN)
		if err != nil {
			return v, err
		}
		if d := cmp.Diff(n, *one); d != "" {
			return v, fmt.Errorf("Number(%s) differs from Numbers (-list +one):\n%s", n.TN, d)
		}
		v.Numbers[n.TN] = nView{Billing: n.BillingMethod, Primary: n.PrimaryRoute, Failover: n.FailoverRoute}
	}
	return v, nil
}

// v2SpecType is the spec's name of a v2 route type, written here apart from the backend's.
var v2SpecType = map[string]string{"host": "HOST", "number": "PSTN", "uri": "URI", "sip-reg": "SIP-REG"}

func (h *harness) readV2() (view, error) {
	v := view{Routes: map[string]spec.Route{}, Numbers: map[string]nView{}, CNAMs: map[string]string{}, E911s: map[string][]string{}}
	rs, err := h.v2.AllRoutes(h.ctx)
	if err != nil {
		return v, err
	}
	alias := map[string]string{}
	for _, r := range rs {
		if _, dup := v.Routes[r.Alias]; dup {
			return v, fmt.Errorf("two routes have the alias %q", r.Alias)
		}
		v.Routes[r.Alias] = spec.Route{Type: v2SpecType[r.Type], Value: r.Value, EdgeStrategy: r.EdgeStrategyID}
		alias[r.ID] = r.Alias
	}
	if alias["0"] != spec.BuiltinRoute {
		return v, fmt.Errorf("route 0 is %q", alias["0"])
	}
	cs, err := h.v2.AllCNAMs(h.ctx, v2.CNAMQuery{})
	if err != nil {
		return v, err
	}
	approved := map[string]bool{}
	for _, c := range cs {
		v.CNAMs[c.ID] = c.Value
		approved[c.ID] = c.IsApproved
	}
	ns, err := h.v2.AllNumbers(h.ctx, v2.NumberQuery{}, nil)
	if err != nil {
		return v, err
	}
	var tns []string
	for _, n := range ns {
		tns = append(tns, n.TN)
	}
	bulk, err := h.v2.NumberDetails(h.ctx, tns)
	if err != nil {
		return v, err
	}
	byTN := map[string]v2.Number{}
	for _, b := range bulk {
		byTN[b.TN] = b
	}
	if len(bulk) != len(ns) || len(byTN) != len(ns) {
		return v, fmt.Errorf("bulk details of %d numbers gave %d", len(ns), len(bulk))
	}
	name := func(id string) string {
		if id == "" {
			return ""
		}
		if a, ok := alias[id]; ok {
			return a
		}
		return "route id " + id + " not listed"
	}
	for _, n := range ns {
		one, err := h.v2.GetNumber(h.ctx, n.TN)
		if err != nil {
			return v, err
		}
		if n.Alias != one.Alias || n.CNAMLookups != one.CNAMLookups || n.Detailed || !one.Detailed {
			return v, fmt.Errorf("the list shows %s as %+v, its details as %+v", n.TN, n, *one)
		}
		b := byTN[n.TN]
		if b.TN != one.TN || b.PrimaryRouteID != one.PrimaryRouteID || b.FailoverRouteID != one.FailoverRouteID ||
			b.CNAMID != one.CNAMID || b.E911ID != one.E911ID || b.Alias != one.Alias || b.CNAMLookups != one.CNAMLookups {
			return v, fmt.Errorf("bulk details of %s: %+v, GET: %+v", n.TN, b, *one)
		}
		nv := nView{Primary: name(one.PrimaryRouteID), Failover: name(one.FailoverRouteID), Alias: one.Alias, Lookups: one.CNAMLookups,
			E911: one.E911ID, Callbacks: map[string]string{}}
		if one.CNAMID != "" {
			nv.CNAM, nv.CNAMPending = v.CNAMs[one.CNAMID], !approved[one.CNAMID]
		}
		for _, t := range []v2.CallbackType{v2.SMSCallback, v2.MMSCallback, v2.SMSDLRCallback, v2.MMSDLRCallback} {
			cb, err := h.v2.GetCallback(h.ctx, n.TN, t)
			if errors.Is(err, v2.ErrNotFound) { // the sandbox answers 404 for a callback not set
				continue
			}
			if err != nil {
				return v, err
			}
			if cb.URL != "" {
				nv.Callbacks[string(t)] = cb.URL
			}
		}
		v.Numbers[n.TN] = nv
	}
	es, err := h.v2.AllE911s(h.ctx, v2.E911Query{})
	if err != nil {
		return v, err
	}
	for _, e := range es {
		ens, err := h.v2.AllE911Numbers(h.ctx, e.ID)
		if err != nil {
			return v, err
		}
		var list []string
		for _, en := range ens {
			list = append(list, en.TN)
		}
		sort.Strings(list)
		v.E911s[e.ID] = list
	}
	return v, nil
}

func (h *harness) readB2() (view, error) {
	v := view{Routes: map[string]spec.Route{}, Numbers: map[string]nView{}, CNAMs: map[string]string{}, E911s: map[string][]string{}}
	rs, err := h.b2.Routes(h.ctx)
	if err != nil {
		return v, err
	}
	for _, r := range rs {
		v.Routes[r.Name] = r.Route
	}
	cs, err := h.b2.CNAMs(h.ctx)
	if err != nil {
		return v, err
	}
	for _, c := range cs {
		v.CNAMs[c.ID] = c.Value
	}
	es, err := h.b2.E911Addresses(h.ctx)
	if err != nil {
		return v, err
	}
	for _, e := range es {
		v.E911s[e.ID] = nil
	}
	ns, err := h.b2.Numbers(h.ctx, nil)
	if err != nil {
		return v, err
	}
	var tns []string
	for _, n := range ns {
		tns = append(tns, n.TN)
	}
	det, err := h.b2.Details(h.ctx, tns)
	if err != nil {
		return v, err
	}
	detTN := map[string]account.Number{}
	for _, d := range det {
		detTN[d.TN] = d
	}
	if len(det) != len(ns) || len(detTN) != len(ns) {
		return v, fmt.Errorf("details of %d numbers gave %d", len(ns), len(det))
	}
	for _, n := range ns {
		one, err := h.b2.Number(h.ctx, n.TN)
		if err != nil {
			return v, err
		}
		if d := cmp.Diff(*one, detTN[n.TN]); d != "" {
			return v, fmt.Errorf("Details differs from Number(%s) (-one +details):\n%s", n.TN, d)
		}
		if n.Alias != one.Alias || *n.CNAMLookups != *one.CNAMLookups || n.Detailed || !one.Detailed {
			return v, fmt.Errorf("Numbers shows %s as %+v, Number as %+v", n.TN, n, *one)
		}
		v.Numbers[n.TN] = nView{Primary: one.PrimaryRoute, Failover: one.FailoverRoute, Alias: one.Alias, Lookups: *one.CNAMLookups,
			CNAM: one.CNAM, CNAMPending: one.CNAMPending, E911: one.E911ID}
	}
	return v, nil
}

// routeID is the id the v2 face gives the route name.
func (h *harness) routeID(name string) string {
	h.t.Helper()
	rs, err := h.v2.AllRoutes(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rs {
		if r.Alias == name {
			return r.ID
		}
	}
	return "999999" // a route the account does not have
}

// v2RouteType is the v2 name of a spec route type.
func v2RouteType(t string) string {
	if t == spec.RoutePSTN {
		return v2.RouteNumber
	}
	return strings.ToLower(t)
}

// The steps, each through a face; they expect what the model says and update it.

func (h *harness) createRoute(via, name string, r spec.Route) {
	h.t.Helper()
	want := ok
	if _, taken := h.m.routes[name]; taken {
		want = conflict
	}
	h.do(fmt.Sprintf("create route %q %s %s", name, r.Type, r.Value), via, want, func() error {
		var err error
		switch via {
		case viaV1:
			err = h.v1.CreateRoute(h.ctx, v1.Route{Name: name, Type: r.Type, Value: r.Value})
		case viaB1:
			_, err = h.b1.CreateRoute(h.ctx, account.Route{Name: name, Route: r})
		case viaV2:
			_, err = h.v2.CreateRoute(h.ctx, v2.RouteInput{Alias: name, Type: v2RouteType(r.Type), Value: r.Value})
		case viaB2:
			_, err = h.b2.CreateRoute(h.ctx, account.Route{Name: name, Route: r})
		}
		if err == nil {
			h.m.routes[name] = r
		}
		return err
	})
}

func (h *harness) purchase(via, tn string) {
	h.t.Helper()
	want := ok
	if _, owned := h.m.numbers[tn]; owned {
		want = refused
	}
	h.do("purchase "+tn, via, want, func() error {
		var err error
		switch via {
		case viaV1:
			err = h.v1.PurchaseNumber(h.ctx, tn, "METERED")
		case viaB1:
			err = h.b1.Purchase(h.ctx, tn, "METERED")
		case viaV2:
			_, err = h.v2.PurchaseNumber(h.ctx, tn, v2.PurchaseOptions{})
		case viaB2:
			err = h.b2.Purchase(h.ctx, tn, "")
		}
		if err == nil {
			h.m.numbers[tn] = &mNumber{primary: spec.BuiltinRoute, lookups: true}
		}
		return err
	})
}

// setRoutes sets both routes by name (v1 both faces, the v2 backend); failover "" (v2
// backend only) removes the failover route.
func (h *harness) setRoutes(via, tn, primary, failover string) {
	h.t.Helper()
	want := ok
	_, pOK := h.m.routes[primary]
	_, fOK := h.m.routes[failover]
	n, owned := h.m.numbers[tn]
	if !pOK || !fOK && failover != "" || !owned {
		want = notFound
	}
	h.do(fmt.Sprintf("set routes of %s to %q, %q", tn, primary, failover), via, want, func() error {
		var err error
		switch via {
		case viaV1:
			err = h.v1.SetRoutes(h.ctx, tn, primary, failover)
		case viaB1:
			err = h.b1.SetRoutes(h.ctx, tn, primary, failover)
		case viaB2:
			err = h.b2.SetRoutes(h.ctx, tn, primary, failover)
		default:
			h.t.Fatalf("setRoutes via %s", via)
		}
		if err == nil {
			n.primary, n.failover = primary, failover
		}
		return err
	})
}

// setRel sets (name != "") or removes one of a number's routes through the v2 client.
func (h *harness) setRel(tn string, failover bool, name string) {
	h.t.Helper()
	want := ok
	n, owned := h.m.numbers[tn]
	if _, exists := h.m.routes[name]; !owned || name != "" && !exists {
		want = notFound
	}
	rel := "primary"
	if failover {
		rel = "failover"
	}
	h.do(fmt.Sprintf("set %s route of %s to %q", rel, tn, name), viaV2, want, func() error {
		var err error
		switch {
		case name == "" && failover:
			err = h.v2.RemoveFailoverRoute(h.ctx, tn)
		case name == "":
			err = h.v2.RemovePrimaryRoute(h.ctx, tn)
		case failover:
			err = h.v2.SetFailoverRoute(h.ctx, tn, h.routeID(name))
		default:
			err = h.v2.SetPrimaryRoute(h.ctx, tn, h.routeID(name))
		}
		if err == nil {
			if failover {
				n.failover = name
			} else if n.primary = name; name == "" {
				n.primary = spec.BuiltinRoute
			}
		}
		return err
	})
}

// updateRoute renames route name to newName (if not "") and gives it r (if r.Type is set),
// through v2.
func (h *harness) updateRoute(via, name, newName string, r spec.Route) {
	h.t.Helper()
	old, exists := h.m.routes[name]
	want := ok
	switch {
	case !exists:
		want = notFound
	case name == spec.BuiltinRoute:
		want = refused
	case newName != "" && newName != name:
		if _, taken := h.m.routes[newName]; taken {
			want = conflict
		}
	}
	h.do(fmt.Sprintf("update route %q to %q %s %s", name, newName, r.Type, r.Value), via, want, func() error {
		var err error
		switch via {
		case viaV2:
			id := h.routeID(name)
			_, err = h.v2.UpdateRoute(h.ctx, id, v2.RouteInput{Alias: newName, Type: v2RouteType(r.Type), Value: r.Value})
		case viaB2:
			if newName != "" && newName != name {
				h.t.Fatal("the backend does not rename")
			}
			err = h.b2.UpdateRoute(h.ctx, account.Route{Name: name, Route: r})
		}
		if err != nil {
			return err
		}
		if r.Type != "" {
			old.Type, old.Value = r.Type, r.Value
		}
		if newName == "" {
			newName = name
		}
		delete(h.m.routes, name)
		h.m.routes[newName] = old
		for _, n := range h.m.numbers {
			if n.primary == name {
				n.primary = newName
			}
			if n.failover == name {
				n.failover = newName
			}
		}
		return nil
	})
}

func (h *harness) deleteRoute(via, name string) {
	h.t.Helper()
	_, exists := h.m.routes[name]
	want := ok
	switch {
	case !exists:
		want = notFound
	case name == spec.BuiltinRoute:
		want = refused
	case h.m.inUse(name):
		want = conflict
	}
	h.do(fmt.Sprintf("delete route %q", name), via, want, func() error {
		var err error
		switch via {
		case viaV2:
			err = h.v2.DeleteRoute(h.ctx, h.routeID(name))
		case viaB2:
			err = h.b2.DeleteRoute(h.ctx, account.Route{Name: name})
		}
		if err == nil {
			delete(h.m.routes, name)
		}
		return err
	})
}

func (h *harness) release(via, tn string) {
	h.t.Helper()
	want := ok
	if _, owned := h.m.numbers[tn]; !owned {
		want = notFound
	}
	h.do("release "+tn, via, want, func() error {
		var err error
		switch via {
		case viaV2:
			err = h.v2.ReleaseNumber(h.ctx, tn)
		case viaB2:
			err = h.b2.Release(h.ctx, tn)
		}
		if err == nil {
			delete(h.m.numbers, tn)
		}
		return err
	})
}

// setNumber sets a number's alias (alias != nil) or CNAM lookups (lookups != nil) through v2.
func (h *harness) setNumber(via, tn string, alias *string, lookups *bool) {
	h.t.Helper()
	want := ok
	n, owned := h.m.numbers[tn]
	if !owned {
		want = notFound
	}
	what := "set "
	if alias != nil {
		what += fmt.Sprintf("alias %q ", *alias)
	}
	if lookups != nil {
		what += fmt.Sprintf("lookups %v ", *lookups)
	}
	h.do(what+"of "+tn, via, want, func() error {
		var err error
		switch via {
		case viaV2:
			_, err = h.v2.UpdateNumber(h.ctx, tn, v2.NumberUpdate{Alias: alias, CNAMLookups: lookups})
		case viaB2:
			if alias != nil {
				err = h.b2.SetAlias(h.ctx, tn, *alias)
			}
			if err == nil && lookups != nil {
				err = h.b2.SetCNAMLookups(h.ctx, tn, *lookups)
			}
		}
		if err == nil {
			if alias != nil {
				n.alias = *alias
			}
			if lookups != nil {
				n.lookups = *lookups
			}
		}
		return err
	})
}

// createCNAM creates a record and returns its id ("" when refused).
func (h *harness) createCNAM(via, value string) string {
	h.t.Helper()
	want := ok
	for _, v := range h.m.cnams {
		if strings.EqualFold(v, value) {
			want = conflict
		}
	}
	var id string
	h.do(fmt.Sprintf("create CNAM %q", value), via, want, func() error {
		var err error
		switch via {
		case viaV2:
			var c *v2.CNAM
			if c, err = h.v2.CreateCNAM(h.ctx, value); err == nil {
				id = c.ID
			}
		case viaB2:
			var c account.CNAM
			if c, err = h.b2.CreateCNAM(h.ctx, value); err == nil {
				id = c.ID
			}
		}
		if err == nil {
			h.m.cnams[id] = strings.ToUpper(value)
		}
		return err
	})
	return id
}

// associateCNAM presents record id on tn; id "" removes the association.
func (h *harness) associateCNAM(via, tn, id string) {
	h.t.Helper()
	want := ok
	n, owned := h.m.numbers[tn]
	if _, exists := h.m.cnams[id]; !owned || id != "" && !exists {
		want = notFound
	}
	h.do(fmt.Sprintf("associate CNAM %q with %s", id, tn), via, want, func() error {
		var err error
		switch {
		case via == viaB2:
			err = h.b2.AssociateCNAM(h.ctx, tn, id)
		case id == "":
			err = h.v2.UnassociateCNAM(h.ctx, tn)
		default:
			_, err = h.v2.AssociateCNAM(h.ctx, tn, id)
		}
		if err == nil {
			n.cnamID = id
		}
		return err
	})
}

func (h *harness) deleteCNAM(id string) {
	h.t.Helper()
	want := ok
	if _, exists := h.m.cnams[id]; !exists {
		want = notFound
	}
	h.do("delete CNAM "+id, viaV2, want, func() error {
		err := h.v2.DeleteCNAM(h.ctx, id)
		if err == nil {
			delete(h.m.cnams, id)
			for _, n := range h.m.numbers {
				if n.cnamID == id {
					n.cnamID = ""
				}
			}
		}
		return err
	})
}

// e911Address is a valid address, different for each i.
func e911Address(i int) spec.E911Address {
	return spec.E911Address{FirstName: "Chris", LastName: "Smith", StreetNumber: fmt.Sprint(1200 + i), StreetName: "3rd Ave",
		City: "Seattle", State: "WA", Country: "US", Zip: "98101"}
}

// createE911 creates an address and returns its id.
func (h *harness) createE911(via string, i int) string {
	h.t.Helper()
	var id string
	h.do(fmt.Sprintf("create E911 address %d", i), via, ok, func() error {
		a := e911Address(i)
		var err error
		switch via {
		case viaV2:
			var e *v2.E911Address
			e, err = h.v2.CreateE911(h.ctx, v2.E911Fields{Label: fmt.Sprint("E911 ", i), FirstName: a.FirstName, LastName: a.LastName,
				StreetNumber: a.StreetNumber, StreetName: a.StreetName, City: a.City, State: a.State, Country: a.Country, Zip: a.Zip})
			if err == nil {
				id = e.ID
			}
		case viaB2:
			var e account.E911Address
			if e, err = h.b2.CreateE911(h.ctx, account.E911Address{Name: fmt.Sprint("E911 ", i), E911Address: a}); err == nil {
				id = e.ID
			}
		}
		if err == nil {
			h.m.e911s[id] = true
		}
		return err
	})
	return id
}

// associateE911 sets tn's address; id "" disconnects it.
func (h *harness) associateE911(via, tn, id string) {
	h.t.Helper()
	want := ok
	n, owned := h.m.numbers[tn]
	if !owned || id != "" && !h.m.e911s[id] {
		want = notFound
	}
	h.do(fmt.Sprintf("associate E911 %q with %s", id, tn), via, want, func() error {
		var err error
		switch {
		case via == viaB2:
			err = h.b2.AssociateE911(h.ctx, tn, id)
		case id == "":
			err = h.v2.DisconnectE911(h.ctx, tn)
		default:
			err = h.v2.AssociateE911(h.ctx, tn, id)
		}
		if err == nil {
			n.e911ID = id
		}
		return err
	})
}

func (h *harness) deleteE911(id string) {
	h.t.Helper()
	want := ok
	switch {
	case !h.m.e911s[id]:
		want = notFound
	default:
		for _, n := range h.m.numbers {
			if n.e911ID == id {
				want = refused
			}
		}
	}
	h.do("delete E911 address "+id, viaV2, want, func() error {
		err := h.v2.DeleteE911(h.ctx, id)
		if err == nil {
			delete(h.m.e911s, id)
		}
		return err
	})
}

func (h *harness) setCallback(via, tn string, t v2.CallbackType, u string) {
	h.t.Helper()
	want := ok
	n, owned := h.m.numbers[tn]
	if !owned {
		want = notFound
	}
	h.do(fmt.Sprintf("set %s of %s to %s", t, tn, u), via, want, func() error {
		var err error
		switch via {
		case viaV2:
			err = h.v2.SetCallback(h.ctx, tn, t, u)
		case viaB2:
			m := spec.Messaging{}
			switch t {
			case v2.SMSCallback:
				m.SMSCallback = u
			case v2.MMSCallback:
				m.MMSCallback = u
			case v2.SMSDLRCallback:
				m.SMSDLRCallback = u
			case v2.MMSDLRCallback:
				m.MMSDLRCallback = u
			}
			err = h.b2.SetCallbacks(h.ctx, tn, m)
		}
		if err == nil {
			if n.callbacks == nil {
				n.callbacks = map[v2.CallbackType]string{}
			}
			n.callbacks[t] = u
		}
		return err
	})
}

func ptr[T any](v T) *T { return &v }

// TestDifferentialScript walks every kind of change through the faces in turn, the way a user
// moving from v1 to v2 would, and reads the account back after each.
func TestDifferentialScript(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 1, 4)
	a, b, c, d := h.pool[0], h.pool[1], h.pool[2], h.pool[3]
	h.check("the new account")

	// Routes of every type, through every face.
	h.createRoute(viaV1, "pbx-a", spec.Route{Type: "HOST", Value: "24.239.23.40:5060"})
	h.createRoute(viaV2, "pstn-b", spec.Route{Type: "PSTN", Value: "16476998778"})
	h.createRoute(viaB1, "uri-c", spec.Route{Type: "URI", Value: "sip:alice@atlanta.com"})
	h.createRoute(viaB2, "host d", spec.Route{Type: "HOST", Value: "pbx.example.com"})
	h.createRoute(viaV2, "uri-e", spec.Route{Type: "URI", Value: "sips:securecall@securedserver.com;transport=tls"})
	h.createRoute(viaB1, "pstn-f", spec.Route{Type: "PSTN", Value: "12065551212"})
	// Names are unique across both faces, sip-reg included.
	h.createRoute(viaV1, "pstn-b", spec.Route{Type: "HOST", Value: "10.0.0.1"})
	h.createRoute(viaV2, "pbx-a", spec.Route{Type: "HOST", Value: "10.0.0.1"})
	h.createRoute(viaB2, spec.BuiltinRoute, spec.Route{Type: "HOST", Value: "10.0.0.1"})
	h.createRoute(viaB1, "host d", spec.Route{Type: "HOST", Value: "10.0.0.1"})

	// Numbers bought through every face.
	h.purchase(viaV1, a)
	h.purchase(viaV2, b)
	h.purchase(viaB1, c)
	h.purchase(viaB2, d)
	h.purchase(viaV2, a)
	h.purchase(viaV1, b)

	// Routes set through one face, seen through the other.
	h.setRoutes(viaV1, a, "pstn-b", "uri-c")
	h.setRel(b, false, "pbx-a")
	h.setRel(b, true, "host d")
	h.setRoutes(viaB2, c, "uri-e", "pstn-f")
	h.setRoutes(viaB1, d, "host d", spec.BuiltinRoute)
	h.setRoutes(viaV1, b, spec.BuiltinRoute, spec.BuiltinRoute)
	h.setRel(a, true, "")
	h.setRel(a, false, "")
	h.setRel(a, false, "uri-e")
	h.setRel(a, true, spec.BuiltinRoute)
	h.setRoutes(viaB2, c, "pbx-a", "")
	h.setRoutes(viaV1, a, "nope", spec.BuiltinRoute)
	h.setRoutes(viaB2, a, "pbx-a", "nope")
	h.setRoutes(viaB1, "19999999999", "pbx-a", "pbx-a") // a number the account does not own
	h.setRel(d, false, "nope")

	// Routes changed and renamed through v2; v1 names them anew.
	h.updateRoute(viaV2, "pbx-a", "pbx-renamed", spec.Route{})
	h.updateRoute(viaB2, "pstn-f", "", spec.Route{Type: "URI", Value: "sip:16476998778@215.122.69.152:5060;transport=tcp"})
	h.updateRoute(viaV2, "host d", "uri-e", spec.Route{})
	h.updateRoute(viaV2, "uri-c", "uri-c2", spec.Route{Type: "PSTN", Value: "16476998779"})
	h.updateRoute(viaV2, spec.BuiltinRoute, "other", spec.Route{})
	h.setRoutes(viaV1, d, "pbx-renamed", "uri-c2")

	// Aliases and CNAM lookups (v2 only).
	h.setNumber(viaV2, a, ptr("Front desk"), nil)
	h.setNumber(viaB2, b, ptr("NYC Number"), ptr(false))
	h.setNumber(viaV2, c, nil, ptr(false))
	h.setNumber(viaB2, a, ptr(""), nil)
	h.setNumber(viaV2, b, ptr("NYC Number"), ptr(true)) // aliases need not be unique
	h.setNumber(viaV2, a, ptr("NYC Number"), nil)

	// CNAM records and their association.
	acme := h.createCNAM(viaV2, "Acme Corp")
	bob := h.createCNAM(viaB2, "Bob Law")
	h.createCNAM(viaV2, "ACME CORP")
	h.associateCNAM(viaV2, a, acme)
	h.associateCNAM(viaB2, b, bob)
	h.associateCNAM(viaB2, c, acme)
	h.associateCNAM(viaV2, b, acme)
	h.associateCNAM(viaV2, c, "")
	h.associateCNAM(viaB2, d, "999999")
	h.deleteCNAM(bob)

	// E911 addresses and their association.
	home := h.createE911(viaV2, 1)
	office := h.createE911(viaB2, 2)
	h.associateE911(viaV2, a, home)
	h.associateE911(viaB2, b, home)
	h.associateE911(viaV2, b, office)
	h.associateE911(viaB2, c, office)
	h.associateE911(viaV2, c, "")
	h.deleteE911(office)
	h.associateE911(viaB2, b, "")
	h.deleteE911(office)

	// Callbacks.
	h.setCallback(viaV2, a, v2.SMSCallback, "https://example.com/sms")
	h.setCallback(viaB2, a, v2.MMSDLRCallback, "https://example.com/dlr")
	h.setCallback(viaV2, b, v2.MMSCallback, "http://example.com/mms")

	// Releases drop every association; the number is for sale again through both faces.
	h.deleteRoute(viaV2, "uri-e") // a uses it as primary
	h.release(viaV2, a)
	h.release(viaB2, a)
	h.deleteRoute(viaB2, "uri-e")
	h.deleteRoute(viaV2, "pstn-b")
	h.deleteE911(home)
	h.purchase(viaV1, a)
	h.setRoutes(viaV1, a, "pbx-renamed", "uri-c2")
	h.release(viaB2, d)
	h.deleteRoute(viaB2, "uri-c2")
	h.deleteRoute(viaV2, "gone")
	h.deleteRoute(viaB2, spec.BuiltinRoute)
	h.release(viaV2, b)
	h.release(viaB2, c)
	h.purchase(viaB2, c)
	t.Logf("%d steps, each read back through 4 readers", h.step)
}

// TestDifferentialRandom runs seeded random sequences of steps through random faces.
func TestDifferentialRandom(t *testing.T) {
	const seeds, steps = 30, 40
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			h := randomWalk(t, int64(seed), steps)
			t.Logf("%d steps: %v", h.step, h.outcomes)
		})
	}
}

// randomWalk takes steps random steps, mostly on numbers the account owns and routes it has,
// so that most succeed, and some on what it lacks.
func randomWalk(t *testing.T, seed int64, steps int) *harness {
	h := newHarness(t, seed, 3)
	rng := rand.New(rand.NewPCG(uint64(seed), 10))
	names := []string{"r1", "r2", "r3", "pbx uri", spec.BuiltinRoute, "nope"}
	values := []spec.Route{
		{Type: "HOST", Value: "24.239.23.40:5060"}, {Type: "HOST", Value: "pbx.example.com"},
		{Type: "PSTN", Value: "16476998778"}, {Type: "URI", Value: "sip:alice@atlanta.com;transport=udp"},
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	owned := func() []string {
		var out []string
		for _, tn := range h.pool {
			if h.m.numbers[tn] != nil {
				out = append(out, tn)
			}
		}
		return out
	}
	tn := func() string {
		if o := owned(); len(o) > 0 && rng.IntN(4) > 0 {
			return pick(o)
		}
		return pick(h.pool)
	}
	name := func() string {
		var have []string
		for _, n := range names {
			if _, ok := h.m.routes[n]; ok {
				have = append(have, n)
			}
		}
		if len(have) > 0 && rng.IntN(4) > 0 {
			return pick(have)
		}
		return pick(names)
	}
	routeName := func(v1 bool) string { // a route v1 can name
		for {
			if n := name(); !v1 || !strings.Contains(n, " ") {
				return n
			}
		}
	}
	ids := func(m map[string]string) []string {
		out := []string{"999999"}
		for id := range m {
			out = append(out, id)
		}
		sort.Strings(out)
		return out
	}
	e911IDs := func() []string {
		out := []string{"999999"}
		for id := range h.m.e911s {
			out = append(out, id)
		}
		sort.Strings(out)
		return out
	}
	v1Face := func() string { return [...]string{viaV1, viaB1}[rng.IntN(2)] }
	v2Face := func() string { return [...]string{viaV2, viaB2}[rng.IntN(2)] }
	anyFace := func() string { return [...]string{viaV1, viaB1, viaV2, viaB2}[rng.IntN(4)] }
	e911N := 0
	for h.step < steps {
		switch rng.IntN(14) {
		case 0, 1:
			via := anyFace()
			h.createRoute(via, routeName(via == viaV1 || via == viaB1), values[rng.IntN(len(values))])
		case 2, 3:
			h.purchase(anyFace(), tn())
		case 4:
			via := v1Face()
			h.setRoutes(via, tn(), routeName(true), routeName(true))
		case 5:
			f := ""
			if rng.IntN(3) > 0 {
				f = name()
			}
			h.setRoutes(viaB2, tn(), name(), f)
		case 6:
			n := ""
			if rng.IntN(3) > 0 {
				n = name()
			}
			h.setRel(tn(), rng.IntN(2) == 0, n)
		case 7:
			if rng.IntN(2) == 0 {
				h.updateRoute(viaV2, name(), name(), spec.Route{})
			} else {
				h.updateRoute(v2Face(), name(), "", values[rng.IntN(len(values))])
			}
		case 8:
			h.deleteRoute(v2Face(), name())
		case 9:
			h.release(v2Face(), tn())
		case 10:
			h.setNumber(v2Face(), tn(), ptr(pick([]string{"", "Home", "Front desk"})), ptr(rng.IntN(2) == 0))
		case 11:
			if rng.IntN(2) == 0 {
				h.createCNAM(v2Face(), pick([]string{"Acme", "Bob Law", "acme"}))
			} else {
				id := pick(append(ids(h.m.cnams), ""))
				h.associateCNAM(v2Face(), tn(), id)
			}
		case 12:
			switch rng.IntN(3) {
			case 0:
				e911N++
				h.createE911(v2Face(), e911N)
			case 1:
				h.associateE911(v2Face(), tn(), pick(append(e911IDs(), "")))
			default:
				h.deleteE911(pick(e911IDs()))
			}
		case 13:
			h.setCallback(v2Face(), tn(), v2.CallbackType(pick([]string{string(v2.SMSCallback), string(v2.MMSDLRCallback)})), "https://example.com/"+fmt.Sprint(rng.IntN(3)))
		}
	}
	return h
}

// TestV2BackendAfterAnotherWriter: a v2 backend that has read the routes, and then another
// writer (here the v1 face and the v2 client) renames a route and creates another under the
// old name, sets a number's routes by name by what it read, without reading them back: the
// number ends on the renamed route, and the backend's next read of the number (the plan after
// apply) names that route "old-office", so the difference is reported there. Once the backend
// reads the routes again, the name goes to the route that has it now.
func TestV2BackendAfterAnotherWriter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 2, 1)
	tn := h.pool[0]
	h.createRoute(viaV2, "office", spec.Route{Type: "HOST", Value: "10.0.0.1"})
	h.purchase(viaB2, tn)
	if _, err := h.b2.Routes(h.ctx); err != nil { // the backend's view of the routes
		t.Fatal(err)
	}
	// Written past the harness, whose reading after each step would refresh the backend.
	if _, err := h.v2.UpdateRoute(h.ctx, h.routeID("office"), v2.RouteInput{Alias: "old-office"}); err != nil {
		t.Fatal(err)
	}
	if err := h.v1.CreateRoute(h.ctx, v1.Route{Name: "office", Type: "HOST", Value: "10.0.0.2"}); err != nil {
		t.Fatal(err)
	}
	if err := h.b2.SetRoutes(h.ctx, tn, "office", ""); err != nil {
		t.Fatal(err)
	}
	if n, err := h.b2.Number(h.ctx, tn); err != nil || n.PrimaryRoute != "old-office" {
		t.Errorf("after SetRoutes(%q) by a stale view: %+v, %v; want the number on old-office, as the backend reads it", "office", n, err)
	}
	if _, err := h.b2.Routes(h.ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.b2.SetRoutes(h.ctx, tn, "office", ""); err != nil {
		t.Fatal(err)
	}
	n, err := h.v2.GetNumber(h.ctx, tn)
	if err != nil {
		t.Fatal(err)
	}
	if want := h.routeID("office"); n.PrimaryRouteID != want {
		t.Errorf("SetRoutes(%q) routed to id %s (now %q), not to id %s, the route named so now", "office", n.PrimaryRouteID, "old-office", want)
	}
}
