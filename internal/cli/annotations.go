package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/flowroute-numbers/flowroute-numbers/internal/views"
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
	if format == views.FormatMarkdown || format == views.FormatJSON {
		if rerr := views.Plan(g.stdout, p, format, false); rerr != nil {
			fmt.Fprintf(g.stderr, "Error: %v\n", rerr)
		}
	}
	return err
}

// inGitHubActions reports whether the run is a GitHub Actions step, where errors and warnings
// are also printed as workflow commands that GitHub shows on the lines of the pull request.
func inGitHubActions() bool { return os.Getenv("GITHUB_ACTIONS") == "true" }

// annotateSpecErrors prints each spec problem as a GitHub error annotation, under GitHub Actions.
func annotateSpecErrors(g *Globals, errs spec.Errors) {
	if inGitHubActions() {
		views.Annotations(g.stderr, specErrorPlan(errs).Diagnostics)
	}
}

// annotatePlan prints each diagnostic of the plan as a GitHub annotation, under GitHub Actions.
func annotatePlan(g *Globals, p *plan.Plan) {
	if inGitHubActions() {
		views.Annotations(g.stderr, p.Diagnostics)
	}
}
