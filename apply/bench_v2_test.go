package apply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/internal/measure"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// v2Job is the apply of issue 19: route changes (numbers moved from sip-reg to a primary and
// a failover route, two relationship writes each), aliases set, unmanaged numbers released and
// routes edited in place, on one account.
type v2Job struct {
	routeChanges, aliases, releases, routeEdits int
}

// writes is the fewest requests the job needs: a PATCH for each of the two routes of a route
// change, one for each alias, a DELETE for each release and a PATCH for each route edit. None
// waits for another.
func (j v2Job) writes() int { return 2*j.routeChanges + j.aliases + j.releases + j.routeEdits }

// changes is the plan's changes: one per number or route changed.
func (j v2Job) changes() int { return j.routeChanges + j.aliases + j.releases + j.routeEdits }

// setup seeds the account on sb and returns the desired spec. The routes that numbers move to
// and the routes edited are distinct, so that no change waits on another.
func (j v2Job) setup(b *testing.B, sb *sandbox.Server) *spec.Spec {
	b.Helper()
	desired := &spec.Spec{Version: 1, Routes: map[string]spec.Route{}, Numbers: map[string]spec.Number{},
		Policy: spec.Policy{Unmanaged: spec.UnmanagedRelease, MaxReleases: j.releases, MaxUpdatePercent: 100}}
	const targets = 20
	addRoute := func(name, value, want string) {
		if err := sb.AddRoute(sandbox.Route{Name: name, Type: spec.RouteHost, Value: value}); err != nil {
			b.Fatal(err)
		}
		desired.Routes[name] = spec.Route{Type: spec.RouteHost, Value: want}
	}
	for i := range targets {
		v := fmt.Sprintf("10.0.0.%d:5060", i+1)
		addRoute(fmt.Sprintf("r%d", i), v, v)
	}
	for i := range j.routeEdits {
		addRoute(fmt.Sprintf("e%d", i), fmt.Sprintf("10.1.0.%d:5060", i+1), fmt.Sprintf("10.2.0.%d:5060", i+1))
	}
	next := 2_000_000
	owned := func() string {
		tn := fmt.Sprintf("1312%07d", next)
		next++
		if err := sb.AddOwnedNumber(sandbox.Number{TN: tn}); err != nil {
			b.Fatal(err)
		}
		return tn
	}
	for i := range j.routeChanges {
		desired.Numbers[owned()] = spec.Number{PrimaryRoute: fmt.Sprintf("r%d", i%targets), FailoverRoute: fmt.Sprintf("r%d", (i+1)%targets)}
	}
	for i := range j.aliases {
		desired.Numbers[owned()] = spec.Number{Alias: fmt.Sprintf("line-%d", i)}
	}
	for range j.releases {
		owned() // not in the spec: released
	}
	return desired
}

// BenchmarkApplyV2 applies the job of issue 19, 2,000 route changes, 500 aliases, 100
// releases and 20 route edits, through the v2 backend against a sandbox that answers every
// request after 20 ms, with parallelism 8 and no client-side rate limit. The bound
// (measure.Bound) is the 4,620 writes the job needs, 8 at a time, whatever the tool sends:
// read-backs and probes are its own cost, shown by sent-req and the ratio.
//
// The sandbox runs in-process, in memory: "sandbox serve" saves its whole state file, audit
// log included, after every write, so that the 4,620th save encodes 4,620 audit entries, and
// in its own process the sandbox spent some 35 s of CPU on this job: the benchmark would
// measure the sandbox's saves, not the client.
func BenchmarkApplyV2(b *testing.B) {
	const (
		par     = 8
		latency = 20 * time.Millisecond
	)
	job := v2Job{routeChanges: 2000, aliases: 500, releases: 100, routeEdits: 20}
	bound := measure.Bound{Requests: job.writes(), Parallelism: par, Latency: latency}
	var wall time.Duration
	var sent int64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		sb := sandboxtest.Start(b, sandbox.Options{Seed: 7, InventorySize: 100})
		desired := job.setup(b, sb.Server)
		hc, counter := measure.NewCountingClient(par)
		c, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v2.WithParallelism(par), v2.WithRateLimit(0, 1), v2.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		bk := backend.NewV2(c)
		p, _, err := plan.Make(context.Background(), bk, desired, plan.Options{})
		if err != nil || p.HasErrors() || len(p.Changes) != job.changes() {
			b.Fatalf("plan: %v, %d changes (want %d), %+v", err, len(p.Changes), job.changes(), p.Diagnostics)
		}
		sb.SetFaults(sandbox.Faults{Latency: latency})
		before := counter.Count()
		b.StartTimer()

		start := time.Now()
		rep, err := apply.Run(context.Background(), bk, p, apply.Options{Parallelism: par})
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
