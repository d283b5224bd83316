package measure

import (
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// Bound is the least wall time a job that waits on the network can take: the fewest requests
// the job needs, sent Parallelism at a time, each answered after Latency, then the requests
// that must wait for those answers.
//
// The requests are derived from the job (pages = ceil(items ÷ page size), one write per
// change, ...), never counted from what the tool sent: a request the tool chooses to make (a
// read-back, a page past the end) is the tool's cost, and the ratio to the bound shows it.
type Bound struct {
	// Requests are those that need no other's answer.
	Requests int
	// After are those that need the answers of Requests, such as the inventory looked up
	// for the numbers an account read found missing; 0 when everything can overlap.
	After       int
	Parallelism int
	Latency     time.Duration
}

// Duration is the bound: (ceil(Requests ÷ Parallelism) + ceil(After ÷ Parallelism)) × Latency.
func (b Bound) Duration() time.Duration {
	par := max(b.Parallelism, 1)
	rounds := (b.Requests+par-1)/par + (b.After+par-1)/par
	return time.Duration(rounds) * b.Latency
}

// Report reports, for a benchmark that took wall per run and sent sent requests per run, the
// figures every latency benchmark shows, under the same units so that a summary can compare
// them: wall-s, bound-s, ratio (wall ÷ bound), needed-req (Requests + After) and sent-req.
func (b Bound) Report(tb *testing.B, wall time.Duration, sent float64) {
	tb.ReportMetric(wall.Seconds(), "wall-s")
	tb.ReportMetric(b.Duration().Seconds(), "bound-s")
	tb.ReportMetric(float64(wall)/float64(b.Duration()), "ratio")
	tb.ReportMetric(float64(b.Requests+b.After), "needed-req")
	tb.ReportMetric(sent, "sent-req")
}

// Counter is an http.RoundTripper that counts the requests it passes on to Next (or
// http.DefaultTransport when Next is nil).
type Counter struct {
	Next  http.RoundTripper
	count atomic.Int64
}

// RoundTrip counts the request and sends it.
func (c *Counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.count.Add(1)
	next := c.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// Count is the requests sent so far.
func (c *Counter) Count() int64 { return c.count.Load() }

// NewCountingClient returns an http.Client whose transport keeps a connection for each of
// parallelism requests in flight and counts the requests it sends.
func NewCountingClient(parallelism int) (*http.Client, *Counter) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = parallelism
	c := &Counter{Next: tr}
	return &http.Client{Transport: c, Timeout: time.Minute}, c
}

// LiveHeap collects garbage and returns the bytes of heap the program still reaches: taken
// before and after building a value that is kept alive, the difference is what the value
// holds.
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC() // finish the sweep of the first cycle, so that the figure is settled
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
