package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Tally is what a plan's changes do that the policy limits, counted by the table of actions
// (ActionInfo.Counts).
type Tally struct {
	Purchases      int
	Setup, Monthly money.Amount // what the purchases cost once and a month
	// Updated are the numbers the plan changes: those with a change of their own, and those a
	// changed route or E911 address serves; a number bought or released is not updated.
	Updated  int
	Releases int
	// Unretired counts the releases of numbers that were not retired (Change.Retired): they
	// need policy.unmanaged: release. A retired number's release needs only max_releases.
	Unretired    int
	RouteDeletes int
}

// TallyOf counts changes against the policy. Purchases without a cost add nothing to the
// costs (apply refuses such a purchase on its own).
func TallyOf(changes []Change) Tally {
	var t Tally
	gone := map[string]bool{} // numbers bought or released: their other changes are no updates
	for _, ch := range changes {
		switch info, _ := Info(ch.Action); info.Counts {
		case CountsPurchase:
			t.Purchases++
			gone[ch.Key] = true
			if ch.Cost != nil {
				t.Setup += ch.Cost.Initial
				t.Monthly += ch.Cost.Monthly
			}
		case CountsRelease:
			t.Releases++
			if ch.Retired.IsZero() {
				t.Unretired++
			}
			gone[ch.Key] = true
		case CountsRouteDelete:
			t.RouteDeletes++
		}
	}
	updated := map[string]bool{}
	for _, ch := range changes {
		switch info, _ := Info(ch.Action); info.Counts {
		case CountsUpdate:
			if !gone[ch.Key] {
				updated[ch.Key] = true
			}
		case CountsReach:
			for _, tn := range ch.Affected {
				if !gone[tn] {
					updated[tn] = true
				}
			}
		}
	}
	t.Updated = len(updated)
	return t
}

// Violation is one limit of the policy that a plan goes beyond.
type Violation struct {
	// Field is the policy's field: "max_purchases".
	Field   string
	Message string
	Hint    string
	// Ceiling reports that the limit broken is one set outside the spec (Limits): nothing in
	// the spec lifts it, no acknowledgement either.
	Ceiling bool
	// Acknowledged reports that the spec's policy.acknowledge lists the plan's digest, which
	// lifts this limit for that plan alone: the violation is shown, and does not stop it.
	Acknowledged bool
}

// Blocking returns the violations that stop a plan: all but the acknowledged ones.
func Blocking(vs []Violation) []Violation {
	return slices.DeleteFunc(slices.Clone(vs), func(v Violation) bool { return v.Acknowledged })
}

