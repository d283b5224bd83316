package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// validateCmd checks spec files offline: every problem is printed, one per line, on stderr,
// or with --format json as data on stdout.
type validateCmd struct {
	specInput
	Format string `enum:"text,json" default:"text" help:"Output format: text, or json (the verdict and the diagnostics as data, on stdout)."`
}

// validateReport is validate's JSON output. Diagnostics have the form of a plan's, so that
// one reader handles both.
type validateReport struct {
	Valid       bool              `json:"valid"`
	Files       []string          `json:"files"`
	Routes      int               `json:"routes"`
	Numbers     int               `json:"numbers"`
	Diagnostics []plan.Diagnostic `json:"diagnostics"`
}

func (c *validateCmd) Run(g *Globals) error {
	if c.Format == "json" {
		return c.json(g)
	}
	s, err := loadSpec(g, c.Files, "") // a list of problems is validate's output, not an error
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "%s: valid, %s, %s.\n", strings.Join(c.Files, ", "),
		nounCount(len(s.Routes), "route"), nounCount(len(s.Numbers), "number"))
	printSpecWarnings(g, s)
	if len(s.Files) > 1 {
		for _, f := range s.Files {
			if line := defaultsLine(f); line != "" {
				fmt.Fprintf(g.stdout, "  %s\n", line)
			}
		}
	}
	return nil
}

// defaultsLine says, for a file of a spec of several, which defaults it declares and how many
// of its numbers they fill, since a file's defaults fill the numbers of that file only; "" for
// a file without defaults.
func defaultsLine(f spec.FileSummary) string {
	keys := defaultsKeys(f.Defaults)
	if len(keys) == 0 {
		return ""
	}
	line := fmt.Sprintf("%s: defaults (%s) fill %d of its %s", f.File, strings.Join(keys, ", "), f.Defaulted, nounCount(f.Numbers, "number"))
	if f.Defaulted == 0 {
		line += "; defaults fill only the numbers of their own file"
	}
	return line
}

// defaultsKeys are the spec keys d sets, in the order a number's fields are written.
func defaultsKeys(d spec.Defaults) []string {
	var keys []string
	add := func(set bool, key string) {
		if set {
			keys = append(keys, key)
		}
	}
	add(d.BillingMethod != "", "billing_method")
	add(d.PrimaryRoute != "", "primary_route")
	add(d.FailoverRoute != "", "failover_route")
	add(d.Alias != "", "alias")
	add(d.CNAMLookups != nil, "cnam_lookups")
	add(d.CNAM != "", "cnam")
	add(d.E911 != "", "e911")
	add(d.Messaging != nil, "messaging")
	return keys
}

// json prints the verdict and the diagnostics as a validateReport; exit status 1 when the
// spec is invalid, as with text. A file that cannot be read is an error, not a diagnostic.
func (c *validateCmd) json(g *Globals) error {
	s, err := spec.Load(c.Files...)
	var errs spec.Errors
	if err != nil && !errors.As(err, &errs) {
		return err
	}
	rep := validateReport{Valid: err == nil, Files: c.Files, Diagnostics: specErrorPlan(errs).Diagnostics}
	if rep.Diagnostics == nil {
		rep.Diagnostics = []plan.Diagnostic{}
	}
	if s != nil && err == nil {
		rep.Routes, rep.Numbers = len(s.Routes), len(s.Numbers)
		rep.Diagnostics = append(rep.Diagnostics, specDiagnostics(plan.Warning, s.Warnings)...)
	}
	data, merr := json.MarshalIndent(&rep, "", "  ")
	if merr != nil {
		return merr
	}
	if _, werr := g.stdout.Write(append(data, '\n')); werr != nil {
		return werr
	}
	if err != nil {
		annotateSpecErrors(g, errs)
		return exitCode(1)
	}
	return nil
}

// loadSpec loads the spec files. When the spec has problems it prints every one on stderr, one
// per line after prefix (and, under GitHub Actions, as annotations), and returns a
// *specErrors, which ends the run with exit status 1.
func loadSpec(g *Globals, files []string, prefix string) (*spec.Spec, error) {
	s, err := spec.Load(files...)
	var errs spec.Errors
	if !errors.As(err, &errs) {
		return s, err
	}
	for _, e := range errs {
		fmt.Fprintf(g.stderr, "%s%v\n", prefix, e)
	}
	annotateSpecErrors(g, errs)
	return nil, &specErrors{errs}
}

// nounCount formats a count with its noun: "1 route", "3 routes", "2 E911 addresses".
func nounCount(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "s"): // address
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
