package v1

import (
	"context"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// WithSleep replaces how the client waits between attempts, so that tests can see the
// backoffs and Retry-After waits without spending them.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return engine.WithSleep(sleep)
}
