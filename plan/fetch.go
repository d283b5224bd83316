package plan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// lookupParallelism bounds the inventory lookups (and the reads of single numbers' details)
// that run at once.
const lookupParallelism = 8

// Inventory holds, for each number the plan may purchase, what the inventory offers. A number
// missing from it is not for sale.
type Inventory map[string]account.Offer

// Progress receives fetch progress (pages read, numbers seen); nil means none. It may be called
// from several goroutines, never at the same time.
type Progress = account.Progress

// State is an account as plan compares it with a spec: the embedded spec.Spec holds its
// routes, its numbers with their fields in the spec's terms (a number's E911 is the name of its
// address, its CNAM the name it presents, its Messaging the callbacks read) and its E911
// addresses by name (their label); the other fields hold what a spec has no place for.
type State struct {
	*spec.Spec
	// CNAMs are the account's CNAM records by value; of several with one value, the one
	// account.CNAM.Before puts first, the rule apply uses too.
	CNAMs map[string]account.CNAM
	// CNAMPending holds the numbers whose associated CNAM record awaits approval.
	CNAMPending map[string]bool
	// MonthlyCost holds what numbers cost a month, where the backend said.
	MonthlyCost map[string]money.Amount
	// Undetailed holds the numbers whose details (routes, CNAM, E911) were not read; nil
	// when every number's were.
	Undetailed map[string]bool
	// E911Labels counts the account's addresses by label: a label on more than one address
	// cannot be matched to a spec entry.
	E911Labels map[string]int
	// E911IDs gives each address name's id.
	E911IDs map[string]string
	// CallbacksUnknown reports that the server cannot say which callbacks numbers have.
	CallbacksUnknown bool
	// EdgeStrategies are the edge strategies routes may name, where the backend lists them
	// and the spec sets one; nil when not read.
	EdgeStrategies []account.EdgeStrategy

	// tns are the keys of Numbers in order, as the list of numbers gave them, so that the
	// digest needs no sort; nil when the list was not in order. (The digest checks them.)
	tns []string
}

// StateOf is a State holding s and nothing else: a spec-shaped state, every number detailed.
func StateOf(s *spec.Spec) *State { return &State{Spec: s} }

// Fetch reads every route and number of the account into a spec.Spec (no positions; the
// built-in sip-reg route left out), with every number's details on a backend whose list lacks
// them (in bulk where it can), and the E911 addresses (by label) where the backend has them:
// the whole account, as export writes it. With callbacks, messaging callbacks are read too
// where the backend can, which costs a request per callback per number.
func Fetch(ctx context.Context, r account.Reader, progress Progress, callbacks bool) (*spec.Spec, error) {
	st, err := fetch(ctx, r, progress, reads{allDetails: true, callbacksOfAll: callbacks})
	if err != nil {
		return nil, err
	}
	return st.Spec, nil
}

// reads says what fetch reads beyond the lists: the details of the numbers in details (of
// every number with allDetails), the callbacks of those in callbacks (of every number with
// callbacksOfAll).
type reads struct {
	details        map[string]bool
	allDetails     bool
	callbacks      map[string]bool
	callbacksOfAll bool
}

// readsFor is what plan must read for desired on a backend with caps: the details of the
// numbers whose routes, CNAM or E911 the spec manages (every desired number when unmanaged
// routes may be deleted, to know which routes stay in use), and the callbacks of those whose
// callbacks it manages. Aliases and CNAM lookups are in the list. A list of numbers with their
// routes has every detail (readMore reads none), so on such a backend no number's is asked
// for, and a spec without callbacks is not gone through at all.
func readsFor(desired *spec.Spec, caps account.Capabilities) reads {
	rd := reads{details: map[string]bool{}, callbacks: map[string]bool{}}
	details := !caps.ListHasRoutes
	releasing := desired.Policy.Unmanaged == spec.UnmanagedRelease && caps.DeleteRoute
	if details || caps.Messaging {
		for tn, n := range desired.Numbers {
			if details && (releasing || n.PrimaryRoute != "" || n.FailoverRoute != "" || n.CNAM != "" || n.E911 != "") {
				rd.details[tn] = true
			}
			if n.Messaging != nil && caps.Messaging {
				rd.callbacks[tn] = true
			}
		}
	}
	for tn := range desired.Retired { // held: every field it has may need clearing
		rd.details[tn] = true
		if caps.Messaging {
			rd.callbacks[tn] = true
		}
	}
	return rd
}

