package v2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// Defaults of a new Client, the same as the v1 client's: 8 requests in flight, 20 requests a
// second in bursts of 10, 30 s per attempt; walks of at most 10,000 pages and 250,000 items;
// 100 numbers a bulk details request.
const (
	DefaultParallelism = engine.DefaultParallelism
	DefaultRateLimit   = engine.DefaultRateLimit // requests per second
	DefaultBurst       = engine.DefaultBurst
	DefaultTimeout     = engine.DefaultTimeout // per attempt, when the client builds its own http.Client

	// DefaultMaxPages and DefaultMaxItems bound a walk over every page of a list, so that a
	// server announcing pages without end cannot keep the client reading forever.
	DefaultMaxPages = engine.DefaultMaxPages
	DefaultMaxItems = engine.DefaultMaxItems
	// DefaultBulkSize is the numbers asked for in one bulk details request.
	DefaultBulkSize = 100
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

// Client calls the Flowroute numbers API v2, one method per endpoint. It is safe for
// concurrent use. Every request goes through the shared engine, which authenticates with HTTP
// Basic, rate-limits, caps the requests in flight, retries reads, and never repeats a write
// that may have been carried out: each write is sent once, and one whose answer is lost is an
// error matching ErrOutcomeUnknown (see the package documentation).
//
// The secret key never leaves the client but in the Authorization header: String, GoString
// and every fmt verb print the endpoint and a shortened access key only.
type Client struct {
	eng       *engine.Engine
	accessKey string
	pageSize  int
	bulkSize  int
	// bulk remembers whether the server has the v2.1 bulk details: bulkUnknown until a
	// request tells.
	bulk atomic.Int32
}

const (
	bulkUnknown int32 = iota
	bulkYes
	bulkNo
)

// config is what the Options set.
type config struct {
	eng      []engine.Option
	pageSize int
	bulkSize int
}

// Option configures a Client.
type Option func(*config)

func engineOption(o engine.Option) Option { return func(c *config) { c.eng = append(c.eng, o) } }

// WithHTTPClient makes the client send requests with hc (its transport, timeout, proxy, but
// not its redirect policy: the client never follows redirects).
func WithHTTPClient(hc *http.Client) Option { return engineOption(engine.WithHTTPClient(hc)) }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return engineOption(engine.WithUserAgent(ua)) }

// WithParallelism caps the requests in flight, across all calls of the client, and so the
// pages a walk fetches at once. Values below 1 mean 1 (a sequential walk).
func WithParallelism(n int) Option { return engineOption(engine.WithParallelism(n)) }

// WithRateLimit limits the requests the client starts to rps a second, with bursts of up to
// burst; rps <= 0 turns the client-side limit off.
func WithRateLimit(rps float64, burst int) Option {
	return engineOption(engine.WithRateLimit(rps, burst))
}

// WithRetry replaces DefaultRetryPolicy.
func WithRetry(p RetryPolicy) Option { return engineOption(engine.WithRetry(p)) }

// withSleep replaces how the client waits between attempts, so that tests see the backoffs
// without spending them.
func withSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return engineOption(engine.WithSleep(sleep))
}

// WithLogger logs every attempt at Debug level, never headers or credentials.
func WithLogger(l *slog.Logger) Option { return engineOption(engine.WithLogger(l)) }

// WithPageSize sets the limit a walk asks for on each page: 1..MaxLimit, default MaxLimit.
func WithPageSize(n int) Option {
	return func(c *config) { c.pageSize = min(max(n, 1), MaxLimit) }
}

// WithWalkLimits bounds every walk to maxPages pages and maxItems items; a list longer than
// that is an error matching ErrListTooLong rather than a partial answer. Values below 1 keep
// the defaults (DefaultMaxPages, DefaultMaxItems).
func WithWalkLimits(maxPages, maxItems int) Option {
	return engineOption(engine.WithWalkLimits(maxPages, maxItems))
}

// WithWalkLimitHint sets what the error of a walk stopped by its bounds says to do when the
// list really is that long, such as "raise --max-account-numbers".
func WithWalkLimitHint(hint string) Option { return engineOption(engine.WithWalkLimitHint(hint)) }

// WithBulkSize sets the numbers asked for in one bulk details request (default
// DefaultBulkSize).
func WithBulkSize(n int) Option { return func(c *config) { c.bulkSize = max(n, 1) } }

// New returns a client for endpoint ("" means DefaultEndpoint), which carries the "/v2" path
// (the bulk details are read from the sibling "/v2.1"). The endpoint must be https, or plain
// http on a loopback address (for the sandbox and tests), so that the keys, sent with every
// request, never cross a network in clear text.
func New(endpoint, accessKey, secretKey string, opts ...Option) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if accessKey == "" || secretKey == "" {
		return nil, errors.New("flowroute v2: the access key and the secret key are both required")
	}
	cfg := config{pageSize: MaxLimit, bulkSize: DefaultBulkSize}
	for _, o := range opts {
		o(&cfg)
	}
	base := []engine.Option{
		engine.WithErrorDecoder(engine.ErrorList{}),
		engine.WithMediaType("application/vnd.api+json", "application/vnd.api+json"),
	}
	eng, err := engine.New(endpoint, engine.BasicAuth{AccessKey: accessKey, SecretKey: engine.Secret(secretKey)}, append(base, cfg.eng...)...)
	if err != nil {
		return nil, err
	}
	return &Client{eng: eng, accessKey: accessKey, pageSize: cfg.pageSize, bulkSize: cfg.bulkSize}, nil
}

// Endpoint is the base URL the client sends requests to, ending in "/".
func (c *Client) Endpoint() string { return c.eng.Endpoint() }

