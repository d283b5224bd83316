package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// defaultSandboxState is --sandbox-state's default (kong makes it absolute, as every path).
const defaultSandboxState = ".flowroute-sandbox.json"

// MaxParallelism bounds --parallelism: more requests in flight than this only earn 429s.
const MaxParallelism = 64

// API versions --api chooses between.
const (
	APIv1 = "v1" // Flowroute's legacy API ("Older Versions" in its documentation)
	APIv2 = "v2" // Flowroute's current API
)

// Globals are the flags every command shares. Each has an environment variable.
type Globals struct {
	API             string  `name:"api" enum:"v1,v2" default:"v1" env:"FLOWROUTE_API" help:"Flowroute API: v1 (legacy at Flowroute) or v2 (current: aliases, CNAM, E911, callbacks, route changes, releases)."`
	Endpoint        string  `help:"Flowroute base URL (default https://api.flowroute.com/v1, or .../v2 with --api v2)." env:"FLOWROUTE_ENDPOINT" placeholder:"URL"`
	AccessKey       string  `help:"Flowroute API access key." env:"FLOWROUTE_ACCESS_KEY"`
	SecretKey       string  `help:"Flowroute API secret key." env:"FLOWROUTE_SECRET_KEY"`
	Sandbox         bool    `help:"Run against an in-process sandbox instead of Flowroute (no account needed)." env:"FLOWROUTE_SANDBOX"`
	SandboxState    string  `help:"State file of the --sandbox account." env:"FLOWROUTE_SANDBOX_STATE" default:".flowroute-sandbox.json" type:"path"`
	ClientRateLimit float64 `help:"Most API requests per second this tool sends (0: no limit)." env:"FLOWROUTE_RATE_LIMIT" default:"20"`
	Parallelism     int     `help:"Requests (and apply's changes) in flight at once, 1 to 64." env:"FLOWROUTE_PARALLELISM" default:"8"`
	// MaxAccountNumbers bounds every list the tool reads, so that a server whose pages never
	// end is stopped with an error rather than read for hours; 0 (a Globals built in code)
	// means the clients' default, the flag's.
	MaxAccountNumbers int    `help:"Most numbers (or routes, or other objects) a list of the account may hold: a server that lists more is stopped as faulty." env:"FLOWROUTE_MAX_ACCOUNT_NUMBERS" default:"250000"`
	NoColor           bool   `help:"Never colour the output (also when NO_COLOR is set)."`
	Today             string `hidden:"" placeholder:"YYYY-MM-DD" env:"FLOWROUTE_TODAY" help:"The day to take as today, when retired numbers are released (for tests and a dry look ahead)."`

	streams        Streams
	stdin          io.Reader
	stdout, stderr io.Writer
}

// color reports whether standard output may be coloured: only on a terminal, never with
// --no-color or a non-empty NO_COLOR (https://no-color.org).
func (g *Globals) color() bool {
	return !g.NoColor && os.Getenv("NO_COLOR") == "" && g.streams.OutTerminal
}

// session is a run's link to the account: the one context of the run (cancelled by the first
// Ctrl-C or SIGTERM; a second one ends the process) and the one API client, of the API --api
// names, made on first use, so that commands which fail before they need the account never
// connect. Main binds it for every command through kong.
type session struct {
	ctx context.Context
	g   *Globals

	once sync.Once
	conn *conn
	err  error
}

// conn is the run's client: exactly one of v1 and v2 is set, and backend is its view through
// the neutral contract.
type conn struct {
	v1      *v1.Client
	v2      *v2.Client
	backend account.Backend
	stop    func()
}

// endpoint is the base URL the client speaks to.
func (c *conn) endpoint() string {
	if c.v2 != nil {
		return c.v2.Endpoint()
	}
	return c.v1.Endpoint()
}

// connect makes the run's client on the first call.
func (s *session) connect() (*conn, error) {
	s.once.Do(func() { s.conn, s.err = s.g.connect() })
	return s.conn, s.err
}

