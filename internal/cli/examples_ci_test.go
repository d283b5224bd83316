package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/alecthomas/kong"
)

// ciLayout is the directory that stands for the root of the spec-only repository the CI
// examples are copied into; ciWorkflows maps each example workflow to where it goes there.
const ciLayout = "../../examples/ci"

var ciWorkflows = map[string]string{
	"github-actions.yml": ".github/workflows/flowroute-numbers.yml",
	"drift.yml":          ".github/workflows/flowroute-numbers-drift.yml",
	"fill-pools.yml":     ".github/workflows/flowroute-numbers-fill-pools.yml",
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

// invocations returns every flowroute-numbers command line of a script, its arguments with
// the variables of env expanded (an unknown variable reads VALUE).
func invocations(script string, env map[string]string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out [][]string
	for line := range strings.SplitSeq(script, "\n") {
		words := shellWords(strings.TrimSpace(line))
		for i, w := range words {
			if _, sub, ok := strings.Cut(w, "$("); ok { // out=$(flowroute-numbers …)
				w = sub
			}
			if w == "flowroute-numbers" || strings.HasSuffix(w, "/flowroute-numbers") {
				args := words[i+1:]
				for j, a := range args {
					args[j] = shellVar.ReplaceAllStringFunc(a, func(v string) string {
						if val, ok := env[shellVar.FindStringSubmatch(v)[1]]; ok {
							return val
						}
						return "VALUE"
					})
				}
				out = append(out, args)
				break
			}
		}
	}
	return out
}

// ciScripts returns the shell scripts of the action and the example workflows, by where they
// are, with the variables their commands use: the example's spec, a digest.
func ciScripts(t *testing.T) map[string]string {
	t.Helper()
	scripts := map[string]string{}
	var a ghAction
	readYAML(t, filepath.Join(repoRoot, "action.yml"), &a)
	for _, s := range a.Runs.Steps {
		scripts["action.yml: "+s.label()] = s.Run
	}
	for name := range ciWorkflows {
		var w ghWorkflow
		readYAML(t, filepath.Join(ciLayout, name), &w)
		for job, j := range w.Jobs {
			for _, s := range j.Steps {
				scripts[name+": "+job+": "+s.label()] = s.Run
			}
		}
	}
	_, jobs := readGitLabCI(t)
	for name, j := range jobs {
		scripts["gitlab-ci.yml: "+name] = strings.Join(append(j.BeforeScript, j.Script...), "\n")
	}
	return scripts
}

// TestCIExampleMatchesTheCLI checks every flowroute-numbers command of the action and the
// example workflows against the kong model (commands and flags exist, enum values are
// allowed), that the spec the examples name exists in the example layout, and that every
// example pins one release, the same in its env and in each use of the action.
func TestCIExampleMatchesTheCLI(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"SPEC": "numbers/", "DIGEST": "sha256:" + strings.Repeat("0", 64)}
	seen := map[string]bool{}
	for where, script := range ciScripts(t) {
		for _, args := range invocations(script, vars) {
			var c cli
			exited := false // --version and --help end the parse
			parser, err := kong.New(&c, append(modelOptions(),
				kong.Exit(func(int) { exited = true }), kong.Writers(&strings.Builder{}, &strings.Builder{}))...)
			if err != nil {
				t.Fatal(err)
			}
			ctx, err := parser.Parse(args)
			if err != nil && !exited {
				t.Errorf("%s: flowroute-numbers %s: %v", where, strings.Join(args, " "), err)
				continue
			}
			if ctx != nil {
				seen[strings.Fields(ctx.Command())[0]] = true
			}
			var files []string
			files = append(files, c.Plan.Files...)
			files = append(files, c.Apply.Files...)
			files = append(files, c.Validate.Files...)
			for _, f := range files {
				// kong made the path absolute against the test's directory; the workflows
				// run at the repository root, which the layout stands for.
				rel := strings.TrimPrefix(f, mustGetwd(t)+string(filepath.Separator))
				if _, err := os.Stat(filepath.Join(ciLayout, rel)); err != nil {
					t.Errorf("%s names %s, which the example layout lacks: %v", where, rel, err)
				}
			}
		}
	}
	for _, cmd := range []string{"plan", "show", "apply", "validate", "fmt"} {
		if !seen[cmd] {
			t.Errorf("no script of the action or the examples runs flowroute-numbers %s", cmd)
		}
	}

	for name := range ciWorkflows {
		text, err := os.ReadFile(filepath.Join(ciLayout, name))
		if err != nil {
			t.Fatal(err)
		}
		var w ghWorkflow
		readYAML(t, filepath.Join(ciLayout, name), &w)
		v := w.Env["FLOWROUTE_NUMBERS_VERSION"]
		if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(v) {
			t.Errorf("%s: FLOWROUTE_NUMBERS_VERSION is %q, want a pinned vX.Y.Z", name, v)
		}
		uses := regexp.MustCompile(`(?m)^\s*(?:- )?uses: flowroute-numbers/flowroute-numbers@(\S+)`).FindAllStringSubmatch(string(text), -1)
		if len(uses) == 0 {
			t.Errorf("%s does not use the flowroute-numbers action", name)
		}
		for _, u := range uses {
			if u[1] != v {
				t.Errorf("%s uses the action at %s but runs the release %s: pin both to one release", name, u[1], v)
			}
		}
		if strings.Contains(string(text), "go build") {
			t.Errorf("%s builds the tool, which fails in a spec-only repository", name)
		}
	}

	vars, jobs := readGitLabCI(t)
	if v := vars["FLOWROUTE_NUMBERS_VERSION"]; !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("gitlab-ci.yml: FLOWROUTE_NUMBERS_VERSION is %q, want a pinned vX.Y.Z", v)
	}
	const install = `go install "github.com/flowroute-numbers/flowroute-numbers@${FLOWROUTE_NUMBERS_VERSION}"`
	if bs := jobs[".flowroute-numbers"].BeforeScript; len(bs) == 0 || bs[0] != install {
		t.Errorf("gitlab-ci.yml: the jobs' before_script does not start with %s", install)
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

// TestMain removes the binary testBinary built and the module proxy goInstall read. Run with
// FLOWROUTE_TEST_FAKE_GH_STATE or FLOWROUTE_TEST_FAKE_CURL_STATE set, the test binary is the
// fake gh or curl instead.
func TestMain(m *testing.M) {
	switch {
	case os.Getenv(fakeGHEnv) != "":
		os.Exit(runFakeGH(os.Args[1:], os.Stdout, os.Stderr))
	case os.Getenv(fakeCurlEnv) != "":
		os.Exit(runFakeCurl(os.Args[1:], os.Stdout, os.Stderr))
	}
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
// of a local module replacement would, and returns the directory that holds it, which also
// holds release/, the binary published as a GitHub release of proxyVersion would publish it
// (testRelease).
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
			binErr = fmt.Errorf("%v\n%s", err, out)
			return
		}
		binErr = writeRelease(filepath.Join(binDir, "release", proxyVersion), filepath.Join(binDir, "flowroute-numbers"))
	})
	if binErr != nil {
		t.Fatalf("building flowroute-numbers: %v", binErr)
	}
	return binDir
}

