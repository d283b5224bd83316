// Package sandbox is an in-memory Flowroute account served over HTTP with two faces: the
// numbers API v1 under /v1/, faithful to docs/flowroute-v1-api.md (request signing, every
// endpoint, pagination, the documented errors and assumptions), and v2 under /v2/ and
// /v2.1/, faithful to docs/flowroute-v2-api.md (Basic auth, JSON:API documents, routes with
// ids, release, aliases, CNAM, E911, callbacks). It is the ground truth the project's tests
// run against; README.md lists where it differs from the v2 reference.
//
// The account (routes, owned numbers, CNAM records, E911 addresses) and an audit log of every
// write request persist to a file: a snapshot and a journal that each write appends to
// before it is answered (journal.go). The inventory of purchasable numbers is generated from
// a seed, so the file stores only the seed and what the account owns.
//
// Faults (latency, errors, rate limiting, dropped connections, lost responses) can be
// injected, drawn from the seed so that a sequential run is reproducible.
package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The sandbox's fixed, documented key pair, used when Options leaves the keys empty.
const (
	DefaultAccessKey = "sandbox-access-key"
	DefaultSecretKey = "sandbox-secret-key"
)

// MaxBodySize is the largest request body the sandbox reads; a larger one answers 413.
const MaxBodySize = 1 << 20

// Faults injects failures. Rates are probabilities from 0 to 1, drawn from Options.Seed.
type Faults struct {
	Latency          time.Duration // added to every request
	Jitter           time.Duration // up to this much more, at random
	FailRate         float64       // 500 before doing anything
	RateLimit        float64       // requests per second; beyond it 429 with Retry-After; 0 = none
	DropRate         float64       // close the connection without doing anything
	LostResponseRate float64       // writes only: do the write, persist it, then close the connection
	MessagingDown    bool          // v2: a purchase or PATCH with messaging_enabled answers 207 (bought, messaging not provisioned)
}

// Validate reports a rate outside 0..1 or a negative duration or rate limit.
func (f Faults) Validate() error {
	var errs []error
	for _, r := range []struct {
		name string
		v    float64
	}{{"fail rate", f.FailRate}, {"drop rate", f.DropRate}, {"lost-response rate", f.LostResponseRate}} {
		if !(r.v >= 0 && r.v <= 1) {
			errs = append(errs, fmt.Errorf("%s %v is not between 0 and 1", r.name, r.v))
		}
	}
	if !(f.RateLimit >= 0) {
		errs = append(errs, fmt.Errorf("rate limit %v is negative", f.RateLimit))
	}
	if f.Latency < 0 || f.Jitter < 0 {
		errs = append(errs, errors.New("latency and jitter must not be negative"))
	}
	return errors.Join(errs...)
}

// Options configure a Server.
type Options struct {
	AccessKey, SecretKey string // default DefaultAccessKey, DefaultSecretKey
	StatePath            string // JSON state file, loaded when present, created and seeded when not; "" = memory only
	Seed                 int64  // seeds the inventory of a new state and the faults
	InventorySize        int    // purchasable numbers in a new state; default 12,000
	Faults               Faults
	Now                  func() time.Time // clock for timestamp checks and the audit log; default time.Now

	// CNAMApproval decides what becomes of a new CNAM record, pending at first (v2):
	// CNAMAuto (the default) approves it, CNAMReject rejects it, CNAMPending leaves it
	// pending until POST /sandbox/cnams/{id}/approve or /reject. The decision is taken
	// CNAMDelay after the record's creation, at the first request after that.
	CNAMApproval CNAMApproval
	CNAMDelay    time.Duration

	// LinkBase is the scheme and host v2 links begin with, e.g. "https://api.flowroute.com";
	// "" means the address each request was sent to.
	LinkBase string
	// RouteLinkFix gives the answer to POST /v2/routes a links.self with /v2. Without it the
	// sandbox reproduces the quirk every SDK README shows: links.self is BASE/routes/ID.
	RouteLinkFix bool
}

// CNAMApproval is what becomes of new CNAM records; see Options.CNAMApproval.
type CNAMApproval string

// The CNAM approval policies.
const (
	CNAMAuto    CNAMApproval = "auto"
	CNAMPending CNAMApproval = "pending"
	CNAMReject  CNAMApproval = "reject"
)

// AuditEntry is one write request the server received.
type AuditEntry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Body   string    `json:"body"`
	Status int       `json:"status"`         // the status answered (or that would have been); 0 when none was decided
	Note   string    `json:"note,omitempty"` // what happened beyond the status: an injected fault, a lost response
}

// Server serves the v1 API under /v1/. It is safe for concurrent use.
type Server struct {
	accessKey, secretKey string
	now                  func() time.Time
	cnamApproval         CNAMApproval
	cnamDelay            time.Duration
	linkHost             string
	routeLinkFix         bool

	mux *http.ServeMux // dispatches authenticated requests to endpoints

	mu   sync.Mutex // guards st and file
	st   *state
	file store

	faultMu sync.Mutex // guards faults, rng and limiter
	faults  Faults
	rng     *rand.Rand
	limiter *rate.Limiter
}

