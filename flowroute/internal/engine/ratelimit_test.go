package engine_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

func rateLimited(retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		answer(429, `{"errors":[{"title":"Too Many Requests","status":429}]}`)(w, r)
	}
}

// Test429OwnBudget: 429 answers do not use up the attempts meant for errors: with two
// attempts for errors, a read gets through one 500 and four 429s.
func Test429OwnBudget(t *testing.T) {
	t.Parallel()
	e := setup(t, engine.WithRetry(engine.RetryPolicy{MaxAttempts: 2, RateLimitAttempts: 10}))
	e.mux.Handle("GET /v2/routes", sequence(rateLimited(""), answer(500, `{}`), rateLimited("1"), rateLimited(""), rateLimited(""), answer(200, `{"data":[]}`)))
	var out any
	if err := e.eng.Do(context.Background(), engine.Request{Method: "GET", Path: "routes"}, &out); err != nil {
		t.Fatalf("error = %v, want the read to get through", err)
	}
	if n := len(e.requests()); n != 6 {
		t.Errorf("%d attempts, want 6", n)
	}
	// A write too: the server refused it before acting on it, every time.
	e.mux.Handle("POST /v2/routes", sequence(rateLimited(""), rateLimited(""), rateLimited(""), answer(201, `{"data":{}}`)))
	if err := e.eng.Do(context.Background(), engine.Request{Method: "POST", Path: "routes", Body: map[string]string{}}, nil); err != nil {
		t.Fatalf("write error = %v, want it to get through", err)
	}
}

// Test429TotalWait: the waits for 429s are bounded in total, not only in number; the error
// then matches engine.ErrRateLimited and says how long it waited.
func Test429TotalWait(t *testing.T) {
	t.Parallel()
	e := setup(t, engine.WithRetry(engine.RetryPolicy{MaxAttempts: 3, RateLimitAttempts: 100, RateLimitWait: 2 * time.Minute}))
	e.mux.Handle("GET /v2/routes", rateLimited("50"))
	err := e.eng.Do(context.Background(), engine.Request{Method: "GET", Path: "routes"}, nil)
	if !errors.Is(err, engine.ErrRateLimited) || !strings.Contains(err.Error(), "1m40s") {
		t.Errorf("error = %v, want rate limited after waiting 1m40s", err)
	}
	if n := len(e.requests()); n != 3 {
		t.Errorf("%d attempts, want 3 (two waits of 50 s fit in 2 minutes, a third does not)", n)
	}
	if w := e.waits(); len(w) != 2 || w[0] != 50*time.Second || w[1] != 50*time.Second {
		t.Errorf("waits = %v, want the Retry-After twice", w)
	}
}

// TestAdaptiveRate: a 429 halves the client-side rate; successes bring it back gradually.
func TestAdaptiveRate(t *testing.T) {
	t.Parallel()
	e := setup(t, engine.WithRateLimit(1000, 10))
	e.mux.Handle("GET /v2/routes", sequence(rateLimited(""), rateLimited(""), answer(200, `{}`)))
	if got := e.eng.Rate(); got != 1000 {
		t.Fatalf("Rate() = %v before any 429, want 1000", got)
	}
	ctx := context.Background()
	if err := e.eng.Do(ctx, engine.Request{Method: "GET", Path: "routes"}, nil); err != nil {
		t.Fatal(err)
	}
	// Two 429s, each to an attempt sent after the previous slowdown: 1000 → 500 → 250; then
	// one success adds a sixteenth of 1000.
	if got := e.eng.Rate(); got != 312.5 {
		t.Errorf("Rate() = %v after two 429s and a success, want 312.5", got)
	}
	for range 16 {
		if err := e.eng.Do(ctx, engine.Request{Method: "GET", Path: "routes"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.eng.Rate(); got != 1000 {
		t.Errorf("Rate() = %v after 17 successes, want 1000 again", got)
	}
}

// TestRedactBasicAuth: a v2 server echoing the Authorization header or the secret key gets
// both redacted.
func TestRedactBasicAuth(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /v2/routes", func(w http.ResponseWriter, r *http.Request) {
		_, pass, _ := r.BasicAuth()
		answer(401, `{"errors":[{"detail":"got `+r.Header.Get("Authorization")+` and `+pass+`","status":401}]}`)(w, r)
	})
	err := e.eng.Do(context.Background(), engine.Request{Method: "GET", Path: "routes"}, nil)
	if err == nil || strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), "Basic ") || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error = %v, want the credentials redacted", err)
	}
}

// TestSnippet: server text in an error is cut to a bounded length that says what was cut.
func TestSnippet(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"short  and\n spaced ":      "short and spaced",
		strings.Repeat("é", 100):    strings.Repeat("é", 100),
		"\xff\xfe ok":               "?? ok",
		strings.Repeat("x", 201):    strings.Repeat("x", 201),
		strings.Repeat("x", 202):    strings.Repeat("x", 185) + "… (17 bytes cut)",
		strings.Repeat("x", 30<<20): strings.Repeat("x", 179) + "… (31457101 bytes cut)",
	} {
		if got := engine.Snippet(in); got != want {
			t.Errorf("Snippet(%.20q…) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("ab  \n", 1000)
	got := engine.Snippet(long)
	if n := utf8.RuneCountInString(got); n > engine.MessageLimit+1 || !strings.HasSuffix(got, " bytes cut)") || !strings.HasPrefix(got, "ab ab ab") {
		t.Errorf("Snippet of 5000 bytes = %q (%d characters)", got, n)
	}
	if got := engine.Quote(strings.Repeat("1", 1000)); got != `"`+strings.Repeat("1", 200)+`"… (800 bytes cut)` {
		t.Errorf("Quote = %s", got)
	}
}
