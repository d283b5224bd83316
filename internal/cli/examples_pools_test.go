package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"gopkg.in/yaml.v3"
)

// fillPoolsExample is the scheduled workflow that fills the pools through a pull request.
const fillPoolsExample = "../../examples/ci/fill-pools.yml"

func loadFillPools(t *testing.T) *workflow {
	t.Helper()
	data, err := os.ReadFile(fillPoolsExample)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", fillPoolsExample, err)
	}
	return &w
}

// Every flowroute-numbers command of the workflow parses against the CLI, and the spec it
// names is in the example layout.
func TestFillPoolsExampleMatchesTheCLI(t *testing.T) {
	t.Parallel()
	w := loadFillPools(t)
	seen := 0
	for _, s := range w.Jobs["fill"].Steps {
		for _, args := range invocations(s.Run, w.Env) {
			seen++
			var c cli
			exited := false
			parser, err := kong.New(&c, append(modelOptions(), kong.Exit(func(int) { exited = true }),
				kong.Writers(&strings.Builder{}, &strings.Builder{}))...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parser.Parse(args); err != nil && !exited {
				t.Errorf("step %q: flowroute-numbers %s: %v", s.Name, strings.Join(args, " "), err)
			}
			for _, f := range append(c.Add.Files, c.Plan.Files...) {
				rel := strings.TrimPrefix(f, mustGetwd(t)+string(filepath.Separator))
				if _, err := os.Stat(filepath.Join(ciLayout, rel)); err != nil {
					t.Errorf("step %q names %s, which the example layout lacks", s.Name, rel)
				}
			}
		}
	}
	if seen < 3 {
		t.Errorf("found %d flowroute-numbers commands, want --version, add and plan", seen)
	}
}

// git runs git in dir and fails the test on an error.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// The workflow's steps, run with bash in a spec-only repository against the sandbox, with a
// fake gh: a pool short of its count gets its picks pinned on a branch, pushed, and exactly one
// pull request; with that pull request open, or every pool full, nothing more is opened.
func TestFillPoolsOpensOnePullRequest(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	bin := testBinary(t)
	w := loadFillPools(t)
	repo, remote := t.TempDir(), t.TempDir()
	git(t, remote, "init", "-q", "--bare")
	git(t, repo, "init", "-q", "-b", "main")
	if err := os.Mkdir(filepath.Join(repo, "numbers"), 0o755); err != nil {
		t.Fatal(err)
	}
	specText := `defaults:
  billing_method: METERED
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
pools:
  support:
    count: 2
    search: {npa: "206"}
    number: {primary_route: pbx}
numbers:
`
	if err := os.WriteFile(filepath.Join(repo, "numbers", "numbers.yaml"), []byte(specText), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "spec")
	git(t, repo, "remote", "add", "origin", remote)

	ghDir := t.TempDir()
	ghLog, openPR := filepath.Join(ghDir, "gh.log"), filepath.Join(ghDir, "open")
	fake := "#!/bin/sh\necho \"$*\" >> " + ghLog + "\ncase \"$1 $2\" in\n" +
		"'pr list') cat " + openPR + " 2>/dev/null || true;;\n'pr create') echo https://github.com/example/numbers/pull/7;;\nesac\n"
	if err := os.WriteFile(filepath.Join(ghDir, "gh"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	runner := t.TempDir()
	output := filepath.Join(runner, "output")
	env := []string{
		"PATH=" + ghDir + string(os.PathListSeparator) + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GITHUB_OUTPUT=" + output,
		"FLOWROUTE_SANDBOX=true",
		"FLOWROUTE_SANDBOX_STATE=" + filepath.Join(runner, "sandbox.json"),
		"BASE=main",
		"HOME=" + runner, // no user's git configuration
	}
	steps := []string{"Look for an open pull request", "Pick numbers for the pools short of their count", "Open a pull request with the picks"}
	runAll := func() {
		t.Helper()
		for _, name := range steps {
			if out, err := runStep(t, w, w.step(t, "fill", name), repo, env...); err != nil {
				t.Fatalf("step %q: %v\n%s", name, err, out)
			}
		}
	}
	runAll()
	log, _ := os.ReadFile(ghLog)
	if n := strings.Count(string(log), "pr create "); n != 1 ||
		!strings.Contains(string(log), "pr create --base main --head flowroute-numbers/fill-pools --title Fill the pools short of their count --body-file body.md") {
		t.Fatalf("gh calls, want one pull request:\n%s", log)
	}
	pushed := git(t, remote, "show", "flowroute-numbers/fill-pools:numbers/numbers.yaml")
	if got := addedTNs(pushed); len(got) != 2 || strings.Count(pushed, "{pool: support}") != 2 || !strings.Contains(pushed, "# flowroute-numbers add --pool support (") {
		t.Errorf("the pushed spec:\n%s", pushed)
	}
	body, _ := os.ReadFile(filepath.Join(repo, "body.md"))
	if !strings.Contains(string(body), "Added 2 numbers to pool support") || !strings.Contains(string(body), "2 numbers to purchase") {
		t.Errorf("the pull request's description:\n%s", body)
	}

	// Every pool full now (on the branch): nothing is proposed.
	runAll()
	if log, _ := os.ReadFile(ghLog); strings.Count(string(log), "pr create ") != 1 {
		t.Errorf("a second pull request with every pool full:\n%s", log)
	}
	// A pull request open: the first step says so, for the others to skip.
	if err := os.WriteFile(openPR, []byte("https://github.com/example/numbers/pull/7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runStep(t, w, w.step(t, "fill", steps[0]), repo, env...); err != nil || !strings.Contains(out, "is open: https://github.com/example/numbers/pull/7") {
		t.Errorf("with a pull request open: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(output); !strings.Contains(string(got), "open=true") {
		t.Errorf("GITHUB_OUTPUT %q, want open=true", got)
	}
}
