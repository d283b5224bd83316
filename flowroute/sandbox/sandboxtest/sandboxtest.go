// Package sandboxtest starts the Flowroute sandbox for other packages' tests and benchmarks.
// It holds what imports testing and net/http/httptest, so that the binary, which links the
// sandbox for --sandbox and sandbox serve, links neither; and what speaks the v1 client's
// types, so that the sandbox itself depends on no client.
package sandboxtest

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
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

// AddRoute is sandbox.Server.AddRoute for the v1 client's route, which tests have at hand.
func (s *Server) AddRoute(r v1.Route) error { return s.Server.AddRoute(sandbox.Route(r)) }

// AddOwnedNumber is sandbox.Server.AddOwnedNumber for the v1 client's number: its Routes
// are none (a purchase's) or exactly two, the primary and the failover route.
func (s *Server) AddOwnedNumber(n v1.Number) error {
	if len(n.Routes) != 0 && len(n.Routes) != 2 {
		return fmt.Errorf("sandboxtest: number %s: %d routes, want 2 (primary, failover) or none", n.TN, len(n.Routes))
	}
	return s.Server.AddOwnedNumber(sandbox.Number{TN: n.TN, BillingMethod: n.BillingMethod, Primary: n.PrimaryRoute(), Failover: n.FailoverRoute()})
}
