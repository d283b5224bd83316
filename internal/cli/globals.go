package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
)

// defaultSandboxState is --sandbox-state's default (kong makes it absolute, as every path).
const defaultSandboxState = ".flowroute-sandbox.json"

// MaxParallelism bounds --parallelism: more requests in flight than this only earn 429s.
const MaxParallelism = 64

// Globals are the flags every command shares. Each has an environment variable.
type Globals struct {
	Endpoint        string  `help:"Flowroute v1 base URL." env:"FLOWROUTE_ENDPOINT" default:"https://api.flowroute.com/v1"`
	AccessKey       string  `help:"Flowroute API access key." env:"FLOWROUTE_ACCESS_KEY"`
	SecretKey       string  `help:"Flowroute API secret key." env:"FLOWROUTE_SECRET_KEY"`
	Sandbox         bool    `help:"Run against an in-process sandbox instead of Flowroute (no account needed)." env:"FLOWROUTE_SANDBOX"`
	SandboxState    string  `help:"State file of the --sandbox account." env:"FLOWROUTE_SANDBOX_STATE" default:".flowroute-sandbox.json" type:"path"`
	ClientRateLimit float64 `help:"Most API requests per second this tool sends (0: no limit)." env:"FLOWROUTE_RATE_LIMIT" default:"20"`
	Parallelism     int     `help:"Requests (and apply's changes) in flight at once, 1 to 64." env:"FLOWROUTE_PARALLELISM" default:"8"`
	NoColor         bool    `help:"Never colour the output (also when NO_COLOR is set)."`

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
// Ctrl-C or SIGTERM; a second one ends the process) and the one API client, made on first use,
// so that commands which fail before they need the account never connect. Main binds it for
// every command through kong.
type session struct {
	ctx context.Context
	g   *Globals

	once   sync.Once
	client *flowroute.Client
	stop   func()
	err    error
}

// Backend returns the run's account through the backend-neutral contract, which plan, apply
// and export use; it is the client of Client.
func (s *session) Backend() (account.Backend, error) {
	c, err := s.Client()
	if err != nil {
		return nil, err
	}
	return flowroute.Backend(c), nil
}

// Identity names the account the run's client speaks to, without a secret: the API, the
// endpoint (for --sandbox, the sandbox and its state file, since its port is new on every
// run) and a fingerprint of the access key. Plans record it; apply checks it.
func (s *session) Identity() (account.Identity, error) {
	c, err := s.Client()
	if err != nil {
		return account.Identity{}, err
	}
	g := s.g
	if g.Sandbox {
		state, err := filepath.Abs(g.SandboxState)
		if err != nil {
			state = g.SandboxState
		}
		return account.Identity{API: flowroute.V1Capabilities.API, Endpoint: "sandbox " + state, KeyFingerprint: account.Fingerprint(sandbox.DefaultAccessKey)}, nil
	}
	return account.Identity{API: flowroute.V1Capabilities.API, Endpoint: c.Endpoint(), KeyFingerprint: account.Fingerprint(g.AccessKey)}, nil
}

// accountFlags are the flags of the command line that chose the account (never the keys,
// which come from the environment or are typed again), for a hint that repeats them.
func (g *Globals) accountFlags() []string {
	var out []string
	if g.Sandbox {
		out = append(out, "--sandbox")
		if def, _ := filepath.Abs(defaultSandboxState); g.SandboxState != def && g.SandboxState != defaultSandboxState {
			out = append(out, "--sandbox-state", shellQuote(g.SandboxState))
		}
	} else if g.Endpoint != flowroute.DefaultEndpoint {
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

// Client returns the run's API client, making it on the first call.
func (s *session) Client() (*flowroute.Client, error) {
	s.once.Do(func() { s.client, s.stop, s.err = s.g.client() })
	return s.client, s.err
}

// close stops what Client started (the in-process sandbox).
func (s *session) close() {
	if s.stop != nil {
		s.stop()
	}
}

// client returns the API client the command should use, and a function to call when done;
// opts come after the global ones, so a command can override them.
// With --sandbox it starts the built-in sandbox on a loopback port, its state in
// --sandbox-state, and uses the sandbox's key pair.
func (g *Globals) client(opts ...flowroute.Option) (*flowroute.Client, func(), error) {
	if g.Parallelism < 1 || g.Parallelism > MaxParallelism {
		return nil, nil, fmt.Errorf("--parallelism %d: must be from 1 to %d", g.Parallelism, MaxParallelism)
	}
	if g.ClientRateLimit < 0 {
		return nil, nil, fmt.Errorf("--client-rate-limit %g: want 0 (no limit) or more requests per second", g.ClientRateLimit)
	}
	endpoint, access, secret := g.Endpoint, g.AccessKey, g.SecretKey
	stop := func() {}
	if g.Sandbox {
		sb, err := sandbox.Start(sandbox.Options{StatePath: g.SandboxState, Seed: SandboxSeed}, "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		stop = func() { sb.Close() }
		endpoint = sb.V1
		access, secret = sandbox.DefaultAccessKey, sandbox.DefaultSecretKey
	} else if access == "" || secret == "" {
		return nil, nil, errors.New("no Flowroute credentials: set FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY (or --access-key/--secret-key), or use --sandbox to try the tool without an account")
	}
	opts = append([]flowroute.Option{
		flowroute.WithUserAgent("flowroute-numbers/" + buildVersion()),
		flowroute.WithRateLimit(g.ClientRateLimit, flowroute.DefaultBurst),
		flowroute.WithParallelism(g.Parallelism),
	}, opts...)
	c, err := flowroute.New(endpoint, access, secret, opts...)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return c, stop, nil
}
