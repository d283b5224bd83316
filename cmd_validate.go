package main

// STUB: replaced when the validate command is built.

import "errors"

type validateCmd struct{}

func (validateCmd) Run(g *Globals) error { return errors.New("validate: not implemented yet") }
