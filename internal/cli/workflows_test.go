package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// actionlintVersion is the actionlint the tests run, pinned so that a new release of it never
// fails a build by itself.
const actionlintVersion = "v1.7.12"

// TestWorkflowsPassActionlint runs actionlint (and through it shellcheck, where installed) on
// the project's workflows, the example workflows and the action. actionlint reads workflows,
// not action metadata, so the action's steps are linted as the steps of a workflow generated
// with the same inputs and, as job outputs, the same outputs. The test skips, saying so, when
// actionlint cannot be fetched from the module proxy.
func TestWorkflowsPassActionlint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds actionlint")
	}
	t.Parallel()
	gobin := t.TempDir()
	install := exec.Command("go", "install", "github.com/rhysd/actionlint/cmd/actionlint@"+actionlintVersion)
	install.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	install.Dir = t.TempDir()
	if out, err := install.CombinedOutput(); err != nil {
		t.Skipf("actionlint %s cannot be fetched and built here, so the workflows are not linted: %v\n%s", actionlintVersion, err, out)
	}

	files, err := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("the project's workflows: %v, %v", files, err)
	}
	for name := range ciWorkflows {
		files = append(files, filepath.Join(ciLayout, name))
	}
	action := filepath.Join(t.TempDir(), ".github", "workflows", "action.yml")
	if err := os.MkdirAll(filepath.Dir(action), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(action, actionAsWorkflow(t), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, action)

	cmd := exec.Command(filepath.Join(gobin, "actionlint"), append([]string{"-no-color", "-verbose"}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Logf("shellcheck is not installed: actionlint did not check the shell scripts")
	}
}

// actionAsWorkflow is action.yml's steps as a workflow that actionlint can read: dispatched
// with the action's inputs, one job whose outputs are the action's.
func actionAsWorkflow(t *testing.T) []byte {
	t.Helper()
	var a ghAction
	var steps struct {
		Runs struct {
			Steps []yaml.Node `yaml:"steps"` // as written, to write them back
		} `yaml:"runs"`
	}
	readYAML(t, filepath.Join(repoRoot, "action.yml"), &steps)
	readYAML(t, filepath.Join(repoRoot, "action.yml"), &a)
	type input struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Type        string `yaml:"type"`
	}
	inputs := map[string]input{}
	for k, in := range a.Inputs {
		inputs[k] = input{in.Description, in.Required, "string"}
	}
	outputs := map[string]string{}
	for k, o := range a.Outputs {
		outputs[k] = o.Value
	}
	w := map[string]any{
		"name":        "action.yml",
		"on":          map[string]any{"workflow_dispatch": map[string]any{"inputs": inputs}},
		"permissions": map[string]string{"contents": "read", "pull-requests": "write"},
		"jobs": map[string]any{"action": map[string]any{
			"runs-on": "ubuntu-latest",
			"outputs": outputs,
			"steps":   steps.Runs.Steps,
		}},
	}
	data, err := yaml.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestReleaseWorkflowPublishesWhatTheActionInstalls runs the release job of
// .github/workflows/release.yml on a tag, with bash and a fake gh, in a copy of the module: it
// builds with make release (for this machine's platform only, PLATFORMS set by the test to
// keep it fast) and creates the GitHub release with the binary and SHA256SUMS, or attaches
// them to a release that exists. Then the example workflow's action installs that release:
// the names make release gives and the checksums it writes are those the action expects.
func TestReleaseWorkflowPublishesWhatTheActionInstalls(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test release is built for the Linux runner the action is tested on")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	t.Parallel()
	ws := t.TempDir()
	if err := moduleSources(func(rel string, data []byte) error {
		path := filepath.Join(ws, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, data, 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Makefile", ".github/workflows/release.yml"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(ws, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ws, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stamped := proxyVersion
	if _, err := exec.LookPath("git"); err == nil { // a checkout, whose commit make release stamps
		stamped += ` \([0-9a-f]{12}\)`
		for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "release"}} {
			if out, err := exec.Command("git", append([]string{"-C", ws}, args...)...).CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
	var w ghWorkflow
	readYAML(t, filepath.Join(ws, ".github", "workflows", "release.yml"), &w)
	gh := newFakeGH(t, ghState{})
	release := func() ghJobResult {
		r := newGHRunner(t, ws, "push", sha('a'), "refs/tags/"+proxyVersion, map[string]any{})
		r.github["ref_name"] = proxyVersion
		r.env["PATH"] = gh.path()
		r.env["PLATFORMS"] = "linux/" + runtime.GOARCH
		return r.runJob(&w, "release")
	}

	res := release()
	asset := releaseAsset(proxyVersion)
	want := "release create " + proxyVersion + " dist/SHA256SUMS dist/" + asset + " --verify-tag --title " + proxyVersion + " --generate-notes"
	if calls := gh.load().Calls; !res.ok || !slices.Contains(calls, want) {
		t.Fatalf("release job: ok %v, gh calls %q; want %q\n%s", res.ok, calls, want, res.log)
	}
	res = release()
	want = "release upload " + proxyVersion + " dist/SHA256SUMS dist/" + asset + " --clobber"
	if calls := gh.load().Calls; !res.ok || !slices.Contains(calls, want) {
		t.Fatalf("release job for a release that exists: ok %v, gh calls %q; want %q\n%s", res.ok, calls, want, res.log)
	}

	repo := newCIRepo(t, ghState{})
	repo.release = "file://" + filepath.ToSlash(filepath.Join(filepath.Dir(gh.state), "releases"))
	ws = repo.checkout(exampleSpec(t))
	r := repo.runner(ws, "pull_request", sha('e'), "refs/pull/1/merge", pullRequestEvent(1, sha('a')))
	res = r.runJob(repo.workflow(ws, "github-actions.yml"), "check")
	if !res.ok || !strings.Contains(res.log, "Installed "+asset) || !regexp.MustCompile(`(?m)^flowroute-numbers `+stamped+`$`).MatchString(res.log) {
		t.Errorf("the action installing the release just published: ok %v; want it installed, stamped %s\n%s", res.ok, proxyVersion, res.log)
	}
}
