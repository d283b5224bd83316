package main

// STUB: replaced when the export command is built.

import "errors"

type exportCmd struct{}

func (exportCmd) Run(g *Globals) error { return errors.New("export: not implemented yet") }
