package plan

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
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
//     an error, since no backend can change it. A missing failover route is sip-reg, except on
//     a backend whose numbers may have none (Capabilities.FailoverOptional).
//   - An alias, CNAM lookups, a CNAM, an E911 address or callbacks that differ get set_alias,
//     set_cnam_lookups, set_cnam, set_e911 and set_callback; a CNAM the account has no record
//     of gets create_cnam first, an E911 address (matched to the account's by its name, the
//     address's label) create_e911 or update_e911 first. A number whose CNAM record awaits
//     Flowroute's approval is in progress: no change, a note.
//   - A field the backend cannot manage (an alias, CNAM, E911, messaging, an edge strategy) set
//     in the spec is an error that names the field and says to use --api v2; a billing method
//     on a backend without billing methods is a warning, and is left out.
//   - What the account has and desired does not name is listed in Unmanaged and reported as
//     policy.unmanaged says. Only with policy.unmanaged: release, on a backend that can, are
//     unmanaged numbers released (their E911 address disconnected first) and unmanaged routes
//     that no number uses deleted; more releases than policy.max_releases (lowered by
//     opts.Limits) is an error, and then nothing is released.
//   - Purchases beyond policy.max_purchases, a one-time cost beyond policy.max_setup_cost, a
//     monthly cost beyond policy.max_monthly_cost, updates of owned numbers beyond
//     policy.max_updates or beyond policy.max_update_percent of the managed numbers (once at
//     least spec.UpdatePercentFloor are managed) are errors; opts.Limits lower those limits.
//
// current is read as is: its empty fields are empty on the account.
func Compute(desired, current *spec.Spec, inv Inventory, opts Options) *Plan {
	return ComputeState(desired, StateOf(current), inv, opts)
}

// ComputeState is Compute against a whole State: CNAM records and their approval, the cost
// of the numbers to release, which numbers were detailed.
func ComputeState(desired *spec.Spec, st *State, inv Inventory, opts Options) *Plan {
	current := st.Spec
	p := &Plan{
		FormatVersion: FormatVersion,
		Changes:       []Change{},
		Diagnostics:   []Diagnostic{},
		Policy:        effectivePolicy(desired.Policy, opts.Limits),
	}
	// Hashing a large account takes about as long as the diff itself: do both at once.
	stateDigest := make(chan string, 1)
	go func() { stateDigest <- digest(current, st.tns) }()
	c := computer{p: p, desired: desired, current: current, st: st, inv: inv, caps: opts.Capabilities, limits: opts.Limits,
		cnamsCreated: map[string]bool{}, pendingCNAM: map[string][]string{}, today: opts.Today, picks: opts.Picks}
	c.routes()
	c.e911Addresses()
	c.numbers()
	c.retired()
	c.pools()
	c.notes()
	c.unmanaged()
	p.StateDigest = <-stateDigest

	slices.SortStableFunc(p.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Action.Order(), b.Action.Order()), cmp.Compare(a.Key, b.Key))
	})
	p.Account, p.Limits, p.Managed = opts.Account, opts.Limits, c.managed
	p.Digest = PlanDigest(p.Changes, p.Account)
	c.policy()
	slices.SortFunc(p.Diagnostics, compareDiagnostics)
	p.Summary, p.Cost = Totals(p.Changes)
	p.Releases = ReleasesOf(p.Changes)
	return p
}

