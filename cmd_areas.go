package main

// STUB: replaced when the areas command is built.

import "errors"

type areasCmd struct{}

func (areasCmd) Run(g *Globals) error { return errors.New("areas: not implemented yet") }
