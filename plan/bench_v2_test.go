package plan_test

import (
	"fmt"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// perNumber is a v2 backend that reads details one number at a time, as against a server
// without the v2.1 bulk details.
type perNumber struct{ *v2.Backend }

func (b perNumber) Capabilities() account.Capabilities {
	c := b.Backend.Capabilities()
	c.BulkDetails = false
	return c
}

func benchV2(b *testing.B, endpoint string, parallelism int) (*v2.Backend, *countingTransport) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = parallelism
	ct := &countingTransport{next: tr}
	c, err := v2.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v2.WithParallelism(parallelism), v2.WithRateLimit(0, 1),
		v2.WithHTTPClient(&http.Client{Transport: ct, Timeout: time.Minute}))
	if err != nil {
		b.Fatal(err)
	}
	return v2.NewBackend(c), ct
}

// BenchmarkPlanV2 plans a v2 account of 100,000 numbers, 10,000 of them managed (their routes
// in the spec, the others unmanaged), and 1,000 routes, behind 20 ms of latency per request,
// with parallelism 8 and the client's rate limit off. The list of numbers has no routes, so
// plan reads the details of the managed numbers only. It reports:
//
//	make-ms          wall time of plan.Make with bulk details
//	bound-ms         the lower bound: requests ÷ parallelism × latency
//	ratio            make-ms ÷ bound-ms (target ≤ 1.3)
//	requests         requests of one plan.Make with bulk details
//	per-number-ms    wall time of plan.Make reading details number by number
//	per-number-ratio per-number-ms ÷ its own lower bound
//	bulk-speedup     per-number-ms ÷ make-ms
//	no-latency-ms    plan.Make with no latency: the CPU floor of the sandbox and the client
func BenchmarkPlanV2(b *testing.B) {
	const (
		numbers     = 100_000
		managed     = 10_000
		routes      = 1_000
		latency     = 20 * time.Millisecond
		parallelism = 8
	)
	sb := sandboxtest.Start(b, sandbox.Options{Seed: 1, InventorySize: 100})
	desired := &spec.Spec{
		Version: 1,
		Routes:  make(map[string]spec.Route, routes),
		Numbers: make(map[string]spec.Number, managed),
		Policy:  spec.Policy{Unmanaged: spec.UnmanagedIgnore, MaxPurchases: spec.DefaultMaxPurchases, MaxUpdatePercent: 100},
	}
	for i := range routes {
		r := v1.Route{Name: fmt.Sprintf("pbx-%04d", i), Type: spec.RouteHost, Value: fmt.Sprintf("10.%d.%d.1:5060", i/256, i%256)}
		if err := sb.AddRoute(r); err != nil {
			b.Fatal(err)
		}
		desired.Routes[r.Name] = spec.Route{Type: r.Type, Value: r.Value}
	}
	for i := range numbers {
		tn := fmt.Sprintf("1312%07d", 2_000_000+i)
		primary, failover := fmt.Sprintf("pbx-%04d", i%routes), fmt.Sprintf("pbx-%04d", (i+1)%routes)
		if err := sb.AddOwnedNumber(v1.Number{TN: tn, Routes: []v1.RouteRef{{Name: primary}, {Name: failover}}}); err != nil {
			b.Fatal(err)
		}
		if i%(numbers/managed) == 0 {
			desired.Numbers[tn] = spec.Number{PrimaryRoute: primary, FailoverRoute: failover}
		}
	}
	// A few changes: five managed numbers pointed at another route.
	changed := 0
	for tn, n := range desired.Numbers {
		if changed == 5 {
			break
		}
		n.PrimaryRoute = "pbx-0999"
		if n.FailoverRoute == n.PrimaryRoute {
			continue
		}
		desired.Numbers[tn] = n
		changed++
	}
	sb.SetFaults(sandbox.Faults{Latency: latency})

	bk, counter := benchV2(b, sb.V2, parallelism)
	var (
		p     *plan.Plan
		wall  time.Duration
		calls int64
		runs  int
		err   error
	)
	runtime.GC()
	for b.Loop() {
		before := counter.calls.Load()
		start := time.Now()
		p, _, err = plan.Make(b.Context(), bk, desired, plan.Options{})
		wall += time.Since(start)
		calls += counter.calls.Load() - before
		runs++
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if s := p.Summary; s.NumbersToUpdate != 5 || len(p.Changes) != 5 || p.HasErrors() {
		b.Fatalf("unexpected plan: %+v, diagnostics %+v", s, p.Diagnostics)
	}

	// Number by number, once, for the speed-up.
	slow, slowCounter := benchV2(b, sb.V2, parallelism)
	start := time.Now()
	if _, _, err := plan.Make(b.Context(), perNumber{slow}, desired, plan.Options{}); err != nil {
		b.Fatal(err)
	}
	perNumberWall := time.Since(start)
	perNumberBound := time.Duration(slowCounter.calls.Load()) * latency / parallelism

	// With no latency, once: what the sandbox and the client cost in CPU (the sandbox sorts
	// its numbers for every page it serves).
	sb.SetFaults(sandbox.Faults{})
	start = time.Now()
	if _, _, err := plan.Make(b.Context(), bk, desired, plan.Options{}); err != nil {
		b.Fatal(err)
	}
	noLatency := time.Since(start)

	perMake := wall / time.Duration(runs)
	bound := time.Duration(calls/int64(runs)) * latency / parallelism
	b.ReportMetric(float64(perMake.Milliseconds()), "make-ms")
	b.ReportMetric(float64(bound.Milliseconds()), "bound-ms")
	b.ReportMetric(float64(perMake)/float64(bound), "ratio")
	b.ReportMetric(float64(calls/int64(runs)), "requests")
	b.ReportMetric(float64(perNumberWall.Milliseconds()), "per-number-ms")
	b.ReportMetric(float64(perNumberWall)/float64(perNumberBound), "per-number-ratio")
	b.ReportMetric(float64(perNumberWall)/float64(perMake), "bulk-speedup")
	b.ReportMetric(float64(noLatency.Milliseconds()), "no-latency-ms")
}
