package apply_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// countRequests counts the requests a client sends.
type countRequests struct {
	next  http.RoundTripper
	calls atomic.Int64
}

func (t *countRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return t.next.RoundTrip(r)
}

// BenchmarkApplyV2 applies 2,000 route changes (set_routes of owned numbers to routes the
// account has) through the v2 backend against a sandbox that takes 20 ms to answer each
// request, with parallelism 8 and the client's rate limit off. Each change is three requests
// (primary, failover, and the read-back that checks each route id still carries its name).
// It reports the wall time of one apply, the lower bound (requests ÷
// parallelism × latency) and their ratio, which should stay at or below 1.3.
func BenchmarkApplyV2(b *testing.B) {
	const (
		par     = 8
		latency = 20 * time.Millisecond
		changes = 2000
		routes  = 20
	)
	var wall, bound time.Duration
	var requests int64
	for range b.N {
		b.StopTimer()
		sb := sandboxtest.Start(b, sandbox.Options{Seed: 7, InventorySize: 100})
		desired := &spec.Spec{Version: 1, Routes: map[string]spec.Route{}, Numbers: map[string]spec.Number{},
			Policy: spec.Policy{Unmanaged: spec.UnmanagedWarn, MaxUpdatePercent: 100}}
		for i := range routes {
			r := v1.Route{Name: fmt.Sprintf("r%d", i), Type: spec.RouteHost, Value: fmt.Sprintf("10.0.0.%d:5060", i+1)}
			if err := sb.AddRoute(r); err != nil {
				b.Fatal(err)
			}
			desired.Routes[r.Name] = spec.Route{Type: r.Type, Value: r.Value}
		}
		for i := range changes {
			tn := fmt.Sprintf("1312%07d", 2_000_000+i)
			if err := sb.AddOwnedNumber(v1.Number{TN: tn}); err != nil {
				b.Fatal(err)
			}
			desired.Numbers[tn] = spec.Number{PrimaryRoute: fmt.Sprintf("r%d", i%routes), FailoverRoute: fmt.Sprintf("r%d", (i+1)%routes)}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = par
		ct := &countRequests{next: tr}
		c, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v2.WithParallelism(par), v2.WithRateLimit(0, 1),
			v2.WithHTTPClient(&http.Client{Transport: ct, Timeout: time.Minute}))
		if err != nil {
			b.Fatal(err)
		}
		bk := v2.NewBackend(c)
		p, _, err := plan.Make(context.Background(), bk, desired, plan.Options{})
		if err != nil || p.HasErrors() || len(p.Changes) != changes {
			b.Fatalf("plan: %v, %d changes, %+v", err, len(p.Changes), p.Diagnostics)
		}
		sb.SetFaults(sandbox.Faults{Latency: latency})
		before := ct.calls.Load()
		b.StartTimer()

		start := time.Now()
		rep, err := apply.Run(context.Background(), bk, p, apply.Options{Parallelism: par})
		wall += time.Since(start)

		b.StopTimer()
		if err != nil || !rep.OK() {
			b.Fatalf("apply: %v, %d failed, %d skipped", err, rep.Count(apply.Failed), rep.Count(apply.Skipped))
		}
		n := ct.calls.Load() - before
		requests += n
		bound += time.Duration(n) * latency / par
		b.StartTimer()
	}
	perOp := wall / time.Duration(b.N)
	perBound := bound / time.Duration(b.N)
	b.ReportMetric(perOp.Seconds(), "wall-s/op")
	b.ReportMetric(perBound.Seconds(), "bound-s")
	b.ReportMetric(float64(perOp)/float64(perBound), "ratio")
	b.ReportMetric(float64(requests)/float64(b.N), "requests")
}
