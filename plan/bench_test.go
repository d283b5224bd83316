package plan_test

import (
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// countingTransport counts the requests a client sends.
type countingTransport struct {
	next  http.RoundTripper
	calls atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return t.next.RoundTrip(r)
}

func benchClient(b *testing.B, endpoint string, parallelism int) (*v1.Client, *countingTransport) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = parallelism
	ct := &countingTransport{next: tr}
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v1.WithParallelism(parallelism), v1.WithRateLimit(0, 1),
		v1.WithHTTPClient(&http.Client{Transport: ct, Timeout: time.Minute}))
	if err != nil {
		b.Fatal(err)
	}
	return c, ct
}

// BenchmarkPlan100k plans an account of 100,000 numbers and 1,000 routes behind 20 ms of
// latency per request, with a spec equal to the account but for a few changes. It reports:
//
//	make-ms         wall time of plan.Make with parallelism 8
//	bound-ms        the lower bound: requests ÷ parallelism × latency
//	ratio           make-ms ÷ bound-ms (target ≤ 1.3)
//	speedup         sequential paging (parallelism 1) ÷ make-ms (target ≥ 5)
//	compute-cpu-ms  CPU time of plan.Compute alone (target < 1000)
//	peak-heap-MB    peak heap in use during Make, the in-process sandbox included (target < 300)
func BenchmarkPlan100k(b *testing.B) {
	const (
		numbers     = 100_000
		routes      = 1_000
		latency     = 20 * time.Millisecond
		parallelism = 8
	)
	sb, endpoint := sandboxtest.NewServer(b, sandbox.Options{Seed: 1, InventorySize: 100})
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
	seq, _ := benchClient(b, endpoint, 1)
	avail, err := seq.AllAvailable(b.Context(), v1.SearchQuery{}, 3)
	if err != nil || len(avail) != 3 {
		b.Fatalf("reading the inventory: %v", err)
	}
	for _, a := range avail {
		desired.Numbers[a.TN] = spec.Number{BillingMethod: a.BillingMethods[0]}
	}
	sb.SetFaults(sandbox.Faults{Latency: latency})

	c, counter := benchClient(b, endpoint, parallelism)
	var (
		p       *plan.Plan
		current *spec.Spec
		wall    time.Duration
		calls   int64
		peak    float64
		runs    int
	)
	runtime.GC()
	for b.Loop() {
		peakHeap := measure.StartPeak()
		before := counter.calls.Load()
		start := time.Now()
		p, current, err = plan.Make(b.Context(), v1.Backend(c), desired, plan.Options{})
		wall += time.Since(start)
		calls += counter.calls.Load() - before
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
	if _, _, err := plan.Make(b.Context(), v1.Backend(seq), desired, plan.Options{}); err != nil {
		b.Fatal(err)
	}
	sequential := time.Since(start)

	// Compute alone, on the data already read.
	inv, err := plan.FetchInventory(b.Context(), v1.Backend(c), desired, current)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	cpu0 := measure.CPUTime()
	plan.Compute(desired, current, inv, plan.Options{Capabilities: v1.V1Capabilities})
	computeCPU := measure.CPUTime() - cpu0

	perMake := wall / time.Duration(runs)
	bound := time.Duration(calls/int64(runs)) * latency / parallelism
	b.ReportMetric(float64(perMake.Milliseconds()), "make-ms")
	b.ReportMetric(float64(bound.Milliseconds()), "bound-ms")
	b.ReportMetric(float64(perMake)/float64(bound), "ratio")
	b.ReportMetric(float64(sequential)/float64(perMake), "speedup")
	b.ReportMetric(float64(calls/int64(runs)), "requests")
	b.ReportMetric(float64(computeCPU.Milliseconds()), "compute-cpu-ms")
	b.ReportMetric(peak, "peak-heap-MB")
}
