package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPreCommitHooks runs the real pre-commit with the hooks of .pre-commit-hooks.yaml, as a
// repository of specs uses them: a git repository holding the working tree's sources and hooks
// stands for this one at a tag, and a second one holds a spec and a .pre-commit-config.yaml
// that names it. pre-commit builds the tool with Go (language: golang; the dependencies come
// from the local module cache, else the module proxy) and runs the hooks on a valid spec (both
// pass), on one out of the canonical layout (fmt rewrites it and fails, as formatters do in
// pre-commit) and on one with an error (validate fails, naming the line). It skips, saying so,
// where pre-commit is not installed.
func TestPreCommitHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tool in pre-commit")
	}
	if _, err := exec.LookPath("pre-commit"); err != nil {
		t.Skip("pre-commit is not installed (apt-get install pre-commit): the hooks are not run")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	t.Parallel()
	gocache, err := exec.Command("go", "env", "GOMODCACHE", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	caches := strings.Split(strings.TrimSpace(string(gocache)), "\n")
	home := t.TempDir()
	env := append(os.Environ(),
		"PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"),
		"HOME="+home, // no user git configuration or hooks
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com",
		// pre-commit sets GOPATH to its environment, and HOME is new: the module and build
		// caches stay the machine's, and -trimpath keeps the build cache's keys free of
		// pre-commit's clone directory, so that a second run compiles nothing.
		"GOMODCACHE="+caches[0], "GOCACHE="+caches[1],
		"GOFLAGS=-trimpath -modcacherw",
		"GOTOOLCHAIN=local",
	)
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	hooks := t.TempDir()
	git(hooks, "init", "-q")
	if err := moduleSources(func(rel string, data []byte) error {
		write(filepath.Join(hooks, filepath.FromSlash(rel)), data)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(hooks, ".pre-commit-hooks.yaml"), manifest)
	git(hooks, "add", "-A")
	git(hooks, "commit", "-q", "-m", "the working tree")
	rev := git(hooks, "rev-parse", "HEAD")

	specs := t.TempDir()
	git(specs, "init", "-q")
	write(filepath.Join(specs, ".pre-commit-config.yaml"), []byte(`repos:
  - repo: `+hooks+`
    rev: `+rev+`
    hooks:
      - id: flowroute-numbers-validate
        args: [numbers/]
      - id: flowroute-numbers-fmt
        args: [numbers/]
`))
	spec := filepath.Join(specs, "numbers", "numbers.yaml")
	valid, err := os.ReadFile(filepath.Join(ciLayout, "numbers", "numbers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(content string) (string, bool) {
		t.Helper()
		write(spec, []byte(content))
		git(specs, "add", "-A")
		cmd := exec.Command("pre-commit", "run", "--all-files", "--color", "never")
		cmd.Dir, cmd.Env = specs, env
		out, err := cmd.CombinedOutput()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatalf("pre-commit: %v\n%s", err, out)
		}
		if strings.Contains(string(out), "An unexpected error has occurred") || strings.Contains(string(out), "[ERROR]") {
			t.Fatalf("pre-commit could not install or run the hooks:\n%s", out)
		}
		return string(out), err == nil
	}
	if out, ok := run(string(valid)); !ok || !matchesAll(out, `flowroute-numbers validate\.+Passed`, `flowroute-numbers fmt\.+Passed`) {
		t.Fatalf("pre-commit on the example spec: want both hooks to pass\n%s", out)
	}

	// Out of the canonical layout: numbers before routes, and a number key not quoted.
	messy := strings.Replace(string(valid), "routes:\n  pbx-seattle: {type: HOST, value: \"24.239.23.40:5060\"}\n", "", 1)
	messy = strings.Replace(messy, "policy:", "routes:\n  pbx-seattle: {type: HOST, value: \"24.239.23.40:5060\"}\npolicy:", 1)
	messy = strings.Replace(messy, `"12067439178"`, "12067439178", 1)
	out, ok := run(messy)
	if ok || !matchesAll(out, `flowroute-numbers validate\.+Passed`, `flowroute-numbers fmt\.+Failed`, `files were modified by this hook`) {
		t.Errorf("pre-commit on a spec out of layout: want validate to pass and fmt to fail, rewriting it\n%s", out)
	}
	if got, _ := os.ReadFile(spec); string(got) != string(valid) {
		t.Errorf("the fmt hook left the spec as\n%s\nwant the canonical layout\n%s", got, valid)
	}

	// A number routed to a route the spec does not declare.
	out, ok = run(strings.Replace(string(valid), "{primary_route: pbx-seattle}", "{primary_route: pbx-chicago}", 1))
	if ok || !matchesAll(out, `flowroute-numbers validate\.+Failed`, `numbers/numbers\.yaml:10:\d+: .*pbx-chicago`) {
		t.Errorf("pre-commit on a spec with an error: want validate to fail naming numbers/numbers.yaml:10\n%s", out)
	}
}

// matchesAll reports whether s matches every one of the regular expressions.
func matchesAll(s string, patterns ...string) bool {
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(s) {
			return false
		}
	}
	return true
}
