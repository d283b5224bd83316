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

// maxBody bounds the bytes read from one response; the largest page is far smaller.
const maxBody = 16 << 20

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
	final  bool  // the request was not sent and must not be retried (the client's rate limit refused it)
	header http.Header
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
	for n := 1; ; n++ {
		a := e.try(ctx, req.Method, u, body, n)
		if a.err == nil && a.status >= 200 && a.status <= 206 {
			if out == nil || len(bytes.TrimSpace(a.body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(a.body, out); err != nil {
				return fmt.Errorf("%s %s: decoding the answer: %w", req.Method, path, err)
			}
			return nil
		}
		err, retry := e.classify(ctx, req, path, a)
		if !retry || n >= e.retry.MaxAttempts {
			if retry && n > 1 {
				return fmt.Errorf("giving up after %d attempts: %w", n, err)
			}
			return err
		}
		wait := e.backoff(n)
		if rl := (*RateLimitError)(nil); errors.As(err, &rl) && rl.RetryAfter > wait {
			if rl.RetryAfter > maxRetryAfter {
				return err
			}
			wait = rl.RetryAfter
		}
		if serr := e.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w, while waiting to retry after: %w", serr, err)
		}
	}
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
		if a.final {
			return fmt.Errorf("%s %s: %w", req.Method, path, a.err), false
		}
		if req.isWrite() && a.sent {
			return &OutcomeUnknownError{Method: req.Method, Path: path, Err: a.err}, false
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
	apiErr := &APIError{Status: a.status, Method: req.Method, Path: path, Message: msg}
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
	if e.limiter != nil {
		if err := e.limiter.Wait(ctx); err != nil {
			return attempt{err: fmt.Errorf("waiting for the client rate limit: %w", err), final: true}
		}
	}
	select {
	case e.inFlight <- struct{}{}:
	case <-ctx.Done():
		return attempt{err: context.Cause(ctx)}
	}
	defer func() { <-e.inFlight }()

	start := time.Now()
	a := e.send(ctx, method, u, body)
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

	resp, err := e.httpClient.Do(req)
	if err != nil {
		return attempt{err: err, sent: wrote.Load() && !neverSent(err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return attempt{err: fmt.Errorf("reading the answer (status %d): %w", resp.StatusCode, err), sent: true}
	}
	return attempt{status: resp.StatusCode, body: b, header: resp.Header, sent: true}
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
