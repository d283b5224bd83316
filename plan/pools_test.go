package plan

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// searcher is an inventory to search: its offers, filtered by NPA only.
type searcher struct {
	offers []account.Offer
	err    error
}

func (s searcher) Search(_ context.Context, q account.SearchQuery, max int) ([]account.Offer, error) {
	var out []account.Offer
	for _, o := range s.offers {
		if q.NPA == "" || o.TN[1:4] == q.NPA {
			out = append(out, o)
		}
	}
	return out, s.err
}

func poolSpec(t *testing.T, pools string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("numbers.yaml", []byte(`routes:
  pbx: {type: HOST, value: "1.2.3.4"}
pools:
`+pools+`numbers:
  "12065550100": {pool: support}
  "12065550101": {pool: support}
  "13125550100": {primary_route: pbx}
`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var poolInventory = searcher{offers: []account.Offer{
	forSale("12065550150", "0.00", "1.25"),
	forSale("12065550140", "0.00", "1.00"),
	forSale("12065550130", "1.00", "1.00"),
	forSale("12065550120", "0.00", "1.00"),
	forSale("12065550101", "0.00", "0.50"), // in the spec already
	forSale("12065550110", "0.00", "9.00"),
	forSale("13125550199", "0.00", "0.10"), // another area code
}}

func TestPickPools(t *testing.T) {
	t.Parallel()
	desired := poolSpec(t, "  support: {count: 5, search: {npa: \"206\", max_monthly_cost: \"1.50\"}, number: {primary_route: pbx}}\n"+
		"  more: {count: 2, search: {npa: \"206\"}}\n  full: {count: 0, search: {npa: \"312\"}}\n")
	current := &spec.Spec{Numbers: map[string]spec.Number{"12065550120": {}}} // owned: never picked
	picks, err := PickPools(context.Background(), poolInventory, v1Like, desired, current)
	if err != nil {
		t.Fatal(err)
	}
	tns := func(p PoolPick) []string {
		var out []string
		for _, o := range p.Offers {
			out = append(out, o.TN)
		}
		return out
	}
	// In the pools' name order, cheapest a month first, then cheapest to set up, then the
	// lowest number; a later pool never gets an earlier one's picks.
	if got := tns(picks["more"]); !cmp.Equal(got, []string{"12065550140", "12065550130"}) || picks["more"].Short != "" {
		t.Errorf("more picks %v (%q)", got, picks["more"].Short)
	}
	if got, short := tns(picks["support"]), picks["support"].Short; !cmp.Equal(got, []string{"12065550150"}) ||
		short != "only 1 number for sale matches, 3 wanted. search.npa 206 rules out the most: without it, 2 would match; relax it (or: without search.max_monthly_cost 1.50, 2)." {
		t.Errorf("support picks %v (%q)", got, short)
	}
	if _, ok := picks["full"]; ok {
		t.Error("a pool at its count was picked for")
	}
	if _, err := PickPools(context.Background(), searcher{err: errors.New("boom")}, v1Like, desired, current); err == nil || !strings.Contains(err.Error(), "pool more") {
		t.Errorf("a failed search: %v", err)
	}
}

func TestComputePools(t *testing.T) {
	t.Parallel()
	desired := poolSpec(t, "  support: {count: 5, search: {npa: \"206\"}}\n  small: {count: 0, search: {starts_with: \"1312\"}}\n")
	desired.Numbers["13125550100"] = spec.Number{Pool: "small"}
	current := &State{Spec: &spec.Spec{Routes: map[string]spec.Route{"pbx": {Type: spec.RouteHost, Value: "1.2.3.4"}},
		Numbers: map[string]spec.Number{"12065550100": {}, "13125550100": {}}}}
	v2 := v2Like
	v2.SearchStartsWith = true
	picks := PoolPicks{"support": {Offers: []account.Offer{forSale("12065550140", "0.00", "1.00"), forSale("12065550130", "1.00", "1.00"), forSale("12065550150", "0.00", "1.25")}}}
	p := ComputeState(desired, current, inventory(forSale("12065550101", "0", "1")), Options{Capabilities: v2, Picks: picks})
	want := []string{
		"warning: pool support has 2 of its 5 numbers: add --pool would pick 3 numbers: 12065550140 (0.00 + 1.00/month), 12065550130 (1.00 + 1.00/month), 12065550150 (0.00 + 1.25/month); 1.00 one-time, 3.25 a month",
		"warning: pool small has 1 numbers, 1 more than its count 0: 13125550100",
	}
	if diff := cmp.Diff(want, diagnosticsOf(p)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if d := p.Diagnostics[0]; d.Pos.Line != 4 || d.Key != "support" || !strings.Contains(d.Hint, "`flowroute-numbers add --pool support`") {
		t.Errorf("the warning is at %v for %q, hint %q", d.Pos, d.Key, d.Hint)
	}
	// The members are numbers like any other: the one not owned is bought, nothing is
	// planned for a member's pool itself.
	if got := planned(p); !cmp.Equal(got, []string{"purchase 12065550101 "}) {
		t.Errorf("changes %v", got)
	}

	// v1 cannot search by starts_with: an error at the field. Without picks, the warning
	// still says how many are short.
	p = ComputeState(desired, current, inventory(forSale("12065550101", "0", "1", "METERED")), Options{Capabilities: v1Like})
	want = []string{
		"warning: pool support has 2 of its 5 numbers: 3 short",
		"error: pool small searches by starts_with, which v1 cannot search by",
	}
	if diff := cmp.Diff(want, diagnosticsOf(p)); diff != "" {
		t.Errorf("v1 diagnostics (-want +got):\n%s", diff)
	}
	if d := p.Diagnostics[1]; d.Pos != desired.PosOf("pools", "small", "search", "starts_with") || d.Pos.Line == 0 {
		t.Errorf("the error is at %v", d.Pos)
	}

	// Too few for sale: the warning says so and what to relax.
	p = ComputeState(desired, current, inventory(forSale("12065550101", "0", "1")), Options{Capabilities: v2,
		Picks: PoolPicks{"support": {Short: "No number for sale matches, 3 wanted. Relax it."}}})
	if got := diagnosticsOf(p)[0]; got != "warning: pool support has 2 of its 5 numbers, and no number for sale matches, 3 wanted. Relax it." {
		t.Errorf("short: %q", got)
	}
}

func TestPoolSurplusNamesTheNumbersNotBoughtFirst(t *testing.T) {
	t.Parallel()
	desired := poolSpec(t, "  support: {count: 1, search: {npa: \"206\"}}\n")
	desired.Numbers["12065550102"] = spec.Number{Pool: "support"}
	current := &State{Spec: &spec.Spec{Numbers: map[string]spec.Number{"12065550100": {}, "12065550102": {}}}}
	p := ComputeState(desired, current, nil, Options{Capabilities: v2Like})
	if got := diagnosticsOf(p); len(got) == 0 || got[0] != "warning: pool support has 3 numbers, 2 more than its count 1: 12065550101, 12065550102" {
		t.Errorf("diagnostics %v", got)
	}
}

// MakeState picks for the pools when the reader can search, and passes them to Compute.
func TestMakePicksForPools(t *testing.T) {
	t.Parallel()
	r := &searchingReader{fakeReader: sampleAccount(), searcher: poolInventory}
	desired := poolSpec(t, "  support: {count: 3, search: {npa: \"206\"}}\n")
	desired.Numbers = map[string]spec.Number{"12065550100": {Pool: "support", BillingMethod: "METERED"}}
	p, _, err := Make(context.Background(), r, desired, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, d := range p.Diagnostics {
		if d.Key == "support" {
			got = d.Message
		}
	}
	if !strings.HasPrefix(got, "pool support has 1 of its 3 numbers: add --pool would pick 2 numbers: 12065550120 (0.00 + 1.00/month), 12065550140 (0.00 + 1.00/month); 0.00 one-time, 2.00 a month") {
		t.Errorf("warning %q", got)
	}
}

type searchingReader struct {
	*fakeReader
	searcher
}
