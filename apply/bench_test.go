package apply_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
)

// BenchmarkApply applies 50 route creations, 200 purchases and 2,000 route updates (200 of
// them of the numbers bought) against a sandbox that takes 20 ms to answer each request, with
// parallelism 8 and the client's rate limit off. The bound (measure.Bound) is the job's 2,250
// writes, one a change, 8 at a time: the updates that wait for a purchase or a new route can
// overlap the others, so no round trip must wait for the rest.
func BenchmarkApply(b *testing.B) {
	const (
		par     = 8
		latency = 20 * time.Millisecond
	)
	sh := shape{routes: 50, purchases: 200, owned: 1800}
	bound := measure.Bound{Requests: sh.routes + 2*sh.purchases + sh.owned, Parallelism: par, Latency: latency}
	var wall time.Duration
	var sent int64
	for range b.N {
		b.StopTimer()
		sb := sandboxtest.Start(b, sandbox.Options{Seed: 7, InventorySize: 3000})
		hc, counter := measure.NewCountingClient(par)
		client, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v1.WithParallelism(par), v1.WithRateLimit(0, 1), v1.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		c := backend.NewV1(client)
		p := makePlan(b, c, sh.setup(b, sb.Server, c))
		if len(p.Changes) != bound.Requests {
			b.Fatalf("the plan has %d changes, want %d", len(p.Changes), bound.Requests)
		}
		sb.SetFaults(sandbox.Faults{Latency: latency})
		before := counter.Count()
		b.StartTimer()

		start := time.Now()
		rep, err := apply.Run(context.Background(), c, p, apply.Options{Parallelism: par})
		wall += time.Since(start)

		b.StopTimer()
		if err != nil || !rep.OK() {
			b.Fatalf("apply: %v, %d failed, %d skipped", err, rep.Count(apply.Failed), rep.Count(apply.Skipped))
		}
		sent += counter.Count() - before
		b.StartTimer()
	}
	bound.Report(b, wall/time.Duration(b.N), float64(sent)/float64(b.N))
}
