package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// planDigest plans the spec against the sandbox and returns the plan's digest, as the JSON plan
// and the text plan both show it.
func planDigest(t *testing.T, state, specPath string) string {
	t.Helper()
	out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--format", "json")
	if code != 0 {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	var p struct {
		Digest string `json:"digest"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil || !digestRE.MatchString(p.Digest) {
		t.Fatalf("JSON plan digest %q (%v)", p.Digest, err)
	}
	text, _, _ := sandboxCLI(t, state, nil, "plan", "-f", specPath)
	if !strings.Contains(text, "Plan digest: "+p.Digest) {
		t.Errorf("the text plan does not show the digest %s:\n%s", p.Digest, text)
	}
	return p.Digest
}

// apply --expect-digest applies the reviewed plan, and refuses, writing nothing, any other: a
// spec changed after the review (main moved) plans other changes, with another digest.
func TestApplyExpectDigest(t *testing.T) { // not parallel: it sets FLOWROUTE_EXPECT_DIGEST
	state, specPath := applySandbox(t, 10)
	reviewed := planDigest(t, state, specPath)

	// main moved after the review: the new route points elsewhere.
	orig, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(orig), "16476998778", "16476998779", 1)
	if err := os.WriteFile(specPath, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve", "--expect-digest", reviewed)
	if code != 1 || !strings.Contains(errs, "not the reviewed "+reviewed) || !strings.Contains(errs, "plan the pull request again") {
		t.Fatalf("apply of another plan: exit %d, want 1 naming the reviewed digest\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if w := applyWrites(t, state); len(w) != 0 {
		t.Fatalf("a refused apply wrote %d times: %v", len(w), w)
	}

	// The reviewed spec again: its plan has the reviewed digest, and applies (also through the
	// environment variable).
	if err := os.WriteFile(specPath, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLOWROUTE_EXPECT_DIGEST", reviewed)
	out, errs, code = sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve")
	if code != 0 || !strings.Contains(out, "Verified") {
		t.Fatalf("apply of the reviewed plan: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

func TestApplyExpectDigestMalformed(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	_, errs, code := sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve", "--expect-digest", "abc123")
	if code != 1 || !strings.Contains(errs, "want a plan digest") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
}
