package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
)

// sandboxCmd groups the sandbox commands.
type sandboxCmd struct {
	Serve sandboxServeCmd `cmd:"" help:"Serve the Flowroute sandbox (v1 and v2 APIs) on a loopback address until interrupted. Its keys are --access-key and --secret-key when given on the command line (never from the environment), else the sandbox's public default pair."`
}

// sandboxServeCmd runs the sandbox as a server other processes can use. The global
// --access-key and --secret-key set its key pair when given on the command line; their
// environment variables are ignored here, so real credentials are never adopted (and printed).
type sandboxServeCmd struct {
	Addr             string        `help:"Loopback address to listen on (port 0 picks a free one)." default:"127.0.0.1:8155"`
	State            string        `help:"State file of the sandbox account, created when missing." default:".flowroute-sandbox.json" type:"path"`
	Seed             int64         `help:"Seed of a new state's inventory and of the injected faults (default: the seed --sandbox uses, so both sell the same numbers)." default:"${sandbox_seed}"`
	InventorySize    int           `help:"Purchasable numbers in a new state." default:"12000"`
	Latency          time.Duration `help:"Injected latency added to every request."`
	Jitter           time.Duration `help:"Up to this much more latency, at random."`
	FailRate         float64       `placeholder:"SHARE" help:"Share of requests answered 500 before doing anything (0..1)."`
	RateLimit        float64       `placeholder:"N" help:"Requests per second allowed; beyond it 429 with Retry-After (0 = no limit)."`
	DropRate         float64       `placeholder:"SHARE" help:"Share of requests whose connection is closed without doing anything (0..1)."`
	LostResponseRate float64       `placeholder:"SHARE" help:"Share of writes carried out and saved, then left without a response (0..1)."`
	CNAMApproval     string        `help:"What becomes of a new v2 CNAM record, pending at first: auto (approved), pending (until POST /sandbox/cnams/ID/approve or /reject) or reject." enum:"auto,pending,reject" default:"auto"`
}

// SandboxSeed seeds the inventory of a new sandbox account, both for --sandbox and for
// sandbox serve (whose --seed can change it), so that a number found with one is for sale in
// the other.
const SandboxSeed = 0

// sandboxContext returns the context serve runs in: cancelled on SIGINT or SIGTERM. Tests
// replace it to stop the server without signals.
var sandboxContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// Validate checks the flags before anything starts.
func (c *sandboxServeCmd) Validate() error {
	if err := checkLoopback(c.Addr); err != nil {
		return err
	}
	if c.InventorySize < 1 || c.InventorySize > sandbox.MaxInventorySize {
		return fmt.Errorf("--inventory-size %d must be from 1 to %d", c.InventorySize, sandbox.MaxInventorySize)
	}
	return c.faults().Validate()
}

func (c *sandboxServeCmd) faults() sandbox.Faults {
	return sandbox.Faults{
		Latency: c.Latency, Jitter: c.Jitter, FailRate: c.FailRate, RateLimit: c.RateLimit,
		DropRate: c.DropRate, LostResponseRate: c.LostResponseRate,
	}
}

// checkLoopback refuses an address that is not on a loopback interface: the sandbox's keys
// are public, so it must not be reachable from other machines.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q: the sandbox listens on loopback only (127.0.0.1, ::1 or localhost), since its keys are public", addr)
}

// flagGiven reports whether the global flag was given on the command line (not by its
// environment variable).
func flagGiven(kctx *kong.Context, name string) bool {
	for _, p := range kctx.Path {
		if p.Flag != nil && p.Flag.Name == name {
			return true
		}
	}
	return false
}

// Run serves until SIGINT or SIGTERM, then shuts down gracefully.
func (c *sandboxServeCmd) Run(g *Globals, kctx *kong.Context) error {
	opts := sandbox.Options{
		StatePath:     c.State,
		Seed:          c.Seed,
		InventorySize: c.InventorySize,
		Faults:        c.faults(),
		CNAMApproval:  sandbox.CNAMApproval(c.CNAMApproval),
	}
	if flagGiven(kctx, "access-key") {
		opts.AccessKey = g.AccessKey
	}
	if flagGiven(kctx, "secret-key") {
		opts.SecretKey = g.SecretKey
	}
	if opts.AccessKey == "" {
		opts.AccessKey = sandbox.DefaultAccessKey
	}
	if opts.SecretKey == "" {
		opts.SecretKey = sandbox.DefaultSecretKey
	}
	ctx, stop := sandboxContext()
	defer stop()
	sb, err := sandbox.Start(opts, c.Addr)
	if err != nil {
		return err
	}

	// The sandbox's keys are not secrets: printing them is how a user points the tool at it.
	fmt.Fprintf(g.stdout, "Flowroute sandbox serving v1 at %s and v2 at %s (state %s), one account behind both. Use it with:\n", sb.V1, sb.V2, c.State)
	fmt.Fprintf(g.stdout, "export FLOWROUTE_ENDPOINT=%s FLOWROUTE_ACCESS_KEY=%s FLOWROUTE_SECRET_KEY=%s\n", sb.V1, opts.AccessKey, opts.SecretKey)
	fmt.Fprintf(g.stdout, "or, for v2 (the same keys):\nexport FLOWROUTE_API=v2 FLOWROUTE_ENDPOINT=%s FLOWROUTE_ACCESS_KEY=%s FLOWROUTE_SECRET_KEY=%s\n", sb.V2, opts.AccessKey, opts.SecretKey)
	fmt.Fprintln(g.stdout, "Press Ctrl-C to stop.")

	select {
	case err := <-sb.Done():
		return fmt.Errorf("sandbox server: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sb.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("stopping the sandbox: %w", err)
	}
	fmt.Fprintln(g.stdout, "Sandbox stopped.")
	return nil
}
