// Package cli is the flowroute-numbers command line: the kong model (global flags and one
// struct per command, each in a file of its own with its test beside it) and Main, which
// parses the arguments, runs the command with the streams it is given and returns the exit
// status. It never calls os.Exit, so tests drive the whole CLI in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// cli is the command line: global flags and one struct per command.
type cli struct {
	Globals
	VersionFlag kong.VersionFlag `name:"version" help:"Print the version and exit."`

	Validate       validateCmd       `cmd:"" help:"Check spec files offline."`
	Plan           planCmd           `cmd:"" help:"Read the account and show what apply would change."`
	Apply          applyCmd          `cmd:"" help:"Apply a spec or a saved plan to the account."`
	Export         exportCmd         `cmd:"" help:"Write the account as a spec."`
	Search         searchCmd         `cmd:"" help:"Search purchasable numbers."`
	Areas          areasCmd          `cmd:"" help:"List NPAs with numbers for sale, or the NPA-NXXs of one NPA."`
	EdgeStrategies edgeStrategiesCmd `cmd:"" name:"edge-strategies" help:"v2: list the edge strategies (PoPs) a route's edge_strategy may name."`
	Add            addCmd            `cmd:"" help:"Pick numbers for sale by area, price and route, and pin them in a spec file."`
	Retire         retireCmd         `cmd:"" help:"Let numbers go: move them from numbers: to retired:, to be held, then released."`
	Sandbox        sandboxCmd        `cmd:"" help:"Run the built-in Flowroute sandbox (v1 and v2 on one address)."`
	Show           showCmd           `cmd:"" help:"Render a plan saved by 'plan --out'."`
	Fmt            fmtCmd            `cmd:"" help:"Rewrite spec files in the canonical layout, keeping comments."`
	Schema         schemaCmd         `cmd:"" help:"Print the JSON Schema of the spec, or write it with --out."`
	Version        versionCmd        `cmd:"" help:"Print the version."`
	Completion     completionCmd     `cmd:"" help:"Print a shell completion script: bash, zsh or fish."`
}

// exitError ends a command whose output is already printed with an exit status: 2 for
// changes (plan --detailed-exitcode), or 1 with nothing more to say.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// ExitCode is the process status for the error.
func (e *exitError) ExitCode() int { return e.code }

// exitCode returns a silent error that makes run return code.
func exitCode(code int) error { return &exitError{code: code} }

// Streams are the standard streams a run reads and writes, and whether each is a terminal
// (which decides colour, progress bars and whether apply may ask its question).
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	InTerminal, OutTerminal, ErrTerminal bool
}

// OSStreams are the process's standard streams; a stream is a terminal when x/term says so
// (a redirection from /dev/null is not).
func OSStreams() Streams {
	return Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTerminal:  isTerminal(os.Stdin),
		OutTerminal: isTerminal(os.Stdout),
		ErrTerminal: isTerminal(os.Stderr),
	}
}

// isTerminal reports whether f is an interactive terminal. /dev/null, a character device, is
// not.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// modelOptions are the kong options that make the model (name, description, the variables
// tags refer to), for Main and for the tests that check other files against the model.
func modelOptions() []kong.Option {
	return []kong.Option{
		kong.Name("flowroute-numbers"),
		kong.Description("Manage Flowroute phone numbers and inbound routes as code."),
		kong.Vars{"version": versionLine(), "sandbox_seed": strconv.Itoa(SandboxSeed)},
	}
}

// usageCommand is the command line of the command a parse error happened in, such as
// "flowroute-numbers completion", so that the hint after the error points at that command's
// help rather than the list of commands; "flowroute-numbers" when no command was reached.
func usageCommand(ctx *kong.Context) string {
	words := []string{"flowroute-numbers"}
	if ctx != nil {
		for _, p := range ctx.Path {
			if p.Command != nil {
				words = append(words, p.Command.Name)
			}
		}
	}
	return strings.Join(words, " ")
}

// serverFlags are the global flags of the client, which sandbox serve, a server, does not
// read: its help leaves them out (--sandbox-state beside its own --state confused).
var serverFlags = []string{"api", "endpoint", "sandbox", "sandbox-state", "client-rate-limit", "parallelism", "max-account-numbers"}

// helpPrinter is kong's help, without the client's global flags in sandbox serve's.
func helpPrinter(options kong.HelpOptions, ctx *kong.Context) error {
	if n := ctx.Selected(); n != nil && n.FullPath() == "flowroute-numbers sandbox serve" {
		for _, f := range ctx.Model.Flags {
			if slices.Contains(serverFlags, f.Name) && !f.Hidden {
				f.Hidden = true
				defer func() { f.Hidden = false }()
			}
		}
	}
	return kong.DefaultHelpPrinter(options, ctx)
}

// unsetEmptyEnv unsets the flags' environment variables that are set but empty, so that an
// empty one counts as unset, as in most tools: CI systems pass a variable nobody defined as
// "" (GitHub Actions' ${{ vars.X }}), and FLOWROUTE_API="" then means the default rather than
// an error, FLOWROUTE_SANDBOX_STATE="" the default file rather than the current directory.
func unsetEmptyEnv(n *kong.Node) {
	for _, f := range n.Flags {
		for _, env := range f.Tag.Envs {
			if v, ok := os.LookupEnv(env); ok && v == "" {
				os.Unsetenv(env)
			}
		}
	}
	for _, c := range n.Children {
		unsetEmptyEnv(c)
	}
}

// Main parses args, runs the command with the streams and returns the exit status.
func Main(args []string, streams Streams) (status int) {
	stdout, stderr := streams.Out, streams.Err
	var c cli
	exited := false
	parser, err := kong.New(&c, append(modelOptions(),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited, status = true, code }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Help(helpPrinter),
	)...)
	if err != nil {
		fmt.Fprintf(stderr, "flowroute-numbers: %v\n", err)
		return 1
	}
	unsetEmptyEnv(parser.Model.Node)
	ctx, err := parser.Parse(args)
	if exited { // --help and friends
		return status
	}
	if err != nil {
		fmt.Fprintf(stderr, "flowroute-numbers: %v\n", err)
		if pe := (*kong.ParseError)(nil); errors.As(err, &pe) {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", usageCommand(pe.Context))
		}
		return 1
	}
	c.Globals.streams = streams
	c.Globals.stdin, c.Globals.stdout, c.Globals.stderr = streams.In, stdout, stderr
	// The first Ctrl-C stops starting new work and lets what is in flight finish; after it
	// the default handling is back, so a second Ctrl-C ends the process at once.
	runCtx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(runCtx, stop)
	sess := &session{ctx: runCtx, g: &c.Globals}
	defer sess.close()
	err = ctx.Run(&c.Globals, sess)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "Error: %v\n", err)
	if ae := (*v1.APIError)(nil); errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
		fmt.Fprintln(stderr, "  Hint: the server refused the key pair: check FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY (or --access-key/--secret-key), and that they are the keys of the account at --endpoint")
	}
	return 1
}
