package v1_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

const (
	testAccess = "ACCESS-KEY-42"
	testSecret = "TOPSECRET-never-print-me"
)

// testNow is the fixed clock of test clients; its X-Timestamp is "2026-01-02T03:04:05".
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// recorded is one request the fake server received.
type recorded struct {
	Method string
	URI    string // path and query as sent
	Body   string
	Header http.Header
}

// env is a client wired to a fake v1 server on loopback.
type env struct {
	t        *testing.T
	client   *v1.Client
	mux      *http.ServeMux
	endpoint string // ".../v1"

	mu     sync.Mutex
	reqs   []recorded
	sleeps []time.Duration
}

// setup starts a fake server whose handlers the test registers on env.mux (paths under /v1/),
// and a client for it: no client-side rate limit, 3 attempts, a fixed clock, and backoffs
// recorded instead of waited. opts come last, so they override these.
func setup(t *testing.T, opts ...v1.Option) *env {
	t.Helper()
	e := &env{t: t, mux: http.NewServeMux()}
	srv := httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(srv.Close)
	e.endpoint = srv.URL + "/v1"
	base := []v1.Option{
		v1.WithRateLimit(0, 0),
		v1.WithRetry(v1.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}),
		v1.WithClock(func() time.Time { return testNow }),
		v1.WithSleep(func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		}),
	}
	c, err := v1.New(e.endpoint, testAccess, testSecret, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// serve records the request, checks that it is signed as v1 requires and that the URL sent
// is the canonical one that was signed, then hands it to the test's handlers.
func (e *env) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.reqs = append(e.reqs, recorded{Method: r.Method, URI: r.URL.RequestURI(), Body: string(body), Header: r.Header.Clone()})
	e.mu.Unlock()
	if msg := checkSigned(r, body); msg != "" {
		e.t.Errorf("%s %s: %s", r.Method, r.URL, msg)
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"Authentication failed."}`)
		return
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	e.mux.ServeHTTP(w, r)
}

// checkSigned returns what is wrong with the request's signature, or "".
func checkSigned(r *http.Request, body []byte) string {
	user, pass, ok := r.BasicAuth()
	if !ok || user != testAccess {
		return "no Basic auth with the access key"
	}
	ts := r.Header.Get("X-Timestamp")
	if ts != v1.Timestamp(testNow) {
		return fmt.Sprintf("X-Timestamp %q, want %q", ts, v1.Timestamp(testNow))
	}
	if q := v1.CanonicalQuery(r.URL.Query()); r.URL.RawQuery != q {
		return fmt.Sprintf("query sent %q is not the canonical %q", r.URL.RawQuery, q)
	}
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	if want := v1.Signature(testSecret, ts, r.Method, u, body); pass != want {
		return "bad signature"
	}
	return ""
}

// requests returns the requests received so far.
func (e *env) requests() []recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.reqs)
}

// waits returns the backoffs the client asked for so far.
func (e *env) waits() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.sleeps)
}

// reply writes status and body.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
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

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { reply(w, status, body) }
}

// pager serves a v1 list: items are the JSON members ("\"12065550001\":{...}") in server
// order, cut into pages by the request's limit (default 10) and page (default 1), with a next
// link while more remain. A page past the end answers "{}".
type pager struct {
	key   string // "tns", "routes", ...
	path  string // "/v1/tns/"
	mu    sync.Mutex
	items []string
	// onPage, when set, runs before a page is served (with the lock held), to change items.
	onPage func(page int, items []string) []string
}

func (p *pager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, page := 10, 1
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if limit < 1 || limit > 200 || page < 1 {
		reply(w, http.StatusUnprocessableEntity, `{"error":"bad limit or page"}`)
		return
	}
	p.mu.Lock()
	if p.onPage != nil {
		p.items = p.onPage(page, p.items)
	}
	items := p.items
	p.mu.Unlock()
	start := min((page-1)*limit, len(items))
	end := min(start+limit, len(items))
	if start == end {
		reply(w, http.StatusOK, `{}`)
		return
	}
	links := map[string]string{}
	if page > 1 {
		links["prev"] = fmt.Sprintf("%s?limit=%d&page=%d", p.path, limit, page-1)
	}
	if end < len(items) {
		links["next"] = fmt.Sprintf("%s?limit=%d&page=%d", p.path, limit, page+1)
	}
	var linkJSON []string
	for _, k := range []string{"prev", "next"} {
		if v, ok := links[k]; ok {
			linkJSON = append(linkJSON, fmt.Sprintf("%q:%q", k, v))
		}
	}
	reply(w, http.StatusOK, fmt.Sprintf(`{%q:{%s},"links":{%s}}`, p.key, strings.Join(items[start:end], ","), strings.Join(linkJSON, ",")))
}

// numberMember is the JSON member of an owned number in a /tns/ list.
func numberMember(tn string) string {
	return fmt.Sprintf(`%q:{"billing_method":"METERED","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"SIP-REG","name":"sip-reg"}],"detail":"/v1/tns/%s"}`, tn, tn)
}

// ownedNumber is the Number that numberMember describes.
func ownedNumber(tn string) v1.Number {
	return v1.Number{TN: tn, BillingMethod: "METERED", Routes: []v1.RouteRef{{Name: "sip-reg", Type: "SIP-REG"}, {Name: "sip-reg", Type: "SIP-REG"}}}
}