// CheckPolicy is the one policy check: it decides, for plan and for apply alike, which limits a
// plan's tally goes beyond. pol is the spec's policy (a saved plan's may be lowered further),
// lim the ceilings set outside the spec, managed the number of managed numbers the account
// owns (for max_update_percent), digest the plan's digest. A limit of pol is acknowledged when
// pol.Acknowledge lists digest; a ceiling never is. Releases need policy.unmanaged: release,
// which no acknowledgement replaces, except those of retired numbers, which the spec let go
// deliberately; every release counts against max_releases.
func CheckPolicy(t Tally, managed int, pol spec.Policy, lim Limits, digest string) []Violation {
	acked := digest != "" && slices.Contains(pol.Acknowledge, digest)
	var out []Violation
	add := func(v Violation) {
		v.Acknowledged = acked && !v.Ceiling
		out = append(out, v)
	}
	if t.Unretired > 0 && pol.Unmanaged != spec.UnmanagedRelease {
		out = append(out, Violation{Field: "unmanaged",
			Message: fmt.Sprintf("the plan releases %s that the spec did not retire, and its policy.unmanaged is not release", plural(t.Unretired, "number", "numbers")),
			Hint:    "only a spec with policy.unmanaged: release releases numbers; run plan again"})
	}
	// count checks one count against the spec's limit and the ceiling; hint is what to do
	// about the spec's limit, smaller how to stay under a ceiling.
	count := func(field string, n int, specLimit, ceiling *int, hint, smaller string, message func(n int, src string, limit int) string) {
		if ceiling != nil && n > *ceiling && (specLimit == nil || *ceiling <= *specLimit) {
			src := "--" + strings.ReplaceAll(field, "_", "-")
			add(Violation{Field: field, Ceiling: true, Message: message(n, src, *ceiling), Hint: flagLimitHint(src, smaller)})
			return
		}
		if specLimit != nil && n > *specLimit {
			add(Violation{Field: field, Message: message(n, "policy."+field, *specLimit), Hint: hint})
		}
	}
	count("max_purchases", t.Purchases, &pol.MaxPurchases, lim.MaxPurchases,
		"raise policy.max_purchases, or buy the numbers in smaller steps", "buy the numbers in smaller steps",
		func(n int, src string, limit int) string {
			return fmt.Sprintf("the spec buys %s; %s allows %d", plural(n, "number", "numbers"), src, limit)
		})
	count("max_releases", t.Releases, &pol.MaxReleases, lim.MaxReleases,
		"add the numbers to keep to the spec; raise policy.max_releases only if every one of them is to go (a released number may be gone for good)",
		"add the numbers to keep to the spec",
		func(n int, src string, limit int) string {
			return fmt.Sprintf("the plan would release %s; %s allows %d, so it releases none", plural(n, "number", "numbers"), src, limit)
		})
	count("max_route_deletes", t.RouteDeletes, &pol.MaxRouteDeletes, lim.MaxRouteDeletes,
		"add the routes to keep to the spec; raise policy.max_route_deletes only if every one of them is to go",
		"add the routes to keep to the spec",
		func(n int, src string, limit int) string {
			return fmt.Sprintf("the plan would delete %s; %s allows %d, so it deletes none", plural(n, "route", "routes"), src, limit)
		})
	count("max_updates", t.Updated, pol.MaxUpdates, lim.MaxUpdates,
		"raise policy.max_updates if so many updates are meant, or update the numbers in smaller steps", "update the numbers in smaller steps",
		func(n int, src string, limit int) string {
			return fmt.Sprintf("the plan updates %s; %s allows %d", plural(n, "number", "numbers"), src, limit)
		})
	pct := cmp.Or(pol.MaxUpdatePercent, spec.DefaultMaxUpdatePercent)
	if managed >= spec.UpdatePercentFloor && t.Updated*100 > pct*managed {
		add(Violation{Field: "max_update_percent",
			Message: fmt.Sprintf("the plan updates %d of the %d managed numbers (%d%%); policy.max_update_percent allows %d%%", t.Updated, managed, t.Updated*100/managed, pct),
			Hint:    "raise policy.max_update_percent if so many updates are meant, or update the numbers in smaller steps"})
	}
	if max := pol.MaxSetupCost; max != nil && t.Setup > *max {
		add(Violation{Field: "max_setup_cost",
			Message: fmt.Sprintf("the purchases cost %s one-time; policy.max_setup_cost allows %s", t.Setup, *max),
			Hint:    "raise policy.max_setup_cost, or buy fewer numbers"})
	}
	if max := pol.MaxMonthlyCost; max != nil && t.Monthly > *max {
		add(Violation{Field: "max_monthly_cost",
			Message: fmt.Sprintf("the purchases cost %s per month; policy.max_monthly_cost allows %s", t.Monthly, *max),
			Hint:    "raise policy.max_monthly_cost, or buy fewer numbers"})
	}
	return out
}

// flagLimitHint is the hint of a limit's error when the command line's ceiling (flag, a
// --max-… name, and its environment variable) is what binds: the spec cannot raise it.
func flagLimitHint(flag, smaller string) string {
	env := "FLOWROUTE_" + strings.ToUpper(strings.ReplaceAll(strings.TrimPrefix(flag, "--"), "-", "_"))
	return fmt.Sprintf("%s (or %s) is a ceiling set outside the spec, which the spec cannot raise: %s, or ask whoever sets it", flag, env, smaller)
}

// AcknowledgeHint says how to let exactly the plan with digest past the spec's limits once.
func AcknowledgeHint(digest string) string {
	return fmt.Sprintf("or, to let exactly this plan through once, add its digest to the spec and have it reviewed with the change: policy.acknowledge: [%q]", digest)
}
