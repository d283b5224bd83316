package v1_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
)

// planAccount writes the state file of the account BenchmarkPlan100k plans, 1,000 routes and
// numbers numbers each pointing at two of them, for a sandbox in its own process.
func planAccount(b *testing.B, numbers int) string {
	b.Helper()
	state := filepath.Join(measure.StateDir(b), "state.json")
	sb, err := sandbox.New(sandbox.Options{StatePath: state, Seed: 1, InventorySize: 10})
	if err != nil {
		b.Fatal(err)
	}
	const routes = 1000
	for i := range routes {
		r := v1.Route{Name: fmt.Sprintf("pbx-%04d", i), Type: "HOST", Value: fmt.Sprintf("10.%d.%d.1:5060", i/256, i%256)}
		if err := sb.AddRoute(sandbox.Route(r)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range numbers {
		n := sandbox.Number{TN: fmt.Sprintf("1312%07d", 2_000_000+i), BillingMethod: "METERED",
			Primary: fmt.Sprintf("pbx-%04d", i%routes), Failover: fmt.Sprintf("pbx-%04d", (i+1)%routes)}
		if err := sb.AddOwnedNumber(n); err != nil {
			b.Fatal(err)
		}
	}
	if err := sb.Flush(); err != nil {
		b.Fatal(err)
	}
	return state
}

// BenchmarkListNumbers100k walks the 100,000 numbers of a plan-sized account (500 pages of
// 200, each number with two routes) served by "sandbox serve" in a process of its own, which
// answers every request after 20 ms, with parallelism 8 and no client-side rate limit: what
// plan --parallelism 8 --client-rate-limit 0 spends reading the numbers. Besides the figures of
// measure.Bound (the bound: 500 pages, 8 at a time) it reports the client's CPU time per
// number (client-cpu-us/number), the heap the result holds per number once the walk is over
// (held-B/number) and the peak heap in use during the walk (peak-heap-MB).
func BenchmarkListNumbers100k(b *testing.B) {
	const (
		numbers     = 100_000
		parallelism = 8
		latency     = 20 * time.Millisecond
	)
	state := planAccount(b, numbers)
	sb := measure.BuildSandbox(b).Start(b, state, "--latency", latency.String())
	hc, counter := measure.NewCountingClient(parallelism)
	c, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v1.WithParallelism(parallelism), v1.WithRateLimit(0, 1), v1.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	bound := measure.Bound{Requests: (numbers + v1.MaxLimit - 1) / v1.MaxLimit, Parallelism: parallelism, Latency: latency}
	var (
		wall, cpu time.Duration
		held      float64
		peak      float64
		sent      int64
		runs      int
	)
	for b.Loop() {
		before := measure.LiveHeap()
		sent0 := counter.Count()
		peakHeap := measure.StartPeak()
		cpu0 := measure.CPUTime()
		start := time.Now()
		got, err := c.AllNumbers(b.Context(), "")
		wall += time.Since(start)
		cpu += measure.CPUTime() - cpu0
		peak = max(peak, peakHeap.Stop())
		sent += counter.Count() - sent0
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != numbers || got[0].TN != "13122000000" || got[numbers-1].FailoverRoute() != "pbx-0000" {
			b.Fatalf("%d numbers, from %+v", len(got), got[0])
		}
		held += (float64(measure.LiveHeap()) - float64(before)) / numbers
		runtime.KeepAlive(got)
		runs++
	}
	n := time.Duration(runs)
	bound.Report(b, wall/n, float64(sent)/float64(runs))
	b.ReportMetric(float64(cpu/n)/1e3/numbers, "client-cpu-us/number")
	b.ReportMetric(held/float64(runs), "held-B/number")
	b.ReportMetric(peak, "peak-heap-MB")
}
