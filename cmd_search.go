package main

// STUB: replaced when the search command is built.

import "errors"

type searchCmd struct{}

func (searchCmd) Run(g *Globals) error { return errors.New("search: not implemented yet") }
