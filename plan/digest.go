package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"flowroute-numbers/spec"
)

// digestPrefix names the hash and the encoding, so that a later encoding can never be mistaken
// for this one.
const digestPrefix = "sha256:"

// Digest identifies an account state; a saved plan is stale when the account's digest differs.
//
// It hashes a canonical encoding of every route and every number, each sorted by key, one per
// line with its fields separated by tabs (no field can hold a tab or a newline that matters:
// %q quotes them). Positions, defaults and policy are not part of an account state.
func Digest(current *spec.Spec) string {
	h := sha256.New()
	io.WriteString(h, "flowroute-numbers state 1\n")
	for _, name := range sortedKeys(current.Routes) {
		r := current.Routes[name]
		fmt.Fprintf(h, "route\t%q\t%q\t%q\n", name, r.Type, r.Value)
	}
	for _, tn := range sortedKeys(current.Numbers) {
		n := current.Numbers[tn]
		fmt.Fprintf(h, "number\t%q\t%q\t%q\t%q\n", tn, n.BillingMethod, n.PrimaryRoute, n.FailoverRoute)
	}
	return digestPrefix + hex.EncodeToString(h.Sum(nil))
}
