// Package plan reads an account into a spec.Spec, compares it with the desired spec, and
// produces a Plan: plain data that can be printed, saved to a file and applied later.
//
// It is a package of the flowroute-numbers tool, not a library: its API may change in any
// release (the public library is flowroute/v1, flowroute/v2 and flowroute/sandbox; see
// ARCHITECTURE.md).
package plan

import (
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// FormatVersion is the version of the Plan's JSON form and of plan files. Readers refuse any
// other version.
const FormatVersion = 1

// Options tune Make and Compute. The zero value plans with no capability at all beyond the
// three writes every backend has; Make fills Capabilities from the account it reads.
type Options struct {
	// Capabilities are what the backend can do; Compute turns what it cannot into error
	// diagnostics. Make sets them from the Reader.
	Capabilities account.Capabilities
	// Limits are ceilings set outside the spec (the command line): they can only lower what
	// the spec's policy allows.
	Limits Limits
	// Progress, when not nil, receives Make's paging progress.
	Progress Progress
	// Account is the account the plan is for: recorded in the plan (Plan.Account), and part
	// of its digest.
	Account *account.Identity
	// Today is the day the plan takes as today: a retired number is released on or after its
	// release day. Make sets it to the local day when it is zero; Compute with a zero Today
	// releases no retired number.
	Today spec.Date
	// Picks are the numbers picked for the pools short of their count (PickPools), which the
	// plan names in its warnings; Make sets them from the reader when it can search.
	Picks PoolPicks
}

// Limits are ceilings on a plan that the spec cannot raise: CI sets them on the command line
// (--max-purchases, ...) so that a pull request editing the spec cannot buy, update or release
// more than they allow. nil is no ceiling.
type Limits struct {
	MaxPurchases    *int `json:"max_purchases,omitempty"`
	MaxUpdates      *int `json:"max_updates,omitempty"`
	MaxReleases     *int `json:"max_releases,omitempty"`
	MaxRouteDeletes *int `json:"max_route_deletes,omitempty"`
}

// Action is what a Change does. The zero value is a no-op and never appears in a Plan.
type Action string

// The actions. Their table (actions.go) says, for each, its place in apply order, what it needs
// of the backend, what it waits for, how it counts against the policy and how it is shown.
const (
	NoOp        Action = ""
	CreateRoute Action = "create_route"
	// UpdateRoute changes a route's managed fields in place; only on a backend with
	// account.Capabilities.ChangeRoute.
	UpdateRoute Action = "update_route"
	// CreateCNAM creates a caller-ID name record (Key: the name). Flowroute approves it
	// later; until then no number can present it.
	CreateCNAM Action = "create_cnam"
	// CreateE911 and UpdateE911 create or change an emergency address (Key: its name in
	// e911_addresses, the address's label on the account).
	CreateE911 Action = "create_e911"
	UpdateE911 Action = "update_e911"
	Purchase   Action = "purchase"
	SetRoutes  Action = "set_routes"
	// SetAlias, SetCNAMLookups, SetCNAM, SetE911 and SetCallback set one field of a number
	// (SetCallback: the messaging callbacks that differ). SetE911 with an empty "e911"
	// disconnects the number's address, before its release.
	SetAlias       Action = "set_alias"
	SetCNAMLookups Action = "set_cnam_lookups"
	SetCNAM        Action = "set_cnam"
	SetE911        Action = "set_e911"
	SetCallback    Action = "set_callback"
	// Release gives a number back to Flowroute: an unmanaged one only with policy.unmanaged:
	// release, a retired one once its hold is over; either up to policy.max_releases. A
	// released number may be gone for good.
	Release Action = "release"
	// DeleteRoute deletes an unmanaged route no number uses, under the same opt-in.
	DeleteRoute Action = "delete_route"
)

// Change is one action on one object.
//
// Before and After hold the object's managed fields by their spec names ("type", "value",
// "billing_method", "primary_route", "failover_route", "edge_strategy", "alias",
// "cnam_lookups" ("true"/"false"), "cnam", "e911", "sms_callback", ..., and an E911 address's
// "first_name", ...). Before is nil for create_route, create_cnam, create_e911 and purchase.
// For update_route, Before and After hold the route's type and value (and edge strategy when
// managed), a field the spec does not manage keeping its current value. For set_routes, After
// always holds both primary_route and failover_route, because v1 sets the two together; a
// field the spec does not manage keeps its current value (failover_route may be "" where
// numbers can have none). set_callback holds only the callbacks that change. A release has
// Before only (what the number had) and an empty After.
type Change struct {
	Action Action            `json:"action"`
	Key    string            `json:"key"` // route name, number, CNAM value or E911 address name
	Before map[string]string `json:"before,omitempty"`
	After  map[string]string `json:"after"`
	// Cost is what a purchase costs, or, for a release, the monthly cost it stops (nil when
	// the backend does not say).
	Cost *Cost    `json:"cost,omitempty"`
	Pos  spec.Pos `json:"pos,omitzero"` // where the spec declares the object
	// Note says what a reviewer should know about the change ("pending until Flowroute
	// approves it"). It is not part of what apply compares.
	Note string `json:"note,omitempty"`
	// Affected are the numbers that a change of a shared object changes with it (the numbers
	// an updated route or E911 address serves), sorted; they count as updated numbers against
	// the policy's limits.
	Affected []string `json:"affected,omitempty"`
	// Retired, on a release, is the day the spec retired the number (retired:): the release
	// is the end of its hold, which needs policy.max_releases but not policy.unmanaged:
	// release. Zero on every other change.
	Retired spec.Date `json:"retired,omitzero"`
}

// Cost is what a purchase costs, from the inventory at plan time. For a plan's totals,
// Released is the monthly cost its releases stop (those whose cost is known).
type Cost struct {
	Initial  money.Amount `json:"initial"`
	Monthly  money.Amount `json:"monthly"`
	Released money.Amount `json:"released_monthly,omitzero"`
}

// Severity of a Diagnostic.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	// Note is information, such as a CNAM record awaiting approval; never a problem.
	Note Severity = "note"
)

