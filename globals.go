package main

import (
	"io"
	"os"
)

// Globals are the flags every command shares. Each has an environment variable.
type Globals struct {
	Endpoint     string `help:"Flowroute v1 base URL." env:"FLOWROUTE_ENDPOINT" default:"https://api.flowroute.com/v1"`
	AccessKey    string `help:"Flowroute API access key." env:"FLOWROUTE_ACCESS_KEY"`
	SecretKey    string `help:"Flowroute API secret key." env:"FLOWROUTE_SECRET_KEY"`
	Sandbox      bool   `help:"Run against an in-process sandbox instead of Flowroute (no account needed)." env:"FLOWROUTE_SANDBOX"`
	SandboxState string `help:"State file of the --sandbox account." env:"FLOWROUTE_SANDBOX_STATE" default:".flowroute-sandbox.json" type:"path"`
	NoColor      bool   `help:"Never colour the output (also when NO_COLOR is set)."`

	stdout, stderr io.Writer
}

// color reports whether output to w may be coloured: only on a terminal, never with --no-color
// or a non-empty NO_COLOR (https://no-color.org).
func (g *Globals) color(w io.Writer) bool {
	return !g.NoColor && os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// isTerminal reports whether w is a terminal (and so may get colour and progress bars).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
