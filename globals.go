package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
)

// Globals are the flags every command shares. Each has an environment variable.
type Globals struct {
	Endpoint        string  `help:"Flowroute v1 base URL." env:"FLOWROUTE_ENDPOINT" default:"https://api.flowroute.com/v1"`
	AccessKey       string  `help:"Flowroute API access key." env:"FLOWROUTE_ACCESS_KEY"`
	SecretKey       string  `help:"Flowroute API secret key." env:"FLOWROUTE_SECRET_KEY"`
	Sandbox         bool    `help:"Run against an in-process sandbox instead of Flowroute (no account needed)." env:"FLOWROUTE_SANDBOX"`
	SandboxState    string  `help:"State file of the --sandbox account." env:"FLOWROUTE_SANDBOX_STATE" default:".flowroute-sandbox.json" type:"path"`
	ClientRateLimit float64 `help:"Most API requests per second this tool sends (0: no limit)." env:"FLOWROUTE_RATE_LIMIT" default:"20"`
	NoColor         bool    `help:"Never colour the output (also when NO_COLOR is set)."`

	stdin          io.Reader
	stdout, stderr io.Writer
}

// color reports whether output to w may be coloured: only on a terminal, never with --no-color
// or a non-empty NO_COLOR (https://no-color.org).
func (g *Globals) color(w io.Writer) bool {
	return !g.NoColor && os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// isTerminal reports whether w (or a reader such as stdin) is a terminal, and so may get
// colour, progress bars and questions.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// connect returns a context cancelled by Ctrl-C or SIGTERM, the API client, and a function to
// call when done that stops both. Every command that talks to the account starts here.
func (g *Globals) connect(opts ...flowroute.Option) (context.Context, *flowroute.Client, func(), error) {
	client, stop, err := g.client(opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return ctx, client, func() { cancel(); stop() }, nil
}

// client returns the API client the command should use, and a function to call when done;
// opts come after the global ones, so a command can override them.
// With --sandbox it starts the built-in sandbox on a loopback port, its state in
// --sandbox-state, and uses the sandbox's key pair.
func (g *Globals) client(opts ...flowroute.Option) (*flowroute.Client, func(), error) {
	if g.ClientRateLimit < 0 {
		return nil, nil, fmt.Errorf("--client-rate-limit %g: want 0 (no limit) or more requests per second", g.ClientRateLimit)
	}
	endpoint, access, secret := g.Endpoint, g.AccessKey, g.SecretKey
	stop := func() {}
	if g.Sandbox {
		sb, err := sandbox.New(sandbox.Options{StatePath: g.SandboxState})
		if err != nil {
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, fmt.Errorf("starting the sandbox: %w", err)
		}
		srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		stop = func() { srv.Close() }
		endpoint = "http://" + ln.Addr().String() + "/v1"
		access, secret = sandbox.DefaultAccessKey, sandbox.DefaultSecretKey
	} else if access == "" || secret == "" {
		return nil, nil, errors.New("no Flowroute credentials: set FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY (or --access-key/--secret-key), or use --sandbox to try the tool without an account")
	}
	opts = append([]flowroute.Option{
		flowroute.WithUserAgent("flowroute-numbers/" + buildVersion()),
		flowroute.WithRateLimit(g.ClientRateLimit, flowroute.DefaultBurst),
	}, opts...)
	c, err := flowroute.New(endpoint, access, secret, opts...)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return c, stop, nil
}
