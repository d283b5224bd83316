package engine

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
)

// Defaults of a new Engine. The rate limit is a guess at what Flowroute tolerates (neither API
// publishes one): 20 requests a second with bursts of 10, so that walking every page of a large
// account stays polite; the server's own 429 answers are honoured on top of it.
const (
	DefaultParallelism = 8
	DefaultRateLimit   = 20 // requests per second
	DefaultBurst       = 10
	DefaultTimeout     = 30 * time.Second // per attempt, when the engine builds its own http.Client
)

// DefaultRetryPolicy is used unless WithRetry says otherwise.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, MinBackoff: 250 * time.Millisecond, MaxBackoff: 10 * time.Second,
	RateLimitAttempts: 20, RateLimitWait: DefaultRateLimitWait}

// DefaultRateLimitWait is the RateLimitWait of a RetryPolicy that sets none.
const DefaultRateLimitWait = 5 * time.Minute

// MaxParallelism bounds WithParallelism: more requests at once than this only earns 429s, and
// a huge value must not overflow the walker's arithmetic.
const MaxParallelism = 64

// Default bounds of a walk (WithWalkLimits). DefaultMaxItems is the size of an account the
// client reads without being told it may be larger: well beyond a real account, low enough
// that a server announcing pages without end is stopped, with a clear error, within a minute
// or so at the default rate (1,251 pages of 200) and while memory lasts. The pages of a walk
// are bounded by what its items need, ceil(items ÷ page size) + 1, and by DefaultMaxPages.
const (
	DefaultMaxPages = 10_000
	DefaultMaxItems = 250_000
)

// maxRetryAfter is the longest Retry-After the engine waits out by itself; beyond it the
// *RateLimitError goes back to the caller, who can decide to wait that long.
const maxRetryAfter = time.Minute

// RetryPolicy bounds the retries of one call. Attempt n (from 1) that fails waits about
// MinBackoff·2^(n-1), capped at MaxBackoff, with jitter, or the server's Retry-After when that
// is longer. MaxAttempts counts the first attempt: 1 means never retry.
//
// A 429 is not a failure: the server asks us to wait, not to give up. 429 answers have their
// own budget, RateLimitAttempts of them (0 means MaxAttempts), and RateLimitWait of waiting for
// them in all (0 means DefaultRateLimitWait), and do not use up MaxAttempts.
type RetryPolicy struct {
	MaxAttempts       int
	MinBackoff        time.Duration
	MaxBackoff        time.Duration
	RateLimitAttempts int
	RateLimitWait     time.Duration
}

// Config is what the Options set. The zero value of a field means its default.
type Config struct {
	HTTPClient  *http.Client
	UserAgent   string
	Parallelism int
	RateLimit   float64 // requests a second; <= 0: no client-side limit
	Burst       int
	Retry       RetryPolicy
	Now         func() time.Time
	Sleep       func(ctx context.Context, d time.Duration) error
	Logger      *slog.Logger
	Errors      ErrorDecoder
	Accept      string // Accept header of every request
	ContentType string // Content-Type of a request with a body
	MaxPages    int    // a walk fails beyond this many pages
	MaxItems    int    // a walk fails beyond this many items
	LimitHint   string // ends the error of a walk stopped by its bounds
}

// Option configures an Engine.
type Option func(*Config)

// WithHTTPClient makes the engine send requests with hc (its transport, timeout, proxy, but
// not its redirect policy: the engine never follows redirects). Without it the engine uses
// its own, with DefaultTimeout per attempt.
func WithHTTPClient(hc *http.Client) Option { return func(c *Config) { c.HTTPClient = hc } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Config) { c.UserAgent = ua } }

// WithParallelism caps the requests in flight, across all calls of the engine, and the pages a
// walk fetches at once, from 1 to MaxParallelism: other values are clamped. The default is
// DefaultParallelism.
func WithParallelism(n int) Option { return func(c *Config) { c.Parallelism = n } }

