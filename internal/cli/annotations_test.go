package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// badSpec has two problems, at known lines and columns.
const badSpec = "testdata/specs/bad.yaml"

// TestPlanOfABadSpecIsStillADocument checks that plan --format markdown and --format json
// print the spec's problems with their positions, so that a pull-request comment shows them,
// and still exit 1; the text format prints nothing on stdout, the problems being on stderr.
func TestPlanOfABadSpecIsStillADocument(t *testing.T) {
	for _, format := range []string{"markdown", "json", "text"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := run([]string{"--sandbox", "--sandbox-state", filepath.Join(t.TempDir(), "s.json"), "plan", "-f", badSpec, "--format", format, "--detailed-exitcode"}, &out, &errb)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, errb.String())
			}
			if !strings.Contains(errb.String(), "Error: testdata/specs/bad.yaml:5:55: ") {
				t.Errorf("stderr lacks the problem:\n%s", errb.String())
			}
			switch format {
			case "text":
				if out.Len() != 0 {
					t.Errorf("text plan of a bad spec printed on stdout:\n%s", out.String())
				}
				return
			case "json":
				var p plan.Plan
				if err := json.Unmarshal(out.Bytes(), &p); err != nil || !p.HasErrors() || len(p.Diagnostics) != 2 || p.Diagnostics[0].Pos.Line != 5 {
					t.Errorf("JSON plan of a bad spec: %v, %+v", err, p.Diagnostics)
				}
			}
			golden.Check(t, filepath.Join("testdata", "golden", "spec-errors", format+".golden"), out.Bytes())
		})
	}
}

// TestGitHubActionsAnnotations checks that under GITHUB_ACTIONS=true validate prints each spec
// problem, and plan each diagnostic, as a workflow annotation on stderr, and that nothing of
// the kind is printed elsewhere.
func TestGitHubActionsAnnotations(t *testing.T) {
	var out, errb bytes.Buffer
	run([]string{"validate", "-f", badSpec}, &out, &errb)
	if strings.Contains(errb.String(), "::error") {
		t.Errorf("annotations outside GitHub Actions:\n%s", errb.String())
	}

	t.Setenv("GITHUB_ACTIONS", "true")
	errb.Reset()
	if code := run([]string{"validate", "-f", badSpec}, &out, &errb); code != 1 {
		t.Fatalf("validate: exit %d, want 1", code)
	}
	for _, want := range []string{
		`::error file=testdata/specs/bad.yaml,line=5,col=55,title=flowroute-numbers::failover_route "nowhere" is not a declared route (declare it under routes, or use the built-in route sip-reg)` + "\n",
		`::error file=testdata/specs/bad.yaml,line=6,col=3,title=flowroute-numbers::number "+1 206 555 0101" is not an E.164 number`,
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("validate's stderr lacks %q:\n%s", want, errb.String())
		}
	}

	// The sandbox account owns numbers this spec does not name: a warning diagnostic.
	state, _ := seedSandbox(t, 0, nil, []v1.Number{{TN: "12065550100"}}, 0)
	path := writeSpec(t, "version: 1\nroutes:\n  pbx: {type: HOST, value: \"24.239.23.40:5060\"}\n")
	stdout, stderr, code := sandboxCLI(t, state, nil, "plan", "-f", path, "--format", "markdown")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "::warning title=flowroute-numbers::the account has 1 number that the spec does not name (") || strings.Contains(stdout, "::warning") {
		t.Errorf("plan's warning is not annotated on stderr only:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
}

// TestFmtCheckAnnotations checks that under GITHUB_ACTIONS=true fmt --check prints an error
// annotation on each file out of the canonical layout, escaped as a workflow command wants
// (the action's validate mode relies on it), and none elsewhere.
func TestFmtCheckAnnotations(t *testing.T) {
	messy, err := os.ReadFile(filepath.Join("testdata", "fmt", "messy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "a,b.yaml")
	if err := os.WriteFile(file, messy, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	run([]string{"fmt", "--check", file}, &out, &errb)
	if strings.Contains(errb.String(), "::error") {
		t.Errorf("annotations outside GitHub Actions:\n%s", errb.String())
	}

	t.Setenv("GITHUB_ACTIONS", "true")
	errb.Reset()
	if code := run([]string{"fmt", "--check", file}, &out, &errb); code != 1 {
		t.Fatalf("fmt --check: exit %d, want 1", code)
	}
	want := "::error file=" + strings.ReplaceAll(file, ",", "%2C") + ",title=flowroute-numbers::" + file +
		" is not in the canonical layout: run flowroute-numbers fmt on it and commit the result\n"
	if !strings.Contains(errb.String(), want) {
		t.Errorf("fmt --check's stderr lacks %q:\n%s", want, errb.String())
	}
}
