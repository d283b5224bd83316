// Package spec is the desired state of a Flowroute account: its types, strict YAML loading with
// file:line:col positions, validation that reports every problem at once, merging of several
// files, the JSON Schema, and writing a spec back to YAML.
//
// The same types hold the current state that plan.Fetch reads from the account, so that the
// two can be compared field by field.
//
// It is a package of the flowroute-numbers tool, not a library: its API may change in any
// release (the public library is flowroute/v1, flowroute/v2 and flowroute/sandbox; see
// ARCHITECTURE.md).
package spec

import (
	"cmp"
	"fmt"
	"path/filepath"

	"github.com/flowroute-numbers/flowroute-numbers/money"
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
	// UnmanagedRelease releases unmanaged numbers (and deletes unmanaged routes no number
	// uses), up to Policy.MaxReleases, on a backend that can. Only the spec opts in.
	UnmanagedRelease = "release"
)

// DefaultMaxPurchases is policy.max_purchases when the spec leaves it out.
const DefaultMaxPurchases = 10

// DefaultMaxUpdatePercent is policy.max_update_percent when the spec leaves it out: a plan that
// updates more than this share of the managed numbers is refused, once at least
// UpdatePercentFloor numbers are managed.
const (
	DefaultMaxUpdatePercent = 30
	UpdatePercentFloor      = 10
)

// Spec is a desired (or, from plan.Fetch, current) account state. After Load, each file's
// defaults have been applied to the numbers of that file and Policy holds its defaults, so a
// consumer never looks at Defaults again. An empty field of a Number means "not managed": the tool keeps what the account has.
type Spec struct {
	Version  int               `json:"version,omitempty"`
	Defaults Defaults          `json:"defaults,omitzero"`
	Routes   map[string]Route  `json:"routes,omitempty"`  // keyed by route name
	Numbers  map[string]Number `json:"numbers,omitempty"` // keyed by 11-digit E.164 number
	Policy   Policy            `json:"policy,omitzero"`
	// E911Addresses are the emergency addresses numbers refer to by name (v2).
	E911Addresses map[string]E911Address `json:"e911_addresses,omitempty"`
	// Pools are standing declarations of numbers a team holds (pools.go): how many, how to
	// pick more, and the fields every member gets. A pool's members are the numbers whose
	// Pool names it.
	Pools map[string]Pool `json:"pools,omitempty"`
	// Retired are numbers being let go (retire.go): held on the parking route, then released
	// once Policy.RetireDays have passed since the day each was retired.
	Retired map[string]Retired `json:"retired,omitempty"`

	// Files says what each file of the spec declared, in the order read, for a summary such
	// as validate's. It is empty for a state read from the account.
	Files []FileSummary `json:"-"`

	// Warnings are the problems Load found that do not stop the spec from loading, such as a
	// callback URL that Flowroute's servers cannot reach, sorted as Errors are. A spec that
	// fails to load returns its errors alone.
	Warnings Errors `json:"-"`

	// Positions maps a path such as "routes.pbx", "numbers.12065550100",
	// "numbers.12065550100.billing_method" or "policy.max_purchases" to where it was written.
	// It is empty for a state read from the account. Use PosOf to read it.
	Positions map[string]Pos `json:"-"`
}

// FileSummary is what one file of a spec declared.
type FileSummary struct {
	File    string
	Routes  int // routes declared in the file
	Numbers int // numbers declared in the file
	// Defaults are the file's defaults: they fill the numbers of this file only.
	Defaults Defaults
	// Defaulted counts the numbers of the file that took at least one field from Defaults.
	Defaulted int
}

// Defaults fill the fields that a number of the same file leaves out. In a spec of one file,
// Spec.Defaults holds them; in a spec of several, each file's are in Spec.Files and
// Spec.Defaults is empty. Pool is never set: membership of a pool is written on each member,
// so that a review shows which numbers a pool holds (the field is here because Defaults and
// Number have the same fields).
type Defaults struct {
	Pool          string     `json:"pool,omitempty"`
	BillingMethod string     `json:"billing_method,omitempty"`
	PrimaryRoute  string     `json:"primary_route,omitempty"`
	FailoverRoute string     `json:"failover_route,omitempty"`
	Alias         string     `json:"alias,omitempty"`
	CNAMLookups   *bool      `json:"cnam_lookups,omitempty"`
	CNAM          string     `json:"cnam,omitempty"`
	E911          string     `json:"e911,omitempty"`
	Messaging     *Messaging `json:"messaging,omitempty"`
}

// Route is an inbound route. Routes cannot be changed or deleted in v1.
type Route struct {
	Type  string `json:"type"`  // HOST, PSTN or URI (SIP-REG for the built-in route)
	Value string `json:"value"` // empty for the built-in route
	// EdgeStrategy is the v2 edge strategy (PoP) id; empty means not managed.
	EdgeStrategy string `json:"edge_strategy,omitempty"`
}

// Number is a phone number the account owns or should own.
type Number struct {
	// Pool names the pool the number is a member of ("" for none); after Load the number has
	// the pool's fields that it does not set itself. It is the spec's record, not the
	// account's: a state read from the account has none.
	Pool string `json:"pool,omitempty"`

	BillingMethod string `json:"billing_method,omitempty"` // VPRI or METERED; chosen at purchase, never changed
	PrimaryRoute  string `json:"primary_route,omitempty"`
	FailoverRoute string `json:"failover_route,omitempty"`

	// The v2 fields. Empty (nil) means not managed, as for every field.
	Alias       string     `json:"alias,omitempty"`
	CNAMLookups *bool      `json:"cnam_lookups,omitempty"` // inbound caller-ID name lookups
	CNAM        string     `json:"cnam,omitempty"`         // outbound caller-ID name to present
	E911        string     `json:"e911,omitempty"`         // name of an entry of Spec.E911Addresses
	Messaging   *Messaging `json:"messaging,omitempty"`
}

