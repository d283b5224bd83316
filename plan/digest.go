package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
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
func Digest(current *spec.Spec) string { return digest(current, nil) }

// digest is Digest, told the keys of current.Numbers in order when the caller has them (a
// State read from the account does): sorting 100,000 keys cost as much as hashing them. Keys
// that are not exactly those of current.Numbers, in order, are not used.
func digest(current *spec.Spec, tns []string) string {
	if len(tns) != len(current.Numbers) || !slices.IsSorted(tns) {
		tns = sortedKeys(current.Numbers)
	}
	h := newRecords("flowroute-numbers state 1")
	for _, name := range sortedKeys(current.Routes) {
		r := current.Routes[name]
		h.record("route", name, r.Type, r.Value)
		if r.EdgeStrategy != "" {
			h.record("edge", name, r.EdgeStrategy)
		}
	}
	for i, tn := range tns {
		n, ok := current.Numbers[tn]
		if !ok || i > 0 && tn == tns[i-1] {
			return digest(current, nil) // tns are not the keys: sort them
		}
		h.record("number", tn, n.BillingMethod, n.PrimaryRoute, n.FailoverRoute)
		if n.Alias != "" || n.CNAMLookups != nil || n.CNAM != "" || n.E911 != "" || n.Messaging != nil {
			lookups, m := "", spec.Messaging{}
			if n.CNAMLookups != nil {
				lookups = strconv.FormatBool(*n.CNAMLookups)
			}
			if n.Messaging != nil {
				m = *n.Messaging
			}
			h.record("v2", tn, n.Alias, lookups, n.CNAM, n.E911, m.SMSCallback, m.MMSCallback, m.SMSDLRCallback, m.MMSDLRCallback)
		}
	}
	for _, name := range sortedKeys(current.E911Addresses) {
		fields := []string{name}
		for _, f := range current.E911Addresses[name].Fields() {
			fields = append(fields, f[1])
		}
		h.record("e911", fields...)
	}
	return h.digest()
}

// records hashes lines of tab-separated quoted fields (no field can hold a tab or a newline
// that matters: they are quoted), without fmt: accounts of 100,000 numbers are hashed on
// every plan. Lines are hashed in blocks of recordsBlock bytes rather than one by one.
type records struct {
	h   hash.Hash
	buf []byte
}

const recordsBlock = 32 << 10

// newRecords starts a digest with its header line, which names the encoding.
func newRecords(header string) *records {
	r := &records{h: sha256.New(), buf: make([]byte, 0, recordsBlock+1024)}
	r.buf = append(append(r.buf, header...), '\n')
	return r
}

// record hashes one line: kind, then the fields.
func (r *records) record(kind string, fields ...string) {
	r.buf = append(r.buf, kind...)
	for _, f := range fields {
		r.buf = appendQuoted(append(r.buf, '\t'), f)
	}
	r.buf = append(r.buf, '\n')
	if len(r.buf) >= recordsBlock {
		r.h.Write(r.buf)
		r.buf = r.buf[:0]
	}
}

// appendQuoted is strconv.AppendQuote, byte for byte, with a shortcut for the usual field:
// printable ASCII without a quote or a backslash, which AppendQuote copies as it is, between
// quotes, after looking at each rune.
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// digest is "sha256:" and the hash in hex.
func (r *records) digest() string {
	r.h.Write(r.buf)
	r.buf = r.buf[:0]
	return digestPrefix + hex.EncodeToString(r.h.Sum(nil))
}

// PlanDigest identifies a plan: what it changes and the account it is for. It hashes, for the
// account's identity and each change in order, the action, the key, the fields before and
// after (sorted by name), the cost, the numbers affected and the day a released number was
// retired, one record per line as Digest does. It leaves out what says nothing about the
// changes: positions in the spec, notes, diagnostics and times. A reviewer's plan and the plan
// apply computes have the same digest exactly when they make the same changes to the same
// account.
func PlanDigest(changes []Change, acct *account.Identity) string {
	h := newRecords("flowroute-numbers plan 1")
	if acct != nil {
		h.record("account", acct.API, acct.Endpoint, acct.KeyFingerprint)
	}
	fields := func(kind string, m map[string]string) {
		if m == nil {
			return
		}
		kv := []string{}
		for _, k := range sortedKeys(m) {
			kv = append(kv, k, m[k])
		}
		h.record(kind, kv...)
	}
	for _, ch := range changes {
		h.record("change", string(ch.Action), ch.Key)
		fields("before", ch.Before)
		fields("after", ch.After)
		if ch.Cost != nil {
			h.record("cost", ch.Cost.Initial.String(), ch.Cost.Monthly.String())
		}
		if len(ch.Affected) > 0 {
			h.record("affects", ch.Affected...)
		}
		if !ch.Retired.IsZero() {
			h.record("retired", ch.Retired.String())
		}
	}
	return h.digest()
}
