package cli

import "github.com/flowroute-numbers/flowroute-numbers/spec"

// schemaCmd prints the spec's JSON Schema, for editors and other tools.
type schemaCmd struct{}

func (schemaCmd) Run(g *Globals) error {
	_, err := g.stdout.Write(spec.Schema())
	return err
}
