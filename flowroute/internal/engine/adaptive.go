package engine

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// adaptiveRate is the client-side rate limit, lowered when the server answers 429 and raised
// back gradually as requests succeed (additive increase, multiplicative decrease). A nil
// *adaptiveRate is no limit.
type adaptiveRate struct {
	lim   *rate.Limiter
	max   float64 // the configured rate
	burst int     // the configured burst

	mu  sync.Mutex
	cur float64
	// gen counts the slowdowns. An attempt remembers the generation it started in, and its
	// 429 slows the rate down only if no slowdown happened since: the 429s of requests that
	// were already under way at the old rate say nothing about the new one.
	gen uint64
}

// adaptiveSteps is how many successes bring the rate from its floor back to the configured one.
const adaptiveSteps = 16

func newAdaptiveRate(rps float64, burst int) *adaptiveRate {
	return &adaptiveRate{lim: rate.NewLimiter(rate.Limit(rps), burst), max: rps, burst: burst, cur: rps}
}

// wait waits for the limiter, and returns the generation the attempt starts in.
func (a *adaptiveRate) wait(ctx context.Context) (uint64, error) {
	if a == nil {
		return 0, nil
	}
	a.mu.Lock()
	gen := a.gen
	a.mu.Unlock()
	return gen, a.lim.Wait(ctx)
}

// limited halves the rate after a 429 to an attempt that started in generation gen, down to
// one request a second (or the configured rate, if lower), with no bursts.
func (a *adaptiveRate) limited(gen uint64) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen {
		return
	}
	a.gen++
	a.cur = max(a.cur/2, min(a.max, 1))
	a.lim.SetLimit(rate.Limit(a.cur))
	a.lim.SetBurst(1)
}

// succeeded raises the rate by a step towards the configured one, bursts included once there.
func (a *adaptiveRate) succeeded() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur >= a.max {
		return
	}
	a.cur = min(a.cur+a.max/adaptiveSteps, a.max)
	a.lim.SetLimit(rate.Limit(a.cur))
	if a.cur == a.max {
		a.lim.SetBurst(a.burst)
	}
}

// current is the rate now; 0 for no limit.
func (a *adaptiveRate) current() float64 {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cur
}
