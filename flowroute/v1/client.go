package v1

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// Defaults of a new Client, the same as the v2 client's: 8 requests in flight, 20 requests a
// second in bursts of 10, 30 s per attempt.
const (
	DefaultParallelism = engine.DefaultParallelism
	DefaultRateLimit   = engine.DefaultRateLimit // requests per second
	DefaultBurst       = engine.DefaultBurst
	DefaultTimeout     = engine.DefaultTimeout // per attempt, when the client builds its own http.Client
)

// DefaultRetryPolicy is used unless WithRetry says otherwise: 4 attempts, backoffs from
// 250 ms to 10 s; 20 answers 429 and 5 minutes of waiting for them.
var DefaultRetryPolicy = engine.DefaultRetryPolicy

// RetryPolicy bounds the retries of one call; its fields are MaxAttempts, MinBackoff,
// MaxBackoff, RateLimitAttempts and RateLimitWait. Attempt n (from 1) that fails waits about
// MinBackoff·2^(n-1), capped at MaxBackoff, with jitter, or the server's Retry-After when that
// is longer. MaxAttempts counts the first attempt: 1 means never retry. A 429 is not a
// failure: 429 answers have their own budget, RateLimitAttempts of them (0 means MaxAttempts)
// and RateLimitWait of waiting for them in all (0 means 5 minutes).
type RetryPolicy = engine.RetryPolicy

// Client calls the Flowroute numbers API v1. It is safe for concurrent use; every call goes
// through one request engine that signs, rate-limits, caps the requests in flight and retries
// where that is safe (see the package documentation).
//
// The secret key never leaves the client except inside request signatures: String, GoString
// and every fmt verb print the endpoint and a shortened access key only.
type Client struct {
	eng       *engine.Engine
	accessKey string
}

// Option configures a Client.
type Option func(*config)

// config is what the Options set: the engine's options, in order.
type config struct{ eng []engine.Option }

func engineOption(o engine.Option) Option { return func(c *config) { c.eng = append(c.eng, o) } }

// WithHTTPClient makes the client send requests with hc (its transport, timeout, proxy, but
// not its redirect policy: the client never follows redirects). Without it the client uses
// its own, with DefaultTimeout per attempt.
func WithHTTPClient(hc *http.Client) Option { return engineOption(engine.WithHTTPClient(hc)) }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return engineOption(engine.WithUserAgent(ua)) }

// WithParallelism caps the requests in flight, across all calls of the client, and the pages a
// walker fetches at once, from 1 to 64: other values are clamped. The default is
// DefaultParallelism.
func WithParallelism(n int) Option { return engineOption(engine.WithParallelism(n)) }

// WithRateLimit limits the requests the client starts to rps a second, with bursts of up to
// burst. rps <= 0 turns the client-side limit off. The default is DefaultRateLimit, DefaultBurst.
func WithRateLimit(rps float64, burst int) Option {
	return engineOption(engine.WithRateLimit(rps, burst))
}

// WithRetry replaces DefaultRetryPolicy. MaxAttempts below 1 means 1.
func WithRetry(p RetryPolicy) Option { return engineOption(engine.WithRetry(p)) }

// WithLogger logs every attempt at Debug level: method, path, status, attempt, duration and
// error. Headers, and so credentials, are never logged.
func WithLogger(l *slog.Logger) Option { return engineOption(engine.WithLogger(l)) }

// New returns a client for endpoint ("" means DefaultEndpoint), which may carry a path prefix
// such as "/v1". The endpoint must be https, or plain http on a loopback address (for the
// sandbox and tests), so that signatures and numbers never cross a network in clear text.
func New(endpoint, accessKey, secretKey string, opts ...Option) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if _, err := engine.ParseEndpoint(endpoint); err != nil {
		return nil, err
	}
	if accessKey == "" || secretKey == "" {
		return nil, errors.New("flowroute: the access key and the secret key are both required")
	}
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(endpoint, signer{accessKey: accessKey, secretKey: engine.Secret(secretKey)},
		append([]engine.Option{engine.WithErrorDecoder(engine.SingleError{})}, cfg.eng...)...)
	if err != nil {
		return nil, err
	}
	return &Client{eng: eng, accessKey: accessKey}, nil
}

// Endpoint is the base URL the client sends requests to, ending in "/".
func (c *Client) Endpoint() string { return c.eng.Endpoint() }

// String describes the client without its secret key, and with the access key shortened.
func (c Client) String() string {
	endpoint := "<nil>"
	if c.eng != nil {
		endpoint = c.eng.Redacted()
	}
	return fmt.Sprintf("v1.Client{endpoint: %s, access key: %s}", endpoint, engine.KeyHint(c.accessKey))
}

// GoString is String, so that %#v cannot print the secret key either.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q...).
func (c Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	fmt.Fprint(f, c.String())
}

// errorMessage is the useful part of a v1 error body as an error quotes it (see
// engine.SingleError and engine.Snippet).
func errorMessage(status int, body []byte) string {
	msg, _ := engine.SingleError{}.Decode(status, body)
	return engine.Snippet(msg)
}

// WithWalkLimits bounds a walk (AllNumbers, …) to pages pages and items items; values below 1
// keep the defaults, 10,000 pages and 250,000 items, an account far larger than real ones. A
// walk also reads at most ceil(items ÷ 200) + 1 pages. Beyond them the walk fails with an
// error naming the endpoint, so that a server that keeps producing pages cannot exhaust memory
// or keep the client busy: at the default rate the default bounds stop it within about a
// minute.
func WithWalkLimits(pages, items int) Option {
	return engineOption(engine.WithWalkLimits(pages, items))
}

// WithWalkLimitHint sets what the error of a walk stopped by its bounds says to do when the
// account really is that large, such as "raise --max-account-numbers".
func WithWalkLimitHint(hint string) Option { return engineOption(engine.WithWalkLimitHint(hint)) }