// releaseAsset is the name make release gives the binary of version for this machine.
func releaseAsset(version string) string {
	return "flowroute-numbers_" + version + "_" + runtime.GOOS + "_" + runtime.GOARCH
}

// writeRelease writes what the GitHub release of proxyVersion holds for this machine into dir:
// the binary bin as make release names it, and SHA256SUMS.
func writeRelease(dir, bin string) error {
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	asset := releaseAsset(proxyVersion)
	if err := os.WriteFile(filepath.Join(dir, asset), data, 0o755); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(hex.EncodeToString(sum[:])+"  "+asset+"\n"), 0o644)
}

// testRelease returns the URL the action's release-url input takes for the release
// testBinary wrote.
func testRelease(t *testing.T) string {
	t.Helper()
	return "file://" + filepath.ToSlash(filepath.Join(testBinary(t), "release"))
}

// ciRepo is a spec-only repository set up from examples/ci/ on GitHub: checkouts of it, the
// release its workflows pin (the working tree's binary), a fake gh for its pull requests,
// comments and issues, and a sandbox account standing for Flowroute.
type ciRepo struct {
	t       *testing.T
	gh      *fakeGH
	release string
	sandbox string
}

func newCIRepo(t *testing.T, gh ghState) *ciRepo {
	t.Helper()
	return &ciRepo{t: t, gh: newFakeGH(t, gh), release: testRelease(t), sandbox: filepath.Join(t.TempDir(), "sandbox.json")}
}