// New loads or seeds the state and returns the server. A state file that exists wins over
// Options.Seed and Options.InventorySize; one that cannot be read is an error naming it,
// never replaced.
func New(opts Options) (*Server, error) {
	if err := opts.Faults.Validate(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	switch opts.CNAMApproval {
	case "":
		opts.CNAMApproval = CNAMAuto
	case CNAMAuto, CNAMPending, CNAMReject:
	default:
		return nil, fmt.Errorf("sandbox: CNAM approval %q: want auto, pending or reject", opts.CNAMApproval)
	}
	if opts.CNAMDelay < 0 {
		return nil, fmt.Errorf("sandbox: CNAM approval delay %v is negative", opts.CNAMDelay)
	}
	s := &Server{
		accessKey: opts.AccessKey,
		secretKey: opts.SecretKey,
		now:       opts.Now,
		rng:       rand.New(rand.NewPCG(uint64(opts.Seed), 0xfa017)),

		cnamApproval: opts.CNAMApproval,
		cnamDelay:    opts.CNAMDelay,
		linkHost:     strings.TrimSuffix(opts.LinkBase, "/"),
		routeLinkFix: opts.RouteLinkFix,
	}
	if s.accessKey == "" {
		s.accessKey = DefaultAccessKey
	}
	if s.secretKey == "" {
		s.secretKey = DefaultSecretKey
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.setFaultsLocked(opts.Faults)
	s.mux = s.newMux()

	size := opts.InventorySize
	if size == 0 {
		size = DefaultInventorySize
	}
	var err error
	if opts.StatePath != "" {
		s.st, s.file, err = loadState(opts.StatePath)
		if err == nil {
			s.st.trackChanges()
			return s, nil
		}
		if !isNotExist(err) {
			return nil, err
		}
	}
	if s.st, err = newState(opts.Seed, size); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if opts.StatePath != "" {
		s.file = store{path: opts.StatePath, compact: true}
		s.st.trackChanges()
	}
	if err := s.saveLocked(); err != nil {
		return nil, err
	}
	return s, nil
}

// SetFaults changes the injected faults, e.g. after seeding an account without them. Invalid
// rates are clamped to 0..1.
func (s *Server) SetFaults(f Faults) {
	f.FailRate, f.DropRate, f.LostResponseRate = clamp01(f.FailRate), clamp01(f.DropRate), clamp01(f.LostResponseRate)
	f.RateLimit = max(f.RateLimit, 0)
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.setFaultsLocked(f)
}

func (s *Server) setFaultsLocked(f Faults) {
	s.faults = f
	s.limiter = nil
	if f.RateLimit > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(f.RateLimit), max(1, int(f.RateLimit)))
	}
}

func clamp01(v float64) float64 {
	if !(v > 0) {
		return 0
	}
	return min(v, 1)
}

// Audit returns a copy of the audit log of write requests, oldest first.
func (s *Server) Audit() []AuditEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AuditEntry(nil), s.st.audit...)
}

// Route is a route AddRoute puts on the account, as v1 spells it: Type is HOST, PSTN or URI.
type Route struct {
	Name, Type, Value string
}

// Number is a number AddOwnedNumber puts on the account.
type Number struct {
	TN            string // 1NPANXXXXXX
	BillingMethod string // VPRI or METERED; "" means METERED
	// Primary and Failover name existing routes (sip-reg included); "" leaves the route a
	// purchase gives: route 0 (sip-reg) as primary, no failover (which v1 shows as sip-reg).
	Primary, Failover string
}

// AddRoute and AddOwnedNumber seed an account directly, without HTTP or faults, for tests and
// benchmarks. They check what the API would check and change memory only, so that adding
// 100,000 numbers takes milliseconds: call Flush to write the state file (the next write
// request writes it too, as a new snapshot).
//
// AddRoute refuses a name that exists and a type or value the API would refuse.
func (s *Server) AddRoute(r Route) error {
	if err := validateNewRoute(r); err != nil {
		return fmt.Errorf("sandbox: route %q: %w", r.Name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.routeType(r.Name) != "" {
		return fmt.Errorf("sandbox: route %q already exists", r.Name)
	}
	s.st.putRoute(&route{id: s.st.newRouteID(), alias: r.Name, typ: fromV1Type(r.Type), value: r.Value})
	s.file.compact = true
	return nil
}

// AddOwnedNumber puts n on the account, taking it out of the inventory if it is there; it does
// not need to be.
func (s *Server) AddOwnedNumber(n Number) error {
	if !validTN(n.TN) {
		return fmt.Errorf("sandbox: %q is not a number 1NPANXXXXXX", n.TN)
	}
	o := newOwned(n.BillingMethod)
	if o.billingMethod == "" {
		o.billingMethod = "METERED"
	}
	if !validBillingMethod(o.billingMethod) {
		return fmt.Errorf("sandbox: number %s: unknown billing method %q", n.TN, n.BillingMethod)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ref := range []struct {
		name string
		id   *int
	}{{n.Primary, &o.primary}, {n.Failover, &o.failover}} {
		if ref.name == "" {
			continue
		}
		r := s.st.routeNamed(ref.name)
		if r == nil {
			return fmt.Errorf("sandbox: number %s: no route %q", n.TN, ref.name)
		}
		*ref.id = r.id
	}
	if s.st.numbers[n.TN] != nil {
		return fmt.Errorf("sandbox: number %s is already on the account", n.TN)
	}
	s.st.addNumber(n.TN, o)
	s.file.compact = true
	return nil
}

// Flush writes the state file as a new snapshot, e.g. after AddRoute and AddOwnedNumber. It
// does nothing for a memory-only server.
func (s *Server) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.file.compact = true
	return s.saveLocked()
}
