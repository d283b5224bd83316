package apply_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
)

// BenchmarkApply applies 50 route creations, 200 purchases and 2,000 route updates against a
// sandbox that takes 20 ms to answer each request, with parallelism 8 and the client's rate
// limit off. It reports the wall time of one apply, the lower bound that parallelism allows
// (the larger of calls ÷ parallelism × latency and the dependency chain's depth × latency),
// and their ratio, which should stay at or below 1.3.
func BenchmarkApply(b *testing.B) {
	const (
		par     = 8
		latency = 20 * time.Millisecond
		depth   = 2 // create_route or purchase, then set_routes
	)
	sh := shape{routes: 50, purchases: 200, owned: 1800}
	var wall time.Duration
	var calls int
	for range b.N {
		b.StopTimer()
		sb, c := newSandboxOpts(b, sandbox.Options{Seed: 7, InventorySize: 3000})
		p := makePlan(b, c, sh.setup(b, sb, c))
		calls = len(p.Changes)
		if want := sh.routes + sh.purchases + sh.purchases + sh.owned; calls != want {
			b.Fatalf("the plan has %d changes, want %d", calls, want)
		}
		sb.SetFaults(sandbox.Faults{Latency: latency})
		b.StartTimer()

		start := time.Now()
		rep, err := apply.Run(context.Background(), c, p, apply.Options{Parallelism: par})
		wall += time.Since(start)

		b.StopTimer()
		if err != nil || !rep.OK() {
			b.Fatalf("apply: %v, %d failed, %d skipped", err, rep.Count(apply.Failed), rep.Count(apply.Skipped))
		}
		b.StartTimer()
	}
	perOp := wall / time.Duration(b.N)
	bound := max(time.Duration(calls)*latency/par, depth*latency)
	b.ReportMetric(perOp.Seconds(), "wall-s/op")
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(float64(perOp)/float64(bound), "ratio")
	b.ReportMetric(float64(calls), "calls")
}