// exampleSpec is the example layout's spec.
func exampleSpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ciLayout, "numbers", "numbers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkout returns a new checkout of the repository with spec as numbers/numbers.yaml and the
// example workflows where they go.
func (c *ciRepo) checkout(spec string) string {
	c.t.Helper()
	dir := c.t.TempDir()
	files := map[string]string{"numbers/numbers.yaml": spec}
	for src, dst := range ciWorkflows {
		data, err := os.ReadFile(filepath.Join(ciLayout, src))
		if err != nil {
			c.t.Fatal(err)
		}
		files[dst] = string(data)
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			c.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			c.t.Fatal(err)
		}
	}
	return dir
}

// workflow reads a workflow of a checkout.
func (c *ciRepo) workflow(checkout, name string) *ghWorkflow {
	c.t.Helper()
	var w ghWorkflow
	readYAML(c.t, filepath.Join(checkout, filepath.FromSlash(ciWorkflows[name])), &w)
	return &w
}

// runner returns a runner for an event in checkout: the fake gh first on PATH, the action
// installing from the test release, Flowroute played by the sandbox account.
func (c *ciRepo) runner(checkout, eventName, sha, ref string, event map[string]any) *ghRunner {
	c.t.Helper()
	r := newGHRunner(c.t, checkout, eventName, sha, ref, event)
	r.env["PATH"] = c.gh.path()
	r.env["FLOWROUTE_SANDBOX"] = "true"
	r.env["FLOWROUTE_SANDBOX_STATE"] = c.sandbox
	r.actionWith = map[string]string{"release-url": c.release}
	return r
}

// pullRequestEvent is the payload of a pull_request event of pull request number at head.
func pullRequestEvent(number int, head string) map[string]any {
	return map[string]any{"pull_request": map[string]any{"number": float64(number), "head": map[string]any{"sha": head}}}
}

// sha is a made-up 40-digit commit SHA.
func sha(c byte) string { return strings.Repeat(string(c), 40) }

const planMarker = "<!-- flowroute-numbers-plan -->"

// planPR runs the plan job of the example workflow on pull request number at head, with spec,
// and returns the job's result and the runner.
func (c *ciRepo) planPR(number int, head, spec string) (ghJobResult, *ghRunner) {
	c.t.Helper()
	ws := c.checkout(spec)
	r := c.runner(ws, "pull_request", sha('e'), fmt.Sprintf("refs/pull/%d/merge", number), pullRequestEvent(number, head))
	return r.runJob(c.workflow(ws, "github-actions.yml"), "plan"), r
}

// merge runs the apply job of the example workflow on the push of commit merge to main, with
// spec; pull is the pull request GitHub lists for the commit, if any.
func (c *ciRepo) merge(merge, spec string, pull *ghPull) ghJobResult {
	c.t.Helper()
	s := c.gh.load()
	if s.Pulls == nil {
		s.Pulls = map[string][]ghPull{}
	}
	if pull != nil {
		s.Pulls[merge] = []ghPull{*pull}
	}
	c.gh.save(s)
	ws := c.checkout(spec)
	return c.runner(ws, "push", merge, "refs/heads/main", map[string]any{}).runJob(c.workflow(ws, "github-actions.yml"), "apply")
}

// writes is the number of writes the sandbox account has had.
func (c *ciRepo) writes() int {
	c.t.Helper()
	if _, err := os.Stat(c.sandbox); err != nil {
		return 0
	}
	return len(applyWrites(c.t, c.sandbox))
}

