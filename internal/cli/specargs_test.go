package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpecsAsArguments checks that validate, plan and apply take spec files and directories
// as arguments like -f, and that apply still reads an argument that is not a spec (a .json
// file, or any name plan --out was given) as a saved plan.
func TestSpecsAsArguments(t *testing.T) {
	t.Parallel()
	const quickstart = "../../examples/quickstart.yaml"
	const multi = "../../examples/multi/"
	code, stdout, stderr := runCLI(t, "validate", multi+"nyc.yaml", multi+"seattle.yaml", "-f", multi+"routes.yaml")
	if code != 0 || !strings.HasPrefix(stdout, multi+"routes.yaml, "+multi+"nyc.yaml, "+multi+"seattle.yaml: valid") {
		t.Errorf("validate with arguments: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	state := filepath.Join(t.TempDir(), "sandbox.json") // a fresh account sells the examples' numbers
	withFlag, _, code1 := sandboxCLI(t, state, nil, "plan", "-f", quickstart)
	withArg, stderr, code2 := sandboxCLI(t, state, nil, "plan", quickstart)
	if code1 != 0 || code2 != 0 || withArg != withFlag {
		t.Errorf("plan SPEC (exit %d) differs from plan -f SPEC (exit %d):\n%s\nstderr: %s", code2, code1, withArg, stderr)
	}

	dir := t.TempDir()
	for _, name := range []string{"plan.json", "tfplan"} {
		planFile := filepath.Join(dir, name)
		if _, stderr, code := sandboxCLI(t, state, nil, "plan", quickstart, "--out", planFile); code != 0 {
			t.Fatalf("plan --out %s: exit %d\n%s", name, code, stderr)
		}
		// Without a terminal nor --auto-approve, apply of a plan refuses at the question: the
		// plan file was read as a plan (a spec would fail to load it as YAML).
		stdout, stderr, code = sandboxCLI(t, state, nil, "apply", planFile)
		if code != 1 || !strings.Contains(stderr, "standard input is not a terminal") || !strings.Contains(stdout, "Plan: ") {
			t.Errorf("apply %s: exit %d\nstdout %s\nstderr %s", name, code, stdout, stderr)
		}
	}
	stdout, stderr, code = sandboxCLI(t, state, nil, "apply", quickstart, "--auto-approve")
	if code != 0 || !strings.Contains(stdout, "Verified: the account matches the spec.") {
		t.Errorf("apply SPEC: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if stdout, stderr, code := sandboxCLI(t, state, nil, "apply", "../../examples/multi", "--auto-approve"); code != 0 || !strings.Contains(stdout, "Verified") {
		t.Errorf("apply DIR: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if _, stderr, code := sandboxCLI(t, state, nil, "apply", filepath.Join(dir, "plan.json"), filepath.Join(dir, "tfplan")); code != 1 || !strings.Contains(stderr, "give one plan file") {
		t.Errorf("apply with two plan files: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "plan.json")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "plan"); code != 1 || !strings.Contains(stderr, "no spec: give spec files or directories as arguments or with -f/--file SPEC") {
		t.Errorf("plan without a spec: exit %d, stderr %q", code, stderr)
	}
}
