package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// planSandbox seeds a sandbox state file with two routes and three numbers, and returns the
// state file and two numbers that are for sale.
func planSandbox(t *testing.T) (state string, forSale []string) {
	t.Helper()
	state, avail := seedSandbox(t, 3, []v1.Route{
		{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"},
		{Name: "backup", Type: "URI", Value: "sip:16476998778@215.122.69.152:5060;transport=tcp"},
	}, []v1.Number{
		{TN: "12065550100", BillingMethod: "METERED", Routes: []v1.RouteRef{{Name: "pbx"}, {Name: "backup"}}},
		{TN: "12065550101", BillingMethod: "VPRI"},
		{TN: "12065550102", BillingMethod: "METERED", Routes: []v1.RouteRef{{Name: "backup"}, {Name: "sip-reg"}}},
	}, 2)
	return state, []string{avail[0].TN, avail[1].TN}
}

// matchingSpec is what planSandbox seeds, written as a spec.
const matchingSpec = `version: 1
routes:
  pbx: {type: HOST, value: "24.239.23.40:5060"}
  backup: {type: URI, value: "sip:16476998778@215.122.69.152:5060;transport=tcp"}
numbers:
  "12065550100": {billing_method: METERED, primary_route: pbx, failover_route: backup}
  "12065550101": {billing_method: VPRI}
  "12065550102": {primary_route: backup}
`

func TestExportThenPlanIsNoChanges(t *testing.T) {
	t.Parallel()
	state, _ := planSandbox(t)
	out := filepath.Join(t.TempDir(), "exported.yaml")
	_, stderr, code := sandboxCLI(t, state, nil, "export", "--out", out)
	if code != 0 {
		t.Fatalf("export exited %d: %s", code, stderr)
	}
	exported, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version: 1\n", "# Exported by flowroute-numbers", "from the sandbox", `"12065550101": {billing_method: VPRI, primary_route: sip-reg, failover_route: sip-reg}`} {
		if !strings.Contains(string(exported), want) {
			t.Errorf("exported spec lacks %q:\n%s", want, exported)
		}
	}
	if strings.Contains(string(exported), sandbox.DefaultSecretKey) || strings.Contains(string(exported), sandbox.DefaultAccessKey) {
		t.Errorf("exported spec holds a key:\n%s", exported)
	}

	stdout, stderr, code := sandboxCLI(t, state, nil, "plan", "-f", out, "--detailed-exitcode")
	if code != 0 || !strings.Contains(stdout, "No changes.") {
		t.Errorf("plan of the export: exit %d, want 0 and No changes.\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	// Without --out, export writes the same spec (but its time) on stdout.
	stdout, _, code = sandboxCLI(t, state, nil, "export")
	strip := func(s string) string { return s[strings.Index(s, "version: 1"):] }
	if code != 0 || strip(stdout) != strip(string(exported)) {
		t.Errorf("export to stdout: exit %d\n%s", code, stdout)
	}
}

func TestPlanExitCodes(t *testing.T) {
	t.Parallel()
	state, forSale := planSandbox(t)
	noChanges := writeSpec(t, matchingSpec)
	changes := writeSpec(t, matchingSpec+"  \""+forSale[0]+"\": {billing_method: METERED, primary_route: pbx}\n")
	errors := writeSpec(t, strings.Replace(matchingSpec, "billing_method: VPRI", "billing_method: METERED", 1))
	invalid := writeSpec(t, "version: 1\nnumbers:\n  \"+1 206\": {}\n")

	for _, tt := range []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		noStdout bool
	}{
		{name: "no changes", args: []string{"-f", noChanges}, code: 0, stdout: []string{"No changes. The account matches the spec."}},
		{name: "no changes, detailed", args: []string{"-f", noChanges, "--detailed-exitcode"}, code: 0, stdout: []string{"No changes."}},
		{name: "changes", args: []string{"-f", changes}, code: 0,
			stdout: []string{"+ " + forSale[0] + "  METERED", "Plan: 0 routes to create, 1 number to purchase, 0 numbers to update."}},
		{name: "changes, detailed", args: []string{"-f", changes, "--detailed-exitcode"}, code: 2, stdout: []string{"Plan: 0 routes"}},
		{name: "error diagnostics still print the plan", args: []string{"-f", errors, "--detailed-exitcode"}, code: 1,
			stdout: []string{"Error: " + errors + ":7:", "v1 cannot change a number's billing method", "cannot be applied"}},
		{name: "invalid spec", args: []string{"-f", invalid}, code: 1, stderr: invalid + ":3:", noStdout: true},
		{name: "bad format", args: []string{"-f", noChanges, "--format", "yaml"}, code: 1, stderr: "--format", noStdout: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := sandboxCLI(t, state, nil, append([]string{"plan"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
			if tt.noStdout && stdout != "" {
				t.Errorf("stdout should be empty:\n%s", stdout)
			}
		})
	}
}

func TestPlanFormatsAndPlanFile(t *testing.T) {
	t.Parallel()
	state, forSale := planSandbox(t)
	specPath := writeSpec(t, matchingSpec+"  \""+forSale[0]+"\": {billing_method: METERED}\n")
	planPath := filepath.Join(t.TempDir(), "plan.json")

	stdout, stderr, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--format", "json", "--out", planPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatalf("--format json is not a plan: %v\n%s", err, stdout)
	}
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.Purchase || p.Changes[0].Key != forSale[0] {
		t.Errorf("changes %+v, want one purchase of %s", p.Changes, forSale[0])
	}
	if !strings.Contains(stderr, "Saved the plan to "+planPath) {
		t.Errorf("stderr lacks the saved message:\n%s", stderr)
	}
	f, err := plan.LoadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&p, f.Plan); diff != "" {
		t.Errorf("saved plan differs from the printed one (-printed +saved):\n%s", diff)
	}
	if _, ok := f.Spec.Numbers[forSale[0]]; !ok {
		t.Errorf("saved spec lacks %s", forSale[0])
	}
	raw, _ := os.ReadFile(planPath)
	if strings.Contains(string(raw), sandbox.DefaultSecretKey) || strings.Contains(string(raw), sandbox.DefaultAccessKey) {
		t.Error("the plan file holds a key")
	}

	stdout, _, code = sandboxCLI(t, state, nil, "plan", "-f", specPath, "--format", "markdown")
	if code != 0 || !strings.Contains(stdout, "| + | purchase | `"+forSale[0]+"` | METERED") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}

	// A plan with errors is printed but never saved.
	bad := writeSpec(t, matchingSpec+"  \"19999999999\": {billing_method: METERED}\n")
	badPlan := filepath.Join(t.TempDir(), "bad.json")
	_, stderr, code = sandboxCLI(t, state, nil, "plan", "-f", bad, "--out", badPlan)
	if _, err := os.Stat(badPlan); code != 1 || !os.IsNotExist(err) || !strings.Contains(stderr, "was not written") {
		t.Errorf("plan with errors: exit %d, file stat %v, stderr:\n%s", code, err, stderr)
	}
}

// TestPlanStepSummary cannot run in parallel: it sets an environment variable.
func TestPlanStepSummary(t *testing.T) {
	state, _ := planSandbox(t)
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	_, stderr, code := sandboxCLI(t, state, nil, "plan", "-f", writeSpec(t, matchingSpec), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(summary)
	if !strings.HasPrefix(string(got), "earlier step\n### Flowroute plan\n") || !strings.Contains(string(got), "No changes.") {
		t.Errorf("step summary:\n%s", got)
	}
}