// WithWalkLimits bounds a Walk to pages pages and items items (values below 1 keep the
// defaults, DefaultMaxPages and DefaultMaxItems), so that a server that keeps producing pages
// cannot exhaust memory or keep the client busy for hours: beyond them the walk fails with an
// error naming the endpoint. A walk reads at most ceil(items ÷ page size) + 1 pages, too.
func WithWalkLimits(pages, items int) Option {
	return func(c *Config) { c.MaxPages, c.MaxItems = pages, items }
}

// WithWalkLimitHint sets what the error of a walk stopped by its bounds says to do when the
// list is really that long, such as "raise --max-account-numbers".
func WithWalkLimitHint(hint string) Option { return func(c *Config) { c.LimitHint = hint } }

// WithRateLimit limits the requests the engine starts to rps a second, with bursts of up to
// burst. rps <= 0 turns the client-side limit off. The default is DefaultRateLimit, DefaultBurst.
//
// The limit adapts: a 429 halves the rate (down to one request a second, or rps if lower)
// and drops bursts, and each success brings it back by a sixteenth of rps. With the limit
// off, the server's Retry-After is all there is.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *Config) { c.RateLimit, c.Burst = rps, max(burst, 1) }
}

// WithRetry replaces DefaultRetryPolicy. MaxAttempts below 1 means 1.
func WithRetry(p RetryPolicy) Option { return func(c *Config) { c.Retry = p } }

// WithClock sets the clock that timestamps requests and reads Retry-After dates (for tests).
// The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *Config) { c.Now = now } }

// WithSleep replaces how the engine waits between attempts, so that tests can see the backoffs
// and Retry-After waits without spending them.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Config) { c.Sleep = sleep }
}

// WithLogger logs every attempt at Debug level: method, path, status, attempt, duration and
// error. Headers, and so credentials, are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *Config) { c.Logger = l } }

// WithErrorDecoder sets how error bodies are read. The default is SingleError (v1's).
func WithErrorDecoder(d ErrorDecoder) Option { return func(c *Config) { c.Errors = d } }

// WithMediaType sets the Accept header of every request and the Content-Type of those with a
// body. The default is "application/json" and "application/json; charset=utf-8".
func WithMediaType(accept, contentType string) Option {
	return func(c *Config) { c.Accept, c.ContentType = accept, contentType }
}

// Engine sends the requests of one API client. It is safe for concurrent use.
type Engine struct {
	base       *url.URL // endpoint; its path ends in "/"
	auth       Auth
	httpClient *http.Client
	userAgent  string
	accept     string
	ctype      string
	par        int
	rate       *adaptiveRate // nil: no client-side rate limit
	maxPages   int
	maxItems   int
	limitHint  string
	inFlight   chan struct{} // semaphore: one token per request in flight
	retry      RetryPolicy
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	logger     *slog.Logger // nil: no logging
	errs       ErrorDecoder
}

