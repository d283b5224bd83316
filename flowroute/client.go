package flowroute

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of a new Client. The rate limit is a guess at what Flowroute tolerates (v1 does not
// publish one): 20 requests a second with bursts of 10, so that walking every page of a large
// account stays polite; the server's own 429 answers are honoured on top of it.
const (
	DefaultParallelism = 8
	DefaultRateLimit   = 20 // requests per second
	DefaultBurst       = 10
	DefaultTimeout     = 30 * time.Second // per attempt, when the client builds its own http.Client
)

// DefaultRetryPolicy is used unless WithRetry says otherwise.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, MinBackoff: 250 * time.Millisecond, MaxBackoff: 10 * time.Second}

// maxRetryAfter is the longest Retry-After the client waits out by itself; beyond it the
// *RateLimitError goes back to the caller, who can decide to wait that long.
const maxRetryAfter = time.Minute

// RetryPolicy bounds the retries of one call. Attempt n (from 1) that fails waits about
// MinBackoff·2^(n-1), capped at MaxBackoff, with jitter, or the server's Retry-After when that
// is longer. MaxAttempts counts the first attempt: 1 means never retry.
type RetryPolicy struct {
	MaxAttempts int
	MinBackoff  time.Duration
	MaxBackoff  time.Duration
}

// Client calls the Flowroute numbers API v1. It is safe for concurrent use; every call goes
// through one request path that signs, rate-limits, caps the requests in flight and retries
// where that is safe (see the package documentation).
//
// The secret key never leaves the client except inside request signatures: String, GoString
// and every fmt verb print the endpoint and a shortened access key only.
type Client struct {
	base        *url.URL // endpoint; its path ends in "/"
	accessKey   string
	secretKey   secret
	httpClient  *http.Client
	userAgent   string
	parallelism int
	rps         float64
	burst       int
	limiter     *rate.Limiter // nil: no client-side rate limit
	inFlight    chan struct{} // semaphore: one token per request in flight
	retry       RetryPolicy
	now         func() time.Time
	logger      *slog.Logger // nil: no logging
	// sleep waits d or until ctx is done; tests replace it to observe backoffs.
	sleep func(ctx context.Context, d time.Duration) error
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send requests with hc (its transport, timeout, proxy, but
// not its redirect policy: the client never follows redirects). Without it the client uses
// its own, with DefaultTimeout per attempt.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.httpClient = hc } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithParallelism caps the requests in flight, across all calls of the client, and the pages a
// walker fetches at once. Values below 1 mean 1. The default is DefaultParallelism.
func WithParallelism(n int) Option { return func(c *Client) { c.parallelism = max(n, 1) } }

// WithRateLimit limits the requests the client starts to rps a second, with bursts of up to
// burst. rps <= 0 turns the client-side limit off. The default is DefaultRateLimit, DefaultBurst.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *Client) { c.rps, c.burst = rps, max(burst, 1) }
}

// WithRetry replaces DefaultRetryPolicy. MaxAttempts below 1 means 1.
func WithRetry(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// WithClock sets the clock that timestamps requests (for tests). The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithLogger logs every attempt at Debug level: method, path, status, attempt, duration and
// error. Headers, and so credentials, are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.logger = l } }

// New returns a client for endpoint ("" means DefaultEndpoint), which may carry a path prefix
// such as "/v1". The endpoint must be https, or plain http on a loopback address (for the
// sandbox and tests), so that signatures and numbers never cross a network in clear text.
func New(endpoint, accessKey, secretKey string, opts ...Option) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	base, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if accessKey == "" || secretKey == "" {
		return nil, errors.New("flowroute: the access key and the secret key are both required")
	}
	c := &Client{
		base:        base,
		accessKey:   accessKey,
		secretKey:   secret(secretKey),
		parallelism: DefaultParallelism,
		rps:         DefaultRateLimit,
		burst:       DefaultBurst,
		retry:       DefaultRetryPolicy,
		now:         time.Now,
		sleep:       sleepCtx,
	}
	for _, opt := range opts {
		opt(c)
	}
	c.retry.MaxAttempts = max(c.retry.MaxAttempts, 1)
	c.retry.MinBackoff = max(c.retry.MinBackoff, 0)
	c.retry.MaxBackoff = max(c.retry.MaxBackoff, c.retry.MinBackoff)
	if c.rps > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(c.rps), c.burst)
	}
	c.inFlight = make(chan struct{}, c.parallelism)
	if c.httpClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = c.parallelism // keep a connection per request in flight
		c.httpClient = &http.Client{Transport: t, Timeout: DefaultTimeout}
	} else {
		hc := *c.httpClient // the caller's client keeps its own redirect policy
		c.httpClient = &hc
	}
	c.httpClient.CheckRedirect = noRedirect
	return c, nil
}

// noRedirect makes a 3xx the answer rather than a request to follow. Following one would send
// the signature wherever the Location points, plain http included, and would turn a PUT
// answered 301 into a GET of the new location whose success would pass for the purchase's.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// parseEndpoint checks the endpoint and returns it with a path ending in "/", so that
// relative references resolve beneath it. Errors never repeat a password the URL may hold.
func parseEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("flowroute: endpoint is not a URL: %w", redactURLError(err))
	}
	if u.User != nil {
		return nil, fmt.Errorf("flowroute: endpoint %s must not hold credentials; pass the keys separately", u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("flowroute: endpoint %q has no host", endpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("flowroute: endpoint %s must not have a query or fragment", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("flowroute: refusing plain http endpoint %s: use https (http is allowed on loopback addresses only)", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("flowroute: endpoint %s: scheme must be https", u.Redacted())
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// redactURLError drops the URL from a *url.Error, which could hold a password.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Endpoint is the base URL the client sends requests to, ending in "/".
func (c *Client) Endpoint() string { return c.base.String() }

// Parallelism is the cap on requests in flight (see WithParallelism).
func (c *Client) Parallelism() int { return c.parallelism }

// String describes the client without its secret key, and with the access key shortened.
func (c Client) String() string {
	endpoint := "<nil>"
	if c.base != nil {
		endpoint = c.base.Redacted()
	}
	return fmt.Sprintf("flowroute.Client{endpoint: %s, access key: %s}", endpoint, shorten(c.accessKey))
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

// shorten keeps the first four characters of an access key, enough to tell accounts apart.
func shorten(key string) string {
	if len(key) <= 4 {
		return "****"
	}
	return key[:4] + "****"
}

// secret is a string that never prints itself.
type secret string

func (secret) String() string   { return "[redacted]" }
func (secret) GoString() string { return "[redacted]" }

// Format prints "[redacted]" for every verb.
func (secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, "[redacted]") }