// Backend returns the run's account through the backend-neutral contract, which plan, apply,
// export, search, areas and add use (areas reaches the client behind it): the v1 backend, or with --api v2 the v2 backend, whose
// warnings (a purchase that succeeded only in part) go to standard error.
func (s *session) Backend() (account.Backend, error) {
	c, err := s.connect()
	if err != nil {
		return nil, err
	}
	return c.backend, nil
}

// endpoint is the base URL the run's client speaks to.
func (s *session) endpoint() (string, error) {
	c, err := s.connect()
	if err != nil {
		return "", err
	}
	return c.endpoint(), nil
}

// Identity names the account the run's client speaks to, without a secret: the API, the
// endpoint (for --sandbox, the sandbox and its state file, since its port is new on every
// run) and a fingerprint of the access key. Plans record it; apply checks it, so a plan made
// on v1 is refused on v2 even against the same sandbox.
func (s *session) Identity() (account.Identity, error) {
	c, err := s.connect()
	if err != nil {
		return account.Identity{}, err
	}
	g := s.g
	if g.Sandbox {
		state, err := filepath.Abs(g.SandboxState)
		if err != nil {
			state = g.SandboxState
		}
		return account.Identity{API: g.api(), Endpoint: "sandbox " + state, KeyFingerprint: account.Fingerprint(sandbox.DefaultAccessKey)}, nil
	}
	return account.Identity{API: g.api(), Endpoint: c.endpoint(), KeyFingerprint: account.Fingerprint(g.AccessKey)}, nil
}

// SigningKey is the key plan files are signed with: derived from the secret key of the
// account the run speaks to (the sandbox's own with --sandbox), never the key itself.
func (s *session) SigningKey() plan.SigningKey {
	if s.g.Sandbox {
		return plan.SigningKeyFor(sandbox.DefaultSecretKey)
	}
	return plan.SigningKeyFor(s.g.SecretKey)
}

// api is --api, v1 when unset (a Globals built in code).
func (g *Globals) api() string { return cmp.Or(g.API, APIv1) }

// defaultEndpoint is Flowroute's base URL of the API --api names.
func (g *Globals) defaultEndpoint() string {
	if g.api() == APIv2 {
		return v2.DefaultEndpoint
	}
	return v1.DefaultEndpoint
}

// endpoint returns the base URL to use: --endpoint, else the default of --api. An endpoint
// whose path names the other API version is refused: a v2 client sent to /v1 would only get
// 404s, and a v1 plan shown for a v2 account would be wrong.
func (g *Globals) endpoint() (string, error) {
	if g.Endpoint == "" {
		return g.defaultEndpoint(), nil
	}
	if other := endpointAPI(g.Endpoint); other != "" && other != g.api() {
		return "", fmt.Errorf("--endpoint (FLOWROUTE_ENDPOINT) %s is a %s endpoint, but --api (FLOWROUTE_API) is %s: give --api %s to use it, or an endpoint ending in /%s (or none: the default is %s)",
			g.Endpoint, other, g.api(), other, g.api(), g.defaultEndpoint())
	}
	return g.Endpoint, nil
}

// endpointAPI is the API version the last segment of the endpoint's path names: "v1", "v2"
// (also for v2.1), or "" when it names none.
func endpointAPI(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "" // the client says what is wrong with it
	}
	seg := strings.ToLower(path.Base(strings.TrimRight(u.Path, "/")))
	switch {
	case seg == "v1":
		return APIv1
	case seg == "v2" || strings.HasPrefix(seg, "v2."):
		return APIv2
	}
	return ""
}

// accountFlags are the flags of the command line that chose the account (never the keys,
// which come from the environment or are typed again), for a hint that repeats them.
func (g *Globals) accountFlags() []string {
	var out []string
	if g.api() != APIv1 {
		out = append(out, "--api", g.api())
	}
	if g.Sandbox {
		out = append(out, "--sandbox")
		if def, _ := filepath.Abs(defaultSandboxState); g.SandboxState != def && g.SandboxState != defaultSandboxState {
			out = append(out, "--sandbox-state", shellQuote(g.SandboxState))
		}
	} else if g.Endpoint != "" && g.Endpoint != g.defaultEndpoint() {
		out = append(out, "--endpoint", shellQuote(g.Endpoint))
	}
	return out
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain characters.
func shellQuote(s string) string {
	plain := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	})
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// close stops what connect started (the in-process sandbox).
func (s *session) close() {
	if s.conn != nil && s.conn.stop != nil {
		s.conn.stop()
	}
}

