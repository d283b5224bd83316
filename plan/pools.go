package plan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// PoolPick is what PickPools chose for one pool short of its count: the numbers `add --pool`
// would pin, or, when fewer match, those there are and why.
type PoolPick struct {
	Offers []account.Offer // in the order they are taken: the cheapest a month first
	// Short, when fewer numbers match than the pool lacks, says so and what to relax.
	Short string
}

// PoolPicks are the picks of the pools short of their count, by pool name.
type PoolPicks map[string]PoolPick

// PickPools picks, for each pool of desired short of its count, in name order, the numbers
// `add --pool` would pin: numbers for sale matching the pool's search (pick.ForPool) that the
// spec does not name, the account does not own (current) and no earlier pool picked. A pool
// whose search the backend cannot run is left out (the plan reports it).
func PickPools(ctx context.Context, s account.Searcher, caps account.Capabilities, desired, current *spec.Spec) (PoolPicks, error) {
	if len(desired.Pools) == 0 {
		return nil, nil
	}
	members := desired.Members()
	picks := PoolPicks{}
	picked := map[string]bool{}
	taken := func(tn string) bool {
		_, owned := current.Numbers[tn]
		return desired.Names(tn) || owned || picked[tn]
	}
	for _, name := range sortedKeys(desired.Pools) {
		p := desired.Pools[name]
		lack := p.Count - len(members[name])
		if lack <= 0 || searchProblem(p.Search, caps) != "" {
			continue
		}
		res, err := pick.Pick(ctx, s, pick.ForPool(desired, name, caps.BillingMethods), lack, taken)
		var short *pick.ShortError
		switch {
		case errors.As(err, &short):
			picks[name] = PoolPick{Offers: res.Offers, Short: short.Summary() + ". " + short.Hint()}
		case err != nil:
			return nil, fmt.Errorf("picking numbers for pool %s: %w", name, err)
		default:
			picks[name] = PoolPick{Offers: res.Offers}
		}
		for _, o := range res.Offers {
			picked[o.TN] = true
		}
	}
	return picks, nil
}

// searchProblem names the field of a pool's search the backend cannot search by, or "".
func searchProblem(q spec.PoolSearch, caps account.Capabilities) string {
	if q.StartsWith != "" && !caps.SearchStartsWith {
		return "starts_with"
	}
	return ""
}

// shownPicks is the most picks a warning names one by one.
const shownPicks = 10

// pools reports each pool short of its count (naming what `add --pool` would pin, from
// Options.Picks) or beyond it (naming the surplus), and a search the backend cannot run.
func (c *computer) pools() {
	if len(c.desired.Pools) == 0 {
		return
	}
	members := c.desired.Members()
	for _, name := range sortedKeys(c.desired.Pools) {
		p, have := c.desired.Pools[name], members[name]
		pos := c.desired.PosOf("pools", name)
		if field := searchProblem(p.Search, c.caps); field != "" {
			c.diag(Error, name, c.desired.PosOf("pools", name, "search", field),
				"search by npa (and nxx) or contains instead, or use --api v2",
				"pool %s searches by %s, which %s cannot search by", name, field, c.api())
			continue
		}
		switch {
		case len(have) < p.Count:
			c.poolShort(name, p, have, pos)
		case len(have) > p.Count:
			c.poolSurplus(name, p, have, pos)
		}
	}
}

// poolShort warns that pool name has fewer members than its count, naming the picks.
func (c *computer) poolShort(name string, p spec.Pool, have []string, pos spec.Pos) {
	lack := p.Count - len(have)
	fix := fmt.Sprintf("`flowroute-numbers add --pool %s` with this plan's -f files pins them, and the next plan buys them", name)
	what := fmt.Sprintf("pool %s has %d of its %d numbers", name, len(have), p.Count)
	pk, ok := c.picks[name]
	switch {
	case !ok:
		c.diag(Warning, name, pos, fmt.Sprintf("`flowroute-numbers add --pool %s` with this plan's -f files picks %s by its search and pins them", name, plural(lack, "number", "numbers")),
			"%s: %d short", what, lack)
	case len(pk.Offers) == 0:
		c.diag(Warning, name, pos, "relax the pool's search, or lower its count", "%s, and %s", what, lowerFirst(pk.Short))
	default:
		var setup, monthly money.Amount
		names := make([]string, 0, min(len(pk.Offers), shownPicks))
		for i, o := range pk.Offers {
			setup += o.SetupCost
			monthly += o.MonthlyCost
			if i < shownPicks {
				names = append(names, fmt.Sprintf("%s (%s + %s/month)", o.TN, o.SetupCost, o.MonthlyCost))
			}
		}
		list := strings.Join(names, ", ")
		if more := len(pk.Offers) - len(names); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		msg := fmt.Sprintf("%s: add --pool would pick %s: %s; %s one-time, %s a month", what, plural(len(pk.Offers), "number", "numbers"), list, setup, monthly)
		if pk.Short != "" {
			msg += " (" + lowerFirst(strings.TrimSuffix(pk.Short, ".")) + ")"
		}
		c.diag(Warning, name, pos, fix, "%s", msg)
	}
}

// poolSurplus warns that pool name has more members than its count, naming the surplus: the
// members the account does not own yet first (not buying them costs nothing), then the highest
// numbers.
func (c *computer) poolSurplus(name string, p spec.Pool, have []string, pos spec.Pos) {
	order := slices.Clone(have)
	slices.SortFunc(order, func(a, b string) int {
		_, ownA := c.current.Numbers[a]
		_, ownB := c.current.Numbers[b]
		if ownA != ownB {
			if ownB {
				return -1
			}
			return 1
		}
		return strings.Compare(b, a)
	})
	surplus := order[:len(have)-p.Count]
	slices.Sort(surplus)
	c.diag(Warning, name, pos,
		fmt.Sprintf("raise count to %d, or let the surplus go: delete the entries of numbers not yet bought, and `flowroute-numbers retire` the others", len(have)),
		"pool %s has %d numbers, %d more than its count %d: %s", name, len(have), len(surplus), p.Count, strings.Join(surplus, ", "))
}

// lowerFirst lowers the first letter of a sentence to continue another.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
