package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/alecthomas/kong"
	"gopkg.in/yaml.v3"
)

// ciExample is the example workflow, and ciLayout the directory that stands for the root of
// the spec-only repository it is copied into.
const (
	ciExample = "../../examples/ci/github-actions.yml"
	ciLayout  = "../../examples/ci"
)

// workflow is the part of a GitHub Actions workflow the tests read.
type workflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"jobs"`
}

type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

func loadWorkflow(t *testing.T) *workflow {
	t.Helper()
	data, err := os.ReadFile(ciExample)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", ciExample, err)
	}
	return &w
}

// step returns the step of job named name.
func (w *workflow) step(t *testing.T, job, name string) workflowStep {
	t.Helper()
	for _, s := range w.Jobs[job].Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s: job %s has no step %q", ciExample, job, name)
	return workflowStep{}
}

// shellWords splits one shell command line into words, dropping quotes and stopping at the
// first operator (|, ||, &&, ;, >, <), which ends the command.
func shellWords(line string) []string {
	var (
		words []string
		cur   strings.Builder
		in    bool
		quote byte
	)
	flush := func() {
		if in {
			words = append(words, cur.String())
			cur.Reset()
			in = false
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			flush()
		case strings.IndexByte("|&;<>", c) >= 0:
			flush()
			return words
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	flush()
	return words
}

var shellVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// invocations returns every flowroute-numbers command line of the run script, its arguments
// with the variables of env expanded.
func invocations(script string, env map[string]string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out [][]string
	for line := range strings.SplitSeq(script, "\n") {
		words := shellWords(strings.TrimSpace(line))
		for i, w := range words {
			if w == "flowroute-numbers" || strings.HasSuffix(w, "/flowroute-numbers") {
				args := words[i+1:]
				for j, a := range args {
					args[j] = shellVar.ReplaceAllStringFunc(a, func(v string) string {
						return env[shellVar.FindStringSubmatch(v)[1]]
					})
				}
				out = append(out, args)
				break
			}
		}
	}
	return out
}

// TestCIExampleMatchesTheCLI checks every flowroute-numbers command in the example workflow
// against the kong model (commands and flags exist, enum values are allowed), that the spec
// files it names exist in the example layout, and that it installs a pinned release of this
// module rather than building a checkout.
func TestCIExampleMatchesTheCLI(t *testing.T) {
	t.Parallel()
	w := loadWorkflow(t)
	if v := w.Env["FLOWROUTE_NUMBERS_VERSION"]; !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("FLOWROUTE_NUMBERS_VERSION is %q, want a pinned vX.Y.Z", v)
	}
	seen := 0
	for job, j := range w.Jobs {
		installs := 0
		for _, s := range j.Steps {
			env := map[string]string{}
			for k, v := range w.Env {
				env[k] = v
			}
			for k, v := range s.Env {
				env[k] = v
			}
			if strings.Contains(s.Run, "go build") {
				t.Errorf("job %s step %q builds the tool, which fails in a spec-only repository: install it with go install", job, s.Name)
			}
			if strings.Contains(s.Run, `go install "github.com/flowroute-numbers/flowroute-numbers@$FLOWROUTE_NUMBERS_VERSION"`) {
				installs++
			}
			for _, args := range invocations(s.Run, env) {
				seen++
				var c cli
				exited := false // --version and --help end the parse
				parser, err := kong.New(&c, append(modelOptions(),
					kong.Exit(func(int) { exited = true }), kong.Writers(&strings.Builder{}, &strings.Builder{}))...)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := parser.Parse(args); err != nil && !exited {
					t.Errorf("job %s step %q: flowroute-numbers %s: %v", job, s.Name, strings.Join(args, " "), err)
					continue
				}
				var files []string
				files = append(files, c.Plan.Files...)
				files = append(files, c.Apply.Files...)
				files = append(files, c.Validate.Files...)
				for _, f := range files {
					// kong made the path absolute against the test's directory; the workflow
					// runs at the repository root, which the layout stands for.
					rel := strings.TrimPrefix(f, mustGetwd(t)+string(filepath.Separator))
					if _, err := os.Stat(filepath.Join(ciLayout, rel)); err != nil {
						t.Errorf("job %s step %q names %s, which the example layout lacks: %v", job, s.Name, rel, err)
					}
				}
			}
		}
		if installs == 0 {
			t.Errorf("job %s never installs the pinned release with go install", job)
		}
	}
	if seen < 3 {
		t.Errorf("found %d flowroute-numbers commands in %s, want the --version, plan and apply ones", seen, ciExample)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// TestMain removes the binary testBinary built and the module proxy goInstall read.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{binDir, proxyDir} {
		if dir == "" || (dir == binDir && binErr != nil) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// testBinary builds the working tree's flowroute-numbers once per test run, as `go install`
// of a local module replacement would, and returns the directory that holds it.
func testBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "flowroute-numbers-bin")
		if binErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, "flowroute-numbers"), ".")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = err
			binDir = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("building flowroute-numbers: %v\n%s", binErr, binDir)
	}
	return binDir
}

// expression is a ${{ … }} expression of a workflow.
var expression = regexp.MustCompile(`\$\{\{[^}]*\}\}`)

// runStep runs a step's script with bash in dir as the runner would, with the workflow's and
// the step's environment (expressions, such as secrets, empty) and extra on top.
func runStep(t *testing.T, w *workflow, s workflowStep, dir string, extra ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "-e", "-c", s.Run)
	cmd.Dir = dir
	env := os.Environ()
	for _, m := range []map[string]string{w.Env, s.Env} {
		for k, v := range m {
			env = append(env, k+"="+expression.ReplaceAllString(v, ""))
		}
	}
	cmd.Env = append(env, extra...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCIExamplePlansInASpecOnlyRepository runs the example workflow's pull-request steps in a
// fresh directory that holds only the spec, with the working tree's binary standing in for
// the pinned release, against the sandbox: the plan step plans changes and the comment step
// edits the comment that carries its marker and was posted by its own account, never the one
// another bot posted with the same marker.
func TestCIExamplePlansInASpecOnlyRepository(t *testing.T) {
	t.Parallel()
	bin := testBinary(t)
	w := loadWorkflow(t)
	repo := t.TempDir()
	spec, err := os.ReadFile(filepath.Join(ciLayout, "numbers", "numbers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(repo, "numbers"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "numbers", "numbers.yaml"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	runner := t.TempDir()
	output := filepath.Join(runner, "output")
	common := []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"RUNNER_TEMP=" + runner,
		"GITHUB_OUTPUT=" + output,
		"GITHUB_STEP_SUMMARY=" + filepath.Join(runner, "summary.md"),
		"GITHUB_REPOSITORY=example/numbers",
		"FLOWROUTE_SANDBOX=true",
		"FLOWROUTE_SANDBOX_STATE=" + filepath.Join(runner, "sandbox.json"),
		"GITHUB_ACTIONS=true",
	}

	out, err := runStep(t, w, w.step(t, "plan", "Plan"), repo, common...)
	if err != nil {
		t.Fatalf("plan step: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(output); string(got) != "exitcode=2\n" {
		t.Fatalf("plan step wrote %q to GITHUB_OUTPUT, want exitcode=2 (changes)\n%s", got, out)
	}
	planMD, _ := os.ReadFile(filepath.Join(repo, "plan.md"))
	if !strings.Contains(string(planMD), "12067439178") {
		t.Fatalf("plan.md does not show the number to purchase:\n%s", planMD)
	}

	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed: the comment step is not run")
	}
	// A fake gh: it lists a comment of another bot and one of ours, both with the marker, and
	// logs every call.
	ghDir := t.TempDir()
	ghLog := filepath.Join(ghDir, "gh.log")
	comments := `[{"id": 1, "user": {"login": "other-bot[bot]"}, "body": "<!-- flowroute-numbers-plan -->\nnot ours"},
	{"id": 7, "user": {"login": "someone"}, "body": "looks good"}]
