package plan

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Field names of Change.Before and Change.After, as the spec spells them.
const (
	fieldType          = "type"
	fieldValue         = "value"
	fieldBillingMethod = "billing_method"
	fieldPrimary       = "primary_route"
	fieldFailover      = "failover_route"
	fieldEdgeStrategy  = "edge_strategy"
)

// managed makes go-cmp skip every string field that the desired side (cmp's x) leaves empty:
// such a field is not managed, and the account keeps what it has. This is the only place that
// rule is written.
var managed = gocmp.FilterPath(func(p gocmp.Path) bool {
	sf, ok := p.Last().(gocmp.StructField)
	if !ok {
		return false
	}
	desired, _ := sf.Values()
	return desired.IsValid() && desired.Kind() == reflect.String && desired.String() == ""
}, gocmp.Ignore())

// fieldDiff is one managed field whose desired and current values differ.
type fieldDiff struct {
	Field            string // spec name, "primary_route"
	Desired, Current string
}

// diffReporter is a go-cmp Reporter that collects the differing leaf fields as data.
type diffReporter struct {
	path  gocmp.Path
	diffs []fieldDiff
}

func (r *diffReporter) PushStep(ps gocmp.PathStep) { r.path = append(r.path, ps) }
func (r *diffReporter) PopStep()                   { r.path = r.path[:len(r.path)-1] }

func (r *diffReporter) Report(rs gocmp.Result) {
	if rs.Equal() {
		return
	}
	sf, ok := r.path.Last().(gocmp.StructField)
	if !ok {
		return
	}
	x, y := sf.Values()
	r.diffs = append(r.diffs, fieldDiff{Field: specName(r.path.Index(-2).Type(), sf.Name()), Desired: x.String(), Current: y.String()})
}

// specName is the name a struct field has in the spec: its JSON name.
func specName(t reflect.Type, field string) string {
	if f, ok := t.FieldByName(field); ok {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
			return name
		}
	}
	return field
}

// diff compares the managed fields of desired with current and returns those that differ, in
// field order.
func diff[T any](desired, current T) []fieldDiff {
	var r diffReporter
	gocmp.Equal(desired, current, managed, gocmp.Reporter(&r))
	return r.diffs
}

// The highest prices a real number costs: an inventory answer above them (or below zero) is a
// broken or hostile server, never a price to pay. A plan refuses such an offer with an error.
var (
	MaxSetupPrice   = money.MustParse("1000.00") // one-time
	MaxMonthlyPrice = money.MustParse("100.00")
)

// Compute is the pure diff, by these rules, with what the backend cannot do
// (opts.Capabilities) turned into error diagnostics:
//
//   - A route in desired and not in current is created. One with another type, value or edge
//     strategy is updated in place on a backend that can change a route (update_route), and
//     is an error on one that cannot.
//   - A number in desired and not in current is purchased when the inventory has it at a
//     believable price (0 to MaxSetupPrice one-time, 0 to MaxMonthlyPrice a month) and allows
//     its billing method. With no billing method in the spec, the only method the number allows
//     is used; when it allows several, the plan asks the spec to choose (an error): billing is
//     the user's decision, not the tool's. A purchase that fails these checks is left out of
//     the changes and reported as an error. A new number gets set_routes only when the spec
//     asks for routes other than sip-reg.
//   - An owned number whose managed routes differ gets set_routes; a differing billing method is
//     an error, since no backend can change it.
//   - A field the backend cannot manage (an alias, CNAM, E911, messaging, an edge strategy, a
//     billing method) set in the spec is an error that names the backend.
//   - What the account has and desired does not name is listed in Unmanaged, reported as
//     policy.unmanaged says, and never deleted.
//   - Purchases beyond policy.max_purchases, a one-time cost beyond policy.max_setup_cost, a
//     monthly cost beyond policy.max_monthly_cost, updates of owned numbers beyond
//     policy.max_updates or beyond policy.max_update_percent of the managed numbers (once at
//     least spec.UpdatePercentFloor are managed) are errors; opts.Limits lower those limits.
//
// current is read as is: its empty fields are empty on the account.
func Compute(desired, current *spec.Spec, inv Inventory, opts Options) *Plan {
	return compute(desired, current, inv, opts, false)
}

