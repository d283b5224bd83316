// Package spec is the desired state of a Flowroute account: its types, strict YAML loading with
// file:line:col positions, validation that reports every problem at once, merging of several
// files, the JSON Schema, and writing a spec back to YAML.
//
// The same types hold the current state that plan.Fetch reads from the account, so that the
// two can be compared field by field.
package spec

import (
	"cmp"
	"fmt"

	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
)

// BuiltinRoute is the route every account has; it is the primary and failover route of a
// freshly purchased number. Specs may reference it but never declare it.
const BuiltinRoute = "sip-reg"

// Route types and billing methods that v1 knows.
const (
	RouteHost = "HOST"
	RoutePSTN = "PSTN"
	RouteURI  = "URI"

	BillingVPRI    = "VPRI"
	BillingMetered = "METERED"
)

// Policy.Unmanaged values.
const (
	UnmanagedIgnore = "ignore"
	UnmanagedWarn   = "warn"
	UnmanagedError  = "error"
)

// DefaultMaxPurchases is policy.max_purchases when the spec leaves it out.
const DefaultMaxPurchases = 10

// Spec is a desired (or, from plan.Fetch, current) account state. After Load, defaults have been
// applied to every number and Policy holds its defaults, so a consumer never looks at Defaults
// again. An empty field of a Number means "not managed": the tool keeps what the account has.
type Spec struct {
	Version  int               `json:"version,omitempty"`
	Defaults Defaults          `json:"defaults,omitzero"`
	Routes   map[string]Route  `json:"routes,omitempty"`  // keyed by route name
	Numbers  map[string]Number `json:"numbers,omitempty"` // keyed by 11-digit E.164 number
	Policy   Policy            `json:"policy,omitzero"`

	// Positions maps a path such as "routes.pbx", "numbers.12065550100",
	// "numbers.12065550100.billing_method" or "policy.max_purchases" to where it was written.
	// It is empty for a state read from the account. Use PosOf to read it.
	Positions map[string]Pos `json:"-"`
}

// Defaults fill the fields that a number leaves out.
type Defaults struct {
	BillingMethod string `json:"billing_method,omitempty"`
	PrimaryRoute  string `json:"primary_route,omitempty"`
	FailoverRoute string `json:"failover_route,omitempty"`
}

// Route is an inbound route. Routes cannot be changed or deleted in v1.
type Route struct {
	Type  string `json:"type"`  // HOST, PSTN or URI (SIP-REG for the built-in route)
	Value string `json:"value"` // empty for the built-in route
}

// Number is a phone number the account owns or should own.
type Number struct {
	BillingMethod string `json:"billing_method,omitempty"` // VPRI or METERED; chosen at purchase, never changed
	PrimaryRoute  string `json:"primary_route,omitempty"`
	FailoverRoute string `json:"failover_route,omitempty"`
}

// Policy limits what plan and apply may do.
type Policy struct {
	Unmanaged      string        `json:"unmanaged,omitempty"` // ignore, warn (default) or error
	MaxPurchases   int           `json:"max_purchases"`       // default DefaultMaxPurchases
	MaxMonthlyCost *money.Amount `json:"max_monthly_cost,omitempty"`
}

// Pos is a place in a spec file. Line and Col start at 1; zero means unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String formats the position as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Compare orders positions by file, then line, then column, as an error list is read.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(cmp.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// IsValid reports whether the position names a file.
func (p Pos) IsValid() bool { return p.File != "" }

// PosOf returns where the most specific known part of path was written: PosOf("numbers",
// "12065550100", "billing_method") falls back to the number's own position, then to
// "numbers", when the field came from defaults. It returns the zero Pos when nothing is known.
func (s *Spec) PosOf(path ...string) Pos {
	for n := len(path); n > 0; n-- {
		key := path[0]
		for _, p := range path[1:n] {
			key += "." + p
		}
		if p, ok := s.Positions[key]; ok {
			return p
		}
	}
	return Pos{}
}