// Diagnostic is a problem found while planning. Any error makes the plan unappliable.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Pos      spec.Pos `json:"pos,omitzero"`
	Key      string   `json:"key,omitempty"` // the route or number concerned
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"` // what the user can do instead
}

// Unmanaged lists what the account has and the spec does not name, and the plan leaves as it
// is. (What policy.unmanaged: release gives back is in the plan's release changes instead.)
// E911 addresses are listed only when the spec declares e911_addresses.
type Unmanaged struct {
	Routes        []string `json:"routes,omitempty"`
	Numbers       []string `json:"numbers,omitempty"`
	E911Addresses []string `json:"e911_addresses,omitempty"`
}

// Phrase says what is unmanaged: "3 numbers and 1 route" (and "2 E911 addresses").
func (u Unmanaged) Phrase() string {
	return unmanagedPhrase(len(u.Numbers), len(u.Routes), len(u.E911Addresses))
}

// Summary counts the changes by kind. NumbersToUpdate counts numbers (purchased ones
// included) with at least one update action, not the actions.
type Summary struct {
	RoutesToCreate    int `json:"routes_to_create"`
	NumbersToPurchase int `json:"numbers_to_purchase"`
	NumbersToUpdate   int `json:"numbers_to_update"`
	RoutesToUpdate    int `json:"routes_to_update,omitempty"`
	CNAMsToCreate     int `json:"cnams_to_create,omitempty"`
	E911ToCreate      int `json:"e911_to_create,omitempty"`
	E911ToUpdate      int `json:"e911_to_update,omitempty"`
	NumbersToRelease  int `json:"numbers_to_release,omitempty"`
	RoutesToDelete    int `json:"routes_to_delete,omitempty"`
}

// Of is the count of s that the changes of action a add to: every update of a number adds to
// NumbersToUpdate. 0 for an action the table of actions does not hold.
func (s Summary) Of(a Action) int {
	if info, ok := Info(a); ok && info.summary != nil {
		return *info.summary(&s)
	}
	return 0
}

// ReleaseWarning is the line every renderer shows beside a plan's releases.
const ReleaseWarning = "A released number may be gone for good: Flowroute returns it to the inventory, and anyone may buy it."

// Releases is what a plan gives back, shown first by every renderer: the numbers released,
// the routes deleted, the monthly cost the releases stop, and ReleaseWarning.
type Releases struct {
	Numbers []string     `json:"numbers,omitempty"`
	Routes  []string     `json:"routes,omitempty"`
	Monthly money.Amount `json:"monthly"`
	// UnknownCost counts the released numbers whose monthly cost the backend did not say.
	UnknownCost int    `json:"unknown_cost,omitempty"`
	Warning     string `json:"warning"`
}

// ReleasesOf gathers the releases and route deletions of changes; nil when there are none.
func ReleasesOf(changes []Change) *Releases {
	var r Releases
	for _, ch := range changes {
		switch ch.Action {
		case Release:
			r.Numbers = append(r.Numbers, ch.Key)
			if ch.Cost != nil {
				r.Monthly += ch.Cost.Monthly
			} else {
				r.UnknownCost++
			}
		case DeleteRoute:
			r.Routes = append(r.Routes, ch.Key)
		}
	}
	if len(r.Numbers)+len(r.Routes) == 0 {
		return nil
	}
	r.Warning = ReleaseWarning
	return &r
}

// Plan is the difference between a desired spec and the account, as data.
//
// Rules it guarantees: Changes are in apply order (the order of the table of actions, Actions),
// sorted by Key within each action; the same
// inputs give the same bytes; StateDigest identifies the account state the plan was computed from, so a saved plan
// can be refused when the account has changed since.
type Plan struct {
	FormatVersion int `json:"format_version"`
	// Digest identifies the plan: its changes and its account (PlanDigest). A reviewer
	// approves a digest; apply --expect-digest and policy.acknowledge name one. Computed,
	// never read from a file. For a plan beyond its limits it is the digest of the whole plan,
	// releases and deletions included, which is what an acknowledgement names.
	Digest string `json:"digest,omitempty"`
	// Releases, first so that nobody misses them, gathers the release changes (computed
	// from Changes by ReleasesOf; never read from a file).
	Releases    *Releases    `json:"releases,omitempty"`
	Changes     []Change     `json:"changes"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	Unmanaged   Unmanaged    `json:"unmanaged"`
	Cost        Cost         `json:"cost"` // totals of the purchases: one-time and monthly
	Summary     Summary      `json:"summary"`
	// Policy is the spec's policy lowered by Options.Limits: the limits apply checks again.
	// A saved plan's copy is never trusted: apply recomputes the plan from the saved spec.
	Policy spec.Policy `json:"policy"`
	// Limits are the ceilings set outside the spec when the plan was made: no acknowledgement
	// in the spec lifts them.
	Limits Limits `json:"limits,omitzero"`
	// Managed counts the numbers the spec manages that the account owns: the base of
	// policy.max_update_percent.
	Managed     int    `json:"managed_numbers"`
	StateDigest string `json:"state_digest"`
	// Account is the account the plan was made for (set by the caller that knows it); apply
	// refuses a saved plan made for another.
	Account *account.Identity `json:"account,omitempty"`
}

// HasErrors reports whether any diagnostic is an error; such a plan is never applied.
func (p *Plan) HasErrors() bool {
	for _, d := range p.Diagnostics {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 }
