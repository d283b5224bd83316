package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// A plan belongs to the account it was made for: another sandbox with the very same state, or
// the same state reached through another endpoint, refuses it, naming both accounts.
func TestApplyRefusesAPlanOfAnotherAccount(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	planPath := filepath.Join(t.TempDir(), "plan.json")
	_, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--out", planPath)
	if code != 0 {
		t.Fatalf("plan exit %d\n%s", code, errs)
	}
	wantHint := "flowroute-numbers --sandbox --sandbox-state " + state + " apply " + planPath
	if !strings.Contains(errs, wantHint) || !strings.Contains(errs, "for v1 sandbox "+state) {
		t.Errorf("the hint after plan --out does not repeat the account's flags (%q):\n%s", wantHint, errs)
	}
	f, err := plan.LoadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	want := account.Identity{API: "v1", Endpoint: "sandbox " + state, KeyFingerprint: account.Fingerprint(sandbox.DefaultAccessKey)}
	if f.Plan.Account == nil || *f.Plan.Account != want {
		t.Errorf("the plan file records account %+v, want %+v", f.Plan.Account, want)
	}

	// A second fresh account with the same state.
	other := filepath.Join(t.TempDir(), "other.json")
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := sandboxCLI(t, other, nil, "apply", planPath, "--auto-approve")
	if code != 1 || !strings.Contains(errs, "the plan was made for v1 sandbox "+state) || !strings.Contains(errs, "this apply runs against v1 sandbox "+other) {
		t.Errorf("another sandbox: exit %d, want 1 naming both accounts\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if writes := applyWrites(t, other); len(writes) != 0 {
		t.Errorf("writes to the other account: %+v", writes)
	}

	// The same state behind an endpoint is another account too.
	_, endpoint := sandboxtest.NewServer(t, sandbox.Options{StatePath: state})
	var o, e bytes.Buffer
	code = runIO([]string{"--endpoint", endpoint, "--access-key", "another-key", "--secret-key", "s", "apply", planPath, "--auto-approve"}, strings.NewReader(""), &o, &e)
	if code != 1 || !strings.Contains(e.String(), "this apply runs against v1 "+endpoint+"/, access key "+account.Fingerprint("another-key")) {
		t.Errorf("an endpoint: exit %d, want 1 naming it\nstdout:\n%s\nstderr:\n%s", code, o.String(), e.String())
	}
	if strings.Contains(e.String(), "another-key") {
		t.Error("the message shows the access key")
	}

	// The plan's own account applies it.
	out, errs, code = sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
	if code != 0 || !strings.Contains(out, "Account: v1 sandbox "+state) {
		t.Errorf("its own account: exit %d, want 0 with the account named\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

// The confirmation question and the Markdown plan name the account.
func TestQuestionAndMarkdownNameTheAccount(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	out, _, _ := sandboxCLI(t, state, applyTerminal{strings.NewReader("no\n")}, "apply", "-f", specPath)
	if !strings.Contains(out, "Apply these changes to v1 sandbox "+state+", access key sha256:") {
		t.Errorf("the question does not name the account:\n%s", out)
	}
	out, _, _ = sandboxCLI(t, state, nil, "plan", "-f", specPath, "--format", "markdown")
	if !strings.Contains(out, "Account: v1 `sandbox "+state+"`, access key `sha256:") {
		t.Errorf("the Markdown plan does not name the account:\n%s", out)
	}
}

// --max-purchases and its environment variable lower what the spec allows, never raise it.
func TestLimitFlagsOnlyLower(t *testing.T) {
	state, specPath := applySandbox(t, 10) // two purchases, ten allowed
	out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--max-purchases", "1")
	if code != 1 || !strings.Contains(out, "the spec buys 2 numbers; --max-purchases allows 1") {
		t.Errorf("--max-purchases 1: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	out, errs, code = sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve", "--max-purchases", "1")
	if code != 1 || len(applyWrites(t, state)) != 0 {
		t.Errorf("apply --max-purchases 1: exit %d, writes %v\nstdout:\n%s\nstderr:\n%s", code, applyWrites(t, state), out, errs)
	}
	low, lowSpec := applySandbox(t, 1)
	out, errs, code = sandboxCLI(t, low, nil, "plan", "-f", lowSpec, "--max-purchases", "50")
	if code != 1 || !strings.Contains(out, "policy.max_purchases allows 1") {
		t.Errorf("--max-purchases above the spec's: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if _, errs, code = sandboxCLI(t, state, nil, "plan", "-f", specPath, "--max-releases=-1"); code == 0 || !strings.Contains(errs, "--max-releases -1: want 0 or more") {
		t.Errorf("a negative ceiling: exit %d\n%s", code, errs)
	}
	t.Setenv("FLOWROUTE_MAX_UPDATES", "0")
	out, errs, code = sandboxCLI(t, state, nil, "plan", "-f", specPath)
	if code != 1 || !strings.Contains(out, "--max-updates allows 0") {
		t.Errorf("FLOWROUTE_MAX_UPDATES=0: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

// TestMissingCredentialsSaysWhichKey: with one key given, the error names the other, and never
// prints the one given.
func TestMissingCredentialsSaysWhichKey(t *testing.T) {
	t.Parallel()
	spec := writeSpec(t, "version: 1\nnumbers: {}\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--access-key", "AKGIVEN"}, "the Flowroute secret key is missing"},
		{[]string{"--secret-key", "SKGIVEN"}, "the Flowroute access key is missing"},
		{nil, "no Flowroute credentials"},
	} {
		var out, errb strings.Builder
		code := run(append(tc.args, "plan", "-f", spec), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q: want %q", tc.args, code, errb.String(), tc.want)
		}
		if strings.Contains(errb.String(), "GIVEN") {
			t.Errorf("%v: the key given is printed: %q", tc.args, errb.String())
		}
	}
}

// TestEmptyEnvironmentVariablesCountAsUnset: CI systems pass a variable nobody defined as "";
// the run then takes each flag's default, as if the variable were not set, rather than
// failing (FLOWROUTE_API="") or taking the current directory as the state file.
func TestEmptyEnvironmentVariablesCountAsUnset(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, env := range []string{"FLOWROUTE_API", "FLOWROUTE_PARALLELISM", "FLOWROUTE_RATE_LIMIT", "FLOWROUTE_SANDBOX_STATE", "FLOWROUTE_MAX_PURCHASES", "FLOWROUTE_EXPECT_DIGEST"} {
		t.Setenv(env, "")
	}
	spec := writeSpec(t, "version: 1\nnumbers: {}\n")
	var out, errb strings.Builder
	if code := run([]string{"--sandbox", "plan", "-f", spec}, &out, &errb); code != 0 {
		t.Fatalf("plan with empty FLOWROUTE_* variables: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "v1 sandbox") || !strings.Contains(out.String(), ".flowroute-sandbox.json") {
		t.Errorf("want the default API (v1) and state file:\n%s", out.String())
	}
	if _, err := os.Stat(".flowroute-sandbox.json"); err != nil {
		t.Errorf("the default state file: %v", err)
	}
}
