// Package front is a recording, overridable server in front of a test's handler (a sandbox,
// usually), for the tests of the clients and of their adapters.
package front

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Front is a loopback server in front of a handler (a sandbox, usually) that records every
// request and answers those a test overrides itself: for tests of what a client sends, and
// of answers the sandbox does not give (a lost answer, a malformed body).
type Front struct {
	// URL is the base of the server, "http://127.0.0.1:PORT".
	URL string

	next http.Handler
	mu   sync.Mutex
	reqs []Request
	over *http.ServeMux
}

// Request is one request a Front received.
type Request struct {
	Method string
	URI    string // path and query as sent
	Body   string
	Header http.Header
}

// New serves next behind a Front, closed at the end of the test.
func New(tb testing.TB, next http.Handler) *Front {
	tb.Helper()
	f := &Front{next: next, over: http.NewServeMux()}
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// ServeHTTP records r and answers it with the override registered for it, or else with the
// handler behind the Front.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.reqs = append(f.reqs, Request{Method: r.Method, URI: r.URL.RequestURI(), Body: string(body), Header: r.Header.Clone()})
	h, pattern := f.over.Handler(r)
	f.mu.Unlock()
	if pattern == "" {
		h = f.next
	}
	h.ServeHTTP(w, r)
}

// Override answers the requests matching pattern (a ServeMux pattern such as "POST
// /v2/routes") with h instead of the handler behind the Front.
func (f *Front) Override(pattern string, h http.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.over.Handle(pattern, h)
}

// Requests returns the requests received so far, and forgets them.
func (f *Front) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reqs
	f.reqs = nil
	return r
}

// RunThen is a handler that lets the handler behind the Front carry r out, throws its answer
// away and answers with h instead: a write done, its answer replaced (or lost).
func (f *Front) RunThen(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.next.ServeHTTP(httptest.NewRecorder(), r)
		h(w, r)
	}
}

// Lines is the requests as "METHOD URI" lines, for comparing sequences.
func Lines(rs []Request) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Method + " " + r.URI
	}
	return out
}

// Writes is the requests that are not reads (GET).
func Writes(rs []Request) []Request {
	var out []Request
	for _, r := range rs {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}
