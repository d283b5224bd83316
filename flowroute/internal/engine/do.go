package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// MaxBody bounds the bytes read from one response; the largest page of either API is far
// smaller. A longer answer is an error, never silently cut.
const MaxBody = 32 << 20

// Request is one API call.
type Request struct {
	Method string     // GET, PUT, POST, PATCH, DELETE
	Path   string     // escaped, relative to the endpoint: "tns/12065551234"
	Query  url.Values // sent as EncodeQuery gives it: blank values dropped, keys sorted
	Body   any        // marshalled to JSON when not nil
}

// isWrite reports whether the request changes the account, and so must never be repeated
// unless the repetition cannot do harm.
func (r *Request) isWrite() bool { return r.Method != http.MethodGet && r.Method != http.MethodHead }

// EncodeQuery drops blank values, sorts by key and form-encodes: "limit=1&npa=206". v1 signs
// the query in this form, so the query sent and the one signed always agree.
func EncodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			if v == "" {
				continue
			}
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// attempt is what one try of a request came to.
type attempt struct {
	status int
	body   []byte
	err    error // network error, nil when a response arrived
	sent   bool  // the request was written to a connection, so the server may have acted on it
	final  bool  // must not be retried (the client's rate limit refused it, the answer is too long)
	header http.Header
	red    redactor // the secrets this attempt sent
	gen    uint64   // the adaptive rate's generation when the attempt started
}

// Do sends req, retrying where safe, and decodes a successful JSON answer into out (when not
// nil and the body is not empty). Every call of a client goes through it: its rate limit, its
// cap on requests in flight and its retry rules (see the package documentation).
func (e *Engine) Do(ctx context.Context, req Request, out any) error {
	u, err := e.base.Parse(req.Path)
	if err != nil {
		return fmt.Errorf("flowroute: bad request path %q: %w", req.Path, RedactURLError(err))
	}
	u.RawQuery = EncodeQuery(req.Query)
	path := u.RequestURI()
	var body []byte
	if req.Body != nil {
		if body, err = json.Marshal(req.Body); err != nil {
			return fmt.Errorf("%s %s: encoding the body: %w", req.Method, path, err)
		}
	}
	errs, limited := 0, 0         // failed attempts that were not 429, and 429 answers
	var limitedWait time.Duration // waited so far because of 429 answers
	for n := 1; ; n++ {
		a := e.try(ctx, req.Method, u, body, n)
		if a.err == nil && a.status >= 200 && a.status <= 206 {
			e.rate.succeeded()
			return e.decode(req, path, a, out)
		}
		err, retry := e.classify(ctx, req, path, a)
		rl := (*RateLimitError)(nil)
		if errors.As(err, &rl) {
			limited++
			e.rate.limited(a.gen)
		} else {
			errs++
		}
		if !retry {
			return err
		}
		if rl == nil && errs >= e.retry.MaxAttempts || rl != nil && limited >= e.retry.RateLimitAttempts {
			if n > 1 {
				return fmt.Errorf("giving up after %d attempts: %w", n, err)
			}
			return err
		}
		wait := e.backoff(n)
		if rl != nil {
			if rl.RetryAfter > maxRetryAfter {
				return err
			}
			wait = max(wait, rl.RetryAfter)
			if limitedWait+wait > e.retry.RateLimitWait {
				return fmt.Errorf("giving up after %d attempts and %s of waiting for the server's rate limit: %w", n, limitedWait, err)
			}
			limitedWait += wait
		}
		if serr := e.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w, while waiting to retry after: %w", serr, err)
		}
	}
}

// ErrNoDocument matches the error of a success (2xx) whose body is empty where the endpoint
// returns a document. It is no failure of the request: a client whose write was acknowledged
// so knows it was carried out, and reads the account for what it made.
var ErrNoDocument = errors.New("not the JSON document this endpoint returns")