// comment returns the marked plan comment of pull request number, posted by the workflow.
func (c *ciRepo) comment(number int) ghEntry {
	c.t.Helper()
	for _, e := range c.gh.load().Comments[fmt.Sprint(number)] {
		if e.User.Login == "github-actions[bot]" && strings.HasPrefix(e.Body, planMarker) {
			return e
		}
	}
	c.t.Fatalf("pull request #%d has no plan comment", number)
	return ghEntry{}
}

var commentMeta = regexp.MustCompile(`(?m)^<!-- flowroute-numbers-plan commit=([0-9a-f]+) digest=(\S+) -->$`)

// TestCIExamplePlansThenAppliesTheReviewedPlan runs the example workflow as GitHub would in a
// repository set up from examples/ci/: on a pull request, the check job validates and the plan
// job plans against the sandbox, edits its own marked comment (never another bot's or a
// person's) to hold the plan with the commit and the digest, writes the step summary and
// uploads the plan as an artifact; on the merge, the apply job finds that digest through the
// merge commit's pull request and applies the plan.
func TestCIExamplePlansThenAppliesTheReviewedPlan(t *testing.T) {
	t.Parallel()
	repo := newCIRepo(t, ghState{Comments: map[string][]ghEntry{"42": {
		{ID: 1, User: ghUser{"other-bot[bot]"}, Body: planMarker + "\nnot ours"},
		{ID: 7, User: ghUser{"someone"}, Body: "looks good"},
		{ID: 2, User: ghUser{"github-actions[bot]"}, Body: planMarker + "\nthe last plan"},
	}}})
	spec := exampleSpec(t)
	head := sha('a')

	ws := repo.checkout(spec)
	pr := repo.runner(ws, "pull_request", sha('e'), "refs/pull/42/merge", pullRequestEvent(42, head))
	w := repo.workflow(ws, "github-actions.yml")
	if res := pr.runJob(w, "check"); !res.ran || !res.ok {
		t.Fatalf("check job: ran %v, ok %v\n%s", res.ran, res.ok, res.log)
	}
	if res := pr.runJob(w, "apply"); res.ran {
		t.Fatalf("the apply job ran on a pull request\n%s", res.log)
	}
	res := pr.runJob(w, "plan")
	if !res.ran || !res.ok {
		t.Fatalf("plan job: ran %v, ok %v\n%s", res.ran, res.ok, res.log)
	}
	if n := repo.writes(); n != 0 {
		t.Fatalf("the plan job wrote %d times to the account", n)
	}

	// The artifact: the whole plan, Markdown and JSON.
	art := filepath.Join(pr.artifacts, "flowroute-numbers-plan")
	planMD, err := os.ReadFile(filepath.Join(art, "plan.md"))
	if err != nil || !strings.Contains(string(planMD), "12067439178") {
		t.Fatalf("the artifact's plan.md does not show the number to purchase (%v):\n%s", err, planMD)
	}
	var planJSON struct {
		Digest  string            `json:"digest"`
		Changes []json.RawMessage `json:"changes"`
	}
	data, err := os.ReadFile(filepath.Join(art, "plan.json"))
	if err == nil {
		err = json.Unmarshal(data, &planJSON)
	}
	if err != nil || !digestRE.MatchString(planJSON.Digest) || len(planJSON.Changes) != 3 {
		t.Fatalf("the artifact's plan.json: %v, digest %q, %d changes; want the plan's 3 changes\n%s", err, planJSON.Digest, len(planJSON.Changes), data)
	}
	if !strings.Contains(string(planMD), "Plan digest: `"+planJSON.Digest+"`") {
		t.Errorf("plan.md and plan.json are not the same plan: plan.md lacks the digest %s", planJSON.Digest)
	}
	if summary, _ := os.ReadFile(pr.summary); !strings.Contains(string(summary), string(planMD)) {
		t.Errorf("the step summary does not hold the plan:\n%s", summary)
	}

	// The comment: ours edited, no other touched, no new one.
	s := repo.gh.load()
	for _, call := range s.Calls {
		if strings.HasPrefix(call, "POST") || (strings.HasPrefix(call, "PATCH") && call != "PATCH repos/example/numbers/issues/comments/2") {
			t.Errorf("the plan job called gh api %s; want it to edit only its own comment, 2", call)
		}
	}
	c := repo.comment(42)
	if c.ID != 2 {
		t.Errorf("the plan comment is %d, want the edited 2", c.ID)
	}
	m := commentMeta.FindStringSubmatch(c.Body)
	if m == nil || m[1] != head || m[2] != planJSON.Digest {
		t.Errorf("the comment does not record commit %s and digest %s:\n%s", head, planJSON.Digest, c.Body)
	}
	if !strings.HasPrefix(c.Body, planMarker+"\n") || !strings.Contains(c.Body, string(planMD)) || !strings.Contains(c.Body, "for commit "+head) {
		t.Errorf("the comment does not start with the marker and hold the commit and the plan:\n%s", c.Body)
	}

	// The merge: main's new commit is the pull request's merge; the reviewed plan applies.
	res = repo.merge(sha('b'), spec, new(mergedPull(42, sha('b'), head)))
	if !res.ran || !res.ok || !strings.Contains(res.log, planJSON.Digest) || !strings.Contains(res.log, "Verified") {
		t.Fatalf("apply job: ran %v, ok %v; want the reviewed %s applied and verified\n%s", res.ran, res.ok, planJSON.Digest, res.log)
	}
	if repo.writes() == 0 {
		t.Error("the apply job did not write to the account")
	}
}