// compute is Compute; noInventory says the inventory was not read (the spec buys more than the
// policy allows), so purchases are only counted.
func compute(desired, current *spec.Spec, inv Inventory, opts Options, noInventory bool) *Plan {
	p := &Plan{
		FormatVersion: FormatVersion,
		Changes:       []Change{},
		Diagnostics:   []Diagnostic{},
		Policy:        effectivePolicy(desired.Policy, opts.Limits),
	}
	// Hashing a large account takes about as long as the diff itself: do both at once.
	digest := make(chan string, 1)
	go func() { digest <- Digest(current) }()
	c := computer{p: p, desired: desired, current: current, inv: inv, caps: opts.Capabilities, limits: opts.Limits, noInventory: noInventory}
	c.routes()
	c.numbers()
	c.unmanaged()
	c.policy()
	p.StateDigest = <-digest

	slices.SortStableFunc(p.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(actionOrder(a.Action), actionOrder(b.Action)), cmp.Compare(a.Key, b.Key))
	})
	slices.SortFunc(p.Diagnostics, compareDiagnostics)
	p.Summary, p.Cost = Totals(p.Changes)
	return p
}

// Totals counts changes by kind and adds up the costs of their purchases. Totals shown for a
// plan are always computed from its changes, never read from a file.
func Totals(changes []Change) (Summary, Cost) {
	var s Summary
	var total Cost
	for _, ch := range changes {
		switch ch.Action {
		case CreateRoute:
			s.RoutesToCreate++
		case Purchase:
			s.NumbersToPurchase++
			if ch.Cost != nil {
				total.Initial += ch.Cost.Initial
				total.Monthly += ch.Cost.Monthly
			}
		case SetRoutes:
			s.NumbersToUpdate++
		}
	}
	return s, total
}

// effectivePolicy is pol with each limit lowered to its ceiling in l.
func effectivePolicy(pol spec.Policy, l Limits) spec.Policy {
	if l.MaxPurchases != nil && *l.MaxPurchases < pol.MaxPurchases {
		pol.MaxPurchases = *l.MaxPurchases
	}
	if l.MaxUpdates != nil && (pol.MaxUpdates == nil || *l.MaxUpdates < *pol.MaxUpdates) {
		n := *l.MaxUpdates
		pol.MaxUpdates = &n
	}
	if l.MaxReleases != nil && *l.MaxReleases < pol.MaxReleases {
		pol.MaxReleases = *l.MaxReleases
	}
	return pol
}

// computer holds what Compute works on.
type computer struct {
	p                *Plan
	desired, current *spec.Spec
	inv              Inventory
	caps             account.Capabilities
	limits           Limits
	noInventory      bool
	purchases        int          // numbers desired and not owned, whether they can be bought or not
	monthly, setup   money.Amount // costs of the purchases that can be made
	managed, updates int          // desired numbers the account owns; those of them set_routes changes
}

func (c *computer) add(ch Change) { c.p.Changes = append(c.p.Changes, ch) }

