package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// specErrors is the error of a spec that failed to load, its problems already printed. It
// unwraps to exit status 1, so that Main prints nothing more; plan reads the problems back to
// render them as a document.
type specErrors struct{ errs spec.Errors }

func (e *specErrors) Error() string { return e.errs.Error() }
func (e *specErrors) Unwrap() error { return exitCode(1) }

// specErrorPlan is the plan document of a spec that failed to load: no changes, each problem
// an error diagnostic with its position. The Markdown and JSON renderers show it like any
// plan, so that a pull-request comment shows the errors instead of the last green plan.
func specErrorPlan(errs spec.Errors) *plan.Plan {
	return &plan.Plan{FormatVersion: plan.FormatVersion, Diagnostics: specDiagnostics(plan.Error, errs)}
}

// renderSpecErrors writes the document of a spec that failed to load when format is markdown
// or json, and returns err unchanged, so that the exit status stays 1. A text plan has
// nothing to add: the problems are on stderr already.
func renderSpecErrors(g *Globals, format string, err error) error {
	var se *specErrors
	if !errors.As(err, &se) {
		return err
	}
	p := specErrorPlan(se.errs)
	if err := planStepSummary(p); err != nil {
		fmt.Fprintf(g.stderr, "Warning: writing the GitHub step summary: %v\n", err)
	}
	var rerr error
	switch format {
	case "markdown":
		rerr = plan.RenderMarkdown(g.stdout, p)
	case "json":
		rerr = plan.RenderJSON(g.stdout, p)
	}
	if rerr != nil {
		fmt.Fprintf(g.stderr, "Error: %v\n", rerr)
	}
	return err
}

// inGitHubActions reports whether the run is a GitHub Actions step, where errors and warnings
// are also printed as workflow commands that GitHub shows on the lines of the pull request.
func inGitHubActions() bool { return os.Getenv("GITHUB_ACTIONS") == "true" }

// annotateSpecErrors prints each spec problem as a GitHub error annotation, under GitHub Actions.
func annotateSpecErrors(g *Globals, errs spec.Errors) {
	if !inGitHubActions() {
		return
	}
	for _, e := range errs {
		fmt.Fprintln(g.stderr, annotation(plan.Error, e.Pos, withHint(e.Message, e.Hint)))
	}
}

// annotatePlan prints each diagnostic of the plan as a GitHub annotation, under GitHub Actions.
func annotatePlan(g *Globals, p *plan.Plan) {
	if !inGitHubActions() {
		return
	}
	for _, d := range p.Diagnostics {
		fmt.Fprintln(g.stderr, annotation(d.Severity, d.Pos, withHint(d.Message, d.Hint)))
	}
}

func withHint(message, hint string) string {
	if hint == "" {
		return message
	}
	return message + " (" + hint + ")"
}

// annotation is the workflow command "::error file=F,line=L,col=C::message" (or ::warning),
// leaving out the position's unknown parts, escaped as the runner expects: %, CR and LF in
// the message; those and ":" and "," in a property value.
func annotation(sev plan.Severity, pos spec.Pos, message string) string {
	cmd := "warning"
	if sev == plan.Error {
		cmd = "error"
	}
	var props []string
	if pos.File != "" {
		props = append(props, "file="+escapeProperty(pos.File))
		if pos.Line > 0 {
			props = append(props, "line="+strconv.Itoa(pos.Line))
			if pos.Col > 0 {
				props = append(props, "col="+strconv.Itoa(pos.Col))
			}
		}
	}
	props = append(props, "title=flowroute-numbers")
	return "::" + cmd + " " + strings.Join(props, ",") + "::" + escapeData(message)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