// TestCIExampleAppliesOnlyTheReviewedPlan checks that the merge job refuses, changing nothing,
// whenever what it would apply is not the plan reviewed on the pull request, and says why: the
// merged commit plans other changes (main moved), the pull request's last commit was never
// planned, the commit came from no pull request, or the reviewed plan had errors. A manual run
// given the digest of a reviewed plan applies it.
func TestCIExampleAppliesOnlyTheReviewedPlan(t *testing.T) {
	t.Parallel()
	repo := newCIRepo(t, ghState{})
	spec := exampleSpec(t)
	head := sha('a')
	if res, _ := repo.planPR(42, head, spec); !res.ok {
		t.Fatalf("plan job failed\n%s", res.log)
	}
	reviewed := commentMeta.FindStringSubmatch(repo.comment(42).Body)[2]
	moved := strings.Replace(spec, `value: "24.239.23.40:5060"`, `value: "24.239.23.41:5060"`, 1)
	broken := strings.Replace(spec, "{primary_route: pbx-seattle}", "{primary_route: pbx-chicago}", 1)

	for _, tc := range []struct {
		name  string
		spec  string
		pull  *ghPull
		setup func()
		want  string
	}{
		{"main moved", moved, new(mergedPull(42, sha('b'), head)), nil, "not the reviewed " + reviewed},
		{"last push not planned", spec, new(mergedPull(42, sha('c'), sha('d'))), nil,
			"is for commit " + head + ", but #42 merged commit " + sha('d')},
		{"no pull request", spec, nil, nil, "was not merged from a pull request"},
		{"the reviewed plan had errors", spec, new(mergedPull(43, sha('f'), sha('9'))), func() {
			if res, _ := repo.planPR(43, sha('9'), broken); res.ok {
				t.Fatalf("the plan job passed a spec with an error\n%s", res.log)
			}
		}, "has errors, so there is no reviewed plan to apply"},
	} {
		if tc.setup != nil {
			tc.setup()
		}
		merge := sha('0')
		if tc.pull != nil {
			merge = tc.pull.MergeCommitSHA
		}
		res := repo.merge(merge, tc.spec, tc.pull)
		if !res.ran || res.ok || !strings.Contains(res.log, tc.want) {
			t.Errorf("%s: apply job ran %v, ok %v; want it refused saying %q\n%s", tc.name, res.ran, res.ok, tc.want, res.log)
		}
		if n := repo.writes(); n != 0 {
			t.Fatalf("%s: a refused apply wrote %d times to the account", tc.name, n)
		}
	}

	// A manual run with the reviewed digest applies main's spec, when it still plans to it.
	ws := repo.checkout(spec)
	r := repo.runner(ws, "workflow_dispatch", sha('b'), "refs/heads/main", map[string]any{})
	r.inputs = map[string]any{"digest": reviewed}
	if res := r.runJob(repo.workflow(ws, "github-actions.yml"), "apply"); !res.ran || !res.ok || repo.writes() == 0 {
		t.Errorf("a manual run with the reviewed digest: ran %v, ok %v, want applied\n%s", res.ran, res.ok, res.log)
	}
}

