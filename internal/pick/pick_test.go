package pick

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// fakeSearcher is an inventory that searches its offers as the API does, counting its
// searches.
type fakeSearcher struct {
	offers []account.Offer
	err    error

	mu       sync.Mutex
	searches []account.SearchQuery
}

func (f *fakeSearcher) Search(_ context.Context, q account.SearchQuery, max int) ([]account.Offer, error) {
	f.mu.Lock()
	f.searches = append(f.searches, q)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []account.Offer
	for _, o := range f.offers {
		if max > 0 && len(out) == max {
			break
		}
		if (q.NPA == "" || o.TN[1:4] == q.NPA) && (q.NXX == "" || o.TN[4:7] == q.NXX) &&
			(q.State == "" || o.State == q.State) && (q.RateCenter == "" || o.RateCenter == q.RateCenter) &&
			strings.HasPrefix(o.TN, q.StartsWith) && strings.Contains(o.TN, q.Contains) {
			out = append(out, o)
		}
	}
	return out, nil
}

func offer(tn, setup, monthly string) account.Offer {
	return account.Offer{TN: tn, SetupCost: money.MustParse(setup), MonthlyCost: money.MustParse(monthly), State: "WA", RateCenter: "SEATTLE"}
}

func tns(offers []account.Offer) []string {
	var out []string
	for _, o := range offers {
		out = append(out, o.TN)
	}
	return out
}

func amount(s string) *money.Amount { a := money.MustParse(s); return &a }

func TestPickOrdersAndExcludes(t *testing.T) {
	t.Parallel()
	inv := &fakeSearcher{offers: []account.Offer{offer("12065550105", "1", "1"), offer("12065550104", "0", "1"), offer("12065550103", "0", "0.5"),
		offer("12065550102", "0", "0.5"), offer("12065550101", "5", "0.1"), offer("12065550100", "0", "0.1")}}
	// 12065550100 is owned, 12065550102 pinned in the spec.
	exclude := func(tn string) bool { return tn == "12065550100" || tn == "12065550102" }
	for order, want := range map[Order][]string{
		ByMonthly: {"12065550101", "12065550103", "12065550104", "12065550105"},
		BySetup:   {"12065550103", "12065550104", "12065550105", "12065550101"},
		ByNumber:  {"12065550101", "12065550103", "12065550104", "12065550105"},
	} {
		res, err := Pick(t.Context(), inv, Criteria{Order: order}, 4, exclude)
		if err != nil {
			t.Fatal(err)
		}
		if got := tns(res.Offers); !slices.Equal(got, want) || res.Capped {
			t.Errorf("%s: chose %v (capped %t), want %v", order, got, res.Capped, want)
		}
	}
	// Fewer wanted: the first of the same order.
	res, err := Pick(t.Context(), inv, Criteria{}, 2, nil)
	if err != nil || !slices.Equal(tns(res.Offers), []string{"12065550100", "12065550101"}) {
		t.Errorf("2 of all: %v, %v", tns(res.Offers), err)
	}
	// None wanted: no search.
	inv.searches = nil
	if res, err := Pick(t.Context(), inv, Criteria{}, 0, nil); err != nil || len(res.Offers) != 0 || len(inv.searches) != 0 {
		t.Errorf("0 wanted: %v, %v, %d searches", res.Offers, err, len(inv.searches))
	}
}

func TestPickFilters(t *testing.T) {
	t.Parallel()
	vpri := offer("12065550100", "0", "0.1")
	vpri.BillingMethods = []string{"VPRI"}
	both := offer("12065550101", "0", "0.2")
	both.BillingMethods = []string{"METERED", "VPRI"}
	inv := &fakeSearcher{offers: []account.Offer{vpri, both, offer("12065550102", "2", "0.3"), offer("12065550103", "0", "2")}}
	for _, tt := range []struct {
		c    Criteria
		want []string
	}{
		{Criteria{BillingMethod: "METERED"}, []string{"12065550101"}},
		{Criteria{BillingMethod: "VPRI"}, []string{"12065550100", "12065550101"}},
		{Criteria{MaxSetupCost: amount("1")}, []string{"12065550100", "12065550101", "12065550103"}},
		{Criteria{MaxMonthlyCost: amount("1")}, []string{"12065550100", "12065550101", "12065550102"}},
		{Criteria{MaxSetupCost: amount("0"), MaxMonthlyCost: amount("0.2")}, []string{"12065550100", "12065550101"}},
	} {
		res, err := Pick(t.Context(), inv, tt.c, len(tt.want), nil)
		if err != nil || !slices.Equal(tns(res.Offers), tt.want) {
			t.Errorf("%v: chose %v, %v; want %v", tt.c.Args(), tns(res.Offers), err, tt.want)
		}
	}
}