// Totals counts changes by kind and adds up the costs of their purchases. Totals shown for a
// plan are always computed from its changes, never read from a file. A number counts once
// among the numbers to update however many of its fields change, and not when the plan
// releases it.
func Totals(changes []Change) (Summary, Cost) {
	var s Summary
	var total Cost
	released := map[string]bool{}
	for _, ch := range changes {
		if ch.Action == Release {
			released[ch.Key] = true
		}
	}
	updated := map[string]bool{}
	for _, ch := range changes {
		info, _ := Info(ch.Action)
		switch {
		case info.Counts == CountsUpdate:
			if released[ch.Key] || updated[ch.Key] {
				continue
			}
			updated[ch.Key] = true
		case ch.Cost == nil:
		case info.Counts == CountsPurchase:
			total.Initial += ch.Cost.Initial
			total.Monthly += ch.Cost.Monthly
		case info.Counts == CountsRelease:
			total.Released += ch.Cost.Monthly
		}
		if info.summary != nil {
			*info.summary(&s)++
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
	if l.MaxRouteDeletes != nil && *l.MaxRouteDeletes < pol.MaxRouteDeletes {
		pol.MaxRouteDeletes = *l.MaxRouteDeletes
	}
	return pol
}

// computer holds what Compute works on.
type computer struct {
	p                *Plan
	desired, current *spec.Spec
	st               *State
	inv              Inventory
	caps             account.Capabilities
	limits           Limits
	purchases        int                 // numbers desired and not owned, whether they can be bought or not
	managed          int                 // desired numbers the account owns
	named            int                 // numbers of the account that numbers: names (not retired:)
	cnamsCreated     map[string]bool     // CNAM values create_cnam is planned for
	pendingCNAM      map[string][]string // CNAM value awaiting approval -> numbers waiting for it
	billingIgnored   []string            // numbers whose billing method the backend has no place for
	today            spec.Date           // the day retired numbers are held or released by (retire.go)
	picks            PoolPicks           // what add --pool would pin (pools.go)
}

func (c *computer) add(ch Change) { c.p.Changes = append(c.p.Changes, ch) }

// numbersUsing returns, sorted, the account's numbers that use a shared object (a route, an
// E911 address): a change of the object changes them all.
func (c *computer) numbersUsing(uses func(spec.Number) bool) []string {
	var tns []string
	for tn, n := range c.current.Numbers {
		if uses(n) {
			tns = append(tns, tn)
		}
	}
	slices.Sort(tns)
	return tns
}

func (c *computer) diag(sev Severity, key string, pos spec.Pos, hint, format string, args ...any) {
	c.p.Diagnostics = append(c.p.Diagnostics, Diagnostic{
		Severity: sev, Pos: pos, Key: key, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

// api names the backend in messages: "v1".
func (c *computer) api() string { return cmp.Or(c.caps.API, "the backend") }

// useV2 is the hint of a field only v2 manages.
func (c *computer) useV2(field string) string {
	return "use --api v2 (v2 manages " + field + "), or leave " + field + " out of the spec (and of defaults)"
}

func (c *computer) routes() {
	for name, want := range c.desired.Routes {
		if name == spec.BuiltinRoute {
			continue // the validator refuses it; it exists on every account anyway
		}
		if want.EdgeStrategy != "" && !c.caps.EdgeStrategy {
			c.diag(Error, name, c.desired.PosOf("routes", name, fieldEdgeStrategy),
				c.useV2(fieldEdgeStrategy),
				"route %s sets edge_strategy, but %s routes have no edge strategy", name, c.api())
			want.EdgeStrategy = ""
		}
		if want.EdgeStrategy != "" && !c.knownEdgeStrategy(name, want.EdgeStrategy) {
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
			c.add(Change{Action: UpdateRoute, Key: name, Pos: c.desired.PosOf("routes", name), Before: before, After: after,
				Affected: c.numbersUsing(func(n spec.Number) bool { return n.PrimaryRoute == name || n.FailoverRoute == name })})
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

// knownEdgeStrategy reports whether id is an edge strategy of the account, where the account
// listed them; an unknown one is an error naming the valid ones.
func (c *computer) knownEdgeStrategy(route, id string) bool {
	es := c.st.EdgeStrategies
	if es == nil || slices.ContainsFunc(es, func(e account.EdgeStrategy) bool { return e.ID == id }) {
		return true
	}
	valid := make([]string, len(es))
	for i, e := range es {
		valid[i] = e.ID
		if e.Name != "" {
			valid[i] += " (" + e.Name + ")"
		}
	}
	c.diag(Error, route, c.desired.PosOf("routes", route, fieldEdgeStrategy),
		"set it to one of: "+strings.Join(valid, ", ")+" (`flowroute-numbers edge-strategies` lists them)",
		"route %s sets edge_strategy %q, which is not an edge strategy of the account", route, id)
	return false
}

// Field names of a number's v2 fields and of an E911 address, as the spec spells them.
const (
	fieldAlias       = "alias"
	fieldCNAMLookups = "cnam_lookups"
	fieldCNAM        = "cnam"
	fieldE911        = "e911"
	fieldMessaging   = "messaging"
)

// unsupported reports each field of want that the backend cannot manage, and returns want
// without them, so that nothing is planned for them. A billing method on a backend without
// billing methods is only noted (one warning for all such numbers, in notes): a v1 spec moves
// to v2 unchanged.
func (c *computer) unsupported(tn string, want spec.Number) spec.Number {
	check := func(set, can bool, field string, clear func()) {
		if set && !can {
			c.diag(Error, tn, c.desired.PosOf("numbers", tn, field), c.useV2(field),
				"number %s sets %s, which %s cannot manage", tn, field, c.api())
			clear()
		}
	}
	check(want.Alias != "", c.caps.Alias, fieldAlias, func() { want.Alias = "" })
	check(want.CNAMLookups != nil, c.caps.CNAMLookups, fieldCNAMLookups, func() { want.CNAMLookups = nil })
	check(want.CNAM != "", c.caps.CNAM, fieldCNAM, func() { want.CNAM = "" })
	check(want.E911 != "", c.caps.E911, fieldE911, func() { want.E911 = "" })
	check(want.Messaging != nil, c.caps.Messaging, fieldMessaging, func() { want.Messaging = nil })
	if want.BillingMethod != "" && !c.caps.BillingMethods {
		c.billingIgnored = append(c.billingIgnored, tn)
		want.BillingMethod = ""
	}
	return want
}

// defaultFailover is the failover route of a number that has none set: sip-reg, or none where
// numbers may have none.
func (c *computer) defaultFailover() string {
	if c.caps.FailoverOptional {
		return ""
	}
	return spec.BuiltinRoute
}

func (c *computer) numbers() {
	caps := c.caps
	allFields := caps.BillingMethods && caps.Alias && caps.CNAMLookups && caps.CNAM && caps.E911 && caps.Messaging
	for tn, want := range c.desired.Numbers {
		want.Pool = "" // the spec's record, not the account's
		if !allFields {
			want = c.unsupported(tn, want)
		}
		have, owned := c.current.Numbers[tn]
		if !owned {
			c.purchase(tn, want)
			continue
		}
		c.managed++
		c.named++
		if want == have && !c.st.CNAMPending[tn] {
			continue // fast path: nothing to compare
		}
		if want.BillingMethod != "" && want.BillingMethod != have.BillingMethod && caps.BillingMethods {
			c.diag(Error, tn, c.desired.PosOf("numbers", tn, fieldBillingMethod),
				fmt.Sprintf("leave billing_method out of the number (or set it to %s) to keep the current one; to change it, ask Flowroute support or use the Flowroute portal", have.BillingMethod),
				"number %s is billed %s on the account, the spec says %s: %s cannot change a number's billing method",
				tn, have.BillingMethod, want.BillingMethod, c.api())
		}
		if want.PrimaryRoute != "" && want.PrimaryRoute != have.PrimaryRoute || want.FailoverRoute != "" && want.FailoverRoute != have.FailoverRoute {
			c.setRoutes(tn, want, have)
		}
		c.fields(tn, want, have, false)
	}
}

// fields plans the v2 fields of tn that want manages and have lacks; fresh says tn is being
// purchased (its changes wait for the purchase and are not counted as updates).
func (c *computer) fields(tn string, want, have spec.Number, fresh bool) {
	if want.Alias != "" && want.Alias != have.Alias {
		c.numberChange(tn, SetAlias, fieldAlias, have.Alias, want.Alias, fresh, "")
	}
	if w := want.CNAMLookups; w != nil && (have.CNAMLookups == nil || *have.CNAMLookups != *w) {
		before := ""
		if have.CNAMLookups != nil {
			before = strconv.FormatBool(*have.CNAMLookups)
		}
		c.numberChange(tn, SetCNAMLookups, fieldCNAMLookups, before, strconv.FormatBool(*w), fresh, "")
	}
	if want.CNAM != "" {
		c.cnam(tn, want.CNAM, have.CNAM, fresh)
	}
	if want.E911 != "" && want.E911 != have.E911 && c.st.E911Labels[want.E911] <= 1 {
		c.numberChange(tn, SetE911, fieldE911, have.E911, want.E911, fresh, "")
	}
	if want.Messaging != nil {
		c.callbacks(tn, *want.Messaging, have.Messaging, fresh)
	}
}

// numberChange plans setting one field of tn.
func (c *computer) numberChange(tn string, a Action, field, before, after string, fresh bool, note string) {
	ch := Change{Action: a, Key: tn, Pos: c.desired.PosOf("numbers", tn, field), After: map[string]string{field: after}, Note: note}
	if !fresh {
		ch.Before = map[string]string{field: before}
	}
	c.add(ch)
}

// cnam plans presenting the CNAM want on tn, which presents have. A record awaiting approval
// is in progress: nothing to do until Flowroute decides, and a note says so. A record with the
// value that Flowroute rejected is an error. With no record of the value, create_cnam makes
// one (once for all the numbers that want it) and set_cnam waits for it.
func (c *computer) cnam(tn, want, have string, fresh bool) {
	if want == have {
		if c.st.CNAMPending[tn] {
			c.pendingCNAM[want] = append(c.pendingCNAM[want], tn)
		}
		return
	}
	pos := c.desired.PosOf("numbers", tn, fieldCNAM)
	note := ""
	rec, ok := c.st.CNAMs[want]
	switch {
	case ok && rec.Status == account.CNAMRejected:
		c.diag(Error, tn, pos,
			"choose another caller-ID name (Flowroute's rules: docs/flowroute-v2-api.md §6), or leave cnam out of the number",
			"number %s is to present CNAM %q, and Flowroute rejected that record", tn, want)
		return
	case ok && rec.Status == account.CNAMPending:
		c.pendingCNAM[want] = append(c.pendingCNAM[want], tn)
		return
	case !ok:
		if !c.cnamsCreated[want] {
			c.cnamsCreated[want] = true
			c.add(Change{Action: CreateCNAM, Key: want, Pos: pos, After: map[string]string{fieldCNAM: want},
				Note: "pending until Flowroute approves it; numbers present it only then"})
		}
		note = "waits for Flowroute to approve the new record; apply associates it once approved"
	}
	c.numberChange(tn, SetCNAM, fieldCNAM, have, want, fresh, note)
}

// callbackFields pairs each callback's spec name with its value in m.
func callbackFields(m spec.Messaging) [4][2]string {
	return [4][2]string{{"sms_callback", m.SMSCallback}, {"mms_callback", m.MMSCallback}, {"sms_dlr_callback", m.SMSDLRCallback}, {"mms_dlr_callback", m.MMSDLRCallback}}
}

// callbacks plans setting the callbacks of tn that want names and have lacks. Where the
// server cannot say what a number has, every callback the spec names is set.
func (c *computer) callbacks(tn string, want spec.Messaging, have *spec.Messaging, fresh bool) {
	var h spec.Messaging
	if have != nil {
		h = *have
	}
	unknown := have == nil && c.st.CallbacksUnknown
	before, after := map[string]string{}, map[string]string{}
	hs := callbackFields(h)
	for i, f := range callbackFields(want) {
		if f[1] != "" && (unknown || f[1] != hs[i][1]) {
			before[f[0]], after[f[0]] = hs[i][1], f[1]
		}
	}
	if len(after) == 0 {
		return
	}
	ch := Change{Action: SetCallback, Key: tn, Pos: c.desired.PosOf("numbers", tn, fieldMessaging), After: after}
	if unknown {
		ch.Note = "the server does not say which callbacks a number has, so they are set on every apply (setting one again changes nothing)"
	}
	if !fresh {
		ch.Before = before
	}
	c.add(ch)
}

// e911Map is an address's non-empty fields by spec name.
func e911Map(a spec.E911Address) map[string]string {
	m := map[string]string{}
	for _, f := range a.Fields() {
		if f[1] != "" {
			m[f[0]] = f[1]
		}
	}
	return m
}

// E911AddressOf is the address a create_e911 or update_e911 change asks for.
func E911AddressOf(ch Change) spec.E911Address { return spec.E911AddressOf(ch.After) }

// e911Addresses plans the spec's E911 addresses: each is matched to the account's address of
// the same label; create_e911 when there is none, update_e911 when a field the spec sets
// differs (letter case aside: the server stores some fields upper-cased).
func (c *computer) e911Addresses() {
	if len(c.desired.E911Addresses) == 0 {
		return
	}
	if !c.caps.E911 {
		c.diag(Error, "", c.desired.PosOf("e911_addresses"), c.useV2("e911_addresses"),
			"the spec declares e911_addresses, which %s cannot manage", c.api())
		return
	}
	for name, want := range c.desired.E911Addresses {
		pos := c.desired.PosOf("e911_addresses", name)
		if n := c.st.E911Labels[name]; n > 1 {
			c.diag(Error, name, pos,
				"give the other addresses other labels in the Flowroute portal, or give the entry another name",
				"the account has %d E911 addresses labelled %q: the spec's entry cannot tell which one it is", n, name)
			continue
		}
		have, ok := c.current.E911Addresses[name]
		if !ok {
			c.add(Change{Action: CreateE911, Key: name, Pos: pos, After: e911Map(want)})
			continue
		}
		differs := want.Differs(have)
		if len(differs) > 0 {
			after, wanted := e911Map(have), e911Map(want)
			for _, f := range differs {
				after[f] = wanted[f]
			}
			c.add(Change{Action: UpdateE911, Key: name, Pos: pos, Before: e911Map(have), After: after,
				Affected: c.numbersUsing(func(n spec.Number) bool { return n.E911 == name })})
		}
	}
}

// notes adds the diagnostics that gather many numbers: CNAM records awaiting approval, billing
// methods left out.
func (c *computer) notes() {
	for _, value := range sortedKeys(c.pendingCNAM) {
		tns := c.pendingCNAM[value]
		slices.Sort(tns)
		c.diag(Note, value, c.desired.PosOf("numbers", tns[0], fieldCNAM),
			"run plan again once Flowroute has decided; a rejected record is reported then",
			"CNAM %q awaits Flowroute's approval: %s will present it once it is approved (in progress, not an error)", value, listPhrase(tns, "number"))
	}
	if len(c.billingIgnored) > 0 {
		slices.Sort(c.billingIgnored)
		c.diag(Warning, "", c.desired.PosOf("numbers", c.billingIgnored[0], fieldBillingMethod),
			"leave billing_method out of the spec (and of defaults) to silence this warning",
			"%s set billing_method, which %s numbers do not have: it is left out", listPhrase(c.billingIgnored, "number"), c.api())
	}
}

// listPhrase says "number 12065550100", "numbers 12065550100 and 12065550101" or
// "numbers 12065550100, 12065550101, 12065550102 and 7 more".
func listPhrase(keys []string, noun string) string {
	const shown = 3
	if len(keys) == 1 {
		return noun + " " + keys[0]
	}
	if len(keys) <= shown {
		return noun + "s " + strings.Join(keys[:len(keys)-1], ", ") + " and " + keys[len(keys)-1]
	}
	return fmt.Sprintf("%ss %s and %d more", noun, strings.Join(keys[:shown], ", "), len(keys)-shown)
}

// believable reports whether a price is one a real number costs: from zero to max.
func believable(a, max money.Amount) bool { return a >= 0 && a <= max }

// purchase plans buying tn, checked against the inventory, and then its routes and fields.
func (c *computer) purchase(tn string, want spec.Number) {
	c.purchases++
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
	}
	c.add(Change{
		Action: Purchase, Key: tn, Pos: pos,
		After: after,
		Cost:  &Cost{Initial: avail.SetupCost, Monthly: avail.MonthlyCost},
	})
	fresh := c.fresh(method)
	if want.PrimaryRoute != "" && want.PrimaryRoute != fresh.PrimaryRoute || want.FailoverRoute != "" && want.FailoverRoute != fresh.FailoverRoute {
		c.setRoutes(tn, want, fresh)
	}
	c.fields(tn, want, fresh, true)
}

// fresh is what a number has right after its purchase.
func (c *computer) fresh(billingMethod string) spec.Number {
	return spec.Number{BillingMethod: billingMethod, PrimaryRoute: spec.BuiltinRoute, FailoverRoute: c.defaultFailover()}
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
	c.add(Change{
		Action: SetRoutes, Key: tn, Pos: c.desired.PosOf("numbers", tn),
		Before: map[string]string{fieldPrimary: have.PrimaryRoute, fieldFailover: have.FailoverRoute},
		After: map[string]string{
			fieldPrimary:  cmp.Or(want.PrimaryRoute, have.PrimaryRoute, spec.BuiltinRoute),
			fieldFailover: cmp.Or(want.FailoverRoute, have.FailoverRoute, c.defaultFailover()),
		},
	})
}

func (c *computer) unmanaged() {
	u := &c.p.Unmanaged
	var numbers, routes []string
	for name := range c.current.Routes {
		if _, ok := c.desired.Routes[name]; !ok && name != spec.BuiltinRoute {
			routes = append(routes, name)
		}
	}
	if c.named < len(c.current.Numbers) { // else numbers: names every number of the account
		for tn := range c.current.Numbers {
			if !c.desired.Names(tn) { // a retired number is held or released by retired()
				numbers = append(numbers, tn)
			}
		}
	}
	slices.Sort(routes)
	slices.Sort(numbers)
	if c.desired.Policy.Unmanaged == spec.UnmanagedRelease {
		numbers, routes = c.release(numbers, routes)
	}
	u.Routes, u.Numbers = routes, numbers
	if len(c.desired.E911Addresses) > 0 {
		for name := range c.current.E911Addresses {
			if _, ok := c.desired.E911Addresses[name]; !ok {
				u.E911Addresses = append(u.E911Addresses, name)
			}
		}
		slices.Sort(u.E911Addresses)
	}
	if len(u.Routes)+len(u.Numbers)+len(u.E911Addresses) == 0 {
		return
	}
	pos := c.desired.PosOf("policy", "unmanaged")
	what := unmanagedPhrase(len(u.Numbers), len(u.Routes), len(u.E911Addresses))
	switch c.desired.Policy.Unmanaged {
	case spec.UnmanagedIgnore:
	case spec.UnmanagedError:
		c.diag(Error, "", pos,
			"add them to the spec (`flowroute-numbers export` writes the whole account as a spec), or set policy.unmanaged to warn or ignore",
			"the account has %s that the spec does not name (policy.unmanaged: error)", what)
	case spec.UnmanagedRelease:
		c.diag(Warning, "", pos,
			"they are kept: a route still in use, or an E911 address, is never deleted; add them to the spec to manage them",
			"the account has %s that the spec does not name and the plan keeps", what)
	default: // warn, also when a spec built in code leaves the policy empty
		c.diag(Warning, "", pos,
			"they are left as they are, never deleted; add them to the spec to manage them, or set policy.unmanaged: ignore",
			"the account has %s that the spec does not name", what)
	}
}

// release plans giving back the unmanaged numbers (policy.unmanaged: release), each one's E911
// address disconnected first, and deleting the unmanaged routes no number will use. It returns
// what stays unmanaged. policy.max_releases and max_route_deletes are checked with the other
// limits (CheckPolicy).
func (c *computer) release(numbers, routes []string) ([]string, []string) {
	pos := c.desired.PosOf("policy", "unmanaged")
	if len(numbers) > 0 {
		if !c.caps.ReleaseNumber {
			c.diag(Error, "", pos, "use --api v2, or set policy.unmanaged to warn",
				"policy.unmanaged is release, and %s cannot release numbers (%s not in the spec)", c.api(), plural(len(numbers), "number", "numbers"))
			return numbers, routes
		}
		for _, tn := range numbers {
			c.releaseNumber(tn, pos, spec.Date{}, "")
		}
	}
	if len(routes) == 0 || !c.caps.DeleteRoute {
		return nil, routes
	}
	used := map[string]bool{}
	for tn, want := range c.desired.Numbers {
		have, owned := c.current.Numbers[tn]
		if !owned {
			have = c.fresh("")
		} else if c.st.Undetailed[tn] {
			c.diag(Warning, "", pos, "plan again with a backend that reads every number's routes",
				"the routes of number %s were not read, so no unmanaged route is deleted", tn)
			return nil, routes
		}
		used[cmp.Or(want.PrimaryRoute, have.PrimaryRoute)] = true
		used[cmp.Or(want.FailoverRoute, have.FailoverRoute)] = true
	}
	var kept []string
	for _, name := range routes {
		if used[name] {
			kept = append(kept, name)
			continue
		}
		r := c.current.Routes[name]
		c.add(Change{Action: DeleteRoute, Key: name, Pos: pos, Before: map[string]string{fieldType: r.Type, fieldValue: r.Value}, After: map[string]string{}})
	}
	return nil, kept
}

// releaseNumber plans the release of tn, its E911 address disconnected first; retired is the
// day the spec retired it (zero for an unmanaged number), why what the release's note says
// first.
func (c *computer) releaseNumber(tn string, pos spec.Pos, retired spec.Date, why string) {
	have := c.current.Numbers[tn]
	before := map[string]string{}
	for _, f := range [][2]string{{fieldPrimary, have.PrimaryRoute}, {fieldFailover, have.FailoverRoute}, {fieldAlias, have.Alias}, {fieldCNAM, have.CNAM}, {fieldE911, have.E911}} {
		if f[1] != "" {
			before[f[0]] = f[1]
		}
	}
	ch := Change{Action: Release, Key: tn, Pos: pos, Before: before, After: map[string]string{}, Retired: retired, Note: why}
	if m, ok := c.st.MonthlyCost[tn]; ok {
		ch.Cost = &Cost{Monthly: m}
	}
	switch {
	case have.E911 != "":
		c.add(Change{Action: SetE911, Key: tn, Pos: pos, Before: map[string]string{fieldE911: have.E911}, After: map[string]string{fieldE911: ""},
			Note: "disconnected before the number is released"})
		ch.Note = joinNote(why, "its E911 address "+have.E911+" is disconnected first")
	case c.st.Undetailed[tn]:
		// Its E911 address is unknown, and an address is never dropped silently.
		c.diag(Error, tn, pos, "plan again: plan reads the details of the numbers it releases",
			"number %s is to be released, and its details were not read, so whether an E911 address must be disconnected first is unknown", tn)
		return
	}
	c.add(ch)
}

// unmanagedPhrase says "3 numbers and 1 route" (and "2 E911 addresses").
func unmanagedPhrase(numbers, routes, e911s int) string {
	var parts []string
	if numbers > 0 {
		parts = append(parts, plural(numbers, "number", "numbers"))
	}
	if routes > 0 {
		parts = append(parts, plural(routes, "route", "routes"))
	}
	if e911s > 0 {
		parts = append(parts, plural(e911s, "E911 address", "E911 addresses"))
	}
	if len(parts) == 3 {
		return parts[0] + ", " + parts[1] + " and " + parts[2]
	}
	return strings.Join(parts, " and ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// policy turns the limits the plan goes beyond (CheckPolicy) into diagnostics at the policy's
// fields: errors, with the plan's digest and how to acknowledge it where the spec's limit can be
// lifted, or notes where the spec acknowledged the plan.
//
// Beyond max_releases the plan releases none (its releases, their disconnections and its route
// deletions, which may serve the numbers kept, are left out, and the numbers and routes listed
// as unmanaged); beyond max_route_deletes it deletes none. The digest stays the whole plan's:
// the one to acknowledge.
func (c *computer) policy() {
	t := TallyOf(c.p.Changes)
	t.Purchases = max(t.Purchases, c.purchases) // a number not for sale is still one the spec buys
	vs := CheckPolicy(t, c.managed, c.desired.Policy, c.limits, c.p.Digest)
	releasesKept := slices.ContainsFunc(Blocking(vs), func(v Violation) bool { return v.Field == "max_releases" || v.Field == "unmanaged" })
	for _, v := range vs {
		pos := c.desired.PosOf("policy", v.Field)
		if v.Field == "max_route_deletes" && releasesKept {
			continue // the routes are kept with the numbers that may use them
		}
		if !v.Acknowledged {
			switch v.Field {
			case "max_releases", "unmanaged":
				c.keep(Release, DeleteRoute)
			case "max_route_deletes":
				c.keep(DeleteRoute)
			}
		}
		switch {
		case v.Acknowledged:
			c.diag(Note, "", c.desired.PosOf("policy", "acknowledge"), "",
				"%s: acknowledged for this plan (%s) by policy.acknowledge", v.Message, c.p.Digest)
		case v.Ceiling || v.Field == "unmanaged":
			c.diag(Error, "", pos, v.Hint, "%s", v.Message)
		default:
			c.diag(Error, "", pos, v.Hint+"; "+AcknowledgeHint(c.p.Digest), "%s", v.Message)
		}
	}
}

// keep takes the changes of the actions out of the plan (with a release, the disconnection of
// its number's E911 address planned for it) and lists their objects as unmanaged: kept.
func (c *computer) keep(actions ...Action) {
	drop := map[string]bool{} // numbers whose release is dropped
	u := &c.p.Unmanaged
	c.p.Changes = slices.DeleteFunc(c.p.Changes, func(ch Change) bool {
		if !slices.Contains(actions, ch.Action) {
			return false
		}
		switch ch.Action {
		case Release:
			drop[ch.Key] = true
			if ch.Retired.IsZero() { // a retired number stays retired: held, not unmanaged
				u.Numbers = append(u.Numbers, ch.Key)
			}
		case DeleteRoute:
			u.Routes = append(u.Routes, ch.Key)
		}
		return true
	})
	c.p.Changes = slices.DeleteFunc(c.p.Changes, func(ch Change) bool {
		return ch.Action == SetE911 && drop[ch.Key] && ch.After[fieldE911] == ""
	})
	slices.Sort(u.Numbers)
	slices.Sort(u.Routes)
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