// TestCIExampleWithoutCredentials runs the pull-request jobs as a pull request from a fork
// gets them, without secrets: the check job validates the spec all the same, putting its
// errors on the lines of the pull request, and the plan job says which secrets it needs
// instead of failing on authentication.
func TestCIExampleWithoutCredentials(t *testing.T) {
	t.Parallel()
	repo := newCIRepo(t, ghState{})
	fork := func(spec string) (*ghRunner, *ghWorkflow) {
		ws := repo.checkout(spec)
		r := repo.runner(ws, "pull_request", sha('e'), "refs/pull/7/merge", pullRequestEvent(7, sha('a')))
		delete(r.env, "FLOWROUTE_SANDBOX") // Flowroute itself, with no keys
		delete(r.env, "FLOWROUTE_SANDBOX_STATE")
		return r, repo.workflow(ws, "github-actions.yml")
	}

	r, w := fork(exampleSpec(t))
	if res := r.runJob(w, "check"); !res.ok {
		t.Errorf("check job without credentials failed\n%s", res.log)
	}
	res := r.runJob(w, "plan")
	if res.ok || !strings.Contains(res.log, "::error title=flowroute-numbers needs credentials::") ||
		!strings.Contains(res.log, "FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY") {
		t.Errorf("plan job without credentials: ok %v; want it to fail naming the secrets to set\n%s", res.ok, res.log)
	}
	// A status 401, not the digits inside a checksum the log prints.
	if regexp.MustCompile(`\b401\b`).MatchString(res.log) || strings.Contains(res.log, "== Plan\n") {
		t.Errorf("plan job without credentials tried to plan\n%s", res.log)
	}
	if summary, _ := os.ReadFile(r.summary); !strings.Contains(string(summary), "needs credentials") {
		t.Errorf("the step summary does not say that credentials are needed:\n%s", summary)
	}
	if s := repo.gh.load(); len(s.Calls) != 0 {
		t.Errorf("the jobs without credentials called gh: %v", s.Calls)
	}

	// A spec with an error and one out of layout: annotations on their lines.
	r, w = fork(strings.Replace(exampleSpec(t), "{primary_route: pbx-seattle}", "{primary_route: pbx-chicago}", 1))
	res = r.runJob(w, "check")
	if res.ok || !regexp.MustCompile(`::error file=numbers/numbers\.yaml,line=10,col=\d+,title=flowroute-numbers::.*pbx-chicago`).MatchString(res.log) {
		t.Errorf("check job on a spec with an error: ok %v; want an error annotation on numbers/numbers.yaml:10\n%s", res.ok, res.log)
	}
	r, w = fork(strings.Replace(exampleSpec(t), `"12067439178"`, "12067439178", 1))
	res = r.runJob(w, "check")
	if res.ok || !strings.Contains(res.log, "::error file=numbers/numbers.yaml,title=flowroute-numbers::numbers/numbers.yaml is not in the canonical layout") {
		t.Errorf("check job on a spec out of layout: ok %v; want an error annotation on the file\n%s", res.ok, res.log)
	}
}

