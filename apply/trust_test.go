package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// Run checks the one-time budget and every purchase's cost again, whatever the plan says.
func TestRunRefusesCostsAndSetupBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		edit    func(p *plan.Plan)
		errPart string
	}{
		{name: "max_setup_cost", edit: func(p *plan.Plan) { m := money.MustParse("1.99"); p.Policy.MaxSetupCost = &m },
			errPart: "cost 2.00 one-time; policy.max_setup_cost allows 1.99"},
		{name: "no cost", edit: func(p *plan.Plan) { p.Changes[0].Cost = nil },
			errPart: "purchase 12065550101 has no cost"},
		{name: "negative cost", edit: func(p *plan.Plan) { p.Changes[0].Cost.Monthly = money.MustParse("-5.00") },
			errPart: "a price no real number costs"},
		{name: "absurd cost", edit: func(p *plan.Plan) { p.Changes[1].Cost.Initial = money.MustParse("999999.00") },
			errPart: "purchase 12065550102 costs 999999.00 one-time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			f.addAvailable("12065550101", "12065550102")
			p := newPlan(purchase("12065550101"), purchase("12065550102"))
			tc.edit(p)
			_, err := apply.Run(context.Background(), f, p, fast)
			if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("Run error = %v, want a refusal containing %q", err, tc.errPart)
			}
			if len(f.writes) != 0 {
				t.Errorf("writes sent by a refused apply: %v", f.writes)
			}
		})
	}
}

// Run checks policy.max_updates again: updates of owned numbers only, not the routes of a
// number it buys.
func TestRunRefusesUpdatesBeyondTheLimit(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.addAvailable("12065550101")
	f.addOwned("12065550201", "12065550202")
	p := newPlan(purchase("12065550101"), setRoutes("12065550101", "sip-reg", "sip-reg"),
		setRoutes("12065550201", "sip-reg", "sip-reg"), setRoutes("12065550202", "sip-reg", "sip-reg"))
	one := 1
	p.Policy.MaxUpdates = &one
	_, err := apply.Run(context.Background(), f, p, fast)
	if !errors.Is(err, apply.ErrRefused) || !strings.Contains(err.Error(), "updates 2 numbers") || len(f.writes) != 0 {
		t.Errorf("Run = %v, writes %v; want a refusal counting 2 updates and no write", err, f.writes)
	}
	two := 2
	p.Policy.MaxUpdates = &two
	if rep := run(t, f, p, fast); !rep.OK() {
		t.Errorf("within the limit: %v", statuses(rep))
	}
}
