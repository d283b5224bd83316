package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// item is an item of a list: its key and its data.
type item struct{ K, V string }

// walkPages walks pages, the list the server holds (page 1 first), as Walk reads it.
func walkPages(t *testing.T, pages ...[]item) ([]item, error) {
	t.Helper()
	e := setup(t)
	return engine.Walk(context.Background(), e.eng, engine.WalkSpec[item]{
		Fetch: func(_ context.Context, n int) (*engine.Page[item], error) {
			p := &engine.Page[item]{}
			if n <= len(pages) {
				p.Items = pages[n-1]
			}
			if n < len(pages) {
				p.Next = "next"
			}
			return p, nil
		},
		PageSize: 3,
		Key:      func(it item) string { return it.K },
		Endpoint: "GET /v2/items",
	})
}

// TestWalkMerges: whatever order the server lists keys in, the walk returns them sorted, each
// once; the same key on two pages with different data is an error that names the pages it is
// on, also when the key first came in order and a later key did not.
func TestWalkMerges(t *testing.T) {
	t.Parallel()
	a, b, c, d, e := item{"a", "1"}, item{"b", "2"}, item{"c", "3"}, item{"d", "4"}, item{"e", "5"}
	for _, tt := range []struct {
		name  string
		pages [][]item
		want  []item
		err   string
	}{
		{"in order", [][]item{{a, b, c}, {d, e}}, []item{a, b, c, d, e}, ""},
		{"an empty page ends the list", [][]item{{a}, {}, {b}}, []item{a}, ""},
		{"out of order in a page", [][]item{{b, a, c}}, []item{a, b, c}, ""},
		{"repeated across pages", [][]item{{a, b, c}, {c, d, e}}, []item{a, b, c, d, e}, ""},
		{"out of order across pages", [][]item{{b, d}, {a, c, d}, {e}}, []item{a, b, c, d, e}, ""},
		{"changed in order", [][]item{{a, b, c}, {{"c", "changed"}, d}}, nil, `"c" is on page 1 and on page 2 with different data`},
		{"changed out of order", [][]item{{a}, {c, d}, {b, {"c", "changed"}}}, nil, `"c" is on page 2 and on page 3 with different data`},
	} {
		got, err := walkPages(t, tt.pages...)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: Walk = %v, %v; want an error with %s", tt.name, got, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%s: Walk: %v", tt.name, err)
		case tt.err == "":
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("%s: Walk (-want +got):\n%s", tt.name, d)
			}
		}
	}
}

// TestWalkEndsAtTheFirstEmptyPageWhateverOrderPagesArrive: a page past an empty one is not
// part of the list, also when it arrives, and is held for merging, before the empty page does.
// Page 2 (empty) answers only once page 4's request is cancelled, which happens when the walk
// has taken page 3 (the last by its own links) as the end.
func TestWalkEndsAtTheFirstEmptyPageWhateverOrderPagesArrive(t *testing.T) {
	t.Parallel()
	e := setup(t)
	page4Cancelled := make(chan struct{})
	got, err := engine.Walk(context.Background(), e.eng, engine.WalkSpec[item]{
		Fetch: func(ctx context.Context, n int) (*engine.Page[item], error) {
			switch n {
			case 1:
				return &engine.Page[item]{Items: []item{{"a", "1"}}, Next: "next"}, nil
			case 2:
				<-page4Cancelled
				return &engine.Page[item]{Next: "next"}, nil
			case 3:
				return &engine.Page[item]{Items: []item{{"b", "2"}}}, nil
			case 4:
				<-ctx.Done()
				close(page4Cancelled)
				return nil, ctx.Err()
			}
			return &engine.Page[item]{}, nil
		},
		PageSize: 3,
		Key:      func(it item) string { return it.K },
		Endpoint: "GET /v2/items",
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	if d := cmp.Diff([]item{{"a", "1"}}, got); d != "" {
		t.Errorf("Walk (-want +got):\n%s", d)
	}
}

// TestWalkMatchesASequentialRead: whatever order pages arrive in, the walk returns what reading
// the pages one by one returns: every item up to the first empty page or the first page
// without a next link, sorted, each key once. Pages answer after random delays, so that the
// arrival orders vary from run to run; each seed's list is fixed.
func TestWalkMatchesASequentialRead(t *testing.T) {
	t.Parallel()
	e := setup(t, engine.WithParallelism(3))
	for seed := range int64(200) {
		rng := rand.New(rand.NewPCG(uint64(seed), 1))
		pages := make([][]item, 1+rng.IntN(10))
		for i := range pages {
			if rng.IntN(5) > 0 { // some pages come back empty
				for range 1 + rng.IntN(3) {
					k := rng.IntN(40)
					pages[i] = append(pages[i], item{fmt.Sprintf("k%02d", k), "v"})
				}
			}
		}
		noNext := rng.IntN(len(pages) + 1) // a page that links to no next one, or none
		var want []item
		seen := map[string]bool{}
		for i, p := range pages {
			if len(p) == 0 {
				break
			}
			for _, it := range p {
				if !seen[it.K] {
					seen[it.K] = true
					want = append(want, it)
				}
			}
			if i == noNext || i == len(pages)-1 {
				break
			}
		}
		slices.SortFunc(want, func(a, b item) int { return strings.Compare(a.K, b.K) })
		delays := make([]time.Duration, len(pages)+8)
		for i := range delays {
			delays[i] = time.Duration(rng.IntN(300)) * time.Microsecond
		}

		got, err := engine.Walk(context.Background(), e.eng, engine.WalkSpec[item]{
			Fetch: func(ctx context.Context, n int) (*engine.Page[item], error) {
				time.Sleep(delays[min(n-1, len(delays)-1)])
				p := &engine.Page[item]{}
				if n <= len(pages) {
					p.Items = pages[n-1]
				}
				if n < len(pages) && n-1 != noNext {
					p.Next = "next"
				}
				return p, nil
			},
			PageSize: 3,
			Key:      func(it item) string { return it.K },
			Endpoint: "GET /v2/items",
		})
		if err != nil {
			t.Fatalf("seed %d: pages %v: Walk: %v", seed, pages, err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("seed %d: pages %v (no next after page %d): Walk (-want +got):\n%s", seed, pages, noNext+1, d)
		}
	}
}
