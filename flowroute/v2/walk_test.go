package v2

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// TestWalkConcurrent: a walk keeps several pages in flight (offsets are computable), and the
// result is the same as a sequential walk's.
func TestWalkConcurrent(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int32
	for _, par := range []int{1, 4} {
		e := setup(t, WithParallelism(par))
		e.fake.addNumbers(12065550000, 100)
		var meet sync.WaitGroup // pages 2 and 3 each wait until the other is in flight too
		meet.Add(2)
		fh := e.fake.handler()
		inFlight.Store(0)
		peak.Store(0)
		e.override("GET /v2/numbers", func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			if o := r.URL.Query().Get("offset"); (o == "3" || o == "6") && par > 1 {
				meet.Done()
				meet.Wait()
			}
			fh.ServeHTTP(w, r)
		})
		ns, err := e.client.AllNumbers(ctx, NumberQuery{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 100 || ns[0].TN != "12065550000" || ns[99].TN != "12065550099" {
			t.Errorf("parallelism %d: %d numbers", par, len(ns))
		}
		if par == 1 && peak.Load() != 1 {
			t.Errorf("parallelism 1: %d requests at once", peak.Load())
		}
		if par > 1 && peak.Load() < 2 {
			t.Errorf("parallelism %d: at most %d request at once", par, peak.Load())
		}
	}
}

// TestWalkServerPageSize: a server that gives fewer items than asked says where the next
// page starts; the walk takes its page size from there instead of skipping items.
func TestWalkServerPageSize(t *testing.T) {
	t.Parallel()
	e := setup(t, WithPageSize(200))
	e.fake.addNumbers(12065550000, 25)
	fh := e.fake.handler()
	e.override("GET /v2/numbers", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if l, _ := strconv.Atoi(q.Get("limit")); l > 10 {
			q.Set("limit", "10") // the server's own maximum, applied silently
		}
		r.URL.RawQuery = q.Encode()
		fh.ServeHTTP(w, r)
	})
	ns, err := e.client.AllNumbers(ctx, NumberQuery{}, nil)
	if err != nil || len(ns) != 25 {
		t.Fatalf("%d numbers, %v", len(ns), err)
	}
	if got := lines(e.requests()); !contains(got, "GET /v2/numbers?limit=10&offset=20") {
		t.Errorf("requests %v", got)
	}
}

// TestWalkSkippingNext: a next link that skips items is an error, not a short list.
func TestWalkSkippingNext(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.override("GET /v2/routes", func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		next := off + 6
		if off == 0 {
			next = 3
		}
		fmt.Fprintf(w, `{"data":[{"id":"%d","type":"route"},{"id":"%d","type":"route"},{"id":"%d","type":"route"}],"links":{"next":"https://api.flowroute.com/v2/routes?limit=3&offset=%d"}}`, off, off+1, off+2, next)
	})
	if _, err := e.client.AllRoutes(ctx); !errors.Is(err, ErrPagination) || !strings.Contains(err.Error(), "skipping items") {
		t.Errorf("err = %v", err)
	}
	e = setup(t)
	e.override("GET /v2/routes", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[{"id":"1"}],"links":{"next":"/routes?limit=3&offset=30"}}`))
	})
	if _, err := e.client.AllRoutes(ctx); !errors.Is(err, ErrPagination) {
		t.Errorf("first page skipping: %v", err)
	}
}

// TestWalkBounds: the walk limits turn an endless or huge list into an error.
func TestWalkBounds(t *testing.T) {
	t.Parallel()
	endless := func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		fmt.Fprintf(w, `{"data":[{"id":"%d"},{"id":"%d"},{"id":"%d"}],"links":{"next":"x?offset=%d"}}`, off, off+1, off+2, off+3)
	}
	e := setup(t, WithWalkLimits(5, 0))
	e.override("GET /v2/cnams", endless)
	if _, err := e.client.AllCNAMs(ctx, CNAMQuery{}); !errors.Is(err, ErrListTooLong) || !strings.Contains(err.Error(), "GET /v2/cnams: 5 pages") {
		t.Errorf("pages: %v", err)
	}
	e = setup(t, WithWalkLimits(0, 7))
	e.override("GET /v2/cnams", endless)
	if _, err := e.client.AllCNAMs(ctx, CNAMQuery{}); !errors.Is(err, ErrListTooLong) || !strings.Contains(err.Error(), "more than 7 items") {
		t.Errorf("items: %v", err)
	}
	// pages that repeat themselves: the engine's walker notices
	e = setup(t)
	e.override("GET /v2/cnams", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[{"id":"1"},{"id":"2"},{"id":"3"}],"links":{"next":"x?offset=3"}}`))
	})
	e.override("GET /v2/e911s", func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		fmt.Fprintf(w, `{"data":[{"id":"1"},{"id":"2"},{"id":"3"}],"links":{"next":"x?offset=%d"}}`, off+3)
	})
	if _, err := e.client.AllE911s(ctx, E911Query{}); !errors.Is(err, engine.ErrNoProgress) {
		t.Errorf("repeating pages: %v", err)
	}
}

// TestWalkErrors: a page that fails fails the walk, after the engine's retries.
func TestWalkErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550000, 10)
	fh := e.fake.handler()
	e.override("GET /v2/numbers", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "6" {
			apiErr(w, 422, "", "offset is wrong")
			return
		}
		fh.ServeHTTP(w, r)
	})
	if _, err := e.client.AllNumbers(ctx, NumberQuery{}, nil); status(err) != 422 || !strings.Contains(err.Error(), "offset is wrong") {
		t.Errorf("err = %v", err)
	}
}
