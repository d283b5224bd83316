package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCLI runs the command line in-process and returns its status and outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestValidateValid(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"validate", "-f", "../../testdata/specs/good/full.yaml"},
			"../../testdata/specs/good/full.yaml: valid, 3 routes, 2 numbers.\n"},
		{[]string{"validate", "--file", "../../testdata/specs/good/multi"},
			"../../testdata/specs/good/multi: valid, 1 route, 2 numbers.\n" +
				"  ../../testdata/specs/good/multi/10-routes.yaml: defaults (primary_route) fill 0 of its 0 numbers; defaults fill only the numbers of their own file\n" +
				"  ../../testdata/specs/good/multi/20-numbers.yml: defaults (billing_method) fill 2 of its 2 numbers\n"},
		{[]string{"validate", "-f", "../../testdata/specs/good/full.yaml", "-f", "../../testdata/specs/good/unquoted-keys.yaml"},
			"../../testdata/specs/good/full.yaml, ../../testdata/specs/good/unquoted-keys.yaml: valid, 4 routes, 5 numbers.\n" +
				"  ../../testdata/specs/good/full.yaml: defaults (billing_method, failover_route) fill 1 of its 2 numbers\n"},
	} {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != 0 || stdout != tt.want || stderr != "" {
			t.Errorf("%v: status %d\nstdout %q, want %q\nstderr %q", tt.args, code, stdout, tt.want, stderr)
		}
	}
}

// TestValidateInvalid requires every problem on stderr, one per line, exactly as spec.Load
// words it (the goldens in testdata/specs/bad), and nothing on stdout.
func TestValidateInvalid(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "validate", "-f", "../../testdata/specs/bad/uri.yaml", "-f", "../../testdata/specs/bad/version.yaml")
	if code != 1 || stdout != "" {
		t.Fatalf("status %d, stdout %q", code, stdout)
	}
	var want strings.Builder
	for _, name := range []string{"uri", "version"} {
		golden, err := os.ReadFile(filepath.Join("../../testdata/specs/bad", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		want.WriteString(strings.ReplaceAll(string(golden), name+".yaml:", "../../testdata/specs/bad/"+name+".yaml:"))
	}
	if diff := cmp.Diff(want.String(), stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

func TestValidateUsage(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "validate")
	if code != 1 || !strings.Contains(stderr, "--file") {
		t.Errorf("without -f: status %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "validate", "-f", "does-not-exist.yaml")
	if code != 1 || stderr != "does-not-exist.yaml: cannot read: no such file or directory\n" {
		t.Errorf("missing file: status %d, stderr %q", code, stderr)
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "a,b.yaml") // a comma must not split the flag
	if err := os.WriteFile(name, []byte("numbers:\n  \"12065550100\": {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "validate", "-f", name)
	if code != 0 || stdout != name+": valid, 0 routes, 1 number.\n" {
		t.Errorf("comma in name: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "schema")
	committed, err := os.ReadFile("../../schema/flowroute-numbers.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || stderr != "" || stdout != string(committed) {
		t.Errorf("schema: status %d, stderr %q, stdout is the committed schema: %v", code, stderr, stdout == string(committed))
	}
}
