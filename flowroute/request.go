package flowroute

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
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// maxBody bounds the bytes read from one response; the largest v1 page is far smaller.
const maxBody = 16 << 20

// request is one API call, before signing.
type request struct {
	method string     // GET, PUT or PATCH
	path   string     // escaped, relative to the endpoint: "tns/12065551234"
	query  url.Values // blank values are dropped
	body   any        // marshalled to JSON when not nil
}

// isWrite reports whether the request changes the account, and so must never be repeated
// unless the repetition cannot do harm.
func (r *request) isWrite() bool { return r.method != http.MethodGet }

// attempt is what one try of a request came to.
type attempt struct {
	status int
	body   []byte
	err    error // network error, nil when a response arrived
	sent   bool  // the request was written to a connection, so the server may have acted on it
	final  bool  // the request was not sent and must not be retried (the client's rate limit refused it)
	header http.Header
}

// do sends req, retrying where safe, and decodes a successful JSON answer into out (when not
// nil and the body is not empty). It is the single request path of the client: every call
// goes through its rate limit, its cap on requests in flight and its retry rules.
func (c *Client) do(ctx context.Context, req request, out any) error {
	u, err := c.base.Parse(req.path)
	if err != nil {
		return fmt.Errorf("flowroute: bad request path %q: %w", req.path, redactURLError(err))
	}
	u.RawQuery = CanonicalQuery(req.query)
	path := u.RequestURI()
	var body []byte
	if req.body != nil {
		if body, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("%s %s: encoding the body: %w", req.method, path, err)
		}
	}
	for n := 1; ; n++ {
		a := c.try(ctx, req.method, u, body, n)
		if a.err == nil && a.status >= 200 && a.status <= 206 {
			if out == nil || len(bytes.TrimSpace(a.body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(a.body, out); err != nil {
				return fmt.Errorf("%s %s: decoding the answer: %w", req.method, path, err)
			}
			return nil
		}
		err, retry := c.classify(ctx, req, path, a)
		if !retry || n >= c.retry.MaxAttempts {
			if retry && n > 1 {
				return fmt.Errorf("giving up after %d attempts: %w", n, err)
			}
			return err
		}
		wait := c.backoff(n)
		if rl := (*RateLimitError)(nil); errors.As(err, &rl) && rl.RetryAfter > wait {
			if rl.RetryAfter > maxRetryAfter {
				return err
			}
			wait = rl.RetryAfter
		}
		if serr := c.sleep(ctx, wait); serr != nil {
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
func (c *Client) classify(ctx context.Context, req request, path string, a attempt) (error, bool) {
	if a.err != nil {
		if a.final {
			return fmt.Errorf("%s %s: %w", req.method, path, a.err), false
		}
		if req.isWrite() && a.sent {
			return &OutcomeUnknownError{Method: req.method, Path: path, Err: a.err}, false
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", req.method, path, a.err), false
		}
		if req.isWrite() {
			return fmt.Errorf("%s %s: request never reached the server: %w", req.method, path, a.err), true
		}
		return fmt.Errorf("%s %s: %w", req.method, path, a.err), true
	}
	apiErr := &APIError{Status: a.status, Method: req.method, Path: path, Message: errorMessage(a.status, a.body)}
	switch {
	case a.status == http.StatusTooManyRequests:
		return &RateLimitError{APIError: apiErr, RetryAfter: retryAfter(a.header.Get("Retry-After"), c.now())}, true
	case a.status >= 500 && req.isWrite():
		return &OutcomeUnknownError{Method: req.method, Path: path, Err: apiErr}, false
	case a.status >= 500:
		return apiErr, true
	default:
		return apiErr, false
	}
}

// try makes one attempt: it waits for the rate limiter and for a free slot, signs and sends.
func (c *Client) try(ctx context.Context, method string, u *url.URL, body []byte, n int) attempt {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return attempt{err: fmt.Errorf("waiting for the client rate limit: %w", err), final: true}
		}
	}
	select {
	case c.inFlight <- struct{}{}:
	case <-ctx.Done():
		return attempt{err: context.Cause(ctx)}
	}
	defer func() { <-c.inFlight }()

	start := time.Now()
	a := c.send(ctx, method, u, body)
	if c.logger != nil {
		attrs := []slog.Attr{
			slog.String("method", method), slog.String("path", u.RequestURI()),
			slog.Int("status", a.status), slog.Int("attempt", n),
			slog.Duration("duration", time.Since(start)),
		}
		if a.err != nil {
			attrs = append(attrs, slog.String("error", a.err.Error()))
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "flowroute request", attrs...)
	}
	return a
}

// send signs and sends one request and reads the whole answer.
func (c *Client) send(ctx context.Context, method string, u *url.URL, body []byte) attempt {
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
		return attempt{err: redactURLError(err)}
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	} else {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	ts := Timestamp(c.now())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Timestamp", ts)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	req.SetBasicAuth(c.accessKey, Signature(string(c.secretKey), ts, method, u, body))

	resp, err := c.httpClient.Do(req)
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
func (c *Client) backoff(n int) time.Duration {
	d := c.retry.MinBackoff
	for i := 1; i < n && d < c.retry.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.retry.MaxBackoff)
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

// errorMessage is the useful part of an error body: the "error" string of a JSON body, the
// first bytes of any other body, or the status text when the body says nothing ("", "{}").
func errorMessage(status int, body []byte) string {
	body = bytes.TrimSpace(body)
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil {
		var s string
		if json.Unmarshal(e.Error, &s) == nil && s != "" {
			return s
		}
		if len(e.Error) > 0 && string(e.Error) != "null" && string(e.Error) != `""` {
			return snippet(e.Error) // an error that is not a string: show it as sent
		}
		if string(body) == "{}" || string(body) == "null" {
			body = nil
		}
	}
	if len(body) == 0 {
		if t := http.StatusText(status); t != "" {
			return t
		}
		return ""
	}
	return snippet(body)
}

// snippet collapses white space and keeps the first 200 characters of b.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	const limit = 200
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return s
}
