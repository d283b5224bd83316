package plan_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

func benchClient(b *testing.B, endpoint string, parallelism int) (*v1.Client, *measure.Counter) {
	hc, counter := measure.NewCountingClient(parallelism)
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v1.WithParallelism(parallelism), v1.WithRateLimit(0, 1), v1.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	return c, counter
}

// pages is the requests a walk of n items needs at size a page: ceil(n ÷ size), at least one.
func pages(n, size int) int { return max((n+size-1)/size, 1) }

// BenchmarkPlan100k plans an account of 100,000 numbers and 1,000 routes, served by "sandbox
// serve" in a process of its own that answers every request after 20 ms, with parallelism 8,
// no client-side rate limit and a spec equal to the account but for a few changes: plan
// --parallelism 8 --client-rate-limit 0. Besides the figures of measure.Bound it reports:
//
//	speedup               sequential paging (parallelism 1) ÷ wall time with parallelism 8
//	compute-cpu-ms        CPU time of plan.Compute alone (target < 1000)
//	client-cpu-ms         CPU time of the benchmark's process during one Make
//	client-cpu-us/number  the same, per number of the account (target ≤ 12, ratio ≤ 1.5)
//	peak-heap-MB          peak heap in use during Make (target < 300)
//
// The bound is what the job needs: the pages of the numbers and of the routes (sip-reg
// included), 200 a page, then, once the account is known, a look-up of each of the three
// numbers to buy.
func BenchmarkPlan100k(b *testing.B) {
	const (
		numbers     = 100_000
		routes      = 1_000
		latency     = 20 * time.Millisecond
		parallelism = 8
	)
	state := filepath.Join(measure.StateDir(b), "state.json")
	sb, err := sandbox.New(sandbox.Options{StatePath: state, Seed: 1, InventorySize: 100})
	if err != nil {
		b.Fatal(err)
	}
	desired := &spec.Spec{
		Version: 1,
		Routes:  make(map[string]spec.Route, routes+1),
		Numbers: make(map[string]spec.Number, numbers+3),
		Policy:  spec.Policy{Unmanaged: spec.UnmanagedWarn, MaxPurchases: spec.DefaultMaxPurchases},
	}
	for i := range routes {
		r := v1.Route{Name: fmt.Sprintf("pbx-%04d", i), Type: spec.RouteHost, Value: fmt.Sprintf("10.%d.%d.1:5060", i/256, i%256)}
		if err := sb.AddRoute(sandbox.Route(r)); err != nil {
			b.Fatal(err)
		}
		desired.Routes[r.Name] = spec.Route{Type: r.Type, Value: r.Value}
	}
	for i := range numbers {
		tn := fmt.Sprintf("1312%07d", 2_000_000+i)
		primary, failover := fmt.Sprintf("pbx-%04d", i%routes), fmt.Sprintf("pbx-%04d", (i+1)%routes)
		if err := sb.AddOwnedNumber(sandbox.Number{TN: tn, BillingMethod: spec.BillingMetered,
			Primary: primary, Failover: failover}); err != nil {
			b.Fatal(err)
		}
		desired.Numbers[tn] = spec.Number{BillingMethod: spec.BillingMetered, PrimaryRoute: primary, FailoverRoute: failover}
	}
	// A few changes: a new route, five numbers pointed at it, three numbers to buy.
	desired.Routes["pbx-new"] = spec.Route{Type: spec.RouteHost, Value: "10.200.0.1:5060"}
	for i := range 5 {
		n := desired.Numbers[fmt.Sprintf("1312%07d", 2_000_000+i*1000)]
		n.PrimaryRoute = "pbx-new"
		desired.Numbers[fmt.Sprintf("1312%07d", 2_000_000+i*1000)] = n
	}
	if err := sb.Flush(); err != nil {
		b.Fatal(err)
	}
	endpoint := measure.BuildSandbox(b).Start(b, state, "--latency", latency.String()).V1
	seq, _ := benchClient(b, endpoint, 1)
	avail, err := seq.AllAvailable(b.Context(), v1.SearchQuery{}, 3)
	if err != nil || len(avail) != 3 {
		b.Fatalf("reading the inventory: %v", err)
	}
	for _, a := range avail {
		desired.Numbers[a.TN] = spec.Number{BillingMethod: a.BillingMethods[0]}
	}

	c, counter := benchClient(b, endpoint, parallelism)
	bound := measure.Bound{Requests: pages(numbers, v1.MaxLimit) + pages(routes+1, v1.MaxLimit), After: len(avail),
		Parallelism: parallelism, Latency: latency}
	var (
		p       *plan.Plan
		current *spec.Spec
		wall    time.Duration
		cpu     time.Duration
		calls   int64
		peak    float64
		runs    int
	)
	runtime.GC()
	for b.Loop() {
		peakHeap := measure.StartPeak()
		before := counter.Count()
		start, cpu0 := time.Now(), measure.CPUTime()
		p, current, err = plan.Make(b.Context(), backend.NewV1(c), desired, plan.Options{})
		wall += time.Since(start)
		cpu += measure.CPUTime() - cpu0
		calls += counter.Count() - before
		peak = max(peak, peakHeap.Stop())
		runs++
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if s := p.Summary; s != (plan.Summary{RoutesToCreate: 1, NumbersToPurchase: 3, NumbersToUpdate: 5}) || p.HasErrors() {
		b.Fatalf("unexpected plan: %+v, diagnostics %+v", s, p.Diagnostics)
	}

	// Sequential paging, once, for the speed-up.
	start := time.Now()
	if _, _, err := plan.Make(b.Context(), backend.NewV1(seq), desired, plan.Options{}); err != nil {
		b.Fatal(err)
	}
	sequential := time.Since(start)

	// Compute alone, on the data already read.
	inv, err := plan.FetchInventory(b.Context(), backend.NewV1(c), desired, current)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	cpu0 := measure.CPUTime()
	plan.Compute(desired, current, inv, plan.Options{Capabilities: backend.V1Capabilities})
	computeCPU := measure.CPUTime() - cpu0

	perMake := wall / time.Duration(runs)
	bound.Report(b, perMake, float64(calls)/float64(runs))
	b.ReportMetric(float64(sequential)/float64(perMake), "speedup")
	b.ReportMetric(float64(computeCPU.Milliseconds()), "compute-cpu-ms")
	b.ReportMetric(float64((cpu / time.Duration(runs)).Milliseconds()), "client-cpu-ms")
	b.ReportMetric(float64(cpu/time.Duration(runs))/1e3/numbers, "client-cpu-us/number")
	b.ReportMetric(peak, "peak-heap-MB")
}
