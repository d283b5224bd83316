package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// applyTerminal stands in for a terminal on standard input, so that a test can answer the
// confirmation question.
type applyTerminal struct{ io.Reader }

// applySandbox seeds a sandbox state file with one route and one owned number, and returns the
// state file and a spec that creates a route, buys two numbers and updates all three.
func applySandbox(t *testing.T, maxPurchases int) (state, specPath string) {
	t.Helper()
	state, avail := seedSandbox(t, 5,
		[]v1.Route{{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"}},
		[]v1.Number{{TN: "12065550100"}}, 2)
	specPath = writeSpec(t, fmt.Sprintf(`version: 1
routes:
  pbx: {type: HOST, value: "24.239.23.40:5060"}
  backup: {type: PSTN, value: "16476998778"}
numbers:
  "12065550100": {primary_route: pbx, failover_route: backup}
  %q: {billing_method: METERED, primary_route: backup}
  %q: {billing_method: METERED}
policy:
  max_purchases: %d
`, avail[0].TN, avail[1].TN, maxPurchases))
	return state, specPath
}

// applyWrites returns the write requests the sandbox whose state is in state has received.
func applyWrites(t *testing.T, state string) []sandbox.AuditEntry {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	return sb.Audit()
}

func TestApplySpecThenNoChanges(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	// Parallelism 1 makes the order of the progress lines that of the plan, so that the whole
	// output can be compared with a golden file.
	out, errs, code := sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve", "--parallelism", "1")
	if code != 0 {
		t.Fatalf("apply exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	out = strings.ReplaceAll(strings.ReplaceAll(out, filepath.Dir(specPath), "DIR"), filepath.Dir(state), "STATEDIR")
	golden.Check(t, "testdata/golden/apply/apply-spec.txt", []byte(out))

	out, errs, code = sandboxCLI(t, state, nil, "apply", "-f", specPath)
	if code != 0 || !strings.Contains(out, "No changes.") || strings.Contains(out, applyQuestion) {
		t.Errorf("second apply: exit %d, want 0 with \"No changes.\" and no question\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

func TestApplyAsksForYes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer string
		code   int
		writes bool
	}{
		{"yes\n", 0, true},
		{"no\n", 1, false},
		{"y\n", 1, false},
		{"", 1, false}, // end of input
	} {
		t.Run(fmt.Sprintf("%q", tc.answer), func(t *testing.T) {
			t.Parallel()
			state, specPath := applySandbox(t, 10)
			out, errs, code := sandboxCLI(t, state, applyTerminal{strings.NewReader(tc.answer)}, "apply", "-f", specPath)
			if code != tc.code || !strings.Contains(out, applyQuestion) {
				t.Fatalf("exit %d, want %d after the question\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if writes := applyWrites(t, state); (len(writes) > 0) != tc.writes {
				t.Errorf("%d writes, want some: %v", len(writes), tc.writes)
			}
			if !tc.writes && !strings.Contains(out, "Apply cancelled") {
				t.Errorf("no word of the cancellation:\n%s", out)
			}
		})
	}
}

func TestApplyRefusesWithoutTerminal(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	// "yes" on a pipe is not a person's answer.
	out, errs, code := sandboxCLI(t, state, strings.NewReader("yes\n"), "apply", "-f", specPath)
	if code != 1 || !strings.Contains(errs, "--auto-approve") || !strings.Contains(errs, "nothing was changed") {
		t.Errorf("exit %d, want 1 with a message naming --auto-approve\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if writes := applyWrites(t, state); len(writes) != 0 {
		t.Errorf("writes without confirmation: %+v", writes)
	}
}

// TestApplyRefusesStdinFromDevNull is `apply -f SPEC --sandbox < /dev/null`: /dev/null is a
// character device, not a terminal, so apply refuses instead of prompting.
func TestApplyRefusesStdinFromDevNull(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	var out, errs bytes.Buffer
	code := Main([]string{"--sandbox", "--sandbox-state", state, "apply", "-f", specPath},
		Streams{In: devNull, Out: &out, Err: &errs, InTerminal: isTerminal(devNull)})
	if code != 1 || !strings.Contains(errs.String(), "not a terminal") || !strings.Contains(errs.String(), "--auto-approve") {
		t.Errorf("exit %d, want 1 with the not-a-terminal message\nstdout:\n%s\nstderr:\n%s", code, out.String(), errs.String())
	}
	if writes := applyWrites(t, state); len(writes) != 0 {
		t.Errorf("writes without confirmation: %+v", writes)
	}
}

func TestApplyPlanFile(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	planPath := filepath.Join(t.TempDir(), "plan.json")
	if out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--out", planPath); code != 0 {
		t.Fatalf("plan exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
	if code != 0 || !strings.Contains(out, "Verified: the account matches the spec.") {
		t.Fatalf("apply exit %d, want 0 and verified\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	// The same plan again: the account has changed since (by that plan), so it is stale.
	writes := len(applyWrites(t, state))
	out, errs, code = sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
	if code != 1 || !strings.Contains(errs, "stale") || !strings.Contains(errs, "run plan again") {
		t.Errorf("applying a stale plan: exit %d, want 1 and a word about staleness\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if got := len(applyWrites(t, state)); got != writes {
		t.Errorf("a stale plan wrote %d requests", got-writes)
	}
}

// answerAfter is standard input that runs change when first read, as if someone changed the
// account while the question waited, then answers.
type answerAfter struct {
	change func()
	answer io.Reader
}

func (a *answerAfter) Read(b []byte) (int, error) {
	if a.change != nil {
		a.change()
		a.change = nil
	}
	return a.answer.Read(b)
}

func TestApplyPlanFileStaleWhileAsking(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	planPath := filepath.Join(t.TempDir(), "plan.json")
	sb, endpoint := sandboxtest.NewServer(t, sandbox.Options{StatePath: state})
	keys := []string{"--endpoint", endpoint, "--access-key", sandbox.DefaultAccessKey, "--secret-key", sandbox.DefaultSecretKey}
	var pout, perr bytes.Buffer
	if code := runIO(append(keys, "plan", "-f", specPath, "--out", planPath), strings.NewReader(""), &pout, &perr); code != 0 {
		t.Fatalf("plan exit %d\n%s\n%s", code, pout.String(), perr.String())
	}
	stdin := applyTerminal{&answerAfter{
		change: func() {
			if err := sb.AddRoute(sandbox.Route{Name: "elsewhere", Type: "HOST", Value: "192.0.2.1"}); err != nil {
				t.Error(err)
			}
		},
		answer: strings.NewReader("yes\n"),
	}}
	var out, errb bytes.Buffer
	code := runIO([]string{"--endpoint", endpoint, "--access-key", sandbox.DefaultAccessKey, "--secret-key", sandbox.DefaultSecretKey,
		"apply", planPath}, stdin, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "stale") {
		t.Errorf("the account changed while apply asked: exit %d, want 1 and a word about staleness\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if writes := sb.Audit(); len(writes) != 0 {
		t.Errorf("writes to an account that changed after the plan was checked: %+v", writes)
	}
}

func TestApplyPlanFileGuards(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	planPath := filepath.Join(t.TempDir(), "plan.json")
	if out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--out", planPath); code != 0 {
		t.Fatalf("plan exit %d\n%s\n%s", code, out, errs)
	}
	// Someone lowers the limit in the saved plan: apply checks it again.
	f, err := plan.LoadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	f.Plan.Policy.MaxPurchases = 1
	if err := f.Save(planPath); err != nil {
		t.Fatal(err)
	}
	out, errs, code := sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
	if code != 1 || !strings.Contains(errs, "policy.max_purchases allows 1") {
		t.Errorf("exit %d, want 1 naming policy.max_purchases\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if writes := applyWrites(t, state); len(writes) != 0 {
		t.Errorf("writes by a refused apply: %+v", writes)
	}
}

func TestApplyPlanWithErrors(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 1) // two purchases, one allowed
	out, errs, code := sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve")
	if code != 1 || !strings.Contains(out, "max_purchases") || !strings.Contains(errs, "nothing was applied") {
		t.Errorf("exit %d, want 1 with the plan's errors\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if writes := applyWrites(t, state); len(writes) != 0 {
		t.Errorf("writes by a refused apply: %+v", writes)
	}
}

func TestApplyArguments(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	for _, args := range [][]string{
		{"apply", "--auto-approve"},
		{"apply", "-f", specPath, "plan.json", "--auto-approve"},
		{"apply", "-f", specPath, "--auto-approve", "--parallelism", "0"},
	} {
		if _, errs, code := sandboxCLI(t, state, nil, args...); code != 1 || errs == "" {
			t.Errorf("%q: exit %d, stderr %q; want 1 with a message", args, code, errs)
		}
	}
	if writes := applyWrites(t, state); len(writes) != 0 {
		t.Errorf("writes after bad arguments: %+v", writes)
	}
}

func TestApplyBuysEachNumberOnce(t *testing.T) {
	t.Parallel()
	state, specPath := applySandbox(t, 10)
	if _, errs, code := sandboxCLI(t, state, nil, "apply", "-f", specPath, "--auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errs)
	}
	var purchases int
	for _, w := range applyWrites(t, state) {
		if w.Method == "PUT" && strings.HasPrefix(w.Path, "/v1/tns/") {
			purchases++
		}
	}
	if purchases != 2 {
		b, _ := json.MarshalIndent(applyWrites(t, state), "", "  ")
		t.Errorf("%d purchases, want 2:\n%s", purchases, b)
	}
}

func TestApplyReportRendering(t *testing.T) {
	t.Parallel()
	route := plan.Change{Action: plan.CreateRoute, Key: "pbx-backup", After: map[string]string{"type": "URI", "value": "sip:x@example.com"}}
	cost := &plan.Cost{Initial: money.MustParse("1.00"), Monthly: money.MustParse("1.25")}
	buy := plan.Change{Action: plan.Purchase, Key: "12067439178", After: map[string]string{"billing_method": "METERED"}, Cost: cost}
	set := plan.Change{Action: plan.SetRoutes, Key: "12067439178", After: map[string]string{"primary_route": "pbx-backup", "failover_route": "sip-reg"}}
	set2 := plan.Change{Action: plan.SetRoutes, Key: "12062092844", After: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"}}
	set3 := plan.Change{Action: plan.SetRoutes, Key: "12062090122", After: map[string]string{"primary_route": "pbx-backup", "failover_route": ""}} // v2: no failover
	rep := &apply.Report{Results: []apply.Result{
		{Change: route, Status: apply.Failed, Error: "PUT /v1/routes/pbx-backup: 422 Invalid value.", Attempts: 1},
		{Change: buy, Status: apply.Applied, Note: "confirmed by reading the account after the answer was lost", Attempts: 1},
		{Change: set, Status: apply.Skipped, Reason: "depends on failed create_route pbx-backup"},
		{Change: set2, Status: apply.Applied, Attempts: 1},
		{Change: set3, Status: apply.Applied, Attempts: 1},
	}}
	var b bytes.Buffer
	for _, r := range rep.Results {
		fmt.Fprintln(&b, applyLine(r))
	}
	applyReport(&b, rep, false)
	golden.Check(t, "testdata/golden/apply/report-incomplete.txt", b.Bytes())

	// On a terminal the progress bar stood in for those lines: the report names what was
	// applied too, or the user would learn only how many.
	b.Reset()
	applyReport(&b, rep, true)
	golden.Check(t, "testdata/golden/apply/report-incomplete-terminal.txt", b.Bytes())
}

// The report after a complete apply counts what the plan's summary line counted: every kind
// of change, and a number bought with its fields once, as a purchase.
func TestAppliedSummaryCountsEveryKind(t *testing.T) {
	t.Parallel()
	applied := func(changes ...plan.Change) []apply.Result {
		var rs []apply.Result
		for _, c := range changes {
			rs = append(rs, apply.Result{Change: c, Status: apply.Applied})
		}
		return rs
	}
	for _, tc := range []struct {
		results []apply.Result
		want    string
	}{
		{applied(
			plan.Change{Action: plan.UpdateRoute, Key: "pbx"},
			plan.Change{Action: plan.SetAlias, Key: "12062090105"},
			plan.Change{Action: plan.SetCNAM, Key: "12062090105"},
		), "Apply complete: 0 routes created, 1 route updated, 0 numbers purchased, 1 number updated."},
		{applied(
			plan.Change{Action: plan.CreateRoute, Key: "pbx"},
			plan.Change{Action: plan.CreateCNAM, Key: "ACME"},
			plan.Change{Action: plan.CreateE911, Key: "hq"},
			plan.Change{Action: plan.CreateE911, Key: "branch"},
			plan.Change{Action: plan.Purchase, Key: "12062090105"},
			plan.Change{Action: plan.SetRoutes, Key: "12062090105"},
			plan.Change{Action: plan.SetE911, Key: "12062090105"},
			plan.Change{Action: plan.SetRoutes, Key: "12062090122"},
		), "Apply complete: 1 route created, 1 number purchased, 1 number updated, 1 CNAM record created, 2 E911 addresses created."},
	} {
		if got := appliedSummary(tc.results); got != tc.want {
			t.Errorf("appliedSummary = %q\nwant             %q", got, tc.want)
		}
	}
}
