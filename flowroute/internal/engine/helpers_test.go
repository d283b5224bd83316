package engine_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

const (
	testAccess = "ACCESS-KEY-42"
	testSecret = "TOPSECRET-never-print-me"
)

// recorded is one request the fake server received.
type recorded struct {
	Method string
	URI    string
	Body   string
	Header http.Header
}

// env is an engine with BasicAuth wired to a fake server on loopback whose handlers the test
// registers on mux (paths under /v2/).
type env struct {
	eng      *engine.Engine
	mux      *http.ServeMux
	endpoint string

	mu     sync.Mutex
	reqs   []recorded
	sleeps []time.Duration
}

// setup starts the fake server and an engine for it: no client-side rate limit, 3 attempts,
// backoffs recorded instead of waited. opts come last, so they override these.
func setup(t *testing.T, opts ...engine.Option) *env {
	t.Helper()
	return setupKeys(t, testAccess, testSecret, opts...)
}

// setupKeys is setup with the given key pair.
func setupKeys(t *testing.T, access, secret string, opts ...engine.Option) *env {
	t.Helper()
	e := &env{mux: http.NewServeMux()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.reqs = append(e.reqs, recorded{Method: r.Method, URI: r.URL.RequestURI(), Body: string(body), Header: r.Header.Clone()})
		e.mu.Unlock()
		e.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.endpoint = srv.URL + "/v2"
	base := []engine.Option{
		engine.WithRateLimit(0, 0),
		engine.WithRetry(engine.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}),
		engine.WithErrorDecoder(engine.ErrorList{}),
		engine.WithSleep(func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		}),
	}
	eng, err := engine.New(e.endpoint, engine.BasicAuth{AccessKey: access, SecretKey: engine.Secret(secret)}, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.eng = eng
	return e
}

func (e *env) requests() []recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.reqs)
}

func (e *env) waits() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.sleeps)
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// sequence answers the n-th request (from 0) with steps[n], and the last step after that.
func sequence(steps ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(steps)-1)
		n++
		mu.Unlock()
		steps[i](w, r)
	}
}
