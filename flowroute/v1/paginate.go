package v1

import (
	"context"
	"fmt"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// walk returns every item of a list call, sorted by key with duplicates removed, or the first
// max of them when max > 0, with engine.Walk: pages of MaxLimit (or max, when smaller).
func walk[T any](ctx context.Context, c *Client, path string, max int, fetch func(context.Context, PageOptions) (*Page[T], error), key func(T) string, progress func(pages, items int)) ([]T, error) {
	limit := MaxLimit
	if max > 0 && max < limit {
		limit = max
	}
	return engine.Walk(ctx, c.eng, engine.WalkSpec[T]{
		Fetch: func(ctx context.Context, n int) (*engine.Page[T], error) {
			p, err := fetch(ctx, PageOptions{Limit: limit, Page: n})
			if err != nil {
				return nil, err
			}
			return &engine.Page[T]{Items: p.Items, Next: p.Next, Prev: p.Prev}, nil
		},
		PageSize: limit,
		Key:      key,
		Max:      max,
		Progress: progress,
		Endpoint: "GET " + c.eng.RequestPath(path),
	})
}

// AllNumbers returns every number the account owns whose digits contain pattern ("" for all),
// in numerical order.
func (c *Client) AllNumbers(ctx context.Context, pattern string) ([]Number, error) {
	return c.AllNumbersProgress(ctx, pattern, nil)
}

// AllNumbersProgress is AllNumbers calling progress, when not nil, after each page with the
// pages read and the numbers seen so far, so that a long read of a large account can show
// where it is. progress is called from one goroutine at a time.
func (c *Client) AllNumbersProgress(ctx context.Context, pattern string, progress func(pages, numbers int)) ([]Number, error) {
	return walk(ctx, c, "tns/", 0, func(ctx context.Context, opt PageOptions) (*Page[Number], error) {
		return c.ListNumbers(ctx, pattern, opt)
	}, func(n Number) string { return n.TN }, progress)
}

// AllRoutes returns every route of the account, by name, sip-reg included.
func (c *Client) AllRoutes(ctx context.Context) ([]Route, error) {
	return walk(ctx, c, "routes/", 0, c.ListRoutes, func(r Route) string { return r.Name }, nil)
}

// AllNPAs returns every NPA that has numbers for sale, in numerical order.
func (c *Client) AllNPAs(ctx context.Context) ([]string, error) {
	return walk(ctx, c, "available-tns/npas/", 0, c.ListNPAs, func(npa string) string { return npa }, nil)
}

// AllNPANXXs returns every NPA-NXX that has numbers for sale and whose NPA contains npa
// ("" for all), in numerical order.
func (c *Client) AllNPANXXs(ctx context.Context, npa string) ([]NPANXX, error) {
	return walk(ctx, c, "available-tns/npanxxs/", 0, func(ctx context.Context, opt PageOptions) (*Page[NPANXX], error) {
		return c.ListNPANXXs(ctx, npa, opt)
	}, func(n NPANXX) string { return n.NPA + n.NXX }, nil)
}

// AllAvailable returns the purchasable numbers that match q, in numerical order: the first max
// of them, or all of them when max is 0.
func (c *Client) AllAvailable(ctx context.Context, q SearchQuery, max int) ([]AvailableNumber, error) {
	if max < 0 {
		return nil, fmt.Errorf("flowroute: max %d: want 0 (all) or more", max)
	}
	return walk(ctx, c, "available-tns/tns/", max, func(ctx context.Context, opt PageOptions) (*Page[AvailableNumber], error) {
		return c.SearchNumbers(ctx, q, opt)
	}, func(n AvailableNumber) string { return n.TN }, nil)
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
