package main

import (
	"errors"
	"fmt"
	"strings"

	"flowroute-numbers/spec"
)

// validateCmd checks spec files offline: every problem is printed, one per line, on stderr.
type validateCmd struct {
	Files []string `name:"file" short:"f" required:"" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable)."`
}

func (c *validateCmd) Run(g *Globals) error {
	s, err := spec.Load(c.Files...)
	if err != nil {
		var errs spec.Errors
		if !errors.As(err, &errs) {
			return err
		}
		for _, e := range errs {
			fmt.Fprintln(g.stderr, e)
		}
		return exitCode(1)
	}
	fmt.Fprintf(g.stdout, "%s: valid, %s, %s.\n", strings.Join(c.Files, ", "),
		nounCount(len(s.Routes), "route"), nounCount(len(s.Numbers), "number"))
	return nil
}

// nounCount formats a count with its noun: "1 route", "3 routes".
func nounCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
