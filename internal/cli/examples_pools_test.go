package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// git runs git in dir and fails the test on an error.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestCIFillPoolsWorkflow runs the example pool-filling workflow (examples/ci/fill-pools.yml) as
// a schedule would, in a git checkout of main whose spec declares a pool short of its count,
// against the sandbox and a fake gh: it pins the picks, pushes them to one branch and opens one
// pull request holding them and the plan; run again with that pull request open it does
// nothing; and once the pool is full (the picks merged) it proposes nothing.
func TestCIFillPoolsWorkflow(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := newCIRepo(t, ghState{})
	spec := strings.Replace(exampleSpec(t), "numbers:\n",
		"pools:\n  support:\n    count: 2\n    search: {npa: \"206\"}\n    number: {primary_route: pbx-seattle}\nnumbers:\n", 1)
	if out, err := formatSpec([]byte(spec)); err != nil || string(out) != spec {
		t.Fatalf("the test's spec is not in the canonical layout the check requires: %v\n%s", err, out)
	}
	remote := t.TempDir()
	git(t, remote, "init", "-q", "--bare")
	checkout := func(spec string) string {
		t.Helper()
		ws := repo.checkout(spec)
		git(t, ws, "init", "-q", "-b", "main")
		git(t, ws, "add", ".")
		git(t, ws, "commit", "-q", "-m", "main")
		git(t, ws, "remote", "add", "origin", remote)
		return ws
	}
	fill := func(ws string) ghJobResult {
		t.Helper()
		r := repo.runner(ws, "schedule", sha('c'), "refs/heads/main", map[string]any{})
		r.env["GIT_CONFIG_GLOBAL"], r.env["GIT_CONFIG_NOSYSTEM"] = "/dev/null", "1"
		res := r.runJob(repo.workflow(ws, "fill-pools.yml"), "fill")
		if !res.ran || !res.ok {
			t.Fatalf("fill job: ran %v, ok %v\n%s", res.ran, res.ok, res.log)
		}
		return res
	}

	ws := checkout(spec)
	res := fill(ws)
	opened := repo.gh.load().Opened
	if len(opened) != 1 || opened[0].Head != "flowroute-numbers/fill-pools" || opened[0].Base != "main" || opened[0].State != "open" ||
		!strings.Contains(opened[0].Body, "Added 2 numbers to pool support") || !strings.Contains(opened[0].Body, "Plan digest: `sha256:") {
		t.Fatalf("want one pull request from the branch to main with the picks and the plan, got %+v\n%s", opened, res.log)
	}
	pushed := git(t, remote, "show", "flowroute-numbers/fill-pools:numbers/numbers.yaml")
	picks := addedTNs(strings.SplitN(pushed, "numbers:\n", 2)[1])
	if strings.Count(pushed, "{pool: support}") != 2 || strings.Count(pushed, "# flowroute-numbers add --pool support (") != 2 {
		t.Errorf("the pushed spec does not hold the 2 picks, each under its comment:\n%s", pushed)
	}
	if out, err := formatSpec([]byte(pushed)); err != nil || string(out) != pushed {
		t.Errorf("the pushed spec is not in the canonical layout:\n%s", pushed)
	}
	for _, tn := range picks {
		if tn != "12067439178" && !strings.Contains(opened[0].Body, tn) {
			t.Errorf("the pull request does not name the pick %s:\n%s", tn, opened[0].Body)
		}
	}

	// With the pull request open, the next run picks nothing and opens nothing.
	res = fill(checkout(spec))
	if n := len(repo.gh.load().Opened); n != 1 || !strings.Contains(res.log, "A pull request filling the pools is open: "+opened[0].HTMLURL) {
		t.Errorf("with a pull request open: %d pull requests\n%s", n, res.log)
	}

	// Merged and closed: every pool is full, nothing is proposed.
	s := repo.gh.load()
	s.Opened[0].State = "closed"
	repo.gh.save(s)
	res = fill(checkout(pushed))
	if n := len(repo.gh.load().Opened); n != 1 || !strings.Contains(res.log, "Every pool is at its count: nothing to propose.") {
		t.Errorf("with every pool full: %d pull requests\n%s", n, res.log)
	}
}
