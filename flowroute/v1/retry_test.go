package v1_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// TestAPIErrors: every error answer gives an *APIError with a useful message, whatever the
// body; 404 matches ErrNotFound, 429 is a *RateLimitError. Reads are retried on 429 and 5xx only.
func TestAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		header    [2]string
		body      string
		message   string
		attempts  int
		notFound  bool
		rateLimit time.Duration // RetryAfter wanted; -1 when not a *RateLimitError
	}{
		{"401 json", 401, [2]string{}, `{"error":"Authentication failed."}`, "Authentication failed.", 1, false, -1},
		{"404 json", 404, [2]string{}, `{"error":"Not Found"}`, "Not Found", 1, true, -1},
		{"409 json", 409, [2]string{}, `{"error":"Route name already exists."}`, "Route name already exists.", 1, false, -1},
		{"422 json", 422, [2]string{}, `{"error":"Business Logic Error: The TN is not available for purchase."}`,
			"Business Logic Error: The TN is not available for purchase.", 1, false, -1},
		{"400 empty object", 400, [2]string{}, `{}`, "Bad Request", 1, false, -1},
		{"400 no body", 400, [2]string{}, ``, "Bad Request", 1, false, -1},
		{"400 not json", 400, [2]string{}, "<html>\n  <body>Bad   request</body>\n</html>\n", "<html> <body>Bad request</body> </html>", 1, false, -1},
		{"422 error not a string", 422, [2]string{}, `{"error":{"limit":"too big"}}`, `{"limit":"too big"}`, 1, false, -1},
		{"500 json", 500, [2]string{}, `{"error":"Internal Server Error"}`, "Internal Server Error", 3, false, -1},
		{"502 html", 502, [2]string{}, `<h1>Bad Gateway</h1>`, "<h1>Bad Gateway</h1>", 3, false, -1},
		{"429 retry-after", 429, [2]string{"Retry-After", "2"}, `{"error":"Too many requests"}`, "Too many requests", 3, false, 2 * time.Second},
		{"429 no retry-after", 429, [2]string{}, `{}`, "Too Many Requests", 3, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.mux.HandleFunc("GET /v1/routes/", func(w http.ResponseWriter, r *http.Request) {
				if tt.header[0] != "" {
					w.Header().Set(tt.header[0], tt.header[1])
				}
				reply(w, tt.status, tt.body)
			})
			_, err := e.client.ListRoutes(context.Background(), v1.PageOptions{Limit: 5})
			var apiErr *v1.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			want := &v1.APIError{Status: tt.status, Method: "GET", Path: "/v1/routes/?limit=5", Message: tt.message}
			if diff := cmp.Diff(want, apiErr); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if got := errors.Is(err, v1.ErrNotFound); got != tt.notFound {
				t.Errorf("errors.Is(err, ErrNotFound) = %v", got)
			}
			var rl *v1.RateLimitError
			if errors.As(err, &rl) != (tt.rateLimit >= 0) {
				t.Errorf("errors.As(err, *RateLimitError) = %v", !(tt.rateLimit >= 0))
			} else if rl != nil && rl.RetryAfter != tt.rateLimit {
				t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, tt.rateLimit)
			}
			if errors.Is(err, v1.ErrOutcomeUnknown) {
				t.Error("a read is never outcome-unknown")
			}
			if got := len(e.requests()); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not give the message %q", err, tt.message)
			}
		})
	}
}

func TestGetRetriedThroughFaults(t *testing.T) {
	t.Parallel()
	// Without keep-alives, so that the transport cannot replay the dropped GET on a fresh
	// connection by itself: the retry seen here is the client's.
	tr := &http.Transport{DisableKeepAlives: true}
	e := setup(t, v1.WithHTTPClient(&http.Client{Transport: tr}),
		v1.WithRetry(v1.RetryPolicy{MaxAttempts: 4, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}))
	e.mux.Handle("GET /v1/tns/{tn}", sequence(
		answer(500, `{"error":"Internal Server Error"}`),
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			reply(w, 429, `{"error":"slow down"}`)
		},
		func(w http.ResponseWriter, r *http.Request) { drop(w) },
		answer(200, `{"billing_method":"METERED","routes":[]}`),
	))
	n, err := e.client.GetNumber(context.Background(), "12062092844")
	if err != nil {
		t.Fatal(err)
	}
	if n.BillingMethod != "METERED" {
		t.Errorf("number = %+v", n)
	}
	if got := len(e.requests()); got != 4 {
		t.Errorf("%d attempts, want 4", got)
	}
	waits := e.waits()
	if len(waits) != 3 {
		t.Fatalf("waits = %v, want 3", waits)
	}
	// Exponential with jitter: attempt n waits between half and all of 100ms·2^(n-1); the
	// 429 waits its Retry-After instead, being longer.
	if waits[0] < 50*time.Millisecond || waits[0] > 100*time.Millisecond {
		t.Errorf("first backoff %v, want 50ms..100ms", waits[0])
	}
	if waits[1] != 3*time.Second {
		t.Errorf("wait after 429 = %v, want the Retry-After 3s", waits[1])
	}
	if waits[2] < 200*time.Millisecond || waits[2] > 400*time.Millisecond {
		t.Errorf("third backoff %v, want 200ms..400ms", waits[2])
	}
}

