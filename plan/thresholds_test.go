package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// rerouting returns a desired spec of managed owned numbers, the first updated of which are
// pointed at route pbx, and the account it is planned against.
func rerouting(managed, updated int) (desired, current *spec.Spec) {
	want, have := map[string]spec.Number{}, map[string]spec.Number{}
	for i := range managed {
		tn := fmt.Sprintf("1206555%04d", i)
		have[tn] = metered("sip-reg", "sip-reg")
		want[tn] = metered("sip-reg", "sip-reg")
		if i < updated {
			want[tn] = metered("pbx", "sip-reg")
		}
	}
	return desiredSpec(map[string]spec.Route{"pbx": host}, want), onAccount(map[string]spec.Route{"pbx": host}, have)
}

func intp(n int) *int { return &n }

func TestComputeUpdateThresholds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		managed, updated int
		edit             func(*spec.Policy)
		limits           Limits
		want             []string
	}{
		{name: "30% of 20 is allowed", managed: 20, updated: 6},
		{name: "35% of 20 is not", managed: 20, updated: 7,
			want: []string{"the plan updates 7 of the 20 managed numbers (35%); policy.max_update_percent allows 30%"}},
		{name: "below the floor every number may change", managed: spec.UpdatePercentFloor - 1, updated: spec.UpdatePercentFloor - 1},
		{name: "the spec raises the percentage", managed: 20, updated: 20, edit: func(p *spec.Policy) { p.MaxUpdatePercent = 100 }},
		{name: "max_updates", managed: 5, updated: 3, edit: func(p *spec.Policy) { p.MaxUpdates = intp(2) },
			want: []string{"the plan updates 3 numbers; policy.max_updates allows 2"}},
		{name: "--max-updates lowers the spec's", managed: 5, updated: 3, edit: func(p *spec.Policy) { p.MaxUpdates = intp(5) }, limits: Limits{MaxUpdates: intp(1)},
			want: []string{"the plan updates 3 numbers; --max-updates allows 1"}},
		{name: "--max-updates without a spec limit", managed: 5, updated: 3, limits: Limits{MaxUpdates: intp(2)},
			want: []string{"the plan updates 3 numbers; --max-updates allows 2"}},
		{name: "--max-updates never raises the spec's", managed: 5, updated: 3, edit: func(p *spec.Policy) { p.MaxUpdates = intp(2) }, limits: Limits{MaxUpdates: intp(50)},
			want: []string{"the plan updates 3 numbers; policy.max_updates allows 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			desired, current := rerouting(tc.managed, tc.updated)
			if tc.edit != nil {
				tc.edit(&desired.Policy)
			}
			p := Compute(desired, current, nil, Options{Capabilities: v1Like, Limits: tc.limits})
			if got := errorsOf(p); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("errors %q, want %q", got, tc.want)
			}
			if p.Summary.NumbersToUpdate != tc.updated {
				t.Errorf("%d updates planned, want %d", p.Summary.NumbersToUpdate, tc.updated)
			}
		})
	}
}

func TestComputeMaxPurchasesCeiling(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(nil, map[string]spec.Number{tnB: {}, tnC: {}})
	inv := inventory(forSale(tnB, "1", "1", "METERED"), forSale(tnC, "1", "1", "METERED"))
	p := Compute(desired, onAccount(nil, nil), inv, Options{Capabilities: v1Like, Limits: Limits{MaxPurchases: intp(1)}})
	if got := errorsOf(p); len(got) != 1 || got[0] != "the spec buys 2 numbers; --max-purchases allows 1" {
		t.Errorf("errors %q", got)
	}
	if p.Policy.MaxPurchases != 1 {
		t.Errorf("the plan's policy allows %d purchases, want the ceiling 1 for apply to check again", p.Policy.MaxPurchases)
	}
	// A spec change cannot raise the command line's ceiling, so the hint must not say to.
	if h := p.Diagnostics[0].Hint; !strings.Contains(h, "--max-purchases (or FLOWROUTE_MAX_PURCHASES)") || strings.Contains(h, "raise policy") {
		t.Errorf("hint %q: want it to name the ceiling, not policy.max_purchases", h)
	}
	desired.Policy.MaxPurchases = 1
	p = Compute(desired, onAccount(nil, nil), inv, Options{Capabilities: v1Like, Limits: Limits{MaxPurchases: intp(5)}})
	if got := errorsOf(p); len(got) != 1 || got[0] != "the spec buys 2 numbers; policy.max_purchases allows 1" {
		t.Errorf("a ceiling above the spec's limit: errors %q", got)
	}
}
