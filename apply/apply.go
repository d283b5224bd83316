// Package apply executes a plan.Plan against an account: exactly the plan's changes, in
// dependency order, with bounded concurrency and retries that never double a write, and returns
// a Report of what was done.
//
// Rules Run guarantees:
//   - It writes only what the plan's Changes say. The backend sends each write once; apply
//     alone settles a write whose answer was lost, by reading the account, and sends it again
//     only after the read shows it did not happen, at most Options.Attempts times in all (a
//     purchase only after a read shows the number not bought).
//   - A plan with error diagnostics, one that goes beyond a limit of its policy (plan.CheckPolicy,
//     the check plan makes), or one holding a change the backend cannot carry out (its
//     Capabilities), is refused before any write.
//   - A change waits for what it refers to, as the table of actions (plan.Actions) says (see
//     graph): set_routes for the create_route and update_route of each route it names and for
//     the number's purchase, set_cnam for its record's create_cnam, set_e911 for its address's
//     create_e911 or update_e911, a purchase for the routes and address its number is to
//     have; a change whose dependency failed is skipped, everything else goes on.
//   - Releases run last, only after every other change applied, each after its number's E911
//     address was disconnected; route deletions run after every release. Only the numbers of
//     the plan's release changes are released, a release never sent again before a read shows
//     the number still owned.
//   - set_cnam of a record still awaiting Flowroute's approval is skipped (apply again once it
//     is approved); it fails nothing else.
//   - When ctx is cancelled nothing new starts; changes already sent finish (within
//     Options.Grace) so that no outcome is left unexplained; the rest are reported as skipped.
//
// It is a package of the flowroute-numbers tool, not a library: its API may change in any
// release (the public library is flowroute/v1, flowroute/v2 and flowroute/sandbox; see
// ARCHITECTURE.md).
package apply

import (
	"context"
	"fmt"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// DefaultParallelism is Options.Parallelism when it is zero or less.
const DefaultParallelism = 8

// Options tune Run. The zero value is ready to use.
type Options struct {
	// Parallelism bounds how many changes are in flight at once; default DefaultParallelism.
	Parallelism int
	// Events, when set, receives progress, one event at a time.
	Events func(Event)
	// Attempts bounds how many times one write is sent in all: a write whose outcome is
	// unknown is sent again only after reading the account shows it did not happen; default 3.
	Attempts int
	// ReadAttempts bounds the reads that resolve an unknown outcome; default 4.
	ReadAttempts int
	// Backoff is the first wait between those reads, and before a write is sent again,
	// doubled each time; default 250ms.
	Backoff time.Duration
	// Grace is how long changes already in flight may take to finish once ctx is cancelled;
	// default 30s.
	Grace time.Duration
}

func (o Options) withDefaults() Options {
	if o.Parallelism <= 0 {
		o.Parallelism = DefaultParallelism
	}
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.ReadAttempts <= 0 {
		o.ReadAttempts = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = 250 * time.Millisecond
	}
	if o.Grace <= 0 {
		o.Grace = 30 * time.Second
	}
	if o.Events == nil {
		o.Events = func(Event) {}
	}
	return o
}

// Run applies the plan's changes to the account and reports what happened to each. It returns
// an error, and writes nothing, only when the plan is refused (a *RefusedError); failures of
// single changes are in the Report.
func Run(ctx context.Context, acct account.Backend, p *plan.Plan, opts Options) (*Report, error) {
	if p == nil {
		return nil, &RefusedError{Reason: "no plan"}
	}
	if err := check(p, acct); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	g := newGraph(p.Changes)
	rep := &Report{Results: make([]Result, len(p.Changes))}
	for i, c := range p.Changes {
		rep.Results[i] = Result{Change: c}
	}

	// Changes in flight run on a context that a cancelled apply does not cancel at once: a write
	// cut off mid-way would leave its outcome unknown. They get Grace to finish.
	inflight, stopInflight := context.WithCancel(context.WithoutCancel(ctx))
	defer stopInflight()
	stopAfter := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(opts.Grace, stopInflight)
		context.AfterFunc(inflight, func() { t.Stop() })
	})
	defer stopAfter()

	x := &executor{acct: acct, opts: opts}
	type done struct {
		i   int
		res Result
	}
	results := make(chan done)
	finished, running := 0, 0
	finish := func(i int, res Result) {
		res.Change = p.Changes[i]
		rep.Results[i] = res
		finished++
		opts.Events(Event{Kind: Finished, Result: res, Done: finished, Total: len(p.Changes)})
	}
	for finished < len(p.Changes) {
		for running < opts.Parallelism && ctx.Err() == nil {
			i, ok := g.next()
			if !ok {
				break
			}
			running++
			c := p.Changes[i]
			opts.Events(Event{Kind: Started, Result: Result{Change: c}, Done: finished, Total: len(p.Changes)})
			go func() { results <- done{i, x.do(inflight, c)} }()
		}
		if running == 0 {
			break // interrupted, or nothing left that can run
		}
		d := <-results
		running--
		finish(d.i, d.res)
		switch d.res.Status {
		case Applied:
			g.succeeded(d.i)
		case Skipped: // waiting for something outside the account's control, such as a CNAM approval
			cause := fmt.Sprintf("depends on %s %s, which was not carried out", p.Changes[d.i].Action, p.Changes[d.i].Key)
			for _, j := range g.passed(d.i) {
				finish(j, Result{Status: Skipped, Reason: cause})
			}
		default:
			what := fmt.Sprintf("%s %s", p.Changes[d.i].Action, p.Changes[d.i].Key)
			for _, j := range g.failed(d.i) {
				reason := "depends on failed " + what
				if a := p.Changes[j].Action; (a == plan.Release || a == plan.DeleteRoute) && !g.dependsOn(j, d.i) {
					reason = what + " failed, and releases and route deletions run only after every other change applied"
				}
				finish(j, Result{Status: Skipped, Reason: reason})
			}
		}
	}
	rep.Interrupted = ctx.Err() != nil
	if finished < len(p.Changes) {
		for i := range rep.Results {
			if rep.Results[i].Status == "" {
				reason := "interrupted before it started"
				if !rep.Interrupted {
					reason = "its dependencies never finished" // unreachable: the graph has no cycles
				}
				finish(i, Result{Status: Skipped, Reason: reason})
			}
		}
	}
	return rep, nil
}
