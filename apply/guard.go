package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// ErrRefused matches (errors.Is) every *RefusedError.
var ErrRefused = errors.New("apply refused")

// RefusedError is a plan that apply will not execute. When Run, CheckFresh or Recheck returns one,
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
		return &RefusedError{Reason: "the plan has errors: " + errorMessages(p)}
	}
	if err := checkChanges(p.Changes, acct.Capabilities()); err != nil {
		return err
	}
	if err := checkPolicy(p); err != nil {
		return err
	}
	return checkBackend(p.Changes, acct)
}

// checkBackend refuses a change that needs a write the backend does not offer (the table's
// Can and the executor's interface).
func checkBackend(changes []plan.Change, acct account.Backend) error {
	api := cmp.Or(acct.Capabilities().API, "the backend")
	for _, c := range changes {
		if can(acct, c.Action) {
			continue
		}
		info, _ := plan.Info(c.Action)
		hint := "use --api v2, or leave the field out of the spec"
		if c.Action == plan.UpdateRoute {
			hint = "give the route another name in the spec and point the numbers at it"
		}
		return &RefusedError{
			Reason: fmt.Sprintf("the plan holds %s %s, and %s cannot %s", c.Action, c.Key, api, info.Needs),
			Hint:   hint,
		}
	}
	return nil
}

// checkPolicy refuses a plan whose changes go beyond its policy (plan.CheckPolicy, the check plan
// makes too): counted from the changes, not from the plan's summary, since the changes are what
// runs, and with the plan's digest computed from them, never read.
func checkPolicy(p *plan.Plan) error {
	digest := plan.PlanDigest(p.Changes, p.Account)
	vs := plan.Blocking(plan.CheckPolicy(plan.TallyOf(p.Changes), p.Managed, p.Policy, p.Limits, digest))
	if len(vs) == 0 {
		return nil
	}
	return &RefusedError{Reason: vs[0].Message, Hint: vs[0].Hint}
}

// checkChanges makes sure every change is of an action of the table and carries what executing
// it needs (the table's Required and Present fields; a purchase its believable cost, and its
// billing method where the backend has billing methods), and that no object appears twice.
func checkChanges(changes []plan.Change, caps account.Capabilities) error {
	seen := make(map[string]bool, len(changes))
	for _, c := range changes {
		id := string(c.Action) + " " + c.Key
		info, known := plan.Info(c.Action)
		switch {
		case !known:
			return &RefusedError{Reason: fmt.Sprintf("the plan holds an unknown action %q for %s", c.Action, c.Key)}
		case c.Key == "":
			return &RefusedError{Reason: fmt.Sprintf("the plan holds a %s without a key", c.Action)}
		case seen[id]:
			return &RefusedError{Reason: "the plan holds " + id + " twice"}
		}
		seen[id] = true
		required, present := info.Required, info.Present
		if c.Action == plan.Purchase && caps.BillingMethods {
			required = slices.Concat(required, []string{"billing_method"})
		}
		if c.Action == plan.SetRoutes && !caps.FailoverOptional {
			required, present = slices.Concat(required, present), nil
		}
		var missing []string
		for _, f := range required {
			if c.After[f] == "" {
				missing = append(missing, f)
			}
		}
		for _, f := range present {
			if _, ok := c.After[f]; !ok {
				missing = append(missing, f)
			}
		}
		if len(missing) > 0 {
			return &RefusedError{Reason: fmt.Sprintf("%s lacks %s", id, strings.Join(missing, ", "))}
		}
		if err := checkValues(c); err != nil {
			return err
		}
	}
	return nil
}

