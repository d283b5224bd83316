package main

// STUB: replaced when the sandbox command is built.

import "errors"

type sandboxCmd struct{}

func (sandboxCmd) Run(g *Globals) error { return errors.New("sandbox: not implemented yet") }