// fetched is what fetch read, before it becomes a State.
type fetched struct {
	caps      account.Capabilities
	routes    []account.Route
	numbers   []account.Number
	details   map[string]account.Number
	e911s     []account.E911Address
	edges     []account.EdgeStrategy // read only when the spec names an edge strategy
	cnams     []account.CNAM
	callbacks map[string]spec.Messaging
	noCBs     bool // the server cannot read callbacks
}

// fetch reads the account: its lists (fetchLists), then what rd asks for beyond them
// (readMore), and puts it into a State.
func fetch(ctx context.Context, r account.Reader, progress Progress, rd reads) (*State, error) {
	f, err := fetchRaw(ctx, r, progress, rd)
	if err != nil {
		return nil, err
	}
	return f.state(), nil
}

func fetchRaw(ctx context.Context, r account.Reader, progress Progress, rd reads) (*fetched, error) {
	f, err := fetchLists(ctx, r, progress, false)
	if err != nil {
		return nil, err
	}
	if err := f.readMore(ctx, r, rd); err != nil {
		return nil, err
	}
	return f, nil
}

// fetchLists reads the account's lists at the same time: routes, numbers, E911 addresses and
// CNAM records. What the lists lack (details, callbacks) is read by readMore, once the list
// of numbers says which of the spec's numbers the account owns.
func fetchLists(ctx context.Context, r account.Reader, progress Progress, edges bool) (*fetched, error) {
	f := &fetched{caps: r.Capabilities(), details: map[string]account.Number{}, callbacks: map[string]spec.Messaging{}}
	var (
		mu      sync.Mutex
		reports int
	)
	report := func(pages, n int) {
		if progress != nil {
			mu.Lock()
			defer mu.Unlock()
			reports++
			progress(pages, n)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if f.routes, err = r.Routes(gctx); err != nil {
			return fmt.Errorf("reading the routes: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		var err error
		if f.numbers, err = r.Numbers(gctx, report); err != nil {
			return fmt.Errorf("reading the numbers: %w", err)
		}
		mu.Lock()
		silent := reports == 0
		mu.Unlock()
		if silent { // a backend that does not report pages: once, when every number is read
			report(0, len(f.numbers))
		}
		return nil
	})
	if e, ok := r.(account.E911Editor); ok && f.caps.E911 {
		g.Go(func() error {
			var err error
			if f.e911s, err = e.E911Addresses(gctx); err != nil {
				return fmt.Errorf("reading the E911 addresses: %w", err)
			}
			return nil
		})
	}
	if c, ok := r.(account.CNAMEditor); ok && f.caps.CNAM {
		g.Go(func() error {
			var err error
			if f.cnams, err = c.CNAMs(gctx); err != nil {
				return fmt.Errorf("reading the CNAM records: %w", err)
			}
			return nil
		})
	}
	if l, ok := r.(account.EdgeStrategyLister); ok && edges && f.caps.EdgeStrategy {
		g.Go(func() error {
			var err error
			if f.edges, err = l.EdgeStrategies(gctx); err != nil {
				return fmt.Errorf("reading the edge strategies: %w", err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return f, nil
}

// namesEdgeStrategy reports whether a route of the spec sets an edge strategy.
func namesEdgeStrategy(desired *spec.Spec) bool {
	for _, r := range desired.Routes {
		if r.EdgeStrategy != "" {
			return true
		}
	}
	return false
}

// readMore reads, at the same time, the details rd asks for of the numbers the account owns,
// on a backend whose list of numbers lacks them (in bulk where the backend can), and the
// callbacks rd asks for.
func (f *fetched) readMore(ctx context.Context, r account.Reader, rd reads) error {
	pick := func(all bool, want map[string]bool) []string {
		var tns []string
		for _, n := range f.numbers {
			if all || want[n.TN] {
				tns = append(tns, n.TN)
			}
		}
		return tns
	}
	g, gctx := errgroup.WithContext(ctx)
	if !f.caps.ListHasRoutes {
		var tns []string
		for _, tn := range pick(rd.allDetails, rd.details) {
			if _, read := f.details[tn]; !read {
				tns = append(tns, tn)
			}
		}
		g.Go(func() error {
			got, err := details(gctx, r, tns)
			if err != nil {
				return err
			}
			for _, n := range got {
				f.details[n.TN] = n
			}
			return nil
		})
	}
	if rd.callbacksOfAll || len(rd.callbacks) > 0 {
		cr, ok := r.(account.CallbackReader)
		switch {
		case !f.caps.Messaging:
		case !ok:
			f.noCBs = true
		default:
			tns := pick(rd.callbacksOfAll, rd.callbacks)
			g.Go(func() error { return f.readCallbacks(gctx, cr, tns) })
		}
	}
	return g.Wait()
}

// readCallbacks reads the callbacks of tns, lookupParallelism at a time. A server that cannot
// read them leaves them unknown.
func (f *fetched) readCallbacks(ctx context.Context, cr account.CallbackReader, tns []string) error {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupParallelism)
	for _, tn := range tns {
		g.Go(func() error {
			m, err := cr.Callbacks(gctx, tn)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, account.ErrNotSupported):
				f.noCBs = true
			case errors.Is(err, account.ErrNotFound):
			case err != nil:
				return fmt.Errorf("reading the callbacks of %s: %w", tn, err)
			default:
				f.callbacks[tn] = m
			}
			return nil
		})
	}
	return g.Wait()
}

// details reads the details of tns: in one call per batch where the backend reads many at
// once, one call per number otherwise, lookupParallelism at a time. Numbers the account does
// not own are left out.
func details(ctx context.Context, r account.Reader, tns []string) ([]account.Number, error) {
	if len(tns) == 0 {
		return nil, nil
	}
	if d, ok := r.(account.Detailer); ok && r.Capabilities().BulkDetails {
		got, err := d.Details(ctx, tns)
		if err != nil {
			return nil, fmt.Errorf("reading the numbers' details: %w", err)
		}
		return got, nil
	}
	out := make([]*account.Number, len(tns))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupParallelism)
	for i, tn := range tns {
		g.Go(func() error {
			n, err := r.Number(gctx, tn)
			switch {
			case errors.Is(err, account.ErrNotFound):
				return nil
			case err != nil:
				return fmt.Errorf("reading number %s: %w", tn, err)
			}
			out[i] = n
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var got []account.Number
	for _, n := range out {
		if n != nil {
			got = append(got, *n)
		}
	}
	return got, nil
}

// state puts what fetch read into a State: the list says which numbers the account owns, and
// their details and callbacks, where read, fill them in.
func (f *fetched) state() *State {
	s := &spec.Spec{
		Routes:  make(map[string]spec.Route, len(f.routes)),
		Numbers: make(map[string]spec.Number, len(f.numbers)),
	}
	st := &State{Spec: s, CNAMPending: map[string]bool{}, MonthlyCost: map[string]money.Amount{}, CallbacksUnknown: f.noCBs, EdgeStrategies: f.edges}
	for _, r := range f.routes {
		if r.Name == spec.BuiltinRoute {
			continue
		}
		s.Routes[r.Name] = r.Route
	}
	if f.caps.E911 {
		s.E911Addresses = map[string]spec.E911Address{}
		st.E911Labels, st.E911IDs = map[string]int{}, map[string]string{}
		as := slices.Clone(f.e911s)
		slices.SortFunc(as, func(a, b account.E911Address) int { return cmp.Compare(a.ID, b.ID) })
		for _, a := range as {
			st.E911Labels[a.Name]++
			if _, dup := s.E911Addresses[a.Name]; !dup {
				s.E911Addresses[a.Name] = a.E911Address
				st.E911IDs[a.Name] = a.ID
			}
		}
	}
	if f.caps.CNAM {
		st.CNAMs = map[string]account.CNAM{}
		for _, c := range f.cnams {
			if have, ok := st.CNAMs[c.Value]; !ok || c.Before(have) {
				st.CNAMs[c.Value] = c
			}
		}
	}
	e911Names := f.e911Names()
	inOrder, tns := true, make([]string, 0, len(f.numbers))
	for _, n := range f.numbers {
		if inOrder = inOrder && (len(tns) == 0 || n.TN > tns[len(tns)-1]); inOrder {
			tns = append(tns, n.TN)
		}
		f.put(st, n, e911Names)
	}
	if inOrder {
		st.tns = tns
	}
	return st
}

// refresh puts into st, the state of the lists (f.state() before readMore), what readMore
// read since: st is then what f.state() would build, without building every number again.
func (f *fetched) refresh(st *State) {
	st.CallbacksUnknown = f.noCBs
	if len(f.details) == 0 && len(f.callbacks) == 0 {
		return
	}
	e911Names := f.e911Names()
	for _, n := range f.numbers {
		_, detailed := f.details[n.TN]
		_, called := f.callbacks[n.TN]
		if detailed || called {
			delete(st.Undetailed, n.TN)
			delete(st.CNAMPending, n.TN)
			delete(st.MonthlyCost, n.TN)
			f.put(st, n, e911Names)
		}
	}
	if len(st.Undetailed) == 0 {
		st.Undetailed = nil
	}
}

// put puts number n of the list into st, with its details and callbacks where read;
// e911Names gives each E911 address id its name.
func (f *fetched) put(st *State, n account.Number, e911Names map[string]string) {
	if d, ok := f.details[n.TN]; ok {
		n = d
	}
	if !n.Detailed && !f.caps.ListHasRoutes {
		if st.Undetailed == nil {
			st.Undetailed = map[string]bool{}
		}
		st.Undetailed[n.TN] = true
	}
	if n.E911ID != "" {
		name, ok := e911Names[n.E911ID]
		if !ok {
			name = "(address " + n.E911ID + ")" // not in the list: never a spec name
		}
		n.E911 = name
	}
	if m, ok := f.callbacks[n.TN]; ok {
		n.Messaging = new(m) // m itself stays on the stack: &m cost every number an allocation
	}
	if n.CNAMPending {
		st.CNAMPending[n.TN] = true
	}
	if n.MonthlyCost != nil {
		st.MonthlyCost[n.TN] = *n.MonthlyCost
	}
	st.Numbers[n.TN] = n.Number
}

// e911Names gives each E911 address id its name (its label).
func (f *fetched) e911Names() map[string]string {
	names := make(map[string]string, len(f.e911s))
	for _, a := range f.e911s {
		names[a.ID] = a.Name
	}
	return names
}

// wantedPurchases returns the numbers desired names and current lacks, sorted.
func wantedPurchases(desired, current *spec.Spec) []string {
	var wanted []string
	for tn := range desired.Numbers {
		if _, owned := current.Numbers[tn]; !owned {
			wanted = append(wanted, tn)
		}
	}
	slices.Sort(wanted) // only the few to buy: sorting every desired number cost more than a request
	return wanted
}

// FetchInventory looks up, concurrently, every number that desired names and current lacks. A
// number that is not for sale is left out of the inventory; any other failure is an error that
// names the number.
func FetchInventory(ctx context.Context, r account.Reader, desired, current *spec.Spec) (Inventory, error) {
	return fetchInventory(ctx, r, wantedPurchases(desired, current))
}

func fetchInventory(ctx context.Context, r account.Reader, wanted []string) (Inventory, error) {
	inv := make(Inventory, len(wanted))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupParallelism)
	for _, tn := range wanted {
		g.Go(func() error {
			a, err := r.Lookup(gctx, tn)
			switch {
			case errors.Is(err, account.ErrNotFound):
				return nil
			case err != nil:
				return &LookupError{TN: tn, Err: err}
			case a == nil:
				return nil
			}
			mu.Lock()
			inv[tn] = *a
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return inv, nil
}

// LookupError is an inventory lookup that failed after the client's retries. Its message
// names the number and says what to try: the usual cause is a server that keeps asking the
// client to slow down.
type LookupError struct {
	TN  string
	Err error
}

func (e *LookupError) Error() string {
	if errors.Is(e.Err, context.Canceled) {
		return fmt.Sprintf("looking up %s in the inventory: %v", e.TN, e.Err)
	}
	hint := "try again, with a lower --client-rate-limit if the server is busy"
	if errors.Is(e.Err, account.ErrRateLimited) {
		hint = "the server kept asking to slow down: try again with a lower --client-rate-limit (requests per second)"
	}
	return fmt.Sprintf("looking up %s in the inventory failed after the retries: %v; %s", e.TN, e.Err, hint)
}

// Unwrap gives the lookup's error.
func (e *LookupError) Unwrap() error { return e.Err }

// Make fetches the account and the inventory and computes the plan. It returns the current
// state too, for callers that need it (export, verification). A spec over a count limit (it
// buys more numbers, or releases more, than its policy allows) is refused once the lists are
// read, before any details or inventory lookup: looking up a thousand numbers only to refuse
// them costs minutes. On a backend whose list of numbers lacks their details, only the details
// the plan needs are read (see readsFor): those of the spec's numbers the account owns; under
// policy.unmanaged: release, those of the numbers to release once they are within the limit;
// and, when the spec changes a route or an E911 address in place, every number's, to count
// the numbers the change reaches.
func Make(ctx context.Context, r account.Reader, desired *spec.Spec, opts Options) (*Plan, *spec.Spec, error) {
	p, st, err := MakeState(ctx, r, desired, opts)
	if err != nil {
		return nil, nil, err
	}
	return p, st.Spec, nil
}

// MakeState is Make returning the whole State it planned against.
func MakeState(ctx context.Context, r account.Reader, desired *spec.Spec, opts Options) (*Plan, *State, error) {
	opts.Capabilities = r.Capabilities()
	if opts.Today.IsZero() {
		opts.Today = spec.DateOf(time.Now())
	}
	caps := opts.Capabilities
	f, err := fetchLists(ctx, r, opts.Progress, namesEdgeStrategy(desired))
	if err != nil {
		return nil, nil, err
	}
	current := f.state() // as the lists have it; refreshed with what readMore reads below
	pol := effectivePolicy(desired.Policy, opts.Limits)
	var release []string
	if pol.Unmanaged == spec.UnmanagedRelease && caps.ReleaseNumber {
		for _, n := range f.numbers {
			if !desired.Names(n.TN) { // a retired number is held, or released as retired: not unmanaged
				release = append(release, n.TN)
			}
		}
	}
	wanted := wantedPurchases(desired, current.Spec)
	if p := refuseEarly(desired, current, Tally{Purchases: len(wanted), Releases: len(release), Unretired: len(release)}, opts); p != nil {
		return p, current, nil
	}
	rd := readsFor(desired, caps)
	if len(release) > 0 && len(release) <= max(pol.MaxReleases, acknowledgedReleases(desired, opts)) {
		for _, tn := range release {
			rd.details[tn] = true
		}
	}
	rd.allDetails = !caps.ListHasRoutes && changesShared(desired, f)
	if err := f.readMore(ctx, r, rd); err != nil {
		return nil, nil, err
	}
	f.refresh(current)
	if s, ok := r.(account.Searcher); ok && opts.Picks == nil {
		if opts.Picks, err = PickPools(ctx, s, caps, desired, current.Spec); err != nil {
			return nil, nil, err
		}
	}
	inv, err := fetchInventory(ctx, r, wanted)
	if err != nil {
		return nil, nil, err
	}
	return ComputeState(desired, current, inv, opts), current, nil
}

// acknowledgedReleases is how many releases an acknowledgement could let through: up to the
// ceiling, when the spec acknowledges some plan (none when it acknowledges none).
func acknowledgedReleases(desired *spec.Spec, opts Options) int {
	switch {
	case desired.Policy.Acknowledge == nil:
		return 0
	case opts.Limits.MaxReleases != nil:
		return *opts.Limits.MaxReleases
	}
	return math.MaxInt
}

// changesShared reports whether the spec changes a route or an E911 address that numbers
// share, in place: the plan then counts the numbers it reaches, which needs every number's
// details.
func changesShared(desired *spec.Spec, f *fetched) bool {
	for _, r := range f.routes {
		if want, ok := desired.Routes[r.Name]; ok && len(diff(want, r.Route)) > 0 {
			return true
		}
	}
	for _, a := range f.e911s {
		if want, ok := desired.E911Addresses[a.Name]; ok && len(want.Differs(a.E911Address)) > 0 {
			return true
		}
	}
	return false
}

// refuseEarly returns the plan of a spec over a count limit (t counts what it buys and
// releases), made from the lists alone: no changes, the limit's error, and a note that
// nothing else was read. It returns nil when the spec is within its count limits, or when it
// has policy.acknowledge, even empty (an acknowledgement names the digest of the whole plan),
// unless a command-line ceiling binds.
func refuseEarly(desired *spec.Spec, current *State, t Tally, opts Options) *Plan {
	var blocking []Violation
	for _, v := range Blocking(CheckPolicy(t, 0, desired.Policy, opts.Limits, "")) {
		if (v.Field == "max_purchases" || v.Field == "max_releases") && (v.Ceiling || desired.Policy.Acknowledge == nil) {
			blocking = append(blocking, v)
		}
	}
	if len(blocking) == 0 {
		return nil
	}
	p := &Plan{
		FormatVersion: FormatVersion, Changes: []Change{}, Diagnostics: []Diagnostic{},
		Policy: effectivePolicy(desired.Policy, opts.Limits), Limits: opts.Limits, Account: opts.Account,
		StateDigest: digest(current.Spec, current.tns),
	}
	p.Digest = PlanDigest(p.Changes, p.Account)
	for _, v := range blocking {
		hint := v.Hint
		if !v.Ceiling {
			hint += "; or, to let one such plan through, add `acknowledge: []` under policy and plan again: the whole plan then shows its digest to acknowledge"
		}
		p.Diagnostics = append(p.Diagnostics, Diagnostic{Severity: Error, Pos: desired.PosOf("policy", v.Field), Message: v.Message, Hint: hint})
	}
	p.Diagnostics = append(p.Diagnostics, Diagnostic{Severity: Note, Pos: desired.PosOf("policy"),
		Message: "the plan stopped at the spec's count limits: no number's details and no price were read, and no other change is shown"})
	slices.SortFunc(p.Diagnostics, compareDiagnostics)
	return p
}