[{"id": 2, "user": {"login": "github-actions[bot]"}, "body": "<!-- flowroute-numbers-plan -->\nthe last plan"}]`
	if err := os.WriteFile(filepath.Join(ghDir, "comments.json"), []byte(comments), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := "#!/bin/sh\necho \"$*\" >> " + ghLog + "\ncase \"$*\" in *--method*) echo '{}';; *) cat " + filepath.Join(ghDir, "comments.json") + ";; esac\n"
	if err := os.WriteFile(filepath.Join(ghDir, "gh"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(common, "PATH="+ghDir+string(os.PathListSeparator)+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "PR=42")
	if out, err := runStep(t, w, w.step(t, "plan", "Comment the plan on the pull request"), repo, env...); err != nil {
		t.Fatalf("comment step: %v\n%s", err, out)
	}
	log, _ := os.ReadFile(ghLog)
	if !strings.Contains(string(log), "--method PATCH repos/example/numbers/issues/comments/2 -F body=@comment.md") ||
		strings.Contains(string(log), "comments/1 ") || strings.Contains(string(log), "POST") {
		t.Errorf("the comment step did not edit exactly its own comment (2); gh calls:\n%s", log)
	}
	body, _ := os.ReadFile(filepath.Join(repo, "comment.md"))
	if !strings.HasPrefix(string(body), "<!-- flowroute-numbers-plan -->\n") || !strings.Contains(string(body), string(planMD)) {
		t.Errorf("comment.md does not start with the marker and hold the plan:\n%s", body)
	}
}
