package cli

import (
	"fmt"
	"path/filepath"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// schemaCmd prints the spec's JSON Schema, for editors and other tools, or writes it to a file
// that specs beside it point at with a relative modeline.
type schemaCmd struct {
	Out string `placeholder:"FILE" type:"path" help:"Write the schema to FILE (e.g. flowroute-numbers.schema.json next to the spec) instead of standard output."`
}

func (c *schemaCmd) Run(g *Globals) error {
	if c.Out == "" {
		_, err := g.stdout.Write(spec.Schema())
		return err
	}
	if err := writeSchema(c.Out); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "Wrote the schema to %s. A spec in the same directory uses it, offline, with the first line:\n# yaml-language-server: $schema=./%s\n",
		c.Out, filepath.Base(c.Out))
	return nil
}

// writeSchema writes the JSON Schema to path atomically. The schema is generated, so an
// existing file is replaced: that is how it stays current with the tool.
func writeSchema(path string) error {
	if err := atomicfile.Write(path, spec.Schema(), 0o644); err != nil {
		return fmt.Errorf("writing the schema: %w", err)
	}
	return nil
}
