package plan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// lookupParallelism bounds the inventory lookups that run at once.
const lookupParallelism = 8

// Inventory holds, for each number the plan may purchase, what the inventory offers. A number
// missing from it is not for sale.
type Inventory map[string]flowroute.AvailableNumber

// Progress receives fetch progress (pages read, numbers seen); nil means none. It may be called
// from several goroutines, never at the same time.
type Progress func(pages, numbers int)

// ProgressReader is a Reader that reports progress while it walks the pages of numbers. Fetch
// uses it when the Reader has it, and otherwise reports once, when every number is read.
type ProgressReader interface {
	Reader
	// AllNumbersProgress is AllNumbers calling progress after each page with the pages read
	// and the numbers seen so far.
	AllNumbersProgress(ctx context.Context, pattern string, progress func(pages, numbers int)) ([]flowroute.Number, error)
}

// Fetch reads every route and number of the account into a spec.Spec (no positions; the
// built-in sip-reg route left out). Routes and numbers are read at the same time.
func Fetch(ctx context.Context, r Reader, progress Progress) (*spec.Spec, error) {
	var (
		routes  []flowroute.Route
		numbers []flowroute.Number
		mu      sync.Mutex
	)
	report := func(pages, n int) {
		if progress != nil {
			mu.Lock()
			defer mu.Unlock()
			progress(pages, n)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if routes, err = r.AllRoutes(gctx); err != nil {
			return fmt.Errorf("reading the routes: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		var err error
		if pr, ok := r.(ProgressReader); ok {
			numbers, err = pr.AllNumbersProgress(gctx, "", report)
		} else {
			numbers, err = r.AllNumbers(gctx, "")
		}
		if err != nil {
			return fmt.Errorf("reading the numbers: %w", err)
		}
		if _, ok := r.(ProgressReader); !ok {
			report(0, len(numbers))
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return stateOf(routes, numbers), nil
}

// stateOf puts what the account holds into the spec's types.
func stateOf(routes []flowroute.Route, numbers []flowroute.Number) *spec.Spec {
	s := &spec.Spec{
		Routes:  make(map[string]spec.Route, len(routes)),
		Numbers: make(map[string]spec.Number, len(numbers)),
	}
	for _, r := range routes {
		if r.Name == spec.BuiltinRoute {
			continue
		}
		s.Routes[r.Name] = spec.Route{Type: r.Type, Value: r.Value}
	}
	for _, n := range numbers {
		s.Numbers[n.TN] = spec.Number{
			BillingMethod: n.BillingMethod,
			PrimaryRoute:  n.PrimaryRoute(),
			FailoverRoute: n.FailoverRoute(),
		}
	}
	return s
}

// FetchInventory looks up, concurrently, every number that desired names and current lacks. A
// number that is not for sale is left out of the inventory; any other failure is an error.
func FetchInventory(ctx context.Context, r Reader, desired, current *spec.Spec) (Inventory, error) {
	var wanted []string
	for tn := range desired.Numbers {
		if _, owned := current.Numbers[tn]; !owned {
			wanted = append(wanted, tn)
		}
	}
	slices.Sort(wanted) // only the few to buy: sorting every desired number cost more than a request
	inv := make(Inventory, len(wanted))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupParallelism)
	for _, tn := range wanted {
		g.Go(func() error {
			a, err := r.LookupAvailable(gctx, tn)
			switch {
			case errors.Is(err, flowroute.ErrNotFound):
				return nil
			case err != nil:
				return fmt.Errorf("looking up %s in the inventory: %w", tn, err)
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

// Make fetches the account and the inventory and computes the plan. It returns the current
// state too, for callers that need it (export, verification).
func Make(ctx context.Context, r Reader, desired *spec.Spec, progress Progress) (*Plan, *spec.Spec, error) {
	current, err := Fetch(ctx, r, progress)
	if err != nil {
		return nil, nil, err
	}
	inv, err := FetchInventory(ctx, r, desired, current)
	if err != nil {
		return nil, nil, err
	}
	return Compute(desired, current, inv), current, nil
}
