package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
)

// ErrNoProgress stops a walk over a server that keeps announcing pages without new items.
var ErrNoProgress = errors.New("flowroute: pagination is not advancing: pages repeat items already seen")

// ErrListTooLong stops a walk beyond its bounds (WithWalkLimits): a server that keeps
// producing pages or items.
var ErrListTooLong = errors.New("the list is longer than the client reads")

// Page is one page of a list call. Items keep the server's order.
type Page[T any] struct {
	Items []T
	Next  string // the next page's link as sent by the server; empty on the last page
	Prev  string // the previous page's link; empty on page 1
	// Last is the number of the list's last page when the server declares it (v2's
	// links.last), else 0. A walk reads no page past the first one declared, and fails when
	// that page announces a next one.
	Last int
}

// HasNext reports whether the server announced another page.
func (p *Page[T]) HasNext() bool { return p.Next != "" }

// WalkSpec describes the list a Walk reads.
type WalkSpec[T any] struct {
	// Fetch reads page n (from 1) with PageSize items a page.
	Fetch func(ctx context.Context, n int) (*Page[T], error)
	// PageSize is the number of items of a full page.
	PageSize int
	// AskedSize, when > 0, is the page size the client asked for, when the server may send
	// pages shorter than it (PageSize then): the walk's bound on pages, from its bound on
	// items, counts pages of AskedSize, so that a server of tiny pages is stopped as soon as
	// one of full pages.
	AskedSize int
	// Key names an item; the result is sorted by it, without duplicates.
	Key func(T) string
	// Equal reports whether two items with the same key are the same; nil means
	// reflect.DeepEqual. The same key on two pages with different data fails the walk.
	Equal func(a, b T) bool
	// Endpoint names the list in errors: "GET /v1/tns/".
	Endpoint string
	// Max, when > 0, stops the walk once Max items are read, and keeps the first Max.
	Max int
	// Progress, when not nil, is called after each page is merged with the pages read so far
	// and the items seen; from one goroutine at a time.
	Progress func(pages, items int)
}

// Walk returns every item of a list, sorted by key with duplicates removed, or the first Max
// of them.
//
// Pages are numbered without saying how many there are, so Walk fetches page 1, then keeps
// Parallelism() further pages in flight, each finished request starting the next, until a page
// comes back empty or without a next link. Pages are merged in page order whatever order they
// arrive in, and a key already seen is dropped, so items that shift between pages while the
// account changes under the walk cannot make the result depend on timing. The engine's cap on
// requests in flight applies to every page.
//
// A walk is bounded by what the server declared and by the client's bounds: no page is read
// past the last one the first page declares (Page.Last), and a declared last page that links
// to a next one fails the walk; beyond the engine's bounds on items and pages
// (WithWalkLimits) the walk fails too, with an error that names the endpoint, the next link
// the server sent and how to raise the bounds (WithWalkLimitHint). Each error matches
// ErrListTooLong.
func Walk[T any](ctx context.Context, e *Engine, s WalkSpec[T]) ([]T, error) {
	first, err := s.Fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	asked := s.AskedSize
	if asked < 1 {
		asked = max(s.PageSize, 1)
	}
	maxPages := e.maxPages
	if e.maxItems <= math.MaxInt-asked {
		maxPages = min(maxPages, (e.maxItems+asked-1)/asked+1) // ceil(items ÷ size) + 1
	}
	m := merger[T]{spec: &s, maxPages: maxPages, maxItems: e.maxItems, hint: e.limitHint}
	if s.Equal == nil {
		s.Equal = func(a, b T) bool { return reflect.DeepEqual(a, b) }
	}
	if err := m.add(first); err != nil {
		return nil, err
	}
	if len(first.Items) > 0 && first.HasNext() {
		if err := m.fetchRest(ctx, e.par, s.PageSize, s.Max, s.Fetch); err != nil {
			return nil, err
		}
	}
	items := m.items
	if m.seen != nil { // else the pages came in key order, and so are the items
		slices.SortFunc(items, func(a, b T) int { return cmp.Compare(s.Key(a), s.Key(b)) })
	}
	if s.Max > 0 && len(items) > s.Max {
		items = items[:s.Max]
	}
	return items, nil
}

// merger collects the pages of one walk in page order.
//
// Servers list in key order, so the items usually come in it, each key greater than the one
// before: such an item is new without a look-up, and the items need no sort at the end. Only
// once a key comes out of order does the merger index the items by key (seen) and look each
// later one up. A walk of 100,000 numbers then does no map operation and no sort at all.
type merger[T any] struct {
	spec     *WalkSpec[T]
	seen     map[string]seenAt // nil while the items are in key order
	last     string            // while seen is nil, the key of the last item
	items    []T
	starts   []int // the index in items of the first item of each page, from page 1
	pages    int
	stale    int // pages in a row, in page order, that added nothing new
	lastPage int // the last page the server declared (Page.Last), 0 while none

	maxPages, maxItems int
	hint               string // how to raise the bounds, for their error
}

// seenAt is where a key was first seen: its index in items and its page.
type seenAt struct{ index, page int }

