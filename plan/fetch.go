package plan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/flowroute-numbers/flowroute-numbers/account"
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

// Fetch reads every route and number of the account into a spec.Spec (no positions; the
// built-in sip-reg route left out). Routes and numbers are read at the same time. On a backend
// whose list of numbers lacks their routes (Capabilities().ListHasRoutes false) every number's
// details are read too.
func Fetch(ctx context.Context, r account.Reader, progress Progress) (*spec.Spec, error) {
	return fetch(ctx, r, progress, nil)
}

// fetch is Fetch reading the details of the numbers wanted names only (all when wanted is
// nil): plan needs the details of the numbers the spec manages, and no others.
func fetch(ctx context.Context, r account.Reader, progress Progress, wanted map[string]spec.Number) (*spec.Spec, error) {
	var (
		routes  []account.Route
		numbers []account.Number
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
		if routes, err = r.Routes(gctx); err != nil {
			return fmt.Errorf("reading the routes: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		var err error
		if numbers, err = r.Numbers(gctx, report); err != nil {
			return fmt.Errorf("reading the numbers: %w", err)
		}
		mu.Lock()
		silent := reports == 0
		mu.Unlock()
		if silent { // a backend that does not report pages: once, when every number is read
			report(0, len(numbers))
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if !r.Capabilities().ListHasRoutes {
		if err := details(ctx, r, numbers, wanted); err != nil {
			return nil, err
		}
	}
	return stateOf(routes, numbers), nil
}

// details fills in, in place, the numbers whose details the list left out, of those wanted
// names (all when wanted is nil): in one call per batch where the backend reads many at once,
// one call per number otherwise.
func details(ctx context.Context, r account.Reader, numbers []account.Number, wanted map[string]spec.Number) error {
	var todo []int
	for i, n := range numbers {
		if _, ok := wanted[n.TN]; !n.Detailed && (wanted == nil || ok) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if d, ok := r.(account.Detailer); ok && r.Capabilities().BulkDetails {
		tns := make([]string, len(todo))
		for j, i := range todo {
			tns[j] = numbers[i].TN
		}
		got, err := d.Details(ctx, tns)
		if err != nil {
			return fmt.Errorf("reading the numbers' details: %w", err)
		}
		byTN := make(map[string]account.Number, len(got))
		for _, n := range got {
			byTN[n.TN] = n
		}
		for _, i := range todo {
			if n, ok := byTN[numbers[i].TN]; ok {
				numbers[i] = n
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupParallelism)
	for _, i := range todo {
		g.Go(func() error {
			n, err := r.Number(gctx, numbers[i].TN)
			if err != nil {
				return fmt.Errorf("reading number %s: %w", numbers[i].TN, err)
			}
			numbers[i] = *n
			return nil
		})
	}
	return g.Wait()
}

// stateOf puts what the account holds into the spec's types.
func stateOf(routes []account.Route, numbers []account.Number) *spec.Spec {
	s := &spec.Spec{
		Routes:  make(map[string]spec.Route, len(routes)),
		Numbers: make(map[string]spec.Number, len(numbers)),
	}
	for _, r := range routes {
		if r.Name == spec.BuiltinRoute {
			continue
		}
		s.Routes[r.Name] = r.Route
	}
	for _, n := range numbers {
		s.Numbers[n.TN] = n.Number
	}
	return s
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
// state too, for callers that need it (export, verification). A spec that buys more numbers
// than its policy allows is refused before any inventory lookup: looking up a thousand
// numbers only to refuse them costs minutes.
func Make(ctx context.Context, r account.Reader, desired *spec.Spec, opts Options) (*Plan, *spec.Spec, error) {
	opts.Capabilities = r.Capabilities()
	current, err := fetch(ctx, r, opts.Progress, desired.Numbers)
	if err != nil {
		return nil, nil, err
	}
	wanted := wantedPurchases(desired, current)
	if len(wanted) > effectivePolicy(desired.Policy, opts.Limits).MaxPurchases {
		return compute(desired, current, nil, opts, true), current, nil
	}
	inv, err := fetchInventory(ctx, r, wanted)
	if err != nil {
		return nil, nil, err
	}
	return Compute(desired, current, inv, opts), current, nil
}
