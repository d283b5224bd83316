package v2_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
)

// hostile serves GET /v2/numbers with page, which writes the body of the page at offset with
// limit, and records the offsets asked for.
type hostile struct {
	page func(offset, limit int) string

	mu      sync.Mutex
	offsets []int
}

func (h *hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v2/numbers" {
		http.NotFound(w, r)
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	h.mu.Lock()
	h.offsets = append(h.offsets, offset)
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.api+json")
	fmt.Fprint(w, h.page(offset, limit))
}

// numbersPage is a page of n numbers from offset, with the links given (JSON members).
func numbersPage(offset, n int, links string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		tn := strconv.Itoa(12060000000 + offset + i)
		fmt.Fprintf(&b, `{"type":"number","id":"%s","attributes":{"value":"%s"}}`, tn, tn)
	}
	return `{"data":[` + b.String() + `],"links":{` + links + `}}`
}

func hostileClient(t *testing.T, h *hostile, opts ...v2.Option) *v2.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := v2.New(srv.URL+"/v2", "access", "secret-key", append([]v2.Option{v2.WithRateLimit(0, 1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWalkReadsNoPagePastDeclaredLast: a server that declares its last page (links.last) is
// read up to it and no further: exactly the five pages it has, none past the end.
func TestWalkReadsNoPagePastDeclaredLast(t *testing.T) {
	t.Parallel()
	h := &hostile{page: func(offset, limit int) string {
		links := `"last":"/v2/numbers?limit=200&offset=800"`
		if offset+limit < 1000 {
			links += fmt.Sprintf(`,"next":"/v2/numbers?limit=200&offset=%d"`, offset+limit)
		}
		return numbersPage(offset, min(limit, 1000-offset), links)
	}}
	ns, err := hostileClient(t, h).AllNumbers(context.Background(), v2.NumberQuery{}, nil)
	if err != nil || len(ns) != 1000 {
		t.Fatalf("AllNumbers = %d numbers, %v; want 1000", len(ns), err)
	}
	if len(h.offsets) != 5 {
		t.Errorf("asked for offsets %v, want the five pages and none past the last", h.offsets)
	}
}

// TestWalkStopsPastDeclaredLast: a server that declares its last page and keeps announcing
// pages past it is stopped there, with an error naming the endpoint and what it declared; no
// page past the declared last one is asked for.
func TestWalkStopsPastDeclaredLast(t *testing.T) {
	t.Parallel()
	h := &hostile{page: func(offset, limit int) string {
		return numbersPage(offset, limit, fmt.Sprintf(`"last":"/v2/numbers?limit=200&offset=400","next":"/v2/numbers?limit=200&offset=%d"`, offset+limit))
	}}
	_, err := hostileClient(t, h).AllNumbers(context.Background(), v2.NumberQuery{}, nil)
	if !errors.Is(err, v2.ErrListTooLong) {
		t.Fatalf("error = %v, want ErrListTooLong", err)
	}
	for _, want := range []string{"GET /v2/numbers", "declared 3 pages", "page 3 links to a next one", "offset=600"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
	}
	for _, o := range h.offsets {
		if o > 400 {
			t.Errorf("asked for offset %d, past the last page declared at 400 (offsets %v)", o, h.offsets)
		}
	}
}

// TestWalkTinyPagesBounded: a server that answers pages of one number, each linking to the
// next, without end, is stopped after the pages that the default bound of 250,000 numbers
// needs at the 200 a page asked for (1,251), not after 250,000 pages: about a minute at the
// default rate.
func TestWalkTinyPagesBounded(t *testing.T) {
	t.Parallel()
	h := &hostile{page: func(offset, limit int) string {
		return numbersPage(offset, 1, fmt.Sprintf(`"next":"/v2/numbers?limit=1&offset=%d"`, offset+1))
	}}
	_, err := hostileClient(t, h, v2.WithWalkLimitHint("raise --max-account-numbers")).AllNumbers(context.Background(), v2.NumberQuery{}, nil)
	if !errors.Is(err, v2.ErrListTooLong) || !strings.Contains(err.Error(), "GET /v2/numbers: 1251 pages") || !strings.Contains(err.Error(), "raise --max-account-numbers") {
		t.Fatalf("error = %v, want the walk stopped at 1251 pages, saying how to raise the bound", err)
	}
	if n := len(h.offsets); n > 1251+2*v2.DefaultParallelism {
		t.Errorf("%d requests before stopping, want at most %d", n, 1251+2*v2.DefaultParallelism)
	}
}
