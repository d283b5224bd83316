package v1_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// BenchmarkListNumbers100k walks an account of 100,000 numbers (500 pages of 200) on a sandbox
// that adds 20 ms to every request, one page at a time, then 8 and 16 at a time, with no
// client-side rate limit. It reports the wall time of each walk and the speed-ups.
func BenchmarkListNumbers100k(b *testing.B) {
	sb, endpoint := sandboxtest.NewServer(b, sandbox.Options{InventorySize: 10})
	want := seedNumbers(b, sb, 100_000)
	sb.SetFaults(sandbox.Faults{Latency: 20 * time.Millisecond})
	walk := func(parallelism int) time.Duration {
		c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey,
			v1.WithParallelism(parallelism), v1.WithRateLimit(0, 0))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		got, err := c.AllNumbers(context.Background(), "")
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != len(want) || got[0].TN != want[0].TN || got[len(got)-1].TN != want[len(want)-1].TN {
			b.Fatalf("parallelism %d: %d numbers, want %d", parallelism, len(got), len(want))
		}
		return time.Since(start)
	}
	var seq, par8, par16 time.Duration
	for b.Loop() {
		seq += walk(1)
		par8 += walk(8)
		par16 += walk(16)
	}
	n := float64(b.N)
	b.ReportMetric(seq.Seconds()/n, "s-sequential")
	b.ReportMetric(par8.Seconds()/n, "s-parallel8")
	b.ReportMetric(par16.Seconds()/n, "s-parallel16")
	b.ReportMetric(seq.Seconds()/par8.Seconds(), "speedup8")
	b.ReportMetric(seq.Seconds()/par16.Seconds(), "speedup16")
}
