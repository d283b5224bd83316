package v1

import "github.com/flowroute-numbers/flowroute-numbers/money"

// DefaultEndpoint is the base URL of Flowroute's numbers API v1.
const DefaultEndpoint = "https://api.flowroute.com/v1"

// MaxLimit is the largest page size v1 accepts; DefaultLimit is what it uses when none is sent.
const (
	MaxLimit     = 200
	DefaultLimit = 10
)

// PageOptions selects one page of a list call. Zero values leave the parameter out, so the
// server's defaults apply (limit 10, page 1).
type PageOptions struct {
	Limit int
	Page  int
}

// Page is one page of a list call.
type Page[T any] struct {
	Items []T    // in the order v1 documents for the list (by number, NPA or route name)
	Next  string // links.next as sent by the server ("/v1/tns/?limit=10&page=2"); empty on the last page
	Prev  string // links.prev; empty on page 1
}

// HasNext reports whether the server announced another page.
func (p *Page[T]) HasNext() bool { return p.Next != "" }

// NPANXX is an NPA (area code) and NXX (exchange) that has numbers for sale, "206258".
type NPANXX struct {
	NPA string
	NXX string
}

// SearchQuery filters the purchasable numbers. Empty fields are not sent.
// NXX requires NPA; RateCenter requires State; TN matches any number that contains it.
type SearchQuery struct {
	NPA        string
	NXX        string
	State      string
	RateCenter string
	TN         string
}

// AvailableNumber is a number that can be purchased.
type AvailableNumber struct {
	TN             string       `json:"tn"`
	InitialCost    money.Amount `json:"initial_cost"`
	MonthlyCost    money.Amount `json:"monthly_cost"`
	State          string       `json:"state"`
	RateCenter     string       `json:"ratecenter"`
	BillingMethods []string     `json:"billing_methods"`
}

// Allows reports whether the number may be bought with the billing method.
func (n AvailableNumber) Allows(billingMethod string) bool {
	for _, m := range n.BillingMethods {
		if m == billingMethod {
			return true
		}
	}
	return false
}

// Route is an inbound route of the account. The built-in route "sip-reg" has Type "SIP-REG"
// and an empty Value.
type Route struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// RouteRef names a route from a number: its primary route first, then its failover route.
type RouteRef struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// Number is a number the account owns.
type Number struct {
	TN            string     `json:"tn"`
	BillingMethod string     `json:"billing_method"`
	Routes        []RouteRef `json:"routes"` // primary, failover; the server may send fewer
}

// PrimaryRoute is the name of the number's primary route, or "" when the server sent none.
func (n Number) PrimaryRoute() string {
	if len(n.Routes) > 0 {
		return n.Routes[0].Name
	}
	return ""
}

// FailoverRoute is the name of the number's failover route, or "" when the server sent none.
func (n Number) FailoverRoute() string {
	if len(n.Routes) > 1 {
		return n.Routes[1].Name
	}
	return ""
}
