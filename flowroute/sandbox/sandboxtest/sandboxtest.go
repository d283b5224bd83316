// Package sandboxtest starts the Flowroute sandbox for other packages' tests and benchmarks.
// It holds what imports testing and net/http/httptest, so that the binary, which links the
// sandbox for --sandbox and sandbox serve, links neither.
package sandboxtest

import (
	"net/http/httptest"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
)

// Server is a sandbox served on a loopback httptest server for the length of a test.
type Server struct {
	*sandbox.Server
	// URL is the base of every face, "http://127.0.0.1:PORT"; V1 and V2 are the base URLs
	// of the v1 and v2 APIs.
	URL, V1, V2 string
}

// Start serves a new sandbox with opts on a loopback httptest server closed at the end of
// the test; a sandbox that cannot be created fails the test.
func Start(tb testing.TB, opts sandbox.Options) *Server {
	tb.Helper()
	s, err := sandbox.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return &Server{Server: s, URL: ts.URL, V1: ts.URL + "/v1", V2: ts.URL + "/v2"}
}

// NewServer is Start for a v1 client: the sandbox and its v1 endpoint,
// "http://127.0.0.1:PORT/v1". It replaces sandbox.NewTestServer.
func NewServer(tb testing.TB, opts sandbox.Options) (*sandbox.Server, string) {
	tb.Helper()
	s := Start(tb, opts)
	return s.Server, s.V1
}
