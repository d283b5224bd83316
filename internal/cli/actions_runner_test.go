package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// This file runs GitHub Actions workflows and this repository's composite action the way the
// runner does, close enough to test their shell steps with bash: the contexts (github, env,
// inputs, steps, secrets, runner), ${{ }} expressions and if: conditions, the files a step
// writes its outputs, environment and PATH to, the step summary, and composite actions with
// their inputs and outputs. Other actions are fakes: checkout and setup-go do nothing (the
// test prepares the checkout, Go is installed), upload-artifact copies the files it is given
// into a directory the test reads.

// ghWorkflow is a workflow file, as far as the tests read it.
type ghWorkflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]ghJob  `yaml:"jobs"`
}

type ghJob struct {
	If    string            `yaml:"if"`
	Env   map[string]string `yaml:"env"`
	Steps []ghStep          `yaml:"steps"`
}

type ghStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
	ContinueOnError  bool              `yaml:"continue-on-error"`
}

// label names the step in messages.
func (s ghStep) label() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	}
	return strings.SplitN(s.Run, "\n", 2)[0]
}

// ghAction is an action's metadata (action.yml).
type ghAction struct {
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
		Required    bool   `yaml:"required"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string   `yaml:"using"`
		Steps []ghStep `yaml:"steps"`
	} `yaml:"runs"`
}

// readYAML decodes the YAML file path into v.
func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// ghRunner runs the jobs of workflows in one checkout.
type ghRunner struct {
	t         *testing.T
	workspace string         // GITHUB_WORKSPACE, the checkout
	temp      string         // RUNNER_TEMP
	github    map[string]any // the github context
	secrets   map[string]string
	inputs    map[string]any    // a workflow_dispatch run's inputs
	env       map[string]string // the machine's environment variables the steps see, beyond the runner's own
	// actionWith adds inputs to every use of this repository's action: the tests point
	// release-url at a directory of files standing for the GitHub release.
	actionWith map[string]string
	artifacts  string // upload-artifact copies artifact NAME's files into artifacts/NAME
	summary    string // GITHUB_STEP_SUMMARY
}

// newGHRunner returns a runner for a checkout, with event the github context's event_name and
// event its payload; the github context also has sha, ref and the run's other fields.
func newGHRunner(t *testing.T, workspace, eventName, sha, ref string, event map[string]any) *ghRunner {
	t.Helper()
	temp := t.TempDir()
	return &ghRunner{
		t:         t,
		workspace: workspace,
		temp:      temp,
		github: map[string]any{
			"event_name": eventName, "sha": sha, "ref": ref, "event": event,
			"repository": "example/numbers", "server_url": "https://github.com", "run_id": "4242",
			"token": "ghs_test-token", "workspace": workspace, "action_path": "",
		},
		secrets:   map[string]string{},
		env:       map[string]string{},
		artifacts: filepath.Join(temp, "artifacts"),
		summary:   filepath.Join(temp, "step-summary.md"),
	}
}

// ghJobResult is what a job did.
type ghJobResult struct {
	ran, ok bool
	steps   map[string]map[string]any // by step id: outputs, outcome
	log     string                    // each step's name and output
}

// runJob runs job name of w: false for ran when its if: is false.
func (r *ghRunner) runJob(w *ghWorkflow, name string) ghJobResult {
	r.t.Helper()
	job, ok := w.Jobs[name]
	if !ok {
		r.t.Fatalf("the workflow has no job %s", name)
	}
	ctx := r.context(map[string]string{})
	env := map[string]string{}
	for _, m := range []map[string]string{w.Env, job.Env} {
		for k, v := range m {
			env[k] = r.interpolate(v, ctx, false)
		}
	}
	ctx = r.context(env)
	if job.If != "" && !r.condition(job.If, ctx, false) {
		return ghJobResult{}
	}
	res := ghJobResult{ran: true, steps: map[string]map[string]any{}}
	var log strings.Builder
	res.ok = r.runSteps(job.Steps, ctx, env, res.steps, &log, false)
	res.log = log.String()
	return res
}

// context returns the expression contexts of a job whose environment is env.
func (r *ghRunner) context(env map[string]string) map[string]any {
	envCtx := map[string]any{}
	for k, v := range env {
		envCtx[k] = v
	}
	secrets := map[string]any{}
	for k, v := range r.secrets {
		secrets[k] = v
	}
	return map[string]any{
		"github": r.github, "env": envCtx, "secrets": secrets, "inputs": r.inputs,
		"runner": map[string]any{"os": "Linux", "arch": runnerArch(), "temp": r.temp},
		"vars":   map[string]any{}, "matrix": map[string]any{}, "job": map[string]any{},
	}
}

// runnerArch is RUNNER_ARCH for this machine.
func runnerArch() string {
	if runtime.GOARCH == "arm64" {
		return "ARM64"
	}
	return "X64"
}

// runSteps runs steps in order, as a job or a composite action does, recording each step's
// outputs and outcome under its id in results; it returns whether none failed. A step runs
// when its if: holds, success() by default: after a failure only steps that ask to run.
func (r *ghRunner) runSteps(steps []ghStep, ctx map[string]any, env map[string]string, results map[string]map[string]any, log *strings.Builder, composite bool) bool {
	r.t.Helper()
	ctx = maps.Clone(ctx)
	stepsCtx := map[string]any{}
	ctx["steps"] = stepsCtx
	failed := false
	for _, s := range steps {
		if composite && s.Run != "" && s.Shell == "" {
			r.t.Fatalf("composite step %q has no shell: the runner requires one", s.label())
		}
		cond := s.If
		if cond == "" {
			cond = "success()"
		}
		if !r.condition(cond, ctx, failed) {
			fmt.Fprintf(log, "== %s (skipped)\n", s.label())
			if s.ID != "" {
				stepsCtx[s.ID] = map[string]any{"outputs": map[string]any{}, "outcome": "skipped", "conclusion": "skipped"}
			}
			continue
		}
		stepEnv := maps.Clone(env)
		for k, v := range s.Env {
			stepEnv[k] = r.interpolate(v, ctx, failed)
		}
		fmt.Fprintf(log, "== %s\n", s.label())
		var outputs map[string]string
		var ok bool
		if s.Uses != "" {
			with := map[string]string{}
			for k, v := range s.With {
				with[k] = r.interpolate(v, ctx, failed)
			}
			outputs, ok = r.uses(s, with, stepEnv, log)
		} else {
			outputs, ok = r.runScript(s, r.interpolate(s.Run, ctx, failed), stepEnv, env, log)
		}
		outcome := "success"
		if !ok {
			outcome = "failure"
			fmt.Fprintf(log, "== %s failed\n", s.label())
			if !s.ContinueOnError {
				failed = true
			}
		}
		if s.ID != "" {
			out := map[string]any{}
			for k, v := range outputs {
				out[k] = v
			}
			stepsCtx[s.ID] = map[string]any{"outputs": out, "outcome": outcome, "conclusion": outcome}
			results[s.ID] = stepsCtx[s.ID].(map[string]any)
		}
	}
	return !failed
}

// runScript runs a run: step with its shell in the workspace (or its working-directory),
// returning the outputs it wrote. Variables it writes to GITHUB_ENV go into jobEnv, for the
// steps after it, and directories it writes to GITHUB_PATH go first on PATH.
func (r *ghRunner) runScript(s ghStep, script string, stepEnv, jobEnv map[string]string, log *strings.Builder) (map[string]string, bool) {
	r.t.Helper()
	dir, err := os.MkdirTemp(r.temp, "step")
	if err != nil {
		r.t.Fatal(err)
	}
	file := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		r.t.Fatal(err)
	}
	files := map[string]string{}
	for _, name := range []string{"GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"} {
		files[name] = filepath.Join(dir, strings.ToLower(name))
		if err := os.WriteFile(files[name], nil, 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	var cmd *exec.Cmd
	switch s.Shell {
	case "bash":
		cmd = exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", file)
	case "":
		cmd = exec.Command("bash", "-e", file)
	default:
		r.t.Fatalf("step %q: shell %q: the tests run bash only", s.label(), s.Shell)
	}
	cmd.Dir = filepath.Join(r.workspace, s.WorkingDirectory)
	cmd.Env = r.processEnv(stepEnv, files)
	out, err := cmd.CombinedOutput()
	log.Write(out)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		r.t.Fatalf("step %q: %v", s.label(), err)
	}
	for k, v := range readCommandFile(r.t, files["GITHUB_ENV"]) {
		jobEnv[k] = v
	}
	if data, _ := os.ReadFile(files["GITHUB_PATH"]); len(data) > 0 {
		for _, p := range strings.Fields(string(data)) {
			r.env["PATH"] = p + string(os.PathListSeparator) + r.env["PATH"]
		}
	}
	return readCommandFile(r.t, files["GITHUB_OUTPUT"]), err == nil
}

// processEnv is the environment of a step's process: the machine's (without what a runner
// would not have, GITHUB_* and FLOWROUTE_* of the machine running the tests), r.env, the
// runner's variables, and the step's env.
func (r *ghRunner) processEnv(stepEnv map[string]string, files map[string]string) []string {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "FLOWROUTE_") && !strings.HasPrefix(k, "RUNNER_") {
			vars[k] = v
		}
	}
	if r.env["PATH"] == "" {
		r.env["PATH"] = os.Getenv("PATH")
	}
	maps.Copy(vars, r.env)
	maps.Copy(vars, map[string]string{
		"CI": "true", "GITHUB_ACTIONS": "true",
		"GITHUB_WORKSPACE": r.workspace, "GITHUB_REPOSITORY": r.github["repository"].(string),
		"GITHUB_SHA": r.github["sha"].(string), "GITHUB_REF": r.github["ref"].(string),
		"GITHUB_EVENT_NAME": r.github["event_name"].(string), "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_RUN_ID": "4242", "GITHUB_STEP_SUMMARY": r.summary,
		"RUNNER_OS": "Linux", "RUNNER_ARCH": runnerArch(), "RUNNER_TEMP": r.temp,
	})
	maps.Copy(vars, files)
	maps.Copy(vars, stepEnv)
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// readCommandFile reads a GITHUB_OUTPUT or GITHUB_ENV file: NAME=value lines and
// NAME<<DELIMITER blocks.
func readCommandFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var value []string
			for sc.Scan() && sc.Text() != delim {
				value = append(value, sc.Text())
			}
			vars[name] = strings.Join(value, "\n")
		} else if name, value, ok := strings.Cut(line, "="); ok {
			vars[name] = value
		} else if line != "" {
			t.Fatalf("%s: malformed line %q", path, line)
		}
	}
	return vars
}

// uses runs a uses: step: this repository's action, or a fake of another.
func (r *ghRunner) uses(s ghStep, with, env map[string]string, log *strings.Builder) (map[string]string, bool) {
	r.t.Helper()
	name, _, _ := strings.Cut(s.Uses, "@")
	switch name {
	case "actions/checkout", "actions/setup-go":
		return nil, true
	case "actions/upload-artifact":
		dir := filepath.Join(r.artifacts, with["name"])
		if err := os.MkdirAll(dir, 0o755); err != nil {
			r.t.Fatal(err)
		}
		for _, p := range strings.Fields(with["path"]) {
			data, err := os.ReadFile(p)
			if err != nil {
				fmt.Fprintf(log, "upload-artifact: %v\n", err)
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644); err != nil {
				r.t.Fatal(err)
			}
		}
		return map[string]string{"artifact-id": "1"}, true
	case "flowroute-numbers/flowroute-numbers", ".":
		return r.action(s, with, env, log)
	}
	r.t.Fatalf("step %q uses %s, which the tests do not fake", s.label(), s.Uses)
	return nil, false
}

// action runs this repository's composite action (action.yml) with the inputs given.
func (r *ghRunner) action(s ghStep, with, env map[string]string, log *strings.Builder) (map[string]string, bool) {
	r.t.Helper()
	var a ghAction
	readYAML(r.t, filepath.Join(repoRoot, "action.yml"), &a)
	if a.Runs.Using != "composite" {
		r.t.Fatalf("action.yml runs using %q, want composite", a.Runs.Using)
	}
	maps.Copy(with, r.actionWith)
	actionPath, err := filepath.Abs(repoRoot)
	if err != nil {
		r.t.Fatal(err)
	}
	github := maps.Clone(r.github)
	github["action_path"] = actionPath
	ctx := r.context(env)
	ctx["github"] = github
	inputs := map[string]any{}
	for k, v := range with {
		if _, ok := a.Inputs[k]; !ok {
			r.t.Fatalf("step %q gives the action input %q, which action.yml does not declare", s.label(), k)
		}
		inputs[k] = v
	}
	for k, in := range a.Inputs {
		if _, ok := inputs[k]; !ok {
			if in.Required {
				r.t.Fatalf("step %q does not give the action's required input %q", s.label(), k)
			}
			inputs[k] = r.interpolate(in.Default, ctx, false)
		}
	}
	ctx["inputs"] = inputs
	results := map[string]map[string]any{}
	ok := r.runSteps(a.Runs.Steps, ctx, maps.Clone(env), results, log, true)
	stepsCtx := map[string]any{}
	for id, v := range results {
		stepsCtx[id] = v
	}
	ctx["steps"] = stepsCtx
	outputs := map[string]string{}
	for k, o := range a.Outputs {
		outputs[k] = r.interpolate(o.Value, ctx, !ok)
	}
	return outputs, ok
}

// expressionRE is one ${{ … }} of a value.
var expressionRE = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// interpolate replaces each ${{ expression }} of s by its value.
func (r *ghRunner) interpolate(s string, ctx map[string]any, failed bool) string {
	r.t.Helper()
	return expressionRE.ReplaceAllStringFunc(s, func(m string) string {
		v, err := evalExpression(expressionRE.FindStringSubmatch(m)[1], ctx, failed)
		if err != nil {
			r.t.Fatalf("%s: %v", m, err)
		}
		return exprString(v)
	})
}

// statusFunctions are the functions whose presence in an if: stops the implied success().
var statusFunctions = regexp.MustCompile(`\b(success|failure|always|cancelled)\(`)

// condition evaluates an if:, with success() implied when it calls no status function.
func (r *ghRunner) condition(cond string, ctx map[string]any, failed bool) bool {
	r.t.Helper()
	cond = strings.TrimSpace(cond)
	if m := expressionRE.FindStringSubmatch(cond); m != nil && m[0] == cond {
		cond = m[1]
	}
	v, err := evalExpression(cond, ctx, failed)
	if err != nil {
		r.t.Fatalf("if: %s: %v", cond, err)
	}
	if !statusFunctions.MatchString(cond) && failed {
		return false
	}
	return exprTruthy(v)
}

// evalExpression evaluates a GitHub Actions expression, as much of the language as this
// repository's workflows and action use: literals, context paths (a.b), ! == != && || and
// parentheses, and the status functions success, failure, always and cancelled. Anything
// else is an error that names it, so that a workflow using more fails its test, saying what
// to add here.
func evalExpression(src string, ctx map[string]any, failed bool) (any, error) {
	p := &exprParser{ctx: ctx, failed: failed}
	if err := p.tokenize(src); err != nil {
		return nil, err
	}
	v, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return v, err
}

type exprParser struct {
	toks   []string
	pos    int
	ctx    map[string]any
	failed bool
}

var exprToken = regexp.MustCompile(`^(\s+|'(?:[^']|'')*'|[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_-]*|==|!=|&&|\|\||[!().])`)

func (p *exprParser) tokenize(src string) error {
	for src != "" {
		m := exprToken.FindString(src)
		if m == "" {
			return fmt.Errorf("cannot read %q", src)
		}
		if strings.TrimSpace(m) != "" {
			p.toks = append(p.toks, m)
		}
		src = src[len(m):]
	}
	return nil
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) next() string { t := p.peek(); p.pos++; return t }

func (p *exprParser) expect(tok string) error {
	if got := p.next(); got != tok {
		return fmt.Errorf("want %q, got %q", tok, got)
	}
	return nil
}

// or and and return the deciding operand's value, as GitHub does.
func (p *exprParser) or() (any, error) {
	v, err := p.and()
	for err == nil && p.peek() == "||" {
		p.next()
		var w any
		if w, err = p.and(); !exprTruthy(v) {
			v = w
		}
	}
	return v, err
}

func (p *exprParser) and() (any, error) {
	v, err := p.comparison()
	for err == nil && p.peek() == "&&" {
		p.next()
		var w any
		if w, err = p.comparison(); exprTruthy(v) {
			v = w
		}
	}
	return v, err
}

func (p *exprParser) comparison() (any, error) {
	v, err := p.unary()
	for err == nil {
		op := p.peek()
		if op != "==" && op != "!=" {
			return v, nil
		}
		p.next()
		var w any
		if w, err = p.unary(); err != nil {
			return nil, err
		}
		v = exprEqual(v, w) == (op == "==")
	}
	return v, err
}

func (p *exprParser) unary() (any, error) {
	if p.peek() == "!" {
		p.next()
		v, err := p.unary()
		return !exprTruthy(v), err
	}
	return p.postfix()
}

func (p *exprParser) postfix() (any, error) {
	v, err := p.primary()
	for err == nil && p.peek() == "." {
		p.next()
		v = exprMember(v, p.next())
	}
	return v, err
}

func (p *exprParser) primary() (any, error) {
	tok := p.next()
	switch {
	case tok == "(":
		v, err := p.or()
		if err == nil {
			err = p.expect(")")
		}
		return v, err
	case strings.HasPrefix(tok, "'"):
		return strings.ReplaceAll(tok[1:len(tok)-1], "''", "'"), nil
	case tok != "" && tok[0] >= '0' && tok[0] <= '9':
		return strconv.ParseFloat(tok, 64)
	case tok == "true" || tok == "false":
		return tok == "true", nil
	case tok == "null":
		return nil, nil
	case p.peek() == "(":
		return p.call(tok)
	}
	v, ok := p.ctx[tok]
	if !ok {
		return nil, fmt.Errorf("unknown context %q", tok)
	}
	return v, nil
}

// call calls a status function, which takes no arguments.
func (p *exprParser) call(name string) (any, error) {
	p.next() // (
	if err := p.expect(")"); err != nil {
		return nil, fmt.Errorf("%s: %w (the tests' runner has only the status functions)", name, err)
	}
	switch name {
	case "success":
		return !p.failed, nil
	case "failure":
		return p.failed, nil
	case "always":
		return true, nil
	case "cancelled":
		return false, nil
	}
	return nil, fmt.Errorf("unknown function %s (the tests' runner has only the status functions)", name)
}

// exprMember is v.name: a missing property is null, and names are case-insensitive.
func exprMember(v any, name string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if w, ok := m[name]; ok {
		return w
	}
	for k, w := range m {
		if strings.EqualFold(k, name) {
			return w
		}
	}
	return nil
}

func exprTruthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

// exprEqual compares as GitHub does: strings without case, other types as numbers.
func exprEqual(a, b any) bool {
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return strings.EqualFold(sa, sb)
		}
	}
	if ba, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			return ba == bb
		}
	}
	return exprNumber(a) == exprNumber(b)
}

func exprNumber(v any) float64 {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		if v {
			return 1
		}
		return 0
	case float64:
		return v
	case string:
		if strings.TrimSpace(v) == "" {
			return 0
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return f
		}
	}
	return math.NaN()
}

// exprString is how a value reads in ${{ }}: null is empty, numbers have no trailing zeros.
func exprString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
