package main

// STUB: replaced when the apply command is built.

import "errors"

type applyCmd struct{}

func (applyCmd) Run(g *Globals) error { return errors.New("apply: not implemented yet") }
