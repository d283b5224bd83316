package v1

import (
	"context"
	"net/url"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// WithSleep replaces how the client waits between attempts, so that tests can see the
// backoffs and Retry-After waits without spending them.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return engineOption(engine.WithSleep(sleep))
}

// WithClock sets the clock that timestamps requests.
func WithClock(now func() time.Time) Option { return engineOption(engine.WithClock(now)) }

// CanonicalQuery is the query as the client signs and sends it.
func CanonicalQuery(q url.Values) string { return canonicalQuery(q) }

// Parallelism is the cap on requests in flight.
func Parallelism(c *Client) int { return c.eng.Parallelism() }