// decode checks a successful answer and decodes it into out. A body that is an error envelope
// is an error whatever the status: for a write it is an *OutcomeUnknownError, as the answer
// contradicts itself. When out is not nil the endpoint returns a document, so an empty body
// is an error too, never an empty list.
func (e *Engine) decode(req Request, path string, a attempt, out any) error {
	// Both envelopes have a member "error…"; the full check runs only when one may be there.
	if bytes.Contains(a.body, []byte(`"error`)) {
		if msg, envelope := e.errs.Decode(a.status, a.body); envelope {
			err := fmt.Errorf("the server answered %d, but with an error: %s", a.status, a.red.clean(msg))
			if req.isWrite() {
				return &OutcomeUnknownError{Method: req.Method, Path: path, Err: err}
			}
			return fmt.Errorf("%s %s: %w", req.Method, path, err)
		}
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(a.body)) == 0 {
		return fmt.Errorf("%s %s: the server answered %d with an empty body, %w", req.Method, path, a.status, ErrNoDocument)
	}
	// A raw document (the v2 client's) is the body as it came, without the white space around
	// it: the caller decodes it into its types in one pass, which checks that it is JSON (a
	// check here would be a second pass over every answer).
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = bytes.TrimSpace(a.body)
		return nil
	}
	if err := Unmarshal(a.body, out); err != nil {
		// The decoder's error may quote a value from the server: of any size, or an echo.
		return fmt.Errorf("%s %s: decoding the answer: %s", req.Method, path, a.red.clean(err.Error()))
	}
	if c, ok := out.(Checked); ok {
		if err := c.Check(); err != nil {
			return fmt.Errorf("%s %s: %s", req.Method, path, a.red.clean(err.Error()))
		}
	}
	return nil
}

// Checked is an answer that checks itself once decoded: Do calls Check after decoding into
// it, and an error it returns fails the request. Such an error may quote the server's values
// (a key the client refuses), so Do cleans it of secrets and cuts it, as it does the
// decoder's errors.
type Checked interface {
	Check() error
}

// RequestPath is the path a request to rel (relative to the endpoint) goes to, as errors show
// it: "/v1/tns/".
func (e *Engine) RequestPath(rel string) string {
	u, err := e.base.Parse(rel)
	if err != nil {
		return e.base.Path + rel
	}
	return u.EscapedPath()
}

// classify turns a failed attempt into the error to return and whether another attempt is safe.
//
//   - 429 is retried for every method: the server refused the request without acting on it.
//   - A GET is retried on a 5xx and on network errors.
//   - A write that provably never reached the server (dial errors, nothing written) is retried.
//   - A write that may have reached the server and got a 5xx or no answer is not retried; it
//     gives an *OutcomeUnknownError. A 500 counts as unknown: the server may have done the
//     write before failing.
//   - Any other status is final.
func (e *Engine) classify(ctx context.Context, req Request, path string, a attempt) (error, bool) {
	if a.err != nil {
		if req.isWrite() && a.sent {
			return &OutcomeUnknownError{Method: req.Method, Path: path, Err: a.err}, false
		}
		if a.final {
			return fmt.Errorf("%s %s: %w", req.Method, path, a.err), false
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", req.Method, path, a.err), false
		}
		if req.isWrite() {
			return fmt.Errorf("%s %s: request never reached the server: %w", req.Method, path, a.err), true
		}
		return fmt.Errorf("%s %s: %w", req.Method, path, a.err), true
	}
	msg, _ := e.errs.Decode(a.status, a.body)
	apiErr := &APIError{Status: a.status, Method: req.Method, Path: path, Message: a.red.clean(msg)}
	switch {
	case a.status == http.StatusTooManyRequests:
		return &RateLimitError{APIError: apiErr, RetryAfter: retryAfter(a.header.Get("Retry-After"), e.now())}, true
	case a.status >= 500 && req.isWrite():
		return &OutcomeUnknownError{Method: req.Method, Path: path, Err: apiErr}, false
	case a.status >= 500:
		return apiErr, true
	default:
		return apiErr, false
	}
}

