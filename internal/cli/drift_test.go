package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const driftMarker = "<!-- flowroute-numbers-drift -->"

// TestCIDriftWorkflow runs the example drift workflow (examples/ci/drift.yml) as a schedule
// would, each time after the account was changed outside the repository, against the sandbox
// and a fake gh: while the account matches main's spec it opens nothing; the first drift opens
// one issue holding the plan and its digest; a further drift updates that issue, not another
// one (nor an issue a person wrote with the same marker); when the account matches again, the
// issue is closed with a comment saying so.
func TestCIDriftWorkflow(t *testing.T) {
	t.Parallel()
	repo := newCIRepo(t, ghState{Issues: []ghEntry{
		{Number: 5, Title: "a person's issue", State: "open", User: ghUser{"someone"}, Body: driftMarker + "\nquoted"},
	}})
	spec := exampleSpec(t)
	ws := repo.checkout(spec)
	drift := func() ghJobResult {
		t.Helper()
		r := repo.runner(ws, "schedule", sha('b'), "refs/heads/main", map[string]any{})
		res := r.runJob(repo.workflow(ws, "drift.yml"), "drift")
		if !res.ran || !res.ok {
			t.Fatalf("drift job: ran %v, ok %v\n%s", res.ran, res.ok, res.log)
		}
		return res
	}
	// byHand applies another spec to the account, as a person in the portal would change it.
	byHand := func(edit func(string) string) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "numbers.yaml")
		if err := os.WriteFile(path, []byte(edit(spec)), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, errs, code := sandboxCLI(t, repo.sandbox, nil, "apply", "-f", path, "--auto-approve"); code != 0 {
			t.Fatalf("changing the account: exit %d\n%s", code, errs)
		}
	}
	ours := func() []ghEntry {
		var list []ghEntry
		for _, i := range repo.gh.load().Issues {
			if i.User.Login == "github-actions[bot]" {
				list = append(list, i)
			}
		}
		return list
	}
	mutations := func() []string {
		var calls []string
		for _, c := range repo.gh.load().Calls {
			if !strings.HasPrefix(c, "GET ") {
				calls = append(calls, c)
			}
		}
		return calls
	}

	byHand(func(s string) string { return s }) // the account as main's spec says
	drift()
	if calls := mutations(); len(calls) != 0 {
		t.Fatalf("no drift, yet the workflow called gh api %v", calls)
	}

	byHand(func(s string) string { // the number's route set back to sip-reg
		return strings.Replace(s, "{primary_route: pbx-seattle}", "{primary_route: sip-reg}", 1)
	})
	res := drift()
	issues := ours()
	if len(issues) != 1 || issues[0].State != "open" || !strings.HasPrefix(issues[0].Body, driftMarker+"\n") ||
		!strings.Contains(issues[0].Body, "12067439178") || !strings.Contains(issues[0].Body, "Plan digest: `sha256:") {
		t.Fatalf("after a drift: want one open issue with the marker and the plan, got %+v\n%s", issues, res.log)
	}
	first := issues[0]

	byHand(func(s string) string { // routed to a route made by hand
		s = strings.Replace(s, "routes:\n", "routes:\n  pbx-hand: {type: HOST, value: \"24.239.23.99:5060\"}\n", 1)
		return strings.Replace(s, "{primary_route: pbx-seattle}", "{primary_route: pbx-hand}", 1)
	})
	res = drift()
	issues = ours()
	if len(issues) != 1 || issues[0].Number != first.Number || issues[0].Body == first.Body || !strings.Contains(issues[0].Body, "pbx-hand") {
		t.Fatalf("after another drift: want issue #%d updated with the new plan, got %+v\n%s", first.Number, issues, res.log)
	}

	byHand(func(s string) string { return s }) // put right
	res = drift()
	issues = ours()
	if len(issues) != 1 || issues[0].State != "closed" {
		t.Fatalf("after the account was put right: want issue #%d closed, got %+v\n%s", first.Number, issues, res.log)
	}
	if c := repo.gh.load().Comments[strconv.Itoa(first.Number)]; len(c) != 1 || !strings.Contains(c[0].Body, "matches main's spec again") {
		t.Errorf("the closed issue's comments: %+v, want one saying the account matches again", c)
	}
	for _, i := range repo.gh.load().Issues {
		if i.Number == 5 && (i.State != "open" || i.Body != driftMarker+"\nquoted") {
			t.Errorf("the workflow changed a person's issue: %+v", i)
		}
	}
	if got := strings.Join(mutations(), "\n"); got != strings.Join([]string{
		"POST repos/example/numbers/issues",
		"PATCH repos/example/numbers/issues/" + strconv.Itoa(first.Number),
		"POST repos/example/numbers/issues/" + strconv.Itoa(first.Number) + "/comments",
		"PATCH repos/example/numbers/issues/" + strconv.Itoa(first.Number),
	}, "\n") {
		t.Errorf("the workflow's changes on GitHub:\n%s\nwant: open, update, comment, close", got)
	}
}