func (c *computer) diag(sev Severity, key string, pos spec.Pos, hint, format string, args ...any) {
	c.p.Diagnostics = append(c.p.Diagnostics, Diagnostic{
		Severity: sev, Pos: pos, Key: key, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

// api names the backend in messages: "v1".
func (c *computer) api() string { return cmp.Or(c.caps.API, "the backend") }

func (c *computer) routes() {
	for name, want := range c.desired.Routes {
		if name == spec.BuiltinRoute {
			continue // the validator refuses it; it exists on every account anyway
		}
		if want.EdgeStrategy != "" && !c.caps.EdgeStrategy {
			c.diag(Error, name, c.desired.PosOf("routes", name, fieldEdgeStrategy),
				"leave edge_strategy out of the route",
				"route %s sets edge_strategy, but %s routes have no edge strategy", name, c.api())
			want.EdgeStrategy = ""
		}
		have, ok := c.current.Routes[name]
		if !ok {
			after := map[string]string{fieldType: want.Type, fieldValue: want.Value}
			if want.EdgeStrategy != "" {
				after[fieldEdgeStrategy] = want.EdgeStrategy
			}
			c.add(Change{Action: CreateRoute, Key: name, Pos: c.desired.PosOf("routes", name), After: after})
			continue
		}
		diffs := diff(want, have)
		if len(diffs) == 0 {
			continue
		}
		if c.caps.ChangeRoute {
			before := map[string]string{fieldType: have.Type, fieldValue: have.Value}
			after := map[string]string{fieldType: cmp.Or(want.Type, have.Type), fieldValue: cmp.Or(want.Value, have.Value)}
			if want.EdgeStrategy != "" || have.EdgeStrategy != "" {
				before[fieldEdgeStrategy] = have.EdgeStrategy
				after[fieldEdgeStrategy] = cmp.Or(want.EdgeStrategy, have.EdgeStrategy)
			}
			c.add(Change{Action: UpdateRoute, Key: name, Pos: c.desired.PosOf("routes", name), Before: before, After: after})
			continue
		}
		for _, d := range diffs {
			c.diag(Error, name, c.desired.PosOf("routes", name, d.Field),
				"create a route under a new name and point the numbers at it",
				"route %s has %s %q on the account, the spec says %q: %s cannot change a route",
				name, d.Field, d.Current, d.Desired, c.api())
		}
	}
}

// unsupported reports each field of want that the backend cannot manage.
func (c *computer) unsupported(tn string, want spec.Number) {
	check := func(set, can bool, field string) {
		if set && !can {
			c.diag(Error, tn, c.desired.PosOf("numbers", tn, field),
				"leave "+field+" out of the number (and of defaults)",
				"number %s sets %s, which %s cannot manage", tn, field, c.api())
		}
	}
	check(want.BillingMethod != "", c.caps.BillingMethods, fieldBillingMethod)
	check(want.Alias != "", c.caps.Alias, "alias")
	check(want.CNAMLookups != nil, c.caps.CNAMLookups, "cnam_lookups")
	check(want.CNAM != "", c.caps.CNAM, "cnam")
	check(want.E911 != "", c.caps.E911, "e911")
	check(want.Messaging != nil, c.caps.Messaging, "messaging")
}

func (c *computer) numbers() {
	caps := c.caps
	allFields := caps.BillingMethods && caps.Alias && caps.CNAMLookups && caps.CNAM && caps.E911 && caps.Messaging
	for tn, want := range c.desired.Numbers {
		if !allFields {
			c.unsupported(tn, want)
		}
		have, owned := c.current.Numbers[tn]
		if !owned {
			c.purchase(tn, want)
			continue
		}
		c.managed++
		if want == have {
			continue // fast path: nothing to compare
		}
		routesDiffer := false
		for _, d := range diff(want, have) {
			switch d.Field {
			case fieldBillingMethod:
				if !caps.BillingMethods {
					continue // reported by unsupported
				}
				c.diag(Error, tn, c.desired.PosOf("numbers", tn, fieldBillingMethod),
					fmt.Sprintf("leave billing_method out of the number (or set it to %s) to keep the current one; to change it, ask Flowroute support or use the Flowroute portal", d.Current),
					"number %s is billed %s on the account, the spec says %s: %s cannot change a number's billing method",
					tn, d.Current, d.Desired, c.api())
			case fieldPrimary, fieldFailover:
				routesDiffer = true
			}
		}
		if routesDiffer {
			c.updates++
			c.setRoutes(tn, want, have)
		}
	}
}

// believable reports whether a price is one a real number costs: from zero to max.
func believable(a, max money.Amount) bool { return a >= 0 && a <= max }

// purchase plans buying tn, checked against the inventory, and then its routes.
func (c *computer) purchase(tn string, want spec.Number) {
	c.purchases++
	if c.noInventory {
		return
	}
	pos := c.desired.PosOf("numbers", tn)
	avail, ok := c.inv[tn]
	if !ok {
		c.diag(Error, tn, pos,
			fmt.Sprintf("it may have been sold since it was pinned: `flowroute-numbers add --replace %s` with this plan's -f files swaps it for another chosen the same way, keeping its fields (`flowroute-numbers search` lists numbers for sale)", tn),
			"number %s is not on the account and not available for purchase", tn)
		return
	}
	if !believable(avail.SetupCost, MaxSetupPrice) || !believable(avail.MonthlyCost, MaxMonthlyPrice) {
		c.diag(Error, tn, pos,
			fmt.Sprintf("choose another number; no real number costs less than 0.00 or more than %s one-time or %s per month, so the inventory's answer is not believed", MaxSetupPrice, MaxMonthlyPrice),
			"number %s is offered at %s one-time and %s per month: refusing a price no real number costs", tn, avail.SetupCost, avail.MonthlyCost)
		return
	}
	method := want.BillingMethod
	after := map[string]string{}
	if c.caps.BillingMethods {
		switch {
		case method != "" && !avail.Allows(method):
			c.diag(Error, tn, c.desired.PosOf("numbers", tn, fieldBillingMethod),
				fmt.Sprintf("set billing_method to one of: %s", strings.Join(avail.BillingMethods, ", ")),
				"number %s cannot be bought with billing method %s", tn, method)
			return
		case method == "" && len(avail.BillingMethods) == 1:
			method = avail.BillingMethods[0]
		case method == "":
			c.diag(Error, tn, pos,
				fmt.Sprintf("set billing_method on the number (or in defaults) to one of: %s", strings.Join(avail.BillingMethods, ", ")),
				"number %s is to be purchased but the spec sets no billing method, and the number allows %s",
				tn, allowedPhrase(avail.BillingMethods))
			return
		}
		after[fieldBillingMethod] = method
	} else if method != "" {
		return // reported by unsupported
	}
	c.monthly += avail.MonthlyCost
	c.setup += avail.SetupCost
	c.add(Change{
		Action: Purchase, Key: tn, Pos: pos,
		After: after,
		Cost:  &Cost{Initial: avail.SetupCost, Monthly: avail.MonthlyCost},
	})
	fresh := spec.Number{BillingMethod: method, PrimaryRoute: spec.BuiltinRoute, FailoverRoute: spec.BuiltinRoute}
	if len(diff(spec.Number{PrimaryRoute: want.PrimaryRoute, FailoverRoute: want.FailoverRoute}, fresh)) > 0 {
		c.setRoutes(tn, want, fresh)
	}
}

func allowedPhrase(methods []string) string {
	if len(methods) == 0 {
		return "none"
	}
	return strings.Join(methods, " and ")
}

// setRoutes plans setting both routes of tn: v1 sets the two together, so a route the spec does
// not manage keeps its current value.
func (c *computer) setRoutes(tn string, want, have spec.Number) {
	after := func(want, have string) string {
		return cmp.Or(want, have, spec.BuiltinRoute)
	}
	c.add(Change{
		Action: SetRoutes, Key: tn, Pos: c.desired.PosOf("numbers", tn),
		Before: map[string]string{fieldPrimary: have.PrimaryRoute, fieldFailover: have.FailoverRoute},
		After:  map[string]string{fieldPrimary: after(want.PrimaryRoute, have.PrimaryRoute), fieldFailover: after(want.FailoverRoute, have.FailoverRoute)},
	})
}

func (c *computer) unmanaged() {
	u := &c.p.Unmanaged
	for name := range c.current.Routes {
		if _, ok := c.desired.Routes[name]; !ok && name != spec.BuiltinRoute {
			u.Routes = append(u.Routes, name)
		}
	}
	for tn := range c.current.Numbers {
		if _, ok := c.desired.Numbers[tn]; !ok {
			u.Numbers = append(u.Numbers, tn)
		}
	}
	slices.Sort(u.Routes)
	slices.Sort(u.Numbers)
	if len(u.Routes)+len(u.Numbers) == 0 {
		return
	}
	pos := c.desired.PosOf("policy", "unmanaged")
	what := unmanagedPhrase(len(u.Numbers), len(u.Routes))
	switch c.desired.Policy.Unmanaged {
	case spec.UnmanagedIgnore:
	case spec.UnmanagedError:
		c.diag(Error, "", pos,
			"add them to the spec (`flowroute-numbers export` writes the whole account as a spec), or set policy.unmanaged to warn or ignore",
			"the account has %s that the spec does not name (policy.unmanaged: error)", what)
	default: // warn, also when a spec built in code leaves the policy empty
		c.diag(Warning, "", pos,
			"they are left as they are, never deleted; add them to the spec to manage them, or set policy.unmanaged: ignore",
			"the account has %s that the spec does not name", what)
	}
}

// unmanagedPhrase says "3 numbers and 1 route".
func unmanagedPhrase(numbers, routes int) string {
	var parts []string
	if numbers > 0 {
		parts = append(parts, plural(numbers, "number", "numbers"))
	}
	if routes > 0 {
		parts = append(parts, plural(routes, "route", "routes"))
	}
	return strings.Join(parts, " and ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// limitSource names where a limit comes from in messages: the command line when its ceiling
// is what binds, else the spec.
func limitSource(field string, ceiling *int, specValue int, specSet bool) string {
	if ceiling != nil && (!specSet || *ceiling < specValue) {
		return "--" + strings.ReplaceAll(field, "_", "-")
	}
	return "policy." + field
}

func (c *computer) policy() {
	pol := c.p.Policy // the spec's, lowered by the limits
	spol := c.desired.Policy
	if c.purchases > pol.MaxPurchases {
		c.diag(Error, "", c.desired.PosOf("policy", "max_purchases"),
			"raise policy.max_purchases, or buy the numbers in smaller steps",
			"the spec buys %s; %s allows %d", plural(c.purchases, "number", "numbers"),
			limitSource("max_purchases", c.limits.MaxPurchases, spol.MaxPurchases, true), pol.MaxPurchases)
	}
	if pol.MaxSetupCost != nil && c.setup > *pol.MaxSetupCost {
		c.diag(Error, "", c.desired.PosOf("policy", "max_setup_cost"),
			"raise policy.max_setup_cost, or buy fewer numbers",
			"the purchases cost %s one-time; policy.max_setup_cost allows %s", c.setup, *pol.MaxSetupCost)
	}
	if pol.MaxMonthlyCost != nil && c.monthly > *pol.MaxMonthlyCost {
		c.diag(Error, "", c.desired.PosOf("policy", "max_monthly_cost"),
			"raise policy.max_monthly_cost, or buy fewer numbers",
			"the purchases cost %s per month; policy.max_monthly_cost allows %s", c.monthly, *pol.MaxMonthlyCost)
	}
	if pol.MaxUpdates != nil && c.updates > *pol.MaxUpdates {
		specValue, specSet := 0, spol.MaxUpdates != nil
		if specSet {
			specValue = *spol.MaxUpdates
		}
		c.diag(Error, "", c.desired.PosOf("policy", "max_updates"),
			"raise policy.max_updates if so many updates are meant, or update the numbers in smaller steps",
			"the plan updates %s; %s allows %d", plural(c.updates, "number", "numbers"),
			limitSource("max_updates", c.limits.MaxUpdates, specValue, specSet), *pol.MaxUpdates)
	}
	pct := cmp.Or(pol.MaxUpdatePercent, spec.DefaultMaxUpdatePercent)
	if c.managed >= spec.UpdatePercentFloor && c.updates*100 > pct*c.managed {
		c.diag(Error, "", c.desired.PosOf("policy", "max_update_percent"),
			"raise policy.max_update_percent if so many updates are meant, or update the numbers in smaller steps",
			"the plan updates %d of the %d managed numbers (%d%%); policy.max_update_percent allows %d%%",
			c.updates, c.managed, c.updates*100/c.managed, pct)
	}
}

func actionOrder(a Action) int {
	switch a {
	case CreateRoute:
		return 1
	case UpdateRoute:
		return 2
	case Purchase:
		return 3
	case SetRoutes:
		return 4
	}
	return 5
}

// compareDiagnostics orders diagnostics by place in the spec, then by object and message, so
// the same inputs always print the same way.
func compareDiagnostics(a, b Diagnostic) int {
	return cmp.Or(
		a.Pos.Compare(b.Pos),
		cmp.Compare(a.Key, b.Key),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Message, b.Message),
	)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
