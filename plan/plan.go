// Package plan reads an account into a spec.Spec, compares it with the desired spec, and
// produces a Plan: plain data that can be printed, saved to a file and applied later.
package plan

import (
	"context"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// FormatVersion is the version of the Plan's JSON form and of plan files. Readers refuse any
// other version.
const FormatVersion = 1

// Reader is the part of the account that plan reads. *flowroute.Client satisfies it, as does
// any backend (a v2 client, a test double) that can answer these calls.
type Reader interface {
	AllRoutes(ctx context.Context) ([]flowroute.Route, error)
	AllNumbers(ctx context.Context, pattern string) ([]flowroute.Number, error)
	// LookupAvailable returns the purchasable number tn, or an error matching
	// flowroute.ErrNotFound when it is not for sale.
	LookupAvailable(ctx context.Context, tn string) (*flowroute.AvailableNumber, error)
}

// Action is what a Change does. The zero value is a no-op and never appears in a Plan.
type Action string

// The actions, in the order apply runs them.
const (
	NoOp        Action = ""
	CreateRoute Action = "create_route"
	Purchase    Action = "purchase"
	SetRoutes   Action = "set_routes"
)

// Change is one action on one object.
//
// Before and After hold the object's managed fields by their spec names ("type", "value",
// "billing_method", "primary_route", "failover_route"). Before is nil for create_route and
// purchase. For set_routes, After always holds both primary_route and failover_route, because
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
// Rules it guarantees: Changes are in apply order (every create_route, then every purchase,
// then every set_routes), sorted by Key within each action; the same inputs give the same
// bytes; StateDigest identifies the account state the plan was computed from, so a saved plan
// can be refused when the account has changed since.
type Plan struct {
	FormatVersion int          `json:"format_version"`
	Changes       []Change     `json:"changes"`
	Diagnostics   []Diagnostic `json:"diagnostics"`
	Unmanaged     Unmanaged    `json:"unmanaged"`
	Cost          Cost         `json:"cost"` // totals of the purchases: one-time and monthly
	Summary       Summary      `json:"summary"`
	Policy        spec.Policy  `json:"policy"` // the limits apply checks again
	StateDigest   string       `json:"state_digest"`
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
