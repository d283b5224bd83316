package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesRunAsTheReadmeSays runs each example the way the README and `make demo` do,
// against a fresh sandbox: it validates, plans changes, applies, and then plans clean. An
// example that stops working (a number the sandbox no longer sells, a rule it breaks) fails
// here rather than in a new user's first minute.
func TestExamplesRunAsTheReadmeSays(t *testing.T) {
	t.Parallel()
	for _, example := range []string{"../../examples/quickstart.yaml", "../../examples/multi"} {
		t.Run(example, func(t *testing.T) {
			t.Parallel()
			state := filepath.Join(t.TempDir(), "sandbox.json")
			cli := func(want int, args ...string) string {
				t.Helper()
				out, errs, got := sandboxCLI(t, state, nil, args...)
				if got != want {
					t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, want, out, errs)
				}
				return out
			}
			cli(0, "validate", "-f", example)
			if out := cli(2, "plan", "-f", example, "--detailed-exitcode"); !strings.Contains(out, "Plan: ") {
				t.Fatalf("first plan has no summary line:\n%s", out)
			}
			if out := cli(0, "apply", "-f", example, "--auto-approve"); !strings.Contains(out, "Verified: the account matches the spec.") {
				t.Fatalf("apply did not verify:\n%s", out)
			}
			if out := cli(0, "plan", "-f", example, "--detailed-exitcode"); !strings.Contains(out, "No changes.") {
				t.Fatalf("plan after apply is not clean:\n%s", out)
			}
		})
	}
}
