package plan

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"

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

// Compute is the pure diff, by these rules:
//
//   - A route in desired and not in current is created; one with another type or value is an
//     error, since v1 cannot change a route.
//   - A number in desired and not in current is purchased when the inventory has it and allows
//     its billing method. With no billing method in the spec, the only method the number allows
//     is used; when it allows several, the plan asks the spec to choose (an error): billing is
//     the user's decision, not the tool's. A purchase that fails these checks is left out of
//     the changes and reported as an error. A new number gets set_routes only when the spec
//     asks for routes other than sip-reg.
//   - An owned number whose managed routes differ gets set_routes; a differing billing method is
//     an error, since v1 cannot change it.
//   - What the account has and desired does not name is listed in Unmanaged, reported as
//     policy.unmanaged says, and never deleted.
//   - Purchases beyond policy.max_purchases and a monthly cost beyond policy.max_monthly_cost
//     are errors.
//
// current is read as is: its empty fields are empty on the account.
func Compute(desired, current *spec.Spec, inv Inventory) *Plan {
	p := &Plan{
		FormatVersion: FormatVersion,
		Changes:       []Change{},
		Diagnostics:   []Diagnostic{},
		Policy:        desired.Policy,
	}
	// Hashing a large account takes about as long as the diff itself: do both at once.
	digest := make(chan string, 1)
	go func() { digest <- Digest(current) }()
	c := computer{p: p, desired: desired, current: current, inv: inv}
	c.routes()
	c.numbers()
	c.unmanaged()
	c.policy()
	p.StateDigest = <-digest

	slices.SortStableFunc(p.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(actionOrder(a.Action), actionOrder(b.Action)), cmp.Compare(a.Key, b.Key))
	})
	slices.SortFunc(p.Diagnostics, compareDiagnostics)
	for _, ch := range p.Changes {
		switch ch.Action {
		case CreateRoute:
			p.Summary.RoutesToCreate++
		case Purchase:
			p.Summary.NumbersToPurchase++
			p.Cost.Initial += ch.Cost.Initial
			p.Cost.Monthly += ch.Cost.Monthly
		case SetRoutes:
			p.Summary.NumbersToUpdate++
		}
	}
	return p
}

// computer holds what Compute works on.
type computer struct {
	p                *Plan
	desired, current *spec.Spec
	inv              Inventory
	purchases        int          // numbers desired and not owned, whether they can be bought or not
	monthly          money.Amount // monthly cost of the purchases that can be made
}

func (c *computer) add(ch Change) { c.p.Changes = append(c.p.Changes, ch) }

func (c *computer) diag(sev Severity, key string, pos spec.Pos, hint, format string, args ...any) {
	c.p.Diagnostics = append(c.p.Diagnostics, Diagnostic{
		Severity: sev, Pos: pos, Key: key, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

func (c *computer) routes() {
	for name, want := range c.desired.Routes {
		if name == spec.BuiltinRoute {
			continue // the validator refuses it; it exists on every account anyway
		}
		have, ok := c.current.Routes[name]
		if !ok {
			c.add(Change{
				Action: CreateRoute, Key: name, Pos: c.desired.PosOf("routes", name),
				After: map[string]string{fieldType: want.Type, fieldValue: want.Value},
			})
			continue
		}
		for _, d := range diff(want, have) {
			c.diag(Error, name, c.desired.PosOf("routes", name, d.Field),
				"create a route under a new name and point the numbers at it",
				"route %s has %s %q on the account, the spec says %q: v1 cannot change a route",
				name, d.Field, d.Current, d.Desired)
		}
	}
}

func (c *computer) numbers() {
	for tn, want := range c.desired.Numbers {
		have, owned := c.current.Numbers[tn]
		if !owned {
			c.purchase(tn, want)
			continue
		}
		if want == have {
			continue // fast path: nothing to compare
		}
		routesDiffer := false
		for _, d := range diff(want, have) {
			switch d.Field {
			case fieldBillingMethod:
				c.diag(Error, tn, c.desired.PosOf("numbers", tn, fieldBillingMethod),
					fmt.Sprintf("leave billing_method out of the number (or set it to %s) to keep the current one; to change it, ask Flowroute support or use the Flowroute portal", d.Current),
					"number %s is billed %s on the account, the spec says %s: v1 cannot change a number's billing method",
					tn, d.Current, d.Desired)
			case fieldPrimary, fieldFailover:
				routesDiffer = true
			}
		}
		if routesDiffer {
			c.setRoutes(tn, want, have)
		}
	}
}

// purchase plans buying tn, checked against the inventory, and then its routes.
func (c *computer) purchase(tn string, want spec.Number) {
	c.purchases++
	pos := c.desired.PosOf("numbers", tn)
	avail, ok := c.inv[tn]
	if !ok {
		c.diag(Error, tn, pos,
			"choose another number: `flowroute-numbers search` lists those for sale",
			"number %s is not on the account and not available for purchase", tn)
		return
	}
	method := want.BillingMethod
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
	c.monthly += avail.MonthlyCost
	c.add(Change{
		Action: Purchase, Key: tn, Pos: pos,
		After: map[string]string{fieldBillingMethod: method},
		Cost:  &Cost{Initial: avail.InitialCost, Monthly: avail.MonthlyCost},
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

func (c *computer) policy() {
	pol := c.desired.Policy
	if c.purchases > pol.MaxPurchases {
		c.diag(Error, "", c.desired.PosOf("policy", "max_purchases"),
			"raise policy.max_purchases, or buy the numbers in smaller steps",
			"the spec buys %s; policy.max_purchases allows %d", plural(c.purchases, "number", "numbers"), pol.MaxPurchases)
	}
	if pol.MaxMonthlyCost != nil && c.monthly > *pol.MaxMonthlyCost {
		c.diag(Error, "", c.desired.PosOf("policy", "max_monthly_cost"),
			"raise policy.max_monthly_cost, or buy fewer numbers",
			"the purchases cost %s per month; policy.max_monthly_cost allows %s", c.monthly, *pol.MaxMonthlyCost)
	}
}

func actionOrder(a Action) int {
	switch a {
	case CreateRoute:
		return 1
	case Purchase:
		return 2
	case SetRoutes:
		return 3
	}
	return 4
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
