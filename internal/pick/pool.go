package pick

import (
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// ForPool is the criteria of the pool name: its search, in the order ByMonthly (the cheapest
// a month first, then the cheapest to set up, then the lowest number), and, on a backend with
// billing methods (billing true), the billing method of the pool's fields, else of defaults
// (the defaults of the file that declares the pool).
func ForPool(s *spec.Spec, name string, billing bool) Criteria {
	p := s.Pools[name]
	q := p.Search
	c := Criteria{
		NPA: q.NPA, NXX: q.NXX, State: q.State, RateCenter: q.RateCenter, StartsWith: q.StartsWith, Contains: q.Contains,
		MaxSetupCost: q.MaxSetupCost, MaxMonthlyCost: q.MaxMonthlyCost,
		Pool: name,
	}
	if billing {
		c.BillingMethod, c.BillingFrom = p.Number.BillingMethod, "pool "+name+" number.billing_method"
		if c.BillingMethod == "" {
			c.BillingMethod, c.BillingFrom = s.DefaultsOf(s.PosOf("pools", name).File).BillingMethod, "defaults.billing_method"
		}
	}
	return c.normal()
}

// Key is the field's key in a pool's search: "npa", "max_monthly_cost".
func (f Field) Key() string {
	return strings.ReplaceAll(strings.TrimPrefix(f.Flag(), "--"), "-", "_")
}