// TestCIExampleCutsALongPlanComment plans a spec whose Markdown plan is longer than a comment
// may be (the plan folds long tables, but lists every error: here 1,500): the comment holds
// the plan's start, cut on a line, and says where the whole plan is (the artifact, and a link
// to the run), within GitHub's 65,536 characters; the artifact has all of it, and the job
// fails on the errors after commenting.
func TestCIExampleCutsALongPlanComment(t *testing.T) {
	t.Parallel()
	repo := newCIRepo(t, ghState{})
	var spec strings.Builder
	spec.WriteString("version: 1\nroutes: {}\nnumbers:\n")
	for i := range 1500 {
		fmt.Fprintf(&spec, "  \"1206555%04d\": {primary_route: pbx-%04d}\n", i, i)
	}
	res, r := repo.planPR(42, sha('a'), spec.String())
	if res.ok || !strings.Contains(res.log, "the plan failed (exit 1)") {
		t.Fatalf("plan job on a spec with errors: ok %v, want it failed after commenting\n%s", res.ok, res.log)
	}
	planMD, err := os.ReadFile(filepath.Join(r.artifacts, "flowroute-numbers-plan", "plan.md"))
	if err != nil || len(planMD) <= 65536 || !strings.Contains(string(planMD), "pbx-1499") {
		t.Fatalf("the artifact's plan.md: %v, %d bytes; want the whole plan, longer than a comment", err, len(planMD))
	}
	if data, err := os.ReadFile(filepath.Join(r.artifacts, "flowroute-numbers-plan", "plan.json")); err != nil || !strings.Contains(string(data), "pbx-1499") {
		t.Errorf("the artifact's plan.json lacks the last error (%v)", err)
	}
	body := repo.comment(42).Body
	if n := len([]rune(body)); n > 65536 {
		t.Errorf("the comment has %d characters; GitHub refuses more than 65,536", n)
	}
	if !strings.Contains(body, "**The plan is cut here**") || !strings.Contains(body, "artifact `flowroute-numbers-plan`") ||
		!strings.Contains(body, "(https://github.com/example/numbers/actions/runs/4242)") {
		t.Errorf("the cut comment does not say where the whole plan is:\n%s", body[max(0, len(body)-800):])
	}
	cut := body[:strings.Index(body, "\n---\n**The plan is cut here**")]
	lines := strings.Split(strings.TrimRight(cut, "\n"), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(string(planMD), last+"\n") {
		t.Errorf("the comment's plan ends inside a line: %q", last)
	}
	if m := commentMeta.FindStringSubmatch(body); m == nil || m[2] != "none" {
		t.Errorf("the comment of a plan with errors does not record the commit and no digest")
	}
}

// TestCIActionInstall checks how the action installs the release: it refuses a binary whose
// checksum is not the one SHA256SUMS lists, and builds the version with go install when the
// release has no binary for the runner (from a module proxy of files, as the go install test
// does), after which the version runs.
func TestCIActionInstall(t *testing.T) {
	t.Parallel()
	repo := newCIRepo(t, ghState{})
	validate := func(release string, env ...string) ghJobResult {
		ws := repo.checkout(exampleSpec(t))
		r := repo.runner(ws, "pull_request", sha('e'), "refs/pull/1/merge", pullRequestEvent(1, sha('a')))
		r.actionWith["release-url"] = release
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			r.env[k] = v
		}
		return r.runJob(repo.workflow(ws, "github-actions.yml"), "check")
	}

	tampered := t.TempDir()
	if err := writeRelease(filepath.Join(tampered, proxyVersion), filepath.Join(testBinary(t), "flowroute-numbers")); err != nil {
		t.Fatal(err)
	}
	asset := filepath.Join(tampered, proxyVersion, releaseAsset(proxyVersion))
	data, err := os.ReadFile(asset)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(asset, append(data, "tampered"...), 0o755); err != nil {
		t.Fatal(err)
	}
	res := validate("file://" + tampered)
	if res.ok || !strings.Contains(res.log, "the download is not the release, not installed") || strings.Contains(res.log, "== Validate the spec\n") {
		t.Errorf("a binary with the wrong checksum: ok %v; want the job stopped before running it\n%s", res.ok, res.log)
	}

	res = validate("file://"+t.TempDir(), moduleProxyEnv(t)...)
	if !res.ok || !strings.Contains(res.log, "building it with go install") || !strings.Contains(res.log, "flowroute-numbers "+proxyVersion+" (module h1:") {
		t.Errorf("a release without binaries: ok %v; want it built with go install and run\n%s", res.ok, res.log)
	}
}
