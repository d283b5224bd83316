package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// run runs the CLI in-process with empty standard input, no stream a terminal.
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, strings.NewReader(""), stdout, stderr)
}

// runIO is run with standard input given; an applyTerminal stands in for a terminal, so that
// a test can answer apply's question.
func runIO(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	_, terminal := stdin.(applyTerminal)
	return Main(args, Streams{In: stdin, Out: stdout, Err: stderr, InTerminal: terminal})
}

// sandboxCLI runs the CLI in-process against the sandbox whose state is in state, with stdin
// as standard input (nil is empty input), and returns what it printed and its exit code.
func sandboxCLI(t *testing.T, state string, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code = runIO(append([]string{"--sandbox", "--sandbox-state", state}, args...), stdin, &out, &errb)
	return out.String(), errb.String(), code
}

// seedSandbox writes a sandbox state file, made from seed, that holds routes and numbers
// besides the sandbox's own, and returns it with the first forSale numbers for sale, read
// through the API like any client (none when forSale is 0).
func seedSandbox(t *testing.T, seed int64, routes []v1.Route, numbers []v1.Number, forSale int) (state string, avail []v1.AvailableNumber) {
	t.Helper()
	state = filepath.Join(t.TempDir(), "sandbox.json")
	sb, err := sandbox.New(sandbox.Options{StatePath: state, Seed: seed, InventorySize: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		if err := sb.AddRoute(sandbox.Route(r)); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range numbers {
		if err := sb.AddOwnedNumber(sandbox.Number{TN: n.TN, BillingMethod: n.BillingMethod, Primary: n.PrimaryRoute(), Failover: n.FailoverRoute()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sb.Flush(); err != nil {
		t.Fatal(err)
	}
	if forSale == 0 {
		return state, nil
	}
	_, endpoint := sandboxtest.NewServer(t, sandbox.Options{StatePath: state})
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	avail, err = c.AllAvailable(t.Context(), v1.SearchQuery{}, forSale)
	if err != nil || len(avail) < forSale {
		t.Fatalf("reading the inventory: %v (%d numbers, want %d)", err, len(avail), forSale)
	}
	return state, avail
}

// writeSpec writes content to a spec file of its own and returns the file's path.
func writeSpec(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "numbers.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
