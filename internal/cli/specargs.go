package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
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
