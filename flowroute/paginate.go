package flowroute

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// errNoProgress stops a walk over a server that keeps announcing pages without new items.
var errNoProgress = errors.New("flowroute: pagination is not advancing: pages repeat items already seen")

// walk returns every item of a list call, sorted by key with duplicates removed, or the first
// max of them when max > 0. progress, when not nil, is called after each page is merged with
// the pages read so far and the items seen.
//
// v1 numbers its pages without saying how many there are, so walk fetches page 1, then keeps
// Parallelism() further pages in flight, each finished request starting the next, until a page
// comes back empty or without a next link. Pages are merged in page order whatever order they
// arrive in, and a key already seen is dropped, so items that shift between pages while the
// account changes under the walk cannot make the result depend on timing. The client's cap on
// requests in flight applies to every page.
func walk[T any](ctx context.Context, c *Client, max int, fetch func(context.Context, PageOptions) (*Page[T], error), key func(T) string, progress func(pages, items int)) ([]T, error) {
	limit := MaxLimit
	if max > 0 && max < limit {
		limit = max
	}
	first, err := fetch(ctx, PageOptions{Limit: limit, Page: 1})
	if err != nil {
		return nil, err
	}
	m := merger[T]{key: key, seen: make(map[string]bool), progress: progress}
	m.add(first)
	if len(first.Items) > 0 && first.HasNext() {
		if err := m.fetchRest(ctx, c.parallelism, limit, max, fetch); err != nil {
			return nil, err
		}
	}
	items := m.items
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	if max > 0 && len(items) > max {
		items = items[:max]
	}
	return items, nil
}

// merger collects the pages of one walk in page order.
type merger[T any] struct {
	key      func(T) string
	seen     map[string]bool
	items    []T
	pages    int
	stale    int // pages in a row, in page order, that added nothing new
	progress func(pages, items int)
}

// add merges one page.
func (m *merger[T]) add(p *Page[T]) {
	added := 0
	for _, it := range p.Items {
		if k := m.key(it); !m.seen[k] {
			m.seen[k] = true
			m.items = append(m.items, it)
			added++
		}
	}
	m.pages++
	if added == 0 && len(p.Items) > 0 {
		m.stale++
	} else {
		m.stale = 0
	}
	if m.progress != nil {
		m.progress(m.pages, len(m.items))
	}
}

// fetchRest fetches pages 2, 3, … until the last page is known, then merges every page up to
// it in order. It keeps twice parallelism pages under way: the client's cap lets parallelism
// of them be on the wire while the others decode or wait for a slot, so decoding a page never
// delays the next request. Pages found to lie past the last one are cancelled; up to
// 2 × parallelism - 1 of them may already have been sent, and answer {}. A server that
// keeps announcing pages that repeat items already seen, more than parallelism of them in a
// row, is an error rather than an endless walk.
func (m *merger[T]) fetchRest(ctx context.Context, parallelism, limit, max int, fetch func(context.Context, PageOptions) (*Page[T], error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		n   int
		p   *Page[T]
		err error
	}
	results := make(chan result)
	next, last, merged := 2, math.MaxInt, 1
	underway := make(map[int]context.CancelFunc) // page → cancels its request
	arrived := make(map[int]*Page[T])
	var firstErr error
	wanted := func() bool {
		return firstErr == nil && next <= last && (max <= 0 || (next-1)*limit < max)
	}
	for {
		for len(underway) < 2*parallelism && wanted() {
			n := next
			next++
			pctx, pcancel := context.WithCancel(ctx)
			underway[n] = pcancel
			go func() {
				p, err := fetch(pctx, PageOptions{Limit: limit, Page: n})
				results <- result{n, p, err}
			}()
		}
		if len(underway) == 0 {
			return firstErr
		}
		r := <-results
		underway[r.n]()
		delete(underway, r.n)
		if r.n > last {
			continue // cancelled or not, a page past the end is not wanted
		}
		if r.err != nil {
			if firstErr == nil {
				firstErr = r.err
				cancel()
			}
			continue
		}
		if len(r.p.Items) == 0 || !r.p.HasNext() {
			last = r.n
			for n, pcancel := range underway {
				if n > last {
					pcancel()
				}
			}
		}
		arrived[r.n] = r.p
		for p, ok := arrived[merged+1]; ok && firstErr == nil; p, ok = arrived[merged+1] {
			delete(arrived, merged+1)
			merged++
			m.add(p)
			if m.stale > parallelism {
				firstErr = fmt.Errorf("%w (page %d)", errNoProgress, merged)
				cancel()
			}
		}
	}
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
	return walk(ctx, c, 0, func(ctx context.Context, opt PageOptions) (*Page[Number], error) {
		return c.ListNumbers(ctx, pattern, opt)
	}, func(n Number) string { return n.TN }, progress)
}

// AllRoutes returns every route of the account, by name, sip-reg included.
func (c *Client) AllRoutes(ctx context.Context) ([]Route, error) {
	return walk(ctx, c, 0, c.ListRoutes, func(r Route) string { return r.Name }, nil)
}

// AllNPAs returns every NPA that has numbers for sale, in numerical order.
func (c *Client) AllNPAs(ctx context.Context) ([]string, error) {
	return walk(ctx, c, 0, c.ListNPAs, func(npa string) string { return npa }, nil)
}

// AllNPANXXs returns every NPA-NXX that has numbers for sale and whose NPA contains npa
// ("" for all), in numerical order.
func (c *Client) AllNPANXXs(ctx context.Context, npa string) ([]NPANXX, error) {
	return walk(ctx, c, 0, func(ctx context.Context, opt PageOptions) (*Page[NPANXX], error) {
		return c.ListNPANXXs(ctx, npa, opt)
	}, func(n NPANXX) string { return n.NPA + n.NXX }, nil)
}

// AllAvailable returns the purchasable numbers that match q, in numerical order: the first max
// of them, or all of them when max is 0.
func (c *Client) AllAvailable(ctx context.Context, q SearchQuery, max int) ([]AvailableNumber, error) {
	if max < 0 {
		return nil, fmt.Errorf("flowroute: max %d: want 0 (all) or more", max)
	}
	return walk(ctx, c, max, func(ctx context.Context, opt PageOptions) (*Page[AvailableNumber], error) {
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