// checkValues refuses the values a change's action cannot carry out.
func checkValues(c plan.Change) error {
	id := string(c.Action) + " " + c.Key
	switch c.Action {
	case plan.Purchase:
		return checkCost(c)
	case plan.SetCNAMLookups:
		if v := c.After["cnam_lookups"]; v != "true" && v != "false" {
			return &RefusedError{Reason: fmt.Sprintf("%s sets cnam_lookups to %q, not true or false", id, v)}
		}
	case plan.SetCallback:
		// A callback set to "" is removed (a retired number held); one not named is left.
		named, cleared := 0, 0
		for _, k := range []string{"sms_callback", "mms_callback", "sms_dlr_callback", "mms_dlr_callback"} {
			if v, ok := c.After[k]; ok {
				named++
				if v == "" {
					cleared++
				}
			}
		}
		switch {
		case named == 0:
			return &RefusedError{Reason: id + " lacks a callback"}
		case cleared > 0 && cleared < named:
			return &RefusedError{Reason: id + " both sets and removes callbacks"}
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

// CheckFresh plans desired again against the account and refuses p, the plan of desired that
// a person is about to approve, when the account has changed since p was made (the state
// digests differ): apply -f checks it after the question, since the account may change while
// the question waits. opts are those p was made with.
func CheckFresh(ctx context.Context, acct account.Reader, desired *spec.Spec, p *plan.Plan, opts plan.Options) error {
	_, err := replan(ctx, acct, desired, p.StateDigest, opts)
	return err
}

// replan plans desired against the account as it is now, and refuses the plan when the
// account's state is no longer the one with digest state.
func replan(ctx context.Context, acct account.Reader, desired *spec.Spec, state string, opts plan.Options) (*plan.Plan, error) {
	now, _, err := plan.Make(ctx, acct, desired, opts)
	if err != nil {
		return nil, fmt.Errorf("planning the spec again to check the plan is current: %w", err)
	}
	if now.StateDigest != state {
		return nil, &RefusedError{
			Reason: "the plan is stale: the account has changed since the plan was made",
			Hint:   "run plan again and review the new plan",
		}
	}
	return now, nil
}

// Recheck treats a saved plan as a commitment, not a command: it plans the spec saved beside it
// again against the account as it is now, with the inventory's prices now and the policy of
// the saved spec (lowered by opts.Limits; the plan's own copy of the policy can only lower it,
// never raise it), and
// returns that plan only when its changes equal the saved ones and the account is in the state
// the plan was made from. Anything else is a *RefusedError: an edited plan file (a purchase
// added, a key swapped, a cost changed), a stale one, or a spec that no longer plans cleanly.
// The plan returned is the one to show and run; its totals are computed, never read.
func Recheck(ctx context.Context, acct account.Reader, saved *plan.File, opts plan.Options) (*plan.Plan, error) {
	if saved == nil || saved.Spec == nil || saved.Plan == nil {
		return nil, &RefusedError{Reason: "the plan file lacks its spec or its plan"}
	}
	now, err := replan(ctx, acct, saved.Spec, saved.Plan.StateDigest, opts)
	if err != nil {
		return nil, err
	}
	if now.HasErrors() {
		return nil, &RefusedError{
			Reason: "the spec saved in the plan file does not plan cleanly now: " + errorMessages(now),
			Hint:   "run plan again and review the new plan",
		}
	}
	// The plan's copy of the policy can only refuse more (as it did before plans were
	// recomputed), never allow more: the spec's policy already applied above. Its
	// acknowledgements are not read: only the spec's lift a limit.
	withCopy := *now
	withCopy.Policy = saved.Plan.Policy
	withCopy.Policy.Acknowledge = now.Policy.Acknowledge
	if err := checkPolicy(&withCopy); err != nil {
		return nil, err
	}
	if why := differ(saved.Plan.Changes, now.Changes); why != "" {
		return nil, &RefusedError{
			Reason: "the plan file's changes are not what its spec plans now: " + why,
			Hint:   "the file was edited, or the inventory's prices changed; run plan again and review the new plan",
		}
	}
	for i := range now.Changes {
		now.Changes[i].Pos = saved.Plan.Changes[i].Pos // the saved spec has no positions; the plan has
	}
	now.Account = saved.Plan.Account // CheckAccount compares it with the account
	return now, nil
}

// differ says how the saved changes differ from those planned now, or "" when they are the
// same (positions aside: they only say where the spec declared the object).
func differ(saved, now []plan.Change) string {
	index := make(map[string]plan.Change, len(now))
	for _, c := range now {
		index[string(c.Action)+" "+c.Key] = c
	}
	for _, s := range saved {
		id := string(s.Action) + " " + s.Key
		n, ok := index[id]
		switch {
		case !ok:
			return id + " is in the plan file, and the spec does not plan it"
		case !maps.Equal(s.Before, n.Before) || !maps.Equal(s.After, n.After):
			return fmt.Sprintf("%s changes %v to %v in the plan file, the spec plans %v to %v", id, s.Before, s.After, n.Before, n.After)
		case (s.Cost == nil) != (n.Cost == nil) || (s.Cost != nil && *s.Cost != *n.Cost):
			return fmt.Sprintf("%s costs %s in the plan file and %s now", id, costPhrase(s.Cost), costPhrase(n.Cost))
		case !s.Retired.Equal(n.Retired):
			return fmt.Sprintf("%s releases a number retired %q in the plan file, and %q now", id, s.Retired, n.Retired)
		}
		delete(index, id)
	}
	for _, n := range now {
		if _, left := index[string(n.Action)+" "+n.Key]; left {
			return fmt.Sprintf("the spec plans %s %s, which the plan file lacks", n.Action, n.Key)
		}
	}
	if len(saved) != len(now) { // a change twice in the file
		return fmt.Sprintf("the plan file holds %d changes, the spec plans %d", len(saved), len(now))
	}
	for i := range saved {
		if saved[i].Action != now[i].Action || saved[i].Key != now[i].Key {
			return "the plan file's changes are out of order"
		}
	}
	return ""
}

func costPhrase(c *plan.Cost) string {
	if c == nil {
		return "nothing"
	}
	return fmt.Sprintf("%s one-time and %s per month", c.Initial, c.Monthly)
}

// CheckAccount refuses a saved plan made for another account or endpoint than id, or one that
// does not say which account it was made for, naming both accounts: a plan reviewed against
// the sandbox must never apply to production, nor one account's plan to another with the
// same state.
func CheckAccount(p *plan.Plan, id account.Identity) error {
	switch {
	case p.Account == nil:
		return &RefusedError{
			Reason: "the plan file does not say which account it was made for (this apply runs against " + id.String() + ")",
			Hint:   "run plan --out again against this account",
		}
	case *p.Account != id:
		return &RefusedError{
			Reason: fmt.Sprintf("the plan was made for %s, and this apply runs against %s", p.Account, id),
			Hint:   "apply it with the flags and keys that chose its account, or run plan again against this one",
		}
	}
	return nil
}

// CheckDigest refuses a plan whose digest is not the one a person reviewed: the changes it
// would make are not those the review approved (the account or the spec changed since), or it
// is for another account. An empty expected digest checks nothing. The digest is computed
// from the plan's changes and account, never read.
func CheckDigest(p *plan.Plan, expected string) error {
	if expected == "" {
		return nil
	}
	got := plan.PlanDigest(p.Changes, p.Account)
	if got == expected {
		return nil
	}
	what := "its changes differ from the reviewed plan's"
	if p.Empty() {
		what = "it changes nothing, and the reviewed plan changed something"
	}
	return &RefusedError{
		Reason: fmt.Sprintf("the plan computed now has digest %s, not the reviewed %s: %s (the account, or the spec on this branch, changed after the review); nothing was changed", got, expected, what),
		Hint:   "plan the pull request again, review the new plan, and apply its digest",
	}
}

// errorMessages joins the messages of the plan's error diagnostics, for a refusal.
func errorMessages(p *plan.Plan) string {
	var msgs []string
	for _, d := range p.Diagnostics {
		if d.Severity == plan.Error {
			msgs = append(msgs, d.Message)
		}
	}
	return strings.Join(msgs, "; ")
}
