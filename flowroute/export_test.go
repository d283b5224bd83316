package flowroute

import (
	"context"
	"time"
)

// WithSleep replaces how the client waits between attempts, so that tests can see the
// backoffs and Retry-After waits without spending them.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}
