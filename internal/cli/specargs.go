package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// specInput is the spec of a command, given with -f SPEC (repeatable) or as arguments:
// `plan numbers.yaml` is `plan -f numbers.yaml`. Validate merges the arguments into Files,
// so that Run reads Files only.
type specInput struct {
	Files []string `name:"file" short:"f" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable; also as arguments)."`
	Args  []string `arg:"" optional:"" name:"spec" help:"Spec files or directories, as with -f."`
}

// Validate requires a spec and appends the arguments to Files.
func (s *specInput) Validate() error {
	s.Files = append(s.Files, s.Args...)
	s.Args = nil
	if len(s.Files) == 0 {
		return errors.New("no spec: give spec files or directories as arguments or with -f/--file SPEC")
	}
	return nil
}

// isSpecArg reports whether an argument names a spec rather than a plan file: a directory, or
// a file ending in .yaml or .yml. Anything else is a plan file, whatever its name, as
// `plan --out` writes any name it is given.
func isSpecArg(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".yaml", ".yml":
		return true
	}
	fi, err := os.Stat(arg)
	return err == nil && fi.IsDir()
}

// Validate sorts apply's arguments: a directory or a .yaml/.yml file is a spec, appended to
// Files; anything else is the plan file, of which there is at most one.
func (c *applyCmd) Validate() error {
	for _, a := range c.Args {
		switch {
		case isSpecArg(a):
			c.Files = append(c.Files, a)
		case c.PlanFile != "":
			return errors.New("give one plan file: " + c.PlanFile + " and " + a + " are both plan files (a spec is a directory or a .yaml/.yml file)")
		default:
			c.PlanFile = a
		}
	}
	c.Args = nil
	return nil
}

// specDiagnostics are the problems of a spec as diagnostics of severity sev, the form a plan
// and validate --format json give them.
func specDiagnostics(sev plan.Severity, problems spec.Errors) []plan.Diagnostic {
	var ds []plan.Diagnostic
	for _, e := range problems {
		ds = append(ds, plan.Diagnostic{Severity: sev, Pos: e.Pos, Message: e.Message, Hint: e.Hint})
	}
	return ds
}

// withSpecWarnings adds the warnings of the spec a plan was made for to its diagnostics, in
// their order by place in the spec, so that every rendering of the plan shows them.
func withSpecWarnings(p *plan.Plan, s *spec.Spec) {
	if len(s.Warnings) == 0 {
		return
	}
	p.Diagnostics = append(p.Diagnostics, specDiagnostics(plan.Warning, s.Warnings)...)
	slices.SortStableFunc(p.Diagnostics, func(a, b plan.Diagnostic) int { return a.Pos.Compare(b.Pos) })
}

// printSpecWarnings prints the warnings of a spec that loads on stderr, one per line, and,
// under GitHub Actions, as annotations.
func printSpecWarnings(g *Globals, s *spec.Spec) {
	for _, w := range s.Warnings {
		fmt.Fprintf(g.stderr, "Warning: %v\n", w)
	}
	annotatePlan(g, &plan.Plan{Diagnostics: specDiagnostics(plan.Warning, s.Warnings)})
}