// Messaging holds a number's messaging callback URLs (v2); an empty URL is not managed.
type Messaging struct {
	SMSCallback    string `json:"sms_callback,omitempty"`
	MMSCallback    string `json:"mms_callback,omitempty"`
	SMSDLRCallback string `json:"sms_dlr_callback,omitempty"`
	MMSDLRCallback string `json:"mms_dlr_callback,omitempty"`
}

// E911Address is an emergency address (v2). Every field but AddressType and
// AddressTypeNumber is required.
type E911Address struct {
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	StreetNumber      string `json:"street_number"`
	StreetName        string `json:"street_name"`
	AddressType       string `json:"address_type,omitempty"` // e.g. Suite, Apartment
	AddressTypeNumber string `json:"address_type_number,omitempty"`
	City              string `json:"city"`
	State             string `json:"state"`   // two-letter code
	Country           string `json:"country"` // US or CA
	Zip               string `json:"zip"`
}

// Policy limits what plan and apply may do.
type Policy struct {
	Unmanaged      string        `json:"unmanaged,omitempty"` // ignore, warn (default), error or release
	MaxPurchases   int           `json:"max_purchases"`       // default DefaultMaxPurchases
	MaxMonthlyCost *money.Amount `json:"max_monthly_cost,omitempty"`
	// MaxSetupCost bounds the one-time cost of a plan's purchases; nil: no limit.
	MaxSetupCost *money.Amount `json:"max_setup_cost,omitempty"`
	// MaxReleases bounds the numbers a plan releases; default 0 (none).
	MaxReleases int `json:"max_releases,omitempty"`
	// MaxUpdates bounds the numbers a plan updates; nil: no count limit.
	MaxUpdates *int `json:"max_updates,omitempty"`
	// MaxUpdatePercent bounds the share of managed numbers a plan updates, once at least
	// UpdatePercentFloor are managed; default DefaultMaxUpdatePercent.
	MaxUpdatePercent int `json:"max_update_percent,omitempty"`
	// MaxRouteDeletes bounds the routes a plan deletes (with unmanaged: release); default 0
	// (none).
	MaxRouteDeletes int `json:"max_route_deletes,omitempty"`
	// Acknowledge holds the digests ("sha256:…") of plans allowed past the spec's limits once:
	// a plan whose digest is listed is held only to the ceilings set outside the spec.
	Acknowledge []string `json:"acknowledge,omitempty"`
	// RetireDays is how many days a retired number is held before its release; 0 (left out)
	// is DefaultRetireDays. Read it with HoldDays.
	RetireDays int `json:"retire_days,omitempty"`
	// ParkingRoute is the route a retired number's calls go to while it is held; "" (left out)
	// is the built-in route. Read it with Parking.
	ParkingRoute string `json:"parking_route,omitempty"`
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

// fill returns n with the fields it leaves out taken from d, and whether any was.
func (d Defaults) fill(n Number) (Number, bool) {
	filled := false
	str := func(f *string, v string) {
		if *f == "" && v != "" {
			*f, filled = v, true
		}
	}
	str(&n.BillingMethod, d.BillingMethod)
	str(&n.PrimaryRoute, d.PrimaryRoute)
	str(&n.FailoverRoute, d.FailoverRoute)
	str(&n.Alias, d.Alias)
	str(&n.CNAM, d.CNAM)
	str(&n.E911, d.E911)
	if n.CNAMLookups == nil && d.CNAMLookups != nil {
		v := *d.CNAMLookups
		n.CNAMLookups, filled = &v, true
	}
	if d.Messaging != nil {
		m := Messaging{}
		if n.Messaging != nil {
			m = *n.Messaging
		}
		before := m
		str(&m.SMSCallback, d.Messaging.SMSCallback)
		str(&m.MMSCallback, d.Messaging.MMSCallback)
		str(&m.SMSDLRCallback, d.Messaging.SMSDLRCallback)
		str(&m.MMSDLRCallback, d.Messaging.MMSDLRCallback)
		if m != before {
			n.Messaging = &m
		}
	}
	return n, filled
}

// DefaultsOf returns the defaults of the spec file named file (as Load was given it, or as
// found in a directory given, spelled any way that cleans to the same path): the defaults that
// fill a number written into that file. It returns the zero Defaults for a file not read.
func (s *Spec) DefaultsOf(file string) Defaults {
	for _, f := range s.Files {
		if filepath.Clean(f.File) == filepath.Clean(file) {
			return f.Defaults
		}
	}
	return Defaults{}
}

// DefaultRetireDays is policy.retire_days when the spec leaves it out: a retired number is held
// this many days, and released by the first plan on or after the last of them.
const DefaultRetireDays = 30

// HoldDays is how many days a retired number is held before its release: RetireDays, or
// DefaultRetireDays.
func (p Policy) HoldDays() int { return cmp.Or(p.RetireDays, DefaultRetireDays) }

// Parking is the route a held number's calls go to: ParkingRoute, or the built-in route.
func (p Policy) Parking() string { return cmp.Or(p.ParkingRoute, BuiltinRoute) }
