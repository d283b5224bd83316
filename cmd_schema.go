package main

// STUB: replaced when the schema command is built.

import "errors"

type schemaCmd struct{}

func (schemaCmd) Run(g *Globals) error { return errors.New("schema: not implemented yet") }
