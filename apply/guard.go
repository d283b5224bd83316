package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// ErrRefused matches (errors.Is) every *RefusedError.
var ErrRefused = errors.New("apply refused")

// RefusedError is a plan that apply will not execute. When Run or CheckFresh returns one,
// nothing was written to the account.
type RefusedError struct {
	Reason string // what is wrong
	Hint   string // what the user can do, or ""
}

func (e *RefusedError) Error() string {
	if e.Hint == "" {
		return "apply refused: " + e.Reason
	}
	return "apply refused: " + e.Reason + "; " + e.Hint
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// check refuses a plan that must not be applied: one with error diagnostics, one that breaks
// its policy's limits, one whose changes are malformed (a hand-edited plan file), or one that
// holds a change the backend cannot carry out.
func check(p *plan.Plan, acct account.Backend) error {
	if p.HasErrors() {
		var msgs []string
		for _, d := range p.Diagnostics {
			if d.Severity == plan.Error {
				msgs = append(msgs, d.Message)
			}
		}
		return &RefusedError{Reason: "the plan has errors: " + strings.Join(msgs, "; ")}
	}
	if err := checkChanges(p.Changes, acct.Capabilities()); err != nil {
		return err
	}
	if err := checkPolicy(p); err != nil {
		return err
	}
	return checkBackend(p.Changes, acct)
}

// checkBackend refuses a change that needs a write the backend does not offer.
func checkBackend(changes []plan.Change, acct account.Backend) error {
	caps := acct.Capabilities()
	for _, c := range changes {
		if c.Action != plan.UpdateRoute {
			continue
		}
		if _, ok := acct.(account.RouteEditor); !ok || !caps.ChangeRoute {
			return &RefusedError{
				Reason: fmt.Sprintf("the plan changes route %s, and %s cannot change a route", c.Key, cmp.Or(caps.API, "the backend")),
				Hint:   "give the route another name in the spec and point the numbers at it",
			}
		}
	}
	return nil
}

// checkPolicy applies policy.max_purchases, policy.max_setup_cost and policy.max_monthly_cost to
// the purchases the plan holds, computed from its changes rather than from its summary, since
// the changes are what runs (checkChanges made sure every purchase has a believable cost).
func checkPolicy(p *plan.Plan) error {
	purchases := 0
	var monthly, setup money.Amount
	for _, c := range p.Changes {
		if c.Action != plan.Purchase {
			continue
		}
		purchases++
		monthly += c.Cost.Monthly
		setup += c.Cost.Initial
	}
	if purchases > p.Policy.MaxPurchases {
		return &RefusedError{
			Reason: fmt.Sprintf("the plan purchases %d numbers and policy.max_purchases allows %d", purchases, p.Policy.MaxPurchases),
			Hint:   "raise policy.max_purchases in the spec, or purchase fewer numbers at a time",
		}
	}
	if max := p.Policy.MaxSetupCost; max != nil && setup > *max {
		return &RefusedError{
			Reason: fmt.Sprintf("the plan's purchases cost %s one-time and policy.max_setup_cost allows %s", setup, *max),
			Hint:   "raise policy.max_setup_cost in the spec, or purchase fewer numbers",
		}
	}
	if max := p.Policy.MaxMonthlyCost; max != nil && monthly > *max {
		return &RefusedError{
			Reason: fmt.Sprintf("the plan's purchases cost %s a month and policy.max_monthly_cost allows %s", monthly, *max),
			Hint:   "raise policy.max_monthly_cost in the spec, or purchase fewer numbers",
		}
	}
	return nil
}

// checkChanges makes sure every change carries what executing it needs (a purchase its
// believable cost, and its billing method where the backend has billing methods), and that no
// object appears twice.
func checkChanges(changes []plan.Change, caps account.Capabilities) error {
	seen := make(map[string]bool, len(changes))
	for _, c := range changes {
		id := string(c.Action) + " " + c.Key
		if seen[id] {
			return &RefusedError{Reason: "the plan holds " + id + " twice"}
		}
		seen[id] = true
		var missing []string
		need := func(fields ...string) {
			for _, f := range fields {
				if c.After[f] == "" {
					missing = append(missing, f)
				}
			}
		}
		switch c.Action {
		case plan.CreateRoute, plan.UpdateRoute:
			need("type", "value")
		case plan.Purchase:
			if caps.BillingMethods {
				need("billing_method")
			}
			if err := checkCost(c); err != nil {
				return err
			}
		case plan.SetRoutes:
			need("primary_route", "failover_route")
		default:
			return &RefusedError{Reason: fmt.Sprintf("the plan holds an unknown action %q for %s", c.Action, c.Key)}
		}
		if c.Key == "" {
			return &RefusedError{Reason: fmt.Sprintf("the plan holds a %s without a key", c.Action)}
		}
		if len(missing) > 0 {
			return &RefusedError{Reason: fmt.Sprintf("%s lacks %s", id, strings.Join(missing, ", "))}
		}
	}
	return nil
}

// checkCost refuses a purchase without a cost, or with one no real number costs.
func checkCost(c plan.Change) error {
	switch {
	case c.Cost == nil:
		return &RefusedError{Reason: fmt.Sprintf("purchase %s has no cost", c.Key), Hint: "run plan again"}
	case c.Cost.Initial < 0 || c.Cost.Initial > plan.MaxSetupPrice || c.Cost.Monthly < 0 || c.Cost.Monthly > plan.MaxMonthlyPrice:
		return &RefusedError{
			Reason: fmt.Sprintf("purchase %s costs %s one-time and %s per month, a price no real number costs", c.Key, c.Cost.Initial, c.Cost.Monthly),
			Hint:   "run plan again",
		}
	}
	return nil
}

// CheckFresh re-reads the account and refuses the plan when the account has changed since the
// plan was computed (its StateDigest differs), so that a saved plan never applies to a state
// nobody reviewed.
func CheckFresh(ctx context.Context, r account.Reader, p *plan.Plan) error {
	current, err := plan.Fetch(ctx, r, nil)
	if err != nil {
		return fmt.Errorf("reading the account to check the plan is current: %w", err)
	}
	if got := plan.Digest(current); got != p.StateDigest {
		return &RefusedError{
			Reason: "the plan is stale: the account has changed since the plan was made",
			Hint:   "run plan again and review the new plan",
		}
	}
	return nil
}
