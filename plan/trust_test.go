package plan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// A price no real number costs is an error naming the number and the price, never a purchase.
func TestComputeRefusesUnbelievablePrices(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ setup, monthly string }{
		{"-1.00", "1.00"}, {"1.00", "-0.01"}, {"999999.00", "1.00"}, {"1.00", "100.01"}, {"1000.01", "0.00"},
	} {
		p := Compute(desiredSpec(nil, map[string]spec.Number{tnB: {BillingMethod: spec.BillingMetered}}), onAccount(nil, nil),
			inventory(forSale(tnB, tc.setup, tc.monthly, spec.BillingMetered)), Options{Capabilities: v1Like})
		got := errorsOf(p)
		want := fmt.Sprintf("number %s is offered at %s one-time and %s per month", tnB, money.MustParse(tc.setup), money.MustParse(tc.monthly))
		if len(p.Changes) != 0 || len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("price %s/%s: changes %v, errors %q; want none and one error saying %q", tc.setup, tc.monthly, p.Changes, got, want)
		}
	}
	p := Compute(desiredSpec(nil, map[string]spec.Number{tnB: {BillingMethod: spec.BillingMetered}}), onAccount(nil, nil),
		inventory(forSale(tnB, MaxSetupPrice.String(), MaxMonthlyPrice.String(), spec.BillingMetered)), Options{Capabilities: v1Like})
	if p.HasErrors() || len(p.Changes) != 1 {
		t.Errorf("the highest believable prices: errors %q", errorsOf(p))
	}
}

// policy.max_setup_cost bounds the one-time total of the purchases.
func TestComputeMaxSetupCost(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(nil, map[string]spec.Number{tnB: {}, tnC: {}})
	limit := money.MustParse("10.00")
	desired.Policy.MaxSetupCost = &limit
	desired.Positions["policy.max_setup_cost"] = pos(34, 19)
	inv := inventory(forSale(tnB, "6.00", "1.00", "METERED"), forSale(tnC, "5.00", "1.00", "METERED"))
	p := Compute(desired, onAccount(nil, nil), inv, Options{Capabilities: v1Like})
	want := "the purchases cost 11.00 one-time; policy.max_setup_cost allows 10.00"
	if got := errorsOf(p); len(got) != 1 || got[0] != want || p.Diagnostics[0].Pos != pos(34, 19) {
		t.Errorf("errors %q (%+v), want %q at 34:19", got, p.Diagnostics, want)
	}
	limit = money.MustParse("11.00")
	if p := Compute(desired, onAccount(nil, nil), inv, Options{Capabilities: v1Like}); p.HasErrors() {
		t.Errorf("within the limit: errors %q", errorsOf(p))
	}
}

// A spec that buys more than policy.max_purchases is refused without a single inventory lookup.
func TestMakeChecksMaxPurchasesBeforeLookingUp(t *testing.T) {
	t.Parallel()
	numbers := map[string]spec.Number{}
	for i := range 400 {
		numbers[fmt.Sprintf("1206555%04d", i)] = spec.Number{BillingMethod: spec.BillingMetered}
	}
	r := &fakeReader{}
	p, _, err := Make(t.Context(), r, desiredSpec(nil, numbers), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.lookups) != 0 {
		t.Errorf("%d inventory lookups, want none", len(r.lookups))
	}
	if got := errorsOf(p); len(got) != 1 || got[0] != "the spec buys 400 numbers; policy.max_purchases allows 10" {
		t.Errorf("errors %q, want only the max_purchases one", got)
	}
}

// A lookup that fails after the client's retries names the number and suggests a lower rate.
func TestFetchInventoryErrorNamesNumberAndRate(t *testing.T) {
	t.Parallel()
	for _, cause := range []error{fmt.Errorf("GET /v1/available-tns/tns/: 429: %w", account.ErrRateLimited), errors.New("connection reset")} {
		r := &fakeReader{lookupErr: cause}
		_, err := FetchInventory(t.Context(), r, desiredSpec(nil, map[string]spec.Number{tnA: {}}), onAccount(nil, nil))
		var le *LookupError
		if !errors.As(err, &le) || le.TN != tnA || !strings.Contains(err.Error(), tnA) || !strings.Contains(err.Error(), "--client-rate-limit") || !errors.Is(err, cause) {
			t.Errorf("FetchInventory error = %v, want it to name %s, suggest --client-rate-limit and wrap %v", err, tnA, cause)
		}
	}
	r := &fakeReader{lookupErr: context.Canceled}
	_, err := FetchInventory(t.Context(), r, desiredSpec(nil, map[string]spec.Number{tnA: {}}), onAccount(nil, nil))
	if err == nil || strings.Contains(err.Error(), "--client-rate-limit") {
		t.Errorf("a cancelled lookup: %v, want no advice about the rate", err)
	}
}