// New returns an engine for endpoint, which may carry a path prefix such as "/v1". The
// endpoint must be https, or plain http on a loopback address (for sandboxes and tests), so
// that credentials and numbers never cross a network in clear text. auth authenticates every
// attempt.
func New(endpoint string, auth Auth, opts ...Option) (*Engine, error) {
	base, err := ParseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if auth == nil {
		return nil, errors.New("flowroute: no authentication given")
	}
	cfg := Config{
		Parallelism: DefaultParallelism,
		RateLimit:   DefaultRateLimit,
		Burst:       DefaultBurst,
		Retry:       DefaultRetryPolicy,
		Now:         time.Now,
		Sleep:       sleepCtx,
		Errors:      SingleError{},
		Accept:      "application/json",
		ContentType: "application/json; charset=utf-8",
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	e := &Engine{
		base:      base,
		auth:      auth,
		userAgent: cfg.UserAgent,
		accept:    cfg.Accept,
		ctype:     cfg.ContentType,
		par:       min(max(cfg.Parallelism, 1), MaxParallelism),
		maxPages:  cfg.MaxPages,
		maxItems:  cfg.MaxItems,
		limitHint: cfg.LimitHint,
		retry:     cfg.Retry,
		now:       cfg.Now,
		sleep:     cfg.Sleep,
		logger:    cfg.Logger,
		errs:      cfg.Errors,
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.sleep == nil {
		e.sleep = sleepCtx
	}
	if e.errs == nil {
		e.errs = SingleError{}
	}
	if e.maxPages < 1 {
		e.maxPages = DefaultMaxPages
	}
	if e.maxItems < 1 {
		e.maxItems = DefaultMaxItems
	}
	e.retry.MaxAttempts = max(e.retry.MaxAttempts, 1)
	if e.retry.RateLimitAttempts < 1 {
		e.retry.RateLimitAttempts = e.retry.MaxAttempts
	}
	if e.retry.RateLimitWait <= 0 {
		e.retry.RateLimitWait = DefaultRateLimitWait
	}
	e.retry.MinBackoff = max(e.retry.MinBackoff, 0)
	e.retry.MaxBackoff = max(e.retry.MaxBackoff, e.retry.MinBackoff)
	if cfg.RateLimit > 0 {
		e.rate = newAdaptiveRate(cfg.RateLimit, max(cfg.Burst, 1))
	}
	e.inFlight = make(chan struct{}, e.par)
	if cfg.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = e.par // keep a connection per request in flight
		e.httpClient = &http.Client{Transport: t, Timeout: DefaultTimeout}
	} else {
		hc := *cfg.HTTPClient // the caller's client keeps its own redirect policy
		e.httpClient = &hc
	}
	e.httpClient.CheckRedirect = noRedirect
	return e, nil
}

// noRedirect makes a 3xx the answer rather than a request to follow. Following one would send
// the credentials wherever the Location points, plain http included, and would turn a PUT
// answered 301 into a GET of the new location whose success would pass for the write's.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// ParseEndpoint checks an endpoint and returns it with a path ending in "/", so that relative
// references resolve beneath it. It must be https, or http on a loopback address. Errors never
// repeat a password the URL may hold.
func ParseEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("flowroute: endpoint is not a URL: %w", RedactURLError(err))
	}
	if u.User != nil {
		return nil, fmt.Errorf("flowroute: endpoint %s must not hold credentials; pass the keys separately", u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("flowroute: endpoint %s has no host: write it as https://HOST/PATH", shownEndpoint(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("flowroute: endpoint %s must not have a query or fragment", shownEndpoint(u))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
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

// shownEndpoint is u for an error message: its user info, query and fragment, where a
// mistyped credential would sit, replaced by placeholders.
func shownEndpoint(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("xxxxx")
	}
	if c.RawQuery != "" || c.ForceQuery {
		c.RawQuery, c.ForceQuery = "…", false
	}
	if c.Fragment != "" {
		c.Fragment, c.RawFragment = "…", ""
	}
	return c.String()
}

// RedactURLError drops the URL from a *url.Error, which could hold a password.
func RedactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// IsLoopback reports whether host is localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Endpoint is the base URL the engine sends requests to, ending in "/".
func (e *Engine) Endpoint() string { return e.base.String() }

// Redacted is Endpoint with any password replaced (there is none: New refuses them).
func (e *Engine) Redacted() string { return e.base.Redacted() }

// Parallelism is the cap on requests in flight (see WithParallelism).
func (e *Engine) Parallelism() int { return e.par }

// Rate is the client-side rate limit now, in requests a second: lower than WithRateLimit's
// while the server is answering 429; 0 when there is no client-side limit.
func (e *Engine) Rate() float64 { return e.rate.current() }

// String describes the engine by its endpoint only, never its credentials.
func (e *Engine) String() string { return "engine.Engine{endpoint: " + e.base.Redacted() + "}" }

// GoString is String, so that %#v cannot print the credentials either.
func (e *Engine) GoString() string { return e.String() }

// Format prints String for every verb.
func (e *Engine) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", e.String())
		return
	}
	fmt.Fprint(f, e.String())
}
