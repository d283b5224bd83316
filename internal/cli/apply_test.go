package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
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
	// The digest covers the account, whose state file is in a new directory every run.
	out = regexp.MustCompile(`sha256:[0-9a-f]{64}`).ReplaceAllString(out, "sha256:DIGEST")
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

// The account changes while apply asks, whether about a saved plan or the plan of a spec: the
// answer "yes" approves a plan of an account that is gone, so apply refuses it as stale and
// writes nothing.
func TestApplyStaleWhileAsking(t *testing.T) {
	t.Parallel()
	for _, saved := range []bool{true, false} {
		t.Run(fmt.Sprintf("plan file %v", saved), func(t *testing.T) {
			t.Parallel()
			state, specPath := applySandbox(t, 10)
			sb, endpoint := sandboxtest.NewServer(t, sandbox.Options{StatePath: state})
			keys := []string{"--endpoint", endpoint, "--access-key", sandbox.DefaultAccessKey, "--secret-key", sandbox.DefaultSecretKey}
			args := slices.Concat(keys, []string{"apply", "-f", specPath})
			if saved {
				planPath := filepath.Join(t.TempDir(), "plan.json")
				var pout, perr bytes.Buffer
				if code := runIO(append(keys, "plan", "-f", specPath, "--out", planPath), strings.NewReader(""), &pout, &perr); code != 0 {
					t.Fatalf("plan exit %d\n%s\n%s", code, pout.String(), perr.String())
				}
				args = slices.Concat(keys, []string{"apply", planPath})
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
			code := runIO(args, stdin, &out, &errb)
			if code != 1 || !strings.Contains(out.String(), applyQuestion) || !strings.Contains(errb.String(), "stale") || !strings.Contains(errb.String(), "run plan again") {
				t.Errorf("the account changed while apply asked: exit %d, want 1 and a word about staleness after the question\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
			}
			if writes := sb.Audit(); len(writes) != 0 {
				t.Errorf("writes to an account that changed while apply asked: %+v", writes)
			}
		})
	}
}

// A server that answers a release with 204 and changes nothing, as one that only pretends to:
// the report must not claim what the verification contradicts. apply reports each release
// not done, with what the account shows, and exits 1.
func TestApplyReportsWhatTheAccountShows(t *testing.T) {
	t.Parallel()
	state, _ := seedSandbox(t, 7, nil, []v1.Number{{TN: "12065550100"}, {TN: "12065550101"}}, 0)
	sb, err := sandbox.New(sandbox.Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	pretend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v2/numbers/") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(pretend.Close)
	specPath := writeSpec(t, "version: 1\npolicy:\n  unmanaged: release\n  max_releases: 2\n")
	var out, errb bytes.Buffer
	code := run([]string{"--api", "v2", "--endpoint", pretend.URL + "/v2", "--access-key", sandbox.DefaultAccessKey, "--secret-key", sandbox.DefaultSecretKey,
		"apply", "-f", specPath, "--auto-approve"}, &out, &errb)
	if code != 1 || strings.Contains(out.String(), "Apply complete") {
		t.Fatalf("exit %d, want 1 and no claim of a complete apply\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"Apply incomplete: 0 changes applied, 2 not done, 0 failed, 0 skipped.\nNot done:\n",
		"  release 12065550100: the server answered success, but the account still owns the number\n",
		"  release 12065550101: the server answered success, but the account still owns the number\n",
		"Verification: the account still differs from the spec:",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
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
	if err := f.Save(planPath, plan.SigningKeyFor(sandbox.DefaultSecretKey)); err != nil { // a holder of the keys may lower a limit
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

// terminal is one terminal that standard output and standard error both write to.
type terminal struct {
	mu sync.Mutex
	b  strings.Builder
}

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.Write(p)
}

func (t *terminal) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}

// screen is what a terminal shows once out is written to it: a carriage return goes back to
// the start of the line, "\x1b[K" clears the rest of the line, other escape sequences
// (colours) show nothing; trailing blanks are left out.
func screen(out string) []string {
	var lines []string
	var line []rune
	col := 0
	rs := []rune(out)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\n':
			lines = append(lines, strings.TrimRight(string(line), " "))
			line, col = nil, 0
		case r == '\r':
			col = 0
		case r == '\x1b' && i+1 < len(rs) && rs[i+1] == '[':
			j := i + 2
			for j < len(rs) && (rs[j] < '@' || rs[j] > '~') {
				j++
			}
			if j < len(rs) && rs[j] == 'K' {
				line = line[:col]
			}
			i = j
		case col < len(line):
			line[col] = r
			col++
		default:
			line = append(line, r)
			col++
		}
	}
	return append(lines, strings.TrimRight(string(line), " "))
}

// Every finished change prints its line on standard output, whatever it is written to; the
// progress bar is drawn only when standard output and standard error are both terminals, the
// lines above it, so that they stay on screen once the bar is gone.
func TestApplyProgress(t *testing.T) {
	t.Parallel()
	lines := []string{
		"+ route backup created",
		"~ number 12065550100 updated (primary pbx, failover backup)",
		"Apply complete: 1 route created, 2 numbers purchased, 1 number updated.",
		"Verified: the account matches the spec.",
	}
	for _, tc := range []struct {
		name                     string
		outTerminal, errTerminal bool
	}{
		{"apply | tee log, on a terminal", false, true},
		{"apply 2> log, on a terminal", true, false},
		{"apply in CI", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			state, specPath := applySandbox(t, 10)
			var out, errb bytes.Buffer
			code := Main([]string{"--sandbox", "--sandbox-state", state, "apply", "-f", specPath, "--auto-approve"},
				Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: tc.outTerminal, ErrTerminal: tc.errTerminal})
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
			}
			shown := screen(out.String())
			for _, l := range lines {
				if !slices.Contains(shown, l) {
					t.Errorf("stdout lacks the line %q:\n%s", l, out.String())
				}
			}
			if strings.Contains(errb.String(), "Applying") {
				t.Errorf("a progress bar while standard output is not a terminal too:\n%q", errb.String())
			}
		})
	}
	t.Run("on a terminal", func(t *testing.T) {
		t.Parallel()
		state, specPath := applySandbox(t, 10)
		var tty terminal
		code := Main([]string{"--sandbox", "--sandbox-state", state, "apply", "-f", specPath, "--auto-approve"},
			Streams{In: strings.NewReader(""), Out: &tty, Err: &tty, OutTerminal: true, ErrTerminal: true})
		shown := screen(tty.String())
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, strings.Join(shown, "\n"))
		}
		if !strings.Contains(tty.String(), "Applying") {
			t.Errorf("no progress bar on a terminal:\n%q", tty.String())
		}
		for _, l := range lines {
			if !slices.Contains(shown, l) {
				t.Errorf("the screen lacks the line %q:\n%s", l, strings.Join(shown, "\n"))
			}
		}
		for _, l := range shown {
			if strings.Contains(l, "Applying") || strings.Contains(l, "Reading the account") {
				t.Errorf("a progress line stays on the screen: %q\n%s", l, strings.Join(shown, "\n"))
			}
		}
	})
}
