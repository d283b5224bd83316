//go:build ignore

// gen_schema writes the spec's JSON Schema to schema/flowroute-numbers.schema.json; run it with
// `go generate ./...`.
package main

import (
	"log"
	"os"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

func main() {
	if err := os.WriteFile("../schema/flowroute-numbers.schema.json", spec.Schema(), 0o644); err != nil {
		log.Fatal(err)
	}
}
