// Package plan reads an account into a spec.Spec, compares it with the desired spec, and
// produces a Plan: plain data that can be printed, saved to a file and applied later.
package plan

import (
	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
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
}

// Limits are ceilings on a plan that the spec cannot raise: CI sets them on the command line
// (--max-purchases, ...) so that a pull request editing the spec cannot buy, update or release
// more than they allow. nil is no ceiling.
type Limits struct {
	MaxPurchases *int
	MaxUpdates   *int
	MaxReleases  *int
}

// Action is what a Change does. The zero value is a no-op and never appears in a Plan.
type Action string

// The actions, in the order apply runs them.
const (
	NoOp        Action = ""
	CreateRoute Action = "create_route"
	Purchase    Action = "purchase"
	SetRoutes   Action = "set_routes"
	// UpdateRoute changes a route's managed fields in place; only on a backend with
	// account.Capabilities.ChangeRoute.
	UpdateRoute Action = "update_route"
)

// Change is one action on one object.
//
// Before and After hold the object's managed fields by their spec names ("type", "value",
// "billing_method", "primary_route", "failover_route", "edge_strategy"). Before is nil for
// create_route and purchase. For update_route, Before and After hold the route's type and value
// (and edge strategy when managed), a field the spec does not manage keeping its current value. For set_routes, After always holds both primary_route and failover_route, because
// v1 sets the two together; a field the spec does not manage keeps its current value.
type Change struct {
	Action Action            `json:"action"`
	Key    string            `json:"key"` // route name or number
	Before map[string]string `json:"before,omitempty"`
	After  map[string]string `json:"after"`
	Cost   *Cost             `json:"cost,omitempty"` // purchase only
	Pos    spec.Pos          `json:"pos,omitzero"`   // where the spec declares the object
}

// Cost is what a purchase costs, from the inventory at plan time.
type Cost struct {
	Initial money.Amount `json:"initial"`
	Monthly money.Amount `json:"monthly"`
}

// Severity of a Diagnostic.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is a problem found while planning. Any error makes the plan unappliable.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Pos      spec.Pos `json:"pos,omitzero"`
	Key      string   `json:"key,omitempty"` // the route or number concerned
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"` // what the user can do instead
}

// Unmanaged lists what the account has and the spec does not name. It is never deleted.
type Unmanaged struct {
	Routes  []string `json:"routes,omitempty"`
	Numbers []string `json:"numbers,omitempty"`
}

// Summary counts the changes by kind.
type Summary struct {
	RoutesToCreate    int `json:"routes_to_create"`
	NumbersToPurchase int `json:"numbers_to_purchase"`
	NumbersToUpdate   int `json:"numbers_to_update"`
}

// Plan is the difference between a desired spec and the account, as data.
//
// Rules it guarantees: Changes are in apply order (every create_route and update_route, then
// every purchase, then every set_routes), sorted by Key within each action; the same inputs give the same
// bytes; StateDigest identifies the account state the plan was computed from, so a saved plan
// can be refused when the account has changed since.
type Plan struct {
	FormatVersion int          `json:"format_version"`
	Changes       []Change     `json:"changes"`
	Diagnostics   []Diagnostic `json:"diagnostics"`
	Unmanaged     Unmanaged    `json:"unmanaged"`
	Cost          Cost         `json:"cost"` // totals of the purchases: one-time and monthly
	Summary       Summary      `json:"summary"`
	// Policy is the spec's policy lowered by Options.Limits: the limits apply checks again.
	// A saved plan's copy is never trusted: apply recomputes the plan from the saved spec.
	Policy      spec.Policy `json:"policy"`
	StateDigest string      `json:"state_digest"`
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
