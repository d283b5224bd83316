package pick

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Criteria say which numbers for sale to pick and in what order: the fields an inventory
// search filters by, the costs and billing method the offers it returns must meet, and the
// order to take them in. Empty fields and nil costs are no filters, so the zero Criteria
// match every number, cheapest first. They are plain data: add fills them from its flags,
// and a spec's pool can fill them from its keys.
type Criteria struct {
	NPA        string // area code, 3 digits
	NXX        string // exchange, 3 digits; needs NPA
	State      string // state or province, 2 letters, in any case
	RateCenter string // rate center, in any case; needs State
	StartsWith string // digits the number starts with, such as 1206 (v2 only); not with NPA
	Contains   string // digits anywhere in the number

	MaxSetupCost   *money.Amount // the most each number may cost once
	MaxMonthlyCost *money.Amount // the most each number may cost a month

	// BillingMethod is one the number must allow to be bought with it ("" on a backend
	// without billing methods).
	BillingMethod string
	// BillingFrom says where BillingMethod came from when it was not asked for as a
	// criterion but follows from elsewhere ("defaults.billing_method", "the billing method
	// of 12065550100"): a hint names it so, and Args leaves it out.
	BillingFrom string

	Order Order

	// Pool names the pool whose search these criteria are (ForPool): the provenance comment
	// records the pool, whose search the spec holds, and hints name its search keys.
	Pool string
}

// Order is the order in which the matching numbers are taken. Numbers are unique, so each
// order is total and a pick is the same every time for the same inventory.
type Order int

const (
	// ByMonthly takes the cheapest a month first, then the cheapest to set up, then the
	// lowest number. It is the zero value.
	ByMonthly Order = iota
	// BySetup takes the cheapest to set up first, then the cheapest a month, then the lowest
	// number.
	BySetup
	// ByNumber takes the lowest number first.
	ByNumber
)

var orderNames = [...]string{ByMonthly: "monthly", BySetup: "setup", ByNumber: "number"}

// String is the order's name as add's --sort takes it: monthly, setup or number.
func (o Order) String() string {
	if o < 0 || int(o) >= len(orderNames) {
		return fmt.Sprintf("Order(%d)", int(o))
	}
	return orderNames[o]
}

// ParseOrder reads an order by its name: monthly, setup or number.
func ParseOrder(s string) (Order, error) {
	for o, name := range orderNames {
		if s == name {
			return Order(o), nil
		}
	}
	return 0, fmt.Errorf("sort order %q: want monthly, setup or number", s)
}

// compare orders two offers as o says.
func (o Order) compare(a, b account.Offer) int {
	switch o {
	case BySetup:
		return cmp.Or(cmp.Compare(a.SetupCost, b.SetupCost), cmp.Compare(a.MonthlyCost, b.MonthlyCost), cmp.Compare(a.TN, b.TN))
	case ByNumber:
		return cmp.Compare(a.TN, b.TN)
	}
	return cmp.Or(cmp.Compare(a.MonthlyCost, b.MonthlyCost), cmp.Compare(a.SetupCost, b.SetupCost), cmp.Compare(a.TN, b.TN))
}

// normal returns c with State and RateCenter in upper case, as the inventory writes them,
// so that searches, hints and recorded criteria read the same whatever case they were
// given in.
func (c Criteria) normal() Criteria {
	c.State, c.RateCenter = strings.ToUpper(c.State), strings.ToUpper(c.RateCenter)
	return c
}

// Query is the inventory search the criteria make.
func (c Criteria) Query() account.SearchQuery {
	c = c.normal()
	return account.SearchQuery{
		NPA: c.NPA, NXX: c.NXX, State: c.State, RateCenter: c.RateCenter,
		StartsWith: c.StartsWith, Contains: c.Contains,
	}
}

// Matches reports whether o meets the criteria the search does not apply: the costs and the
// billing method.
func (c Criteria) Matches(o account.Offer) bool {
	return (c.MaxSetupCost == nil || o.SetupCost <= *c.MaxSetupCost) &&
		(c.MaxMonthlyCost == nil || o.MonthlyCost <= *c.MaxMonthlyCost) &&
		(c.BillingMethod == "" || o.Allows(c.BillingMethod))
}