// add merges one page, the next in page order. A key already seen with the same data is
// dropped; with other data it is an error.
func (m *merger[T]) add(p *Page[T]) error {
	m.pages++
	m.starts = append(m.starts, len(m.items))
	if need := len(m.items) + len(p.Items); need > cap(m.items) {
		// Double: append grows a long slice by a quarter at a time, and a walk of 100,000
		// items then allocated five times their size.
		m.items = slices.Grow(m.items, max(len(p.Items), len(m.items)))
	}
	added := 0
	for _, it := range p.Items {
		k := m.spec.Key(it)
		if m.seen == nil {
			if len(m.items) == 0 || k > m.last {
				m.items = append(m.items, it)
				m.last = k
				added++
				continue
			}
			m.index()
		}
		if at, ok := m.seen[k]; ok {
			if !m.spec.Equal(m.items[at.index], it) {
				return fmt.Errorf("flowroute: %s: %s is on page %d and on page %d with different data: the account changed during the read, or the server is inconsistent; read it again",
					m.spec.Endpoint, Quote(k), at.page, m.pages)
			}
			continue
		}
		m.seen[k] = seenAt{len(m.items), m.pages}
		m.items = append(m.items, it)
		added++
	}
	if added == 0 && len(p.Items) > 0 {
		m.stale++
	} else {
		m.stale = 0
	}
	if m.spec.Progress != nil {
		m.spec.Progress(m.pages, len(m.items))
	}
	if m.lastPage == 0 && p.Last > 0 {
		m.lastPage = p.Last
	}
	more := len(p.Items) > 0 && p.HasNext()
	switch {
	case m.lastPage > 0 && m.pages >= m.lastPage && more:
		return fmt.Errorf("flowroute: %s: the server declared %d pages (its last link), and page %d links to a next one, %s: %w; the list changed during the read, or the server is inconsistent: read it again",
			m.spec.Endpoint, m.lastPage, m.pages, Quote(p.Next), ErrListTooLong)
	case len(m.items) > m.maxItems:
		return fmt.Errorf("flowroute: %s: more than %d items in %d pages, and the server announces more (next %s): %w%s",
			m.spec.Endpoint, m.maxItems, m.pages, Quote(p.Next), ErrListTooLong, m.raise())
	case m.pages >= m.maxPages && more:
		return fmt.Errorf("flowroute: %s: %d pages (%d items) read, the most the client reads, and the server announces more (next %s): %w%s",
			m.spec.Endpoint, m.pages, len(m.items), Quote(p.Next), ErrListTooLong, m.raise())
	}
	return nil
}

// index builds seen from the items merged so far, which are in key order, when a key comes
// out of order.
func (m *merger[T]) index() {
	m.seen = make(map[string]seenAt, len(m.items))
	page := 0
	for i, it := range m.items {
		for page < len(m.starts) && m.starts[page] <= i {
			page++
		}
		m.seen[m.spec.Key(it)] = seenAt{i, page}
	}
}

// raise ends the error of a walk stopped by its bounds with the hint that says how to raise
// them.
func (m *merger[T]) raise() string {
	if m.hint == "" {
		return "; stopping"
	}
	return "; stopping: " + m.hint
}

// fetchRest fetches pages 2, 3, … until the last page is known, then merges every page up to
// it in order. It keeps twice parallelism pages under way: the engine's cap lets parallelism
// of them be on the wire while the others decode or wait for a slot, so decoding a page never
// delays the next request. Pages found to lie past the last one are cancelled; up to
// 2 × parallelism - 1 of them may already have been sent. A server that keeps announcing
// pages that repeat items already seen, more than parallelism of them in a row, is an error
// rather than an endless walk.
func (m *merger[T]) fetchRest(ctx context.Context, parallelism, limit, max int, fetch func(context.Context, int) (*Page[T], error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		n   int
		p   *Page[T]
		err error
	}
	results := make(chan result)
	next, last, merged := 2, math.MaxInt, 1
	if m.lastPage > 0 {
		last = m.lastPage // no page past the last one the first page declared
	}
	underway := make(map[int]context.CancelFunc) // page → cancels its request
	arrived := make(map[int]*Page[T])
	var firstErr error
	wanted := func() bool {
		return firstErr == nil && next <= last && next <= m.maxPages && (max <= 0 || (next-1)*limit < max)
	}
	for {
		for len(underway) < 2*parallelism && wanted() {
			n := next
			next++
			pctx, pcancel := context.WithCancel(ctx)
			underway[n] = pcancel
			go func() {
				p, err := fetch(pctx, n)
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
		// Merge the pages that are next in order, never past the end: a page that arrived
		// before an earlier one ended the list waits in arrived and is never merged.
		for p, ok := arrived[merged+1]; ok && merged < last && firstErr == nil; p, ok = arrived[merged+1] {
			delete(arrived, merged+1)
			merged++
			if err := m.add(p); err != nil {
				firstErr = err
				cancel()
			} else if m.stale > parallelism {
				firstErr = fmt.Errorf("%w (page %d)", ErrNoProgress, merged)
				cancel()
			}
		}
	}
}
