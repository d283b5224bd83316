package backend

import (
	"context"
	"errors"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// V1 is the v1 client seen through the backend-neutral contract (account.Backend and
// account.Searcher). It sends exactly what the client's own methods send; it only translates
// types and errors (see neutral).
type V1 struct{ c *v1.Client }

// NewV1 returns c as an account backend.
func NewV1(c *v1.Client) *V1 { return &V1{c: c} }

// V1Capabilities is what v1 can do: numbers carry a billing method, and the list of numbers
// holds their routes. Routes cannot be changed or deleted, numbers not released.
var V1Capabilities = account.Capabilities{API: "v1", BillingMethods: true, ListHasRoutes: true}

var (
	_ account.Backend  = (*V1)(nil)
	_ account.Searcher = (*V1)(nil)
)

// Client returns the client the backend speaks through.
func (b *V1) Client() *v1.Client { return b.c }

// Endpoint is the client's base URL.
func (b *V1) Endpoint() string { return b.c.Endpoint() }

// Capabilities returns V1Capabilities.
func (b *V1) Capabilities() account.Capabilities { return V1Capabilities }

// Routes lists every route, sip-reg included.
func (b *V1) Routes(ctx context.Context) ([]account.Route, error) {
	rs, err := b.c.AllRoutes(ctx)
	if err != nil {
		return nil, v1Errors.neutral(err)
	}
	out := make([]account.Route, len(rs))
	for i, r := range rs {
		out[i] = account.Route{Name: r.Name, Route: spec.Route{Type: r.Type, Value: r.Value}}
	}
	return out, nil
}

// Numbers lists every number the account owns, with its routes (v1's list carries them).
func (b *V1) Numbers(ctx context.Context, progress account.Progress) ([]account.Number, error) {
	ns, err := b.c.AllNumbersProgress(ctx, "", progress)
	if err != nil {
		return nil, v1Errors.neutral(err)
	}
	out := make([]account.Number, len(ns))
	for i, n := range ns {
		out[i] = numberOf(n)
	}
	return out, nil
}

// Number returns one number, or an error matching account.ErrNotFound.
func (b *V1) Number(ctx context.Context, tn string) (*account.Number, error) {
	n, err := b.c.GetNumber(ctx, tn)
	if err != nil {
		return nil, v1Errors.neutral(err)
	}
	an := numberOf(*n)
	return &an, nil
}

func numberOf(n v1.Number) account.Number {
	return account.Number{
		TN:       n.TN,
		Number:   spec.Number{BillingMethod: n.BillingMethod, PrimaryRoute: n.PrimaryRoute(), FailoverRoute: n.FailoverRoute()},
		Detailed: true,
	}
}

// Lookup returns the offer for tn, or an error matching account.ErrNotFound.
func (b *V1) Lookup(ctx context.Context, tn string) (*account.Offer, error) {
	a, err := b.c.LookupAvailable(ctx, tn)
	if err != nil {
		return nil, v1Errors.neutral(err)
	}
	o := offerOf(*a)
	return &o, nil
}

func offerOf(a v1.AvailableNumber) account.Offer {
	return account.Offer{
		TN: a.TN, SetupCost: a.InitialCost, MonthlyCost: a.MonthlyCost,
		State: a.State, RateCenter: a.RateCenter, BillingMethods: a.BillingMethods,
	}
}

// Search returns up to max offers (0: all) matching q. v1 cannot search by the digits a
// number starts with.
func (b *V1) Search(ctx context.Context, q account.SearchQuery, max int) ([]account.Offer, error) {
	if q.StartsWith != "" {
		return nil, errors.New("flowroute: v1 cannot search by the digits a number starts with: search by NPA and NXX, or by digits it contains")
	}
	as, err := b.c.AllAvailable(ctx, v1.SearchQuery{NPA: q.NPA, NXX: q.NXX, State: q.State, RateCenter: q.RateCenter, TN: q.Contains}, max)
	if err != nil {
		return nil, v1Errors.neutral(err)
	}
	out := make([]account.Offer, len(as))
	for i, a := range as {
		out[i] = offerOf(a)
	}
	return out, nil
}

// CreateRoute creates the route; v1 routes have no id but their name.
func (b *V1) CreateRoute(ctx context.Context, r account.Route) (account.Route, error) {
	if err := b.c.CreateRoute(ctx, v1.Route{Name: r.Name, Type: r.Type, Value: r.Value}); err != nil {
		return account.Route{}, v1Errors.neutral(err)
	}
	return r, nil
}

// Purchase buys tn with the billing method.
func (b *V1) Purchase(ctx context.Context, tn, billingMethod string) error {
	return v1Errors.neutral(b.c.PurchaseNumber(ctx, tn, billingMethod))
}

// SetRoutes sets both routes of tn.
func (b *V1) SetRoutes(ctx context.Context, tn, primary, failover string) error {
	return v1Errors.neutral(b.c.SetRoutes(ctx, tn, primary, failover))
}
