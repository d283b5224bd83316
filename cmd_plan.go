package main

// STUB: replaced when the plan command is built.

import "errors"

type planCmd struct{}

func (planCmd) Run(g *Globals) error { return errors.New("plan: not implemented yet") }
