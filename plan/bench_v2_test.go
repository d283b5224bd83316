package plan_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// perNumber is a v2 backend that reads details one number at a time, as against a server
// without the v2.1 bulk details.
type perNumber struct{ *backend.V2 }

func (b perNumber) Capabilities() account.Capabilities {
	c := b.V2.Capabilities()
	c.BulkDetails = false
	return c
}

func benchV2(b *testing.B, endpoint string, parallelism int) (*backend.V2, *measure.Counter) {
	hc, counter := measure.NewCountingClient(parallelism)
	c, err := v2.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
		v2.WithParallelism(parallelism), v2.WithRateLimit(0, 1), v2.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	return backend.NewV2(c), counter
}

// BenchmarkPlanV2 plans a v2 account of 100,000 numbers, 10,000 of them managed (their routes
// in the spec, the others unmanaged), and 1,000 routes, behind 20 ms of latency per request,
// with parallelism 8 and the client's rate limit off. The list of numbers has no routes, so
// plan reads the details of the managed numbers only. Its sub-benchmarks read them in bulk
// (v2.1, 100 a request) and number by number (a server without bulk details); each reports the
// figures of measure.Bound, whose bound is the job's requests: the pages of the numbers and of
// the routes (route 0 included), 200 a page, and the details of the managed numbers, none of
// which needs another's answer (the spec names the numbers). bulk also reports no-latency-ms,
// plan.Make with no latency: the CPU floor of the sandbox and the client.
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
	lists := pages(numbers, v2.MaxLimit) + pages(routes+1, v2.MaxLimit)
	for _, bc := range []struct {
		name    string
		bulk    bool
		details int // requests for the details of the managed numbers
	}{{"bulk", true, pages(managed, v2.DefaultBulkSize)}, {"per-number", false, managed}} {
		b.Run(bc.name, func(b *testing.B) {
			sb.SetFaults(sandbox.Faults{Latency: latency})
			bk, counter := benchV2(b, sb.V2, parallelism)
			var backend account.Backend = bk
			if !bc.bulk {
				backend = perNumber{bk}
			}
			bound := measure.Bound{Requests: lists + bc.details, Parallelism: parallelism, Latency: latency}
			var (
				p     *plan.Plan
				wall  time.Duration
				calls int64
				runs  int
				err   error
			)
			runtime.GC()
			for b.Loop() {
				before := counter.Count()
				start := time.Now()
				p, _, err = plan.Make(b.Context(), backend, desired, plan.Options{})
				wall += time.Since(start)
				calls += counter.Count() - before
				runs++
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if s := p.Summary; s.NumbersToUpdate != 5 || len(p.Changes) != 5 || p.HasErrors() {
				b.Fatalf("unexpected plan: %+v, diagnostics %+v", s, p.Diagnostics)
			}
			bound.Report(b, wall/time.Duration(runs), float64(calls)/float64(runs))
			if !bc.bulk {
				return
			}
			// With no latency, once: what the sandbox and the client cost in CPU (the sandbox
			// sorts its numbers for every page it serves).
			sb.SetFaults(sandbox.Faults{})
			start := time.Now()
			if _, _, err := plan.Make(b.Context(), bk, desired, plan.Options{}); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds()), "no-latency-ms")
		})
	}
}