// backends starts one sandbox and returns its v1 and v2 backends, each able to search, with
// the whole inventory.
func backends(t *testing.T, size int) (map[string]account.Searcher, []account.Offer) {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{Seed: 13, InventorySize: size})
	hc := &http.Client{Timeout: 10 * time.Second}
	c1, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v1.WithRateLimit(0, 1), v1.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, v2.WithRateLimit(0, 1), v2.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	b1 := backend.NewV1(c1)
	all, err := b1.Search(t.Context(), account.SearchQuery{}, 0)
	if err != nil || len(all) != size {
		t.Fatalf("reading the inventory: %d numbers, %v", len(all), err)
	}
	return map[string]account.Searcher{"v1": b1, "v2": backend.NewV2(c2)}, all
}

// want is the pick worked out on its own: the whole inventory filtered by match and
// exclude, ordered by the costs and the number.
func want(all []account.Offer, n int, order Order, match func(account.Offer) bool, exclude func(string) bool) []string {
	var m []account.Offer
	for _, o := range all {
		if match(o) && !exclude(o.TN) {
			m = append(m, o)
		}
	}
	slices.SortFunc(m, func(a, b account.Offer) int {
		ka := []string{a.MonthlyCost.String(), a.SetupCost.String()}
		kb := []string{b.MonthlyCost.String(), b.SetupCost.String()}
		switch order {
		case BySetup:
			ka[0], ka[1], kb[0], kb[1] = ka[1], ka[0], kb[1], kb[0]
		case ByNumber:
			ka, kb = nil, nil
		}
		for i := range ka { // the sandbox's costs are under 10.00, so text compares as amounts
			if c := strings.Compare(fmt.Sprintf("%8s", ka[i]), fmt.Sprintf("%8s", kb[i])); c != 0 {
				return c
			}
		}
		return strings.Compare(a.TN, b.TN)
	})
	return tns(m[:min(n, len(m))])
}

// sandboxExclude leaves out the first 50 numbers of the inventory, as if the spec pinned them.
func sandboxExclude(all []account.Offer) func(string) bool {
	pinned := map[string]bool{}
	for _, o := range all[:50] {
		pinned[o.TN] = true
	}
	return func(tn string) bool { return pinned[tn] }
}

func le(a money.Amount, limit string) bool { return a <= money.MustParse(limit) }

func TestPickAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	searchers, all := backends(t, 1500)
	exclude := sandboxExclude(all)
	tests := []struct {
		name  string
		api   string // "": both
		c     Criteria
		match func(account.Offer) bool
	}{
		{"npa", "", Criteria{NPA: "206"}, func(o account.Offer) bool { return o.TN[1:4] == "206" }},
		{"npa nxx", "", Criteria{NPA: "212", NXX: "380"}, func(o account.Offer) bool { return o.TN[1:7] == "212380" }},
		{"state in lower case", "", Criteria{State: "tx"}, func(o account.Offer) bool { return o.State == "TX" }},
		{"ratecenter", "", Criteria{State: "WA", RateCenter: "bainbridge island"}, func(o account.Offer) bool { return o.RateCenter == "BAINBRIDGE ISLAND" }},
		{"contains", "", Criteria{Contains: "42"}, func(o account.Offer) bool { return strings.Contains(o.TN, "42") }},
		{"costs", "", Criteria{NPA: "303", MaxSetupCost: amount("1.00"), MaxMonthlyCost: amount("1.00")}, func(o account.Offer) bool {
			return o.TN[1:4] == "303" && le(o.SetupCost, "1.00") && le(o.MonthlyCost, "1.00")
		}},
		{"by setup", "", Criteria{NPA: "415", Order: BySetup}, func(o account.Offer) bool { return o.TN[1:4] == "415" }},
		{"by number", "", Criteria{State: "ON", Order: ByNumber}, func(o account.Offer) bool { return o.State == "ON" }},
		{"billing method", "v1", Criteria{State: "NY", BillingMethod: "VPRI"}, func(o account.Offer) bool { return o.State == "NY" && o.Allows("VPRI") }},
		{"starts with", "v2", Criteria{StartsWith: "1206"}, func(o account.Offer) bool { return strings.HasPrefix(o.TN, "1206") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := want(all, 4, tt.c.Order, tt.match, exclude)
			if len(w) < 4 {
				t.Fatalf("the test inventory has only %d matches; choose other criteria", len(w))
			}
			for api, s := range searchers {
				if tt.api != "" && api != tt.api {
					continue
				}
				res, err := Pick(t.Context(), s, tt.c, 4, exclude)
				if err != nil || !slices.Equal(tns(res.Offers), w) {
					t.Errorf("%s: chose %v, %v; want %v", api, tns(res.Offers), err, w)
				}
			}
		})
	}
}

func TestPickShortAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	searchers, all := backends(t, 1500)
	exclude := sandboxExclude(all)
	count := func(match func(account.Offer) bool) int { return len(want(all, len(all), ByMonthly, match, exclude)) }
	c := Criteria{NPA: "206", NXX: "420", MaxMonthlyCost: amount("1.00")}
	matched := want(all, len(all), ByMonthly, func(o account.Offer) bool { return o.TN[1:7] == "206420" && le(o.MonthlyCost, "1.00") }, exclude)
	wantRelax := []Relaxation{
		{Without: []Field{NPA, NXX}, Count: count(func(o account.Offer) bool { return le(o.MonthlyCost, "1.00") })},
		{Without: []Field{NXX}, Count: count(func(o account.Offer) bool { return o.TN[1:4] == "206" && le(o.MonthlyCost, "1.00") })},
		{Without: []Field{MaxMonthlyCost}, Count: count(func(o account.Offer) bool { return o.TN[1:7] == "206420" })},
	}
	slices.SortStableFunc(wantRelax, func(a, b Relaxation) int { return b.Count - a.Count }) // the most first
	for api, s := range searchers {
		res, err := Pick(t.Context(), s, c, 50, exclude)
		var short *ShortError
		if !errors.As(err, &short) {
			t.Fatalf("%s: %v, want a *ShortError", api, err)
		}
		if !slices.Equal(tns(res.Offers), matched) || short.Matched != len(matched) || short.Wanted != 50 {
			t.Errorf("%s: the short pick holds %v (%d of %d), want %v", api, tns(res.Offers), short.Matched, short.Wanted, matched)
		}
		if d := cmp.Diff(wantRelax, short.Relax); d != "" {
			t.Errorf("%s: relaxations (-want +got):\n%s", api, d)
		}
	}
}

