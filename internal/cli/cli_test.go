package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
)

// A usage error points at the help of the command it happened in, where the flag or argument
// that was wrong is described, and at the top-level help when no command was reached.
func TestUsageErrorNamesCommandHelp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"completion", "tcsh"}, "Run 'flowroute-numbers completion --help' for usage."},
		{[]string{"plan", "--frmat", "json"}, "Run 'flowroute-numbers plan --help' for usage."},
		{[]string{"sandbox", "serve", "--bogus"}, "Run 'flowroute-numbers sandbox serve --help' for usage."},
		{[]string{"plann"}, "Run 'flowroute-numbers --help' for usage."},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: exit %d, want 1 and %q\nstderr:\n%s", tc.args, code, tc.want, errb.String())
		}
	}
}

// A 401 from either API says which keys to check, and never prints the secret key given.
func TestUnauthorizedSaysWhichKeysToCheck(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.Start(t, sandbox.Options{StatePath: filepath.Join(t.TempDir(), "sandbox.json")})
	const secret = "wrong-secret-key-9d1e"
	for _, args := range [][]string{
		{"--endpoint", srv.V1, "search", "--npa", "206"},
		{"--api", "v2", "--endpoint", srv.V2, "export"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"--access-key", sandbox.DefaultAccessKey, "--secret-key", secret}, args...), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "401") || !strings.Contains(errb.String(), "check FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY") {
			t.Errorf("%q: exit %d, want 1 and a hint naming the keys\nstderr:\n%s", args, code, errb.String())
		}
		if strings.Contains(out.String()+errb.String(), secret) {
			t.Errorf("%q: the secret key was printed:\n%s%s", args, out.String(), errb.String())
		}
	}
}

// The README's table of global flags lists every global flag of the model, with the
// environment variable that sets it.
func TestReadmeListsEveryGlobalFlag(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var c cli
	parser, err := kong.New(&c, modelOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range parser.Model.Flags {
		if f.Name == "help" || f.Name == "version" {
			continue
		}
		row := "| `--" + f.Name + "` |"
		if len(f.Envs) > 0 {
			row += " `" + f.Envs[0] + "` |"
		}
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md's global flags table has no row %q", row)
		}
	}
}
