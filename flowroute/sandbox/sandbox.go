// Package sandbox is an in-memory Flowroute numbers API v1 server.
//
// STUB: the sandbox helper replaces this file; the exported names below are the contract
// that the CLI and the tests of other packages are written against.
package sandbox

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"flowroute-numbers/flowroute"
)

// The sandbox's fixed, documented key pair, used when Options leaves the keys empty.
const (
	DefaultAccessKey = "sandbox-access-key"
	DefaultSecretKey = "sandbox-secret-key"
)

// Faults injects failures. Rates are probabilities from 0 to 1, drawn from Options.Seed.
type Faults struct {
	Latency          time.Duration // added to every request
	Jitter           time.Duration // up to this much more, at random
	FailRate         float64       // 500 before doing anything
	RateLimit        float64       // requests per second; beyond it 429 with Retry-After; 0 = none
	DropRate         float64       // close the connection without doing anything
	LostResponseRate float64       // writes only: do the write, persist it, then close the connection
}

// Options configure a Server.
type Options struct {
	AccessKey, SecretKey string // default DefaultAccessKey, DefaultSecretKey
	StatePath            string // JSON state file, loaded when present, created and seeded when not; "" = memory only
	Seed                 int64  // seeds the inventory of a new state and the faults
	InventorySize        int    // purchasable numbers in a new state; default 12,000
	Faults               Faults
	Now                  func() time.Time // clock for timestamp checks and the audit log; default time.Now
}

// AuditEntry is one write request the server received.
type AuditEntry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Body   string    `json:"body"`
	Status int       `json:"status"`
}

// Server serves the v1 API under /v1/. It is safe for concurrent use.
type Server struct{}

// New loads or seeds the state and returns the server.
func New(opts Options) (*Server, error) { return nil, errors.New("sandbox: not implemented yet") }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

// SetFaults changes the injected faults, e.g. after seeding an account without them.
func (s *Server) SetFaults(f Faults) {}

// Audit returns a copy of the audit log of write requests, oldest first.
func (s *Server) Audit() []AuditEntry { return nil }

// AddRoute and AddOwnedNumber seed an account directly, without HTTP or faults, for tests and
// benchmarks. AddOwnedNumber does not need the number to be in the inventory.
func (s *Server) AddRoute(r flowroute.Route) error        { return nil }
func (s *Server) AddOwnedNumber(n flowroute.Number) error { return nil }

// NewTestServer starts s on a loopback httptest server closed at the end of the test and
// returns its endpoint, "http://127.0.0.1:PORT/v1".
func NewTestServer(tb testing.TB, opts Options) (*Server, string) {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return s, ts.URL + "/v1"
}