// TestRetryAfterTooLong: a Retry-After beyond a minute goes back to the caller at once, even
// one too large for a time.Duration.
func TestRetryAfterTooLong(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]time.Duration{
		"120":                  2 * time.Minute,
		"9223372037":           math.MaxInt64, // seconds whose nanoseconds overflow int64
		"99999999999":          math.MaxInt64,
		"99999999999999999999": math.MaxInt64, // beyond int64 itself
	} {
		t.Run(header, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.mux.HandleFunc("GET /v1/routes/", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", header)
				reply(w, 429, `{}`)
			})
			_, err := e.client.AllRoutes(context.Background())
			var rl *v1.RateLimitError
			if !errors.As(err, &rl) || rl.RetryAfter != want {
				t.Fatalf("error = %v, want a *RateLimitError with RetryAfter %v", err, want)
			}
			if len(e.requests()) != 1 || len(e.waits()) != 0 {
				t.Errorf("%d requests, waits %v; want 1 and none", len(e.requests()), e.waits())
			}
		})
	}
}

// TestWriteNotRetried: a write whose answer was lost or was a 5xx is reported as
// outcome-unknown and sent once only.
func TestWriteNotRetried(t *testing.T) {
	t.Parallel()
	faults := map[string]http.HandlerFunc{
		"lost response": func(w http.ResponseWriter, r *http.Request) { drop(w) },
		"500":           answer(500, `{"error":"Internal Server Error"}`),
		"503 not json":  answer(503, `Service Unavailable`),
	}
	writes := map[string]func(context.Context, *v1.Client) error{
		"purchase": func(ctx context.Context, c *v1.Client) error {
			return c.PurchaseNumber(ctx, "12067439178", "METERED")
		},
		"set routes": func(ctx context.Context, c *v1.Client) error {
			return c.SetRoutes(ctx, "12067439178", "pbx", "sip-reg")
		},
		"create route": func(ctx context.Context, c *v1.Client) error {
			return c.CreateRoute(ctx, v1.Route{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"})
		},
	}
	for fname, fault := range faults {
		for wname, write := range writes {
			t.Run(fname+"/"+wname, func(t *testing.T) {
				t.Parallel()
				e := setup(t)
				e.mux.Handle("/v1/", fault)
				err := write(context.Background(), e.client)
				if !errors.Is(err, v1.ErrOutcomeUnknown) {
					t.Fatalf("error = %v, want outcome unknown", err)
				}
				var ou *v1.OutcomeUnknownError
				if !errors.As(err, &ou) || ou.Method == "" || !strings.HasPrefix(ou.Path, "/v1/") {
					t.Errorf("OutcomeUnknownError = %+v", ou)
				}
				if got := len(e.requests()); got != 1 {
					t.Errorf("the write was sent %d times, want once", got)
				}
			})
		}
	}
}

// TestWriteRetriedOn429: the server refuses a rate-limited request before acting on it, so a
// write is safe to repeat.
func TestWriteRetriedOn429(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("PUT /v1/tns/{tn}", sequence(answer(429, `{"error":"Too many requests"}`), answer(201, "")))
	if err := e.client.PurchaseNumber(context.Background(), "12067439178", "METERED"); err != nil {
		t.Fatal(err)
	}
	if got := len(e.requests()); got != 2 {
		t.Errorf("%d attempts, want 2", got)
	}
}

// TestWriteRetriedWhenNeverSent: a write that could not connect never reached the server, so
// it is tried again, and succeeds once the connection can be made.
func TestWriteRetriedWhenNeverSent(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= 2 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	e := setup(t, v1.WithHTTPClient(&http.Client{Transport: tr}))
	t.Cleanup(tr.CloseIdleConnections)
	e.mux.Handle("PUT /v1/tns/{tn}", answer(201, ""))
	if err := e.client.PurchaseNumber(context.Background(), "12067439178", "METERED"); err != nil {
		t.Fatal(err)
	}
	if got := len(e.requests()); got != 1 {
		t.Errorf("server got %d requests, want 1", got)
	}
	if got := len(e.waits()); got != 2 {
		t.Errorf("%d retries, want 2", got)
	}
}

// TestWriteToClosedPort: nothing listens, so every attempt is made and the error says the
// request never reached the server (it is not outcome-unknown).
func TestWriteToClosedPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var sleeps atomic.Int32
	c, err := v1.New("http://"+addr+"/v1", testAccess, testSecret,
		v1.WithRetry(v1.RetryPolicy{MaxAttempts: 3}),
		v1.WithSleep(func(ctx context.Context, d time.Duration) error { sleeps.Add(1); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	err = c.PurchaseNumber(context.Background(), "12067439178", "METERED")
	if err == nil || errors.Is(err, v1.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "never reached the server") {
		t.Fatalf("error = %v, want one saying the request never reached the server", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") || sleeps.Load() != 2 {
		t.Errorf("error = %v after %d retries, want 3 attempts", err, sleeps.Load())
	}
}

// TestCancelDuringRequest: cancelling stops a read at once; a write cancelled after it was
// sent may have been done, so it is outcome-unknown, and both match context.Canceled.
func TestCancelDuringRequest(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	block := func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}
	e.mux.HandleFunc("GET /v1/tns/{tn}", block)
	e.mux.HandleFunc("PUT /v1/tns/{tn}", block)
	_, err := e.client.GetNumber(ctx, "12062092844")
	if !errors.Is(err, context.Canceled) || errors.Is(err, v1.ErrOutcomeUnknown) {
		t.Errorf("GET error = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	err = e.client.PurchaseNumber(ctx, "12062092844", "METERED")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, v1.ErrOutcomeUnknown) {
		t.Errorf("PUT error = %v, want outcome unknown and context.Canceled", err)
	}
	if got := len(e.requests()); got != 2 {
		t.Errorf("%d requests, want 2 (no retries)", got)
	}
}

// TestCancelDuringBackoff: the wait between attempts ends when the context does.
func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := setup(t)
	// The real wait: an hour, unless the context is cancelled, which the logger does once the
	// first attempt is over.
	cancelOnLog := slog.New(cancelHandler{cancel})
	c, err := v1.New(e.endpoint, testAccess, testSecret, v1.WithRateLimit(0, 0), v1.WithLogger(cancelOnLog),
		v1.WithClock(func() time.Time { return testNow }),
		v1.WithRetry(v1.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Hour, MaxBackoff: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	e.mux.HandleFunc("GET /v1/routes/", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 503, `{"error":"busy"}`)
	})
	_, err = c.ListRoutes(ctx, v1.PageOptions{})
	var apiErr *v1.APIError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.Status != 503 {
		t.Errorf("error = %v, want context.Canceled and the 503 that caused the wait", err)
	}
}

// cancelHandler is a slog.Handler that cancels a context when a record arrives.
type cancelHandler struct{ cancel context.CancelFunc }

func (h cancelHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (h cancelHandler) Handle(context.Context, slog.Record) error { h.cancel(); return nil }
func (h cancelHandler) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h cancelHandler) WithGroup(string) slog.Handler             { return h }

// TestRateLimit: the client-side limit makes requests wait; a wait longer than the context
// allows fails at once, without sending.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := setup(t, v1.WithRateLimit(0.001, 1)) // one request, then one every 1000 s
	e.mux.Handle("GET /v1/routes/", answer(200, `{}`))
	if _, err := e.client.ListRoutes(context.Background(), v1.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := e.client.ListRoutes(ctx, v1.PageOptions{}); err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Errorf("error = %v, want one from the client rate limit", err)
	}
	if got := len(e.requests()); got != 1 {
		t.Errorf("server got %d requests, want 1", got)
	}
	if got := len(e.waits()); got != 0 {
		t.Errorf("%d retries, want none", got)
	}
}

// TestInFlightCap: no more requests than WithParallelism are in flight at once, across calls.
func TestInFlightCap(t *testing.T) {
	t.Parallel()
	const limit = 3
	e := setup(t, v1.WithParallelism(limit))
	var inFlight, most atomic.Int32
	full := make(chan struct{})
	var once sync.Once
	e.mux.HandleFunc("GET /v1/tns/{tn}", func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if n == limit {
			once.Do(func() { close(full) })
		}
		<-full // hold every request until the cap is reached, so that they pile up
		reply(w, 200, `{"billing_method":"METERED","routes":[]}`)
	})
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, err := e.client.GetNumber(context.Background(), "12062092844"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := most.Load(); got != limit {
		t.Errorf("at most %d requests in flight, want %d", got, limit)
	}
}

// TestLogger: attempts are logged at Debug with method, path, status and attempt; never the
// credentials.
func TestLogger(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := setup(t, v1.WithLogger(logger))
	e.mux.Handle("GET /v1/routes/", sequence(answer(500, `{}`), answer(200, `{}`)))
	if _, err := e.client.ListRoutes(context.Background(), v1.PageOptions{Limit: 3}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"level=DEBUG", "method=GET", "path=\"/v1/routes/?limit=3\"", "status=500", "attempt=1", "status=200", "attempt=2", "duration="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	auth := e.requests()[0].Header.Get("Authorization")
	for _, secret := range []string{testSecret, auth, strings.TrimPrefix(auth, "Basic "), "Authorization"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ io.Writer = (*syncBuffer)(nil)