// String describes the client without its secret key, and with the access key shortened.
func (c *Client) String() string {
	endpoint := "<nil>"
	if c != nil && c.eng != nil {
		endpoint = c.eng.Redacted()
	}
	key := ""
	if c != nil {
		key = c.accessKey
	}
	return fmt.Sprintf("v2.Client{endpoint: %s, access key: %s}", endpoint, engine.KeyHint(key))
}

// GoString is String, so that %#v cannot print the secret key either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	fmt.Fprint(f, c.String())
}

// call sends one request whose answer is a document through the engine and returns the
// answer's body, which the caller decodes (the engine does not look into it). A write that
// succeeded with an empty body returns a nil body and no error: it was carried out, and the
// caller reads the account for what it made.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body any) ([]byte, error) {
	var raw json.RawMessage
	err := c.eng.Do(ctx, engine.Request{Method: method, Path: path, Query: query, Body: body}, &raw)
	if method != http.MethodGet && errors.Is(err, engine.ErrNoDocument) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return raw, nil
}

// send sends one request whose answer carries nothing (204, or a body the client does not
// need) through the engine.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body any) error {
	return c.eng.Do(ctx, engine.Request{Method: method, Path: path, Query: query, Body: body}, nil)
}

// decodeErr wraps a decoding failure with the request it answered.
func decodeErr(method, path string, err error) error {
	return fmt.Errorf("flowroute v2: %s /%s: decoding the answer: %w", method, path, err)
}

// pageQuery adds the page options to q.
func pageQuery(q url.Values, opt PageOptions) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if opt.Limit > 0 {
		q.Set("limit", fmt.Sprint(opt.Limit))
	}
	if opt.Offset > 0 {
		q.Set("offset", fmt.Sprint(opt.Offset))
	}
	return q
}

// getPage reads one page of a list.
func getPage[A, T any](ctx context.Context, c *Client, path string, q url.Values, opt PageOptions, conv func(*resource[A]) (T, error)) (*Page[T], error) {
	if opt.Limit < 0 || opt.Offset < 0 {
		return nil, fmt.Errorf("flowroute v2: page limit %d, offset %d: want 0 or more", opt.Limit, opt.Offset)
	}
	body, err := c.call(ctx, http.MethodGet, path, pageQuery(q, opt), nil)
	if err != nil {
		return nil, err
	}
	p, err := decodePage(body, conv)
	if err != nil {
		return nil, decodeErr(http.MethodGet, path, err)
	}
	return p, nil
}

// getDoc reads one document (GET path) and decodes it.
func getDoc[T any](ctx context.Context, c *Client, path string, decode func([]byte) (T, error)) (*T, error) {
	body, err := c.call(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	v, err := decode(body)
	if err != nil {
		return nil, decodeErr(http.MethodGet, path, err)
	}
	return &v, nil
}

// checkTN checks a number before it goes into a path: 11 to 15 digits, E.164 without "+".
func checkTN(tn string) error {
	if !isTN(tn) {
		return fmt.Errorf("flowroute v2: number %q: want 11 to 15 digits, such as 12065550100", tn)
	}
	return nil
}

// checkID checks an object id before it goes into a path: digits, as every v2 id is.
func checkID(what, id string) error {
	if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("flowroute v2: %s id %q: want digits", what, id)
	}
	return nil
}

// conflictError marks an answer that says the write clashes with the account (an alias
// taken, a route or address still in use), so that it matches ErrConflict.
type conflictError struct{ err error }

func (e conflictError) Error() string        { return e.err.Error() }
func (e conflictError) Unwrap() error        { return e.err }
func (e conflictError) Is(target error) bool { return target == ErrConflict }

// asConflict turns an *APIError with one of the statuses into a conflict.
func asConflict(err error, statuses ...int) error {
	var ae *APIError
	if errors.As(err, &ae) {
		for _, s := range statuses {
			if ae.Status == s {
				return conflictError{err}
			}
		}
	}
	return err
}

// status is the HTTP status of err's *APIError, 0 when there is none.
func status(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// writeDoc sends a write whose answer is the object written, once, and returns that object
// (decode reads it; false: not a usable document). A success without the document is read back
// with readBack: the write was carried out, and the caller gets the object as the account has
// it. what names the object in errors. A write whose answer is lost is an error matching
// ErrOutcomeUnknown, never sent again: the caller reads the account to settle it.
func writeDoc[T any](ctx context.Context, c *Client, method, path string, body any, what string,
	decode func([]byte) (T, bool), readBack func(context.Context) (*T, error)) (*T, error) {
	raw, err := c.call(ctx, method, path, nil, body)
	if err != nil {
		return nil, err
	}
	if v, ok := decode(raw); ok {
		return &v, nil
	}
	v, err := readBack(ctx)
	switch {
	case err != nil:
		return nil, fmt.Errorf("flowroute v2: %s: the server acknowledged the write without the document it returns, and reading it back failed: %w", what, err)
	case v == nil:
		return nil, fmt.Errorf("flowroute v2: %s: the server acknowledged the write without the document it returns, and the account does not show it", what)
	}
	return v, nil
}

// The answers of the writes that return the object written (writeDoc's decode): usable when
// they decode and name the object's id.
func routeAnswer(raw []byte) (Route, bool) {
	r, err := decodeRoute(raw)
	return r, err == nil && r.ID != ""
}

func cnamAnswer(raw []byte) (CNAM, bool) {
	r, err := decodeCNAM(raw)
	return r, err == nil && r.ID != ""
}

func e911Answer(raw []byte) (E911Address, bool) {
	a, err := decodeE911(raw)
	return a, err == nil && a.ID != ""
}
