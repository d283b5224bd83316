package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// glTemplate is the GitLab CI template, and glJob the part of a job the tests read.
const glTemplate = "../../examples/ci/gitlab-ci.yml"

type glJob struct {
	Extends      string            `yaml:"extends"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	Rules        []struct {
		If string `yaml:"if"`
	} `yaml:"rules"`
}

// readGitLabCI reads the template: its global variables and its jobs, hidden ones included.
func readGitLabCI(t *testing.T) (map[string]string, map[string]glJob) {
	t.Helper()
	var doc map[string]yaml.Node
	readYAML(t, glTemplate, &doc)
	vars := map[string]string{}
	jobs := map[string]glJob{}
	for k, n := range doc {
		switch k {
		case "variables":
			if err := n.Decode(&vars); err != nil {
				t.Fatal(err)
			}
		case "stages", "default", "include", "workflow":
		default:
			var j glJob
			if err := n.Decode(&j); err != nil {
				t.Fatalf("%s: job %s: %v", glTemplate, k, err)
			}
			jobs[k] = j
		}
	}
	return vars, jobs
}

// gitlabRun runs job of the template as a GitLab runner would in checkout, with bash and
// `set -eo pipefail`: the template's and the job's variables, the CI variables given, the
// before_script of the job it extends, then its script. The go install line of before_script
// is left out: the working tree's binary, first on PATH, stands for the release it installs
// (TestCIExampleMatchesTheCLI checks that line). curl is the fake GitLab API.
func gitlabRun(t *testing.T, job, checkout string, curl *fakeCurl, sandbox string, ci map[string]string) (string, bool) {
	t.Helper()
	vars, jobs := readGitLabCI(t)
	j, ok := jobs[job]
	if !ok {
		t.Fatalf("%s has no job %s", glTemplate, job)
	}
	base := jobs[j.Extends]
	var script strings.Builder
	script.WriteString("set -eo pipefail\n")
	for _, line := range append(append([]string{}, base.BeforeScript...), j.Script...) {
		if strings.HasPrefix(line, "go install ") {
			continue
		}
		script.WriteString(line + "\n")
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", script.String())
	cmd.Dir = checkout
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "FLOWROUTE_") && !strings.HasPrefix(k, "CI_") {
			env[k] = v
		}
	}
	for _, m := range []map[string]string{vars, base.Variables, j.Variables, {
		"PATH":                    curl.dir + string(os.PathListSeparator) + testBinary(t) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GITLAB_CI":               "true",
		"CI_API_V4_URL":           glAPI,
		"CI_PROJECT_ID":           glProject,
		"CI_PIPELINE_URL":         "https://gitlab.example.com/example/numbers/-/pipelines/99",
		"CI_DEFAULT_BRANCH":       "main",
		"FLOWROUTE_GITLAB_TOKEN":  "glpat-test",
		"FLOWROUTE_SANDBOX":       "true",
		"FLOWROUTE_SANDBOX_STATE": sandbox,
	}, ci} {
		for k, v := range m {
			env[k] = v
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	return string(out), err == nil
}

// TestGitLabCITemplate runs the GitLab CI template's jobs with bash against the sandbox and a
// fake GitLab API: on a merge request the check job validates, and the plan job edits its own
// note (never another account's) to record the commit and the plan's digest, and keeps the
// plan as artifacts; on the default branch, the apply job refuses when the merged commit plans
// other changes than the reviewed ones or came from no merge request, and applies when it
// plans the reviewed digest.
func TestGitLabCITemplate(t *testing.T) {
	t.Parallel()
	head := sha('a')
	curl := newFakeCurl(t, glState{Notes: map[string][]glNote{"42": {
		newGLNote(1, "someone", "looks good"),
		newGLNote(2, "other_bot", planMarker+"\nnot ours"),
		newGLNote(3, "project_7_bot", planMarker+"\nthe last plan"),
	}}})
	repo := &ciRepo{t: t, sandbox: filepath.Join(t.TempDir(), "sandbox.json")}
	spec := exampleSpec(t)
	mrVars := map[string]string{"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "42", "CI_COMMIT_SHA": head}

	ws := repo.checkout(spec)
	if out, ok := gitlabRun(t, "flowroute-numbers:check", ws, curl, repo.sandbox, mrVars); !ok {
		t.Fatalf("check job failed:\n%s", out)
	}
	out, ok := gitlabRun(t, "flowroute-numbers:plan", ws, curl, repo.sandbox, mrVars)
	if !ok {
		t.Fatalf("plan job failed:\n%s", out)
	}
	var planJSON struct {
		Digest string `json:"digest"`
	}
	data, err := os.ReadFile(filepath.Join(ws, "plan.json"))
	if err == nil {
		err = json.Unmarshal(data, &planJSON)
	}
	planMD, _ := os.ReadFile(filepath.Join(ws, "plan.md"))
	if err != nil || !digestRE.MatchString(planJSON.Digest) || !strings.Contains(string(planMD), "12067439178") {
		t.Fatalf("the plan job's artifacts: plan.json %v, digest %q; plan.md:\n%s", err, planJSON.Digest, planMD)
	}
	s := curl.load()
	var edits []string
	for _, c := range s.Calls {
		if !strings.HasPrefix(c, "GET ") {
			edits = append(edits, c)
		}
	}
	if strings.Join(edits, "\n") != "PUT projects/7/merge_requests/42/notes/3" {
		t.Errorf("the plan job's changes to notes: %v, want its own note 3 edited", edits)
	}
	note := s.Notes["42"][2].Body
	if m := commentMeta.FindStringSubmatch(note); m == nil || m[1] != head || m[2] != planJSON.Digest || !strings.Contains(note, string(planMD)) {
		t.Errorf("the plan note does not record commit %s and digest %s with the plan:\n%s", head, planJSON.Digest, note)
	}

	pushVars := func(commit string) map[string]string {
		return map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": commit}
	}
	s.MRs = map[string][]glMR{sha('b'): {mergedMR(42, sha('b'), head)}, sha('c'): {mergedMR(42, sha('c'), head)}}
	curl.save(s)
	moved := strings.Replace(spec, `value: "24.239.23.40:5060"`, `value: "24.239.23.41:5060"`, 1)
	for _, tc := range []struct{ name, commit, spec, want string }{
		{"main moved", sha('b'), moved, "not the reviewed " + planJSON.Digest},
		{"no merge request", sha('0'), spec, "was not merged from a merge request"},
	} {
		out, ok := gitlabRun(t, "flowroute-numbers:apply", repo.checkout(tc.spec), curl, repo.sandbox, pushVars(tc.commit))
		if ok || !strings.Contains(out, tc.want) {
			t.Errorf("%s: apply job ok %v; want it refused saying %q\n%s", tc.name, ok, tc.want, out)
		}
		if n := repo.writes(); n != 0 {
			t.Fatalf("%s: a refused apply wrote %d times", tc.name, n)
		}
	}
	out, ok = gitlabRun(t, "flowroute-numbers:apply", repo.checkout(spec), curl, repo.sandbox, pushVars(sha('c')))
	if !ok || !strings.Contains(out, "Verified") || repo.writes() == 0 {
		t.Errorf("apply job of the reviewed plan: ok %v, want applied and verified\n%s", ok, out)
	}

	_, jobs := readGitLabCI(t)
	for job, want := range map[string]string{
		"flowroute-numbers:check": `$CI_PIPELINE_SOURCE == "merge_request_event"`,
		"flowroute-numbers:plan":  `$CI_PIPELINE_SOURCE == "merge_request_event"`,
		"flowroute-numbers:apply": `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`,
	} {
		if r := jobs[job].Rules; len(r) != 1 || !strings.Contains(r[0].If, want) {
			t.Errorf("%s runs on %+v, want a rule on %s", job, r, want)
		}
	}
}