// connect makes the API client the run uses, of the API --api names, and its backend.
// With --sandbox it starts the built-in sandbox on a loopback port, its state in
// --sandbox-state, and uses the sandbox's key pair and the base URL of the API chosen.
func (g *Globals) connect() (*conn, error) {
	if g.Parallelism < 1 || g.Parallelism > MaxParallelism {
		return nil, fmt.Errorf("--parallelism %d: must be from 1 to %d", g.Parallelism, MaxParallelism)
	}
	if g.ClientRateLimit < 0 {
		return nil, fmt.Errorf("--client-rate-limit %g: want 0 (no limit) or more requests per second", g.ClientRateLimit)
	}
	if g.MaxAccountNumbers < 0 {
		return nil, fmt.Errorf("--max-account-numbers %d: want 1 or more", g.MaxAccountNumbers)
	}
	access, secret := g.AccessKey, g.SecretKey
	c := &conn{stop: func() {}}
	var endpoint string
	if g.Sandbox {
		sb, err := sandbox.Start(sandbox.Options{StatePath: g.SandboxState, Seed: SandboxSeed}, "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		c.stop = func() { sb.Close() }
		endpoint = sb.V1
		if g.api() == APIv2 {
			endpoint = sb.V2
		}
		access, secret = sandbox.DefaultAccessKey, sandbox.DefaultSecretKey
	} else {
		var err error
		if endpoint, err = g.endpoint(); err != nil {
			return nil, err
		}
		switch {
		case access == "" && secret == "":
			return nil, errors.New("no Flowroute credentials: set FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY (or --access-key/--secret-key), or use --sandbox to try the tool without an account")
		case secret == "":
			return nil, errors.New("the Flowroute secret key is missing (the access key is set): set FLOWROUTE_SECRET_KEY (or --secret-key)")
		case access == "":
			return nil, errors.New("the Flowroute access key is missing (the secret key is set): set FLOWROUTE_ACCESS_KEY (or --access-key)")
		}
	}
	ua := "flowroute-numbers/" + buildVersion()
	var err error
	if g.api() == APIv2 {
		c.v2, err = v2.New(endpoint, access, secret,
			v2.WithUserAgent(ua), v2.WithRateLimit(g.ClientRateLimit, v2.DefaultBurst), v2.WithParallelism(g.Parallelism),
			v2.WithWalkLimits(0, g.MaxAccountNumbers), v2.WithWalkLimitHint(raiseMaxAccountNumbers))
		if err == nil {
			b := backend.NewV2(c.v2)
			b.Warn = g.warn
			c.backend = b
		}
	} else {
		c.v1, err = v1.New(endpoint, access, secret,
			v1.WithUserAgent(ua), v1.WithRateLimit(g.ClientRateLimit, v1.DefaultBurst), v1.WithParallelism(g.Parallelism),
			v1.WithWalkLimits(0, g.MaxAccountNumbers), v1.WithWalkLimitHint(raiseMaxAccountNumbers))
		if err == nil {
			c.backend = backend.NewV1(c.v1)
		}
	}
	if err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// raiseMaxAccountNumbers ends the error of a list read stopped by --max-account-numbers.
const raiseMaxAccountNumbers = "if the account really is that large, raise --max-account-numbers (FLOWROUTE_MAX_ACCOUNT_NUMBERS)"

// warnMu keeps the warnings of concurrent writes whole on standard error.
var warnMu sync.Mutex

// warn prints a backend's warning (a write that succeeded only in part) to standard error.
func (g *Globals) warn(msg string) {
	warnMu.Lock()
	defer warnMu.Unlock()
	fmt.Fprintf(g.stderr, "Warning: %s\n", msg)
}
