// Command flowroute-numbers keeps a Flowroute account's inbound routes and phone numbers equal
// to a desired state written in YAML. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alecthomas/kong"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// cli is the command line: global flags and one struct per command.
type cli struct {
	Globals

	Validate validateCmd `cmd:"" help:"Check spec files offline."`
	Plan     planCmd     `cmd:"" help:"Read the account and show what apply would change."`
	Apply    applyCmd    `cmd:"" help:"Apply a spec or a saved plan to the account."`
	Export   exportCmd   `cmd:"" help:"Write the account as a spec."`
	Search   searchCmd   `cmd:"" help:"Search purchasable numbers."`
	Areas    areasCmd    `cmd:"" help:"List NPAs with numbers for sale, or the NPA-NXXs of one NPA."`
	Sandbox  sandboxCmd  `cmd:"" help:"Run the built-in Flowroute v1 sandbox."`
	Schema   schemaCmd   `cmd:"" help:"Print the JSON Schema of the spec."`
	Version  versionCmd  `cmd:"" help:"Print the version."`
}

// exitError ends a command whose output is already printed with an exit status: 2 for
// changes (plan --detailed-exitcode), or 1 with nothing more to say.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// ExitCode is the process status for the error.
func (e *exitError) ExitCode() int { return e.code }

// exitCode returns a silent error that makes run return code.
func exitCode(code int) error { return &exitError{code: code} }

// run parses args, runs the command and returns the exit status. It never calls os.Exit, so
// tests drive the whole CLI in-process.
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, os.Stdin, stdout, stderr)
}

// runIO is run with standard input given, for the tests of commands that ask a question.
func runIO(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	var c cli
	exited := false
	parser, err := kong.New(&c,
		kong.Name("flowroute-numbers"),
		kong.Description("Manage Flowroute phone numbers and inbound routes as code."),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited, status = true, code }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": buildVersion()},
	)
	if err != nil {
		fmt.Fprintf(stderr, "flowroute-numbers: %v\n", err)
		return 1
	}
	ctx, err := parser.Parse(args)
	if exited { // --help and friends
		return status
	}
	if err != nil {
		fmt.Fprintf(stderr, "flowroute-numbers: %v\n", err)
		if pe := (*kong.ParseError)(nil); errors.As(err, &pe) {
			fmt.Fprintln(stderr, "Run 'flowroute-numbers --help' for usage.")
		}
		return 1
	}
	c.Globals.stdin, c.Globals.stdout, c.Globals.stderr = stdin, stdout, stderr
	err = ctx.Run(&c.Globals)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "Error: %v\n", err)
	return 1
}
