package flowroute

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"
)

// errNoProgress stops a walk over a server that keeps announcing pages without new items.
var errNoProgress = errors.New("flowroute: pagination is not advancing: pages repeat items already seen")

// walk returns every item of a list call, sorted by key with duplicates removed, or the first
// max of them when max > 0.
//
// v1 numbers its pages without saying how many there are, so walk fetches page 1, then windows
// of Parallelism() pages at once, until a page comes back empty or without a next link. Items
// can shift between pages while the account changes under the walk; sorting by key and
// dropping repeated keys keeps the result the same whatever the order pages arrive in. The
// client's cap on requests in flight applies to every page.
func walk[T any](ctx context.Context, c *Client, max int, fetch func(context.Context, PageOptions) (*Page[T], error), key func(T) string) ([]T, error) {
	limit := MaxLimit
	if max > 0 && max < limit {
		limit = max
	}
	var items []T
	seen := make(map[string]bool)
	add := func(p *Page[T]) (added int) {
		for _, it := range p.Items {
			if k := key(it); !seen[k] {
				seen[k] = true
				items = append(items, it)
				added++
			}
		}
		return added
	}
	first, err := fetch(ctx, PageOptions{Limit: limit, Page: 1})
	if err != nil {
		return nil, err
	}
	add(first)
	more := len(first.Items) > 0 && first.HasNext()
	for next := 2; more && (max <= 0 || len(items) < max); {
		window := c.parallelism
		if max > 0 {
			window = min(window, (max-len(items)+limit-1)/limit)
		}
		pages := make([]*Page[T], window)
		g, gctx := errgroup.WithContext(ctx)
		for i := range window {
			g.Go(func() error {
				p, err := fetch(gctx, PageOptions{Limit: limit, Page: next + i})
				pages[i] = p
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		next += window
		added := 0
		for _, p := range pages {
			added += add(p)
			if len(p.Items) == 0 || !p.HasNext() {
				more = false
			}
		}
		if more && added == 0 {
			return nil, fmt.Errorf("%w (page %d)", errNoProgress, next-1)
		}
	}
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	if max > 0 && len(items) > max {
		items = items[:max]
	}
	return items, nil
}

// AllNumbers returns every number the account owns whose digits contain pattern ("" for all),
// in numerical order.
func (c *Client) AllNumbers(ctx context.Context, pattern string) ([]Number, error) {
	return walk(ctx, c, 0, func(ctx context.Context, opt PageOptions) (*Page[Number], error) {
		return c.ListNumbers(ctx, pattern, opt)
	}, func(n Number) string { return n.TN })
}

// AllRoutes returns every route of the account, by name, sip-reg included.
func (c *Client) AllRoutes(ctx context.Context) ([]Route, error) {
	return walk(ctx, c, 0, c.ListRoutes, func(r Route) string { return r.Name })
}

// AllNPAs returns every NPA that has numbers for sale, in numerical order.
func (c *Client) AllNPAs(ctx context.Context) ([]string, error) {
	return walk(ctx, c, 0, c.ListNPAs, func(npa string) string { return npa })
}

// AllNPANXXs returns every NPA-NXX that has numbers for sale and whose NPA contains npa
// ("" for all), in numerical order.
func (c *Client) AllNPANXXs(ctx context.Context, npa string) ([]NPANXX, error) {
	return walk(ctx, c, 0, func(ctx context.Context, opt PageOptions) (*Page[NPANXX], error) {
		return c.ListNPANXXs(ctx, npa, opt)
	}, func(n NPANXX) string { return n.NPA + n.NXX })
}

// AllAvailable returns the purchasable numbers that match q, in numerical order: the first max
// of them, or all of them when max is 0.
func (c *Client) AllAvailable(ctx context.Context, q SearchQuery, max int) ([]AvailableNumber, error) {
	if max < 0 {
		return nil, fmt.Errorf("flowroute: max %d: want 0 (all) or more", max)
	}
	return walk(ctx, c, max, func(ctx context.Context, opt PageOptions) (*Page[AvailableNumber], error) {
		return c.SearchNumbers(ctx, q, opt)
	}, func(n AvailableNumber) string { return n.TN })
}

// LookupAvailable returns the purchasable number tn exactly (search with tn, exact match), or an
// error matching ErrNotFound when it is not for sale.
func (c *Client) LookupAvailable(ctx context.Context, tn string) (*AvailableNumber, error) {
	if err := validateTN(tn); err != nil {
		return nil, err
	}
	p, err := c.SearchNumbers(ctx, SearchQuery{TN: tn}, PageOptions{Limit: DefaultLimit})
	if err != nil {
		return nil, err
	}
	for _, n := range p.Items {
		if n.TN == tn {
			return &n, nil
		}
	}
	return nil, fmt.Errorf("flowroute: number %s is not for sale: %w", tn, ErrNotFound)
}