// Check reports, all at once, the criteria that no search can take, each named by its flag:
// a value not of the shape spec.SearchWant says (NPA and NXX 3 digits, State 2 letters,
// StartsWith and Contains up to 11 digits), NXX without NPA and RateCenter without State
// (spec.SearchNeeds), StartsWith with NPA, and a cost below 0.
func (c Criteria) Check() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	for f := NPA; f <= Contains; f++ {
		v := c.Value(f)
		if v == "" {
			continue
		}
		if want := spec.SearchWant(f.Key(), v); want != "" {
			bad("%s %q: want %s", f.Flag(), v, want)
		}
		if n := f.needs(); n != 0 && c.Value(n) == "" {
			bad("%s needs %s", f.Flag(), n.Flag())
		}
		if f == StartsWith && c.NPA != "" {
			bad("give --starts-with or --npa (and --nxx), not both")
		}
	}
	for _, f := range []Field{MaxSetupCost, MaxMonthlyCost} {
		if a := *c.cost(f); a != nil && *a < 0 {
			bad("%s %s: want 0 or more", f.Flag(), a)
		}
	}
	return errors.Join(errs...)
}

// A Field is one criterion: what a hint names to relax.
type Field int

// The criteria, in the order hints and the provenance comment name them.
const (
	NPA Field = iota + 1
	NXX
	State
	RateCenter
	StartsWith
	Contains
	MaxSetupCost
	MaxMonthlyCost
	BillingMethod
)

var flags = [...]string{
	NPA: "--npa", NXX: "--nxx", State: "--state", RateCenter: "--ratecenter",
	StartsWith: "--starts-with", Contains: "--contains",
	MaxSetupCost: "--max-setup-cost", MaxMonthlyCost: "--max-monthly-cost", BillingMethod: "--billing-method",
}

// Flag is the field's flag on add: "--npa", "--max-monthly-cost".
func (f Field) Flag() string {
	if f < NPA || f > BillingMethod {
		return fmt.Sprintf("Field(%d)", int(f))
	}
	return flags[f]
}

// searched reports whether the field is one the search itself filters by (the others are
// applied to the offers it returns).
func (f Field) searched() bool { return f >= NPA && f <= Contains }

// needs is the field f cannot be given without (spec.SearchNeeds), or 0.
func (f Field) needs() Field {
	if key := spec.SearchNeeds(f.Key()); key != "" {
		for g := NPA; g <= Contains; g++ {
			if g.Key() == key {
				return g
			}
		}
	}
	return 0
}

// Value is the field's value in c as its flag takes it, "" when it is no filter.
func (c Criteria) Value(f Field) string {
	if p := c.text(f); p != nil {
		return *p
	}
	if a := c.cost(f); a != nil && *a != nil {
		return (*a).String()
	}
	return ""
}

// Without returns c with the fields no filters.
func (c Criteria) Without(fields ...Field) Criteria {
	for _, f := range fields {
		if p := c.text(f); p != nil {
			*p = ""
		}
		if a := c.cost(f); a != nil {
			*a = nil
		}
		if f == BillingMethod {
			c.BillingFrom = ""
		}
	}
	return c
}

// text is the field of c that f names when it is text, or nil.
func (c *Criteria) text(f Field) *string {
	switch f {
	case NPA:
		return &c.NPA
	case NXX:
		return &c.NXX
	case State:
		return &c.State
	case RateCenter:
		return &c.RateCenter
	case StartsWith:
		return &c.StartsWith
	case Contains:
		return &c.Contains
	case BillingMethod:
		return &c.BillingMethod
	}
	return nil
}

// cost is the field of c that f names when it is a cost, or nil.
func (c *Criteria) cost(f Field) **money.Amount {
	switch f {
	case MaxSetupCost:
		return &c.MaxSetupCost
	case MaxMonthlyCost:
		return &c.MaxMonthlyCost
	}
	return nil
}
