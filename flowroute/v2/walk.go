package v2

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// walk returns every item of a list, sorted by key without repeats, or the first max of them
// when max > 0.
//
// v2 pages by limit and offset, so offsets are computable: walk reads the first page, takes
// the page size from its links.next (a server that allows fewer items than asked says so
// there), and hands the engine's page walker a fetch of page n at offset (n-1)·size, which
// keeps as many pages in flight as the client's parallelism and stops at the first page
// without links.next. Each page's links.next must ask for the offset after it; one that skips
// ahead is an error, since items would be lost.
//
// The walk stops where the server says the list ends: a links.last on the first page caps the
// pages read, and a page at or past the last one declared that still links to a next one is
// an error. Without links.last, the engine's bounds (WithWalkLimits) stop a list that never
// ends, its pages counted at the size asked for, so that a server of tiny pages is stopped as
// soon as one of full pages. path names the list in errors.
func walk[T any](ctx context.Context, c *Client, path string, max int, list func(context.Context, PageOptions) (*Page[T], error), key func(T) string, progress func(pages, items int)) ([]T, error) {
	if max < 0 {
		return nil, fmt.Errorf("flowroute v2: max %d: want 0 (all) or more", max)
	}
	limit := c.pageSize
	if max > 0 && max < limit {
		limit = max
	}
	first, err := list(ctx, PageOptions{Limit: limit})
	if err != nil {
		return nil, err
	}
	size := limit
	if first.HasNext() {
		switch o := first.NextOffset; {
		case o > 0 && o <= limit:
			size = o
		case o > limit:
			return nil, fmt.Errorf("%w: the first page of %d asks next for offset %d: items %d..%d would be skipped", ErrPagination, limit, o, limit, o-1)
		}
	}
	// lastPage is the page number of the list's last page as p declares it (links.last),
	// 0 when it declares none.
	lastPage := func(p *Page[T]) int {
		if p.Last == "" || p.LastOffset < 0 {
			return 0
		}
		return p.LastOffset/size + 1
	}
	fetch := func(ctx context.Context, n int) (*engine.Page[T], error) {
		if n == 1 {
			return &engine.Page[T]{Items: first.Items, Next: first.Next, Last: lastPage(first)}, nil
		}
		offset := (n - 1) * size
		p, err := list(ctx, PageOptions{Limit: size, Offset: offset})
		if err != nil {
			return nil, err
		}
		if p.HasNext() && p.NextOffset > offset+size {
			return nil, fmt.Errorf("%w: the page at offset %d asks next for offset %d, skipping items", ErrPagination, offset, p.NextOffset)
		}
		return &engine.Page[T]{Items: p.Items, Next: p.Next, Last: lastPage(p)}, nil
	}
	report := progress
	if progress != nil {
		// The engine may merge empty pages from past the end that arrived before the last
		// page; they add nothing, so only pages that add items are reported.
		seen := -1
		report = func(pages, items int) {
			if items > seen {
				seen = items
				progress(pages, items)
			}
		}
	}
	return engine.Walk(ctx, c.eng, engine.WalkSpec[T]{Fetch: fetch, PageSize: size, AskedSize: limit, Key: key, Max: max,
		Progress: report, Endpoint: "GET " + c.eng.RequestPath(path)})
}

// idKey sorts integer-looking ids numerically: "0" < "83834" < "100000".
func idKey(id string) string {
	if len(id) < 20 {
		return strings.Repeat("0", 20-len(id)) + id
	}
	return id
}

// AllAvailable returns the numbers for sale that match q, by number: the first max of them,
// or all when max is 0.
func (c *Client) AllAvailable(ctx context.Context, q AvailableQuery, max int) ([]AvailableNumber, error) {
	return walk(ctx, c, "numbers/available", max, func(ctx context.Context, o PageOptions) (*Page[AvailableNumber], error) {
		return c.SearchAvailable(ctx, q, o)
	}, func(n AvailableNumber) string { return n.TN }, nil)
}

// AllAreaCodes returns every area code with numbers for sale (see AreaCodes).
func (c *Client) AllAreaCodes(ctx context.Context, maxSetupCost string) ([]string, error) {
	return walk(ctx, c, "numbers/available/areacodes", 0, func(ctx context.Context, o PageOptions) (*Page[string], error) {
		return c.AreaCodes(ctx, maxSetupCost, o)
	}, func(s string) string { return s }, nil)
}

// AllExchanges returns every exchange with numbers for sale that matches q.
func (c *Client) AllExchanges(ctx context.Context, q ExchangeQuery) ([]string, error) {
	return walk(ctx, c, "numbers/available/exchanges", 0, func(ctx context.Context, o PageOptions) (*Page[string], error) {
		return c.Exchanges(ctx, q, o)
	}, func(s string) string { return s }, nil)
}

// AllNumbers returns every number of the account that matches q, by number, calling progress
// (when not nil, from one goroutine at a time) after each page with the pages and numbers
// read so far. The numbers carry no relationships (see ListNumbers).
func (c *Client) AllNumbers(ctx context.Context, q NumberQuery, progress func(pages, numbers int)) ([]Number, error) {
	return walk(ctx, c, "numbers", 0, func(ctx context.Context, o PageOptions) (*Page[Number], error) {
		return c.ListNumbers(ctx, q, o)
	}, func(n Number) string { return n.TN }, progress)
}

// AllRoutes returns every route of the account, by id, route "0" first.
func (c *Client) AllRoutes(ctx context.Context) ([]Route, error) {
	return walk(ctx, c, "routes", 0, func(ctx context.Context, o PageOptions) (*Page[Route], error) {
		return c.ListRoutes(ctx, "", o)
	}, func(r Route) string { return idKey(r.ID) }, nil)
}

// AllCNAMs returns every CNAM record that matches q, by id.
func (c *Client) AllCNAMs(ctx context.Context, q CNAMQuery) ([]CNAM, error) {
	return walk(ctx, c, "cnams", 0, func(ctx context.Context, o PageOptions) (*Page[CNAM], error) {
		return c.ListCNAMs(ctx, q, o)
	}, func(r CNAM) string { return idKey(r.ID) }, nil)
}

// AllE911s returns every E911 address that matches q, by id (the server lists the newest
// first; the result has the oldest first).
func (c *Client) AllE911s(ctx context.Context, q E911Query) ([]E911Address, error) {
	return walk(ctx, c, "e911s", 0, func(ctx context.Context, o PageOptions) (*Page[E911Address], error) {
		return c.ListE911s(ctx, q, o)
	}, func(a E911Address) string { return idKey(a.ID) }, nil)
}

// AllE911Numbers returns every number associated with address id, by number.
func (c *Client) AllE911Numbers(ctx context.Context, id string) ([]E911Number, error) {
	return walk(ctx, c, "e911s/"+id+"/relationships/numbers", 0, func(ctx context.Context, o PageOptions) (*Page[E911Number], error) {
		return c.E911Numbers(ctx, id, o)
	}, func(n E911Number) string { return n.TN }, nil)
}