func TestPickShortHint(t *testing.T) {
	t.Parallel()
	var offers []account.Offer
	for i := range 30 {
		o := offer(fmt.Sprintf("1206420%04d", i), "0", "1")
		if i >= 10 {
			o = offer(fmt.Sprintf("1206555%04d", i), "0", "1")
			o.RateCenter = "BAINBRIDGE ISLAND"
		}
		if i >= 20 {
			o = offer(fmt.Sprintf("1303555%04d", i), "0", "1")
			o.State, o.RateCenter = "CO", "DENVER"
		}
		o.BillingMethods = []string{"METERED"}
		offers = append(offers, o)
	}
	offers[0].MonthlyCost, offers[1].BillingMethods = money.MustParse("3"), []string{"VPRI"}
	inv := &fakeSearcher{offers: offers}
	exclude := func(tn string) bool { return tn == "12064200002" }
	tests := []struct {
		name string
		c    Criteria
		n    int
		want string
	}{{
		name: "the area rules out the most, then the others",
		c:    Criteria{NPA: "206", NXX: "420", MaxMonthlyCost: amount("2"), BillingMethod: "METERED", BillingFrom: "defaults.billing_method"},
		n:    12,
		want: "only 7 numbers for sale match, 12 wanted (1 more excluded). --npa 206 --nxx 420 rule out the most: without them, 27 would match; relax them " +
			"(or: without --nxx 420, 17; without --max-monthly-cost 2.00, 8; without billing method METERED (from defaults.billing_method), 8).",
	}, {
		name: "a quoted rate center",
		c:    Criteria{State: "wa", RateCenter: "bainbridge island", Contains: "5550"},
		n:    25,
		want: "only 10 numbers for sale match, 25 wanted. " +
			`--state WA --ratecenter "BAINBRIDGE ISLAND" rule out the most: without them, 20 would match; relax them.`,
	}, {
		name: "nothing to relax",
		c:    Criteria{},
		n:    40,
		want: "only 29 numbers for sale match, 40 wanted (1 more excluded). The inventory has no more; ask for fewer.",
	}, {
		name: "no single criterion",
		c:    Criteria{NPA: "303", State: "CO"},
		n:    11,
		want: "only 10 numbers for sale match, 11 wanted. No single criterion is the cause: relax several, or ask for fewer.",
	}, {
		name: "a criterion given",
		c:    Criteria{NPA: "303", BillingMethod: "VPRI"},
		n:    1,
		want: "no number for sale matches, 1 wanted. --billing-method VPRI rules out the most: without it, 10 would match; relax it (or: without --npa 303, 1).",
	}}
	for _, tt := range tests {
		res, err := Pick(t.Context(), inv, tt.c, tt.n, exclude)
		var short *ShortError
		if !errors.As(err, &short) {
			t.Fatalf("%s: %v (%v), want a *ShortError", tt.name, err, tns(res.Offers))
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
		if len(res.Offers) != short.Matched {
			t.Errorf("%s: %d offers with a short pick of %d", tt.name, len(res.Offers), short.Matched)
		}
	}
}

func TestPickCapped(t *testing.T) {
	t.Parallel()
	offers := make([]account.Offer, SearchMax+5)
	for i := range offers {
		offers[i] = offer(fmt.Sprintf("1206%07d", i), "0", "1")
	}
	offers[7].MonthlyCost = money.MustParse("0.5")
	inv := &fakeSearcher{offers: offers}
	res, err := Pick(t.Context(), inv, Criteria{}, 1, nil)
	if err != nil || !res.Capped || res.Offers[0].TN != offers[7].TN {
		t.Errorf("chose %v, capped %t, %v; want %s, capped", tns(res.Offers), res.Capped, err, offers[7].TN)
	}
	res, err = Pick(t.Context(), inv, Criteria{NPA: "206", MaxMonthlyCost: amount("0.5")}, 2, nil)
	var short *ShortError
	if !errors.As(err, &short) || !res.Capped {
		t.Fatalf("%v, capped %t", err, res.Capped)
	}
	if got := short.Hint(); got != "--max-monthly-cost 0.50 rules out the most: without it, at least 20000 would match; relax it." {
		t.Errorf("hint %q", got)
	}
	// A relaxed search that stops at RelaxMax counts at least that many.
	_, err = Pick(t.Context(), inv, Criteria{NPA: "206", NXX: "002"}, 10, nil)
	if !errors.As(err, &short) || short.Matched != 5 ||
		short.Hint() != "--npa 206 --nxx 002 rule out the most: without them, at least 2000 would match; relax them (or: without --nxx 002, at least 2000)." {
		t.Errorf("%v", err)
	}
}

func TestPickSearchFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := Pick(t.Context(), &fakeSearcher{err: boom}, Criteria{NPA: "206"}, 1, nil)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "searching the inventory") {
		t.Errorf("error %v", err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    Criteria
		want []string
	}{
		{Criteria{NPA: "206", NXX: "420", State: "wa", RateCenter: "x", Contains: "1", MaxSetupCost: amount("0")}, nil},
		{Criteria{NXX: "743"}, []string{"--nxx needs --npa"}},
		{Criteria{NPA: "20"}, []string{`--npa "20": want 3 digits`}},
		{Criteria{NPA: "2o6", NXX: "7431"}, []string{`--npa "2o6": want 3 digits`, `--nxx "7431": want 3 digits`}},
		{Criteria{State: "W1", RateCenter: "x"}, []string{`--state "W1": want 2 letters`}},
		{Criteria{RateCenter: "SEATTLE"}, []string{"--ratecenter needs --state"}},
		{Criteria{Contains: "206x"}, []string{`--contains "206x": want up to 11 digits`}},
		{Criteria{Contains: "123456789012"}, []string{`--contains "123456789012": want up to 11 digits`}},
		{Criteria{StartsWith: "1206", NPA: "206"}, []string{"give --starts-with or --npa (and --nxx), not both"}},
		{Criteria{StartsWith: "+1206"}, []string{`--starts-with "+1206": want up to 11 digits`}},
		{Criteria{MaxSetupCost: amount("-1"), MaxMonthlyCost: amount("-0.5")}, []string{"--max-setup-cost -1.00: want 0 or more", "--max-monthly-cost -0.50: want 0 or more"}},
	}
	for _, tt := range tests {
		err := tt.c.Check()
		var got []string
		if err != nil {
			got = strings.Split(err.Error(), "\n")
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%+v: %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestOrder(t *testing.T) {
	t.Parallel()
	for _, o := range []Order{ByMonthly, BySetup, ByNumber} {
		if back, err := ParseOrder(o.String()); err != nil || back != o {
			t.Errorf("ParseOrder(%q) = %v, %v", o, back, err)
		}
	}
	if _, err := ParseOrder("price"); err == nil {
		t.Error("ParseOrder(price): no error")
	}
	if s := Order(7).String(); s != "Order(7)" {
		t.Errorf("Order(7) is %q", s)
	}
}
