package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"strconv"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// digestPrefix names the hash and the encoding, so that a later encoding can never be mistaken
// for this one.
const digestPrefix = "sha256:"

// Digest identifies an account state; a saved plan is stale when the account's digest differs.
//
// It hashes a canonical encoding of every route and every number, each sorted by key, one per
// line with its fields separated by tabs (no field can hold a tab or a newline that matters:
// %q quotes them). The v2 fields of a route, a number and the E911 addresses are records of
// their own, written only when set, so that a v1 state hashes as it always has. Positions,
// defaults and policy are not part of an account state.
func Digest(current *spec.Spec) string {
	h := newRecords("flowroute-numbers state 1")
	record := h.record
	for _, name := range sortedKeys(current.Routes) {
		r := current.Routes[name]
		record("route", name, r.Type, r.Value)
		if r.EdgeStrategy != "" {
			record("edge", name, r.EdgeStrategy)
		}
	}
	for _, tn := range sortedKeys(current.Numbers) {
		n := current.Numbers[tn]
		record("number", tn, n.BillingMethod, n.PrimaryRoute, n.FailoverRoute)
		if n.Alias != "" || n.CNAMLookups != nil || n.CNAM != "" || n.E911 != "" || n.Messaging != nil {
			lookups, m := "", spec.Messaging{}
			if n.CNAMLookups != nil {
				lookups = strconv.FormatBool(*n.CNAMLookups)
			}
			if n.Messaging != nil {
				m = *n.Messaging
			}
			record("v2", tn, n.Alias, lookups, n.CNAM, n.E911, m.SMSCallback, m.MMSCallback, m.SMSDLRCallback, m.MMSDLRCallback)
		}
	}
	for _, name := range sortedKeys(current.E911Addresses) {
		a := current.E911Addresses[name]
		record("e911", name, a.FirstName, a.LastName, a.StreetNumber, a.StreetName, a.AddressType, a.AddressTypeNumber, a.City, a.State, a.Country, a.Zip)
	}
	return h.digest()
}

// records hashes lines of tab-separated quoted fields (no field can hold a tab or a newline
// that matters: they are quoted), without fmt: accounts of 100,000 numbers are hashed on
// every plan.
type records struct {
	h    hash.Hash
	line []byte
}

// newRecords starts a digest with its header line, which names the encoding.
func newRecords(header string) *records {
	r := &records{h: sha256.New(), line: make([]byte, 0, 128)}
	io.WriteString(r.h, header+"\n")
	return r
}

// record hashes one line: kind, then the fields.
func (r *records) record(kind string, fields ...string) {
	r.line = append(r.line[:0], kind...)
	for _, f := range fields {
		r.line = append(r.line, '\t')
		r.line = strconv.AppendQuote(r.line, f)
	}
	r.h.Write(append(r.line, '\n'))
}

// digest is "sha256:" and the hash in hex.
func (r *records) digest() string { return digestPrefix + hex.EncodeToString(r.h.Sum(nil)) }

// PlanDigest identifies a plan: what it changes and the account it is for. It hashes, for the
// account's identity and each change in order, the action, the key, the fields before and
// after (sorted by name), the cost, the numbers affected and the day a released number was
// retired, one record per line as Digest does. It leaves out what says nothing about the
// changes: positions in the spec, notes, diagnostics and times. A reviewer's plan and the plan
// apply computes have the same digest exactly when they make the same changes to the same
// account.
func PlanDigest(changes []Change, acct *account.Identity) string {
	h := newRecords("flowroute-numbers plan 1")
	record := h.record
	if acct != nil {
		record("account", acct.API, acct.Endpoint, acct.KeyFingerprint)
	}
	fields := func(kind string, m map[string]string) {
		if m == nil {
			return
		}
		kv := []string{}
		for _, k := range sortedKeys(m) {
			kv = append(kv, k, m[k])
		}
		record(kind, kv...)
	}
	for _, ch := range changes {
		record("change", string(ch.Action), ch.Key)
		fields("before", ch.Before)
		fields("after", ch.After)
		if ch.Cost != nil {
			record("cost", ch.Cost.Initial.String(), ch.Cost.Monthly.String())
		}
		if len(ch.Affected) > 0 {
			record("affects", ch.Affected...)
		}
		if !ch.Retired.IsZero() {
			record("retired", ch.Retired.String())
		}
	}
	return h.digest()
}
