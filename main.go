// Command flowroute-numbers keeps a Flowroute account's inbound routes and phone numbers equal
// to a desired state written in YAML. See README.md; the commands live in internal/cli.
package main

import (
	"os"

	"github.com/flowroute-numbers/flowroute-numbers/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSStreams()))
}