// try makes one attempt: it waits for the rate limiter and for a free slot, authenticates and
// sends.
func (e *Engine) try(ctx context.Context, method string, u *url.URL, body []byte, n int) attempt {
	gen, err := e.rate.wait(ctx)
	if err != nil {
		return attempt{err: fmt.Errorf("waiting for the client rate limit: %w", err), final: true}
	}
	select {
	case e.inFlight <- struct{}{}:
	case <-ctx.Done():
		return attempt{err: context.Cause(ctx)}
	}
	defer func() { <-e.inFlight }()

	start := time.Now()
	a := e.send(ctx, method, u, body)
	a.gen = gen
	if e.logger != nil {
		attrs := []slog.Attr{
			slog.String("method", method), slog.String("path", u.RequestURI()),
			slog.Int("status", a.status), slog.Int("attempt", n),
			slog.Duration("duration", time.Since(start)),
		}
		if a.err != nil {
			attrs = append(attrs, slog.String("error", a.err.Error()))
		}
		e.logger.LogAttrs(ctx, slog.LevelDebug, "flowroute request", attrs...)
	}
	return a
}

// send authenticates and sends one request and reads the whole answer.
func (e *Engine) send(ctx context.Context, method string, u *url.URL, body []byte) attempt {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, u.String(), bytes.NewReader(body))
	if err != nil {
		return attempt{err: RedactURLError(err)}
	}
	uc := *u
	req.URL = &uc // exactly the URL the caller built, for Auth to sign
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	} else {
		req.Header.Set("Content-Type", e.ctype)
	}
	req.Header.Set("Accept", e.accept)
	if e.userAgent != "" {
		req.Header.Set("User-Agent", e.userAgent)
	}
	if err := e.auth.Authenticate(req, body, e.now()); err != nil {
		return attempt{err: fmt.Errorf("authenticating the request: %w", err), final: true}
	}

	red := newRedactor(e.auth.Secrets(), req.Header.Get("Authorization"))

	resp, err := e.httpClient.Do(req)
	if err != nil {
		return attempt{err: err, sent: wrote.Load() && !neverSent(err), red: red}
	}
	defer resp.Body.Close()
	b, err := readBody(resp)
	if err != nil {
		return attempt{err: fmt.Errorf("reading the answer (status %d): %w", resp.StatusCode, err), sent: true, red: red}
	}
	if len(b) > MaxBody {
		return attempt{err: fmt.Errorf("the answer (status %d) is longer than %d MiB: no answer of this API is that long", resp.StatusCode, MaxBody>>20),
			sent: true, final: true, red: red}
	}
	return attempt{status: resp.StatusCode, body: b, header: resp.Header, sent: true, red: red}
}

// readBody reads an answer, up to one byte beyond MaxBody, into a buffer of the size the
// Content-Length header announces (when it fits), so that a page is not copied as it grows:
// the bytes.MinRead beyond it are the room bytes.Buffer.ReadFrom wants free before each read,
// the one that finds the end included. A longer answer than announced grows the buffer.
func readBody(resp *http.Response) ([]byte, error) {
	r := io.LimitReader(resp.Body, MaxBody+1)
	n := resp.ContentLength
	if n <= 0 || n > MaxBody {
		return io.ReadAll(r)
	}
	b := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// neverSent reports whether err proves that the request never left the client: the
// connection could not be made.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff is the wait before attempt n+1: exponential from MinBackoff, capped at MaxBackoff,
// with "equal jitter" (half fixed, half random) so that parallel callers spread out.
func (e *Engine) backoff(n int) time.Duration {
	d := e.retry.MinBackoff
	for i := 1; i < n && d < e.retry.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.retry.MaxBackoff)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// sleepCtx waits d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date. Zero when absent or invalid;
// the longest Duration when it is longer.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.ParseInt(h, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case s <= 0:
			return 0
		case s > int64(math.MaxInt64/time.Second):
			return math.MaxInt64 // s·10⁹ ns would overflow, and could wrap to a short wait
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
