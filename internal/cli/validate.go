package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// validateCmd checks spec files offline: every problem is printed, one per line, on stderr.
type validateCmd struct {
	Files []string `name:"file" short:"f" required:"" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable)."`
}

func (c *validateCmd) Run(g *Globals) error {
	s, err := loadSpec(g, c.Files, "") // a list of problems is validate's output, not an error
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "%s: valid, %s, %s.\n", strings.Join(c.Files, ", "),
		nounCount(len(s.Routes), "route"), nounCount(len(s.Numbers), "number"))
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

// nounCount formats a count with its noun: "1 route", "3 routes".
func nounCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
