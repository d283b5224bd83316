package flowroute

// STUB: the client helper replaces this file. The method set below is the contract that
// plan, apply and the CLI are written against.

import (
	"context"
	"errors"
)

var errTODO = errors.New("not implemented yet")

// Client calls the Flowroute numbers API v1.
type Client struct{}

// Option configures a Client.
type Option func(*Client)

// New returns a client for endpoint ("" means DefaultEndpoint).
func New(endpoint, accessKey, secretKey string, opts ...Option) (*Client, error) {
	return &Client{}, nil
}

func (c *Client) ListNPAs(ctx context.Context, opt PageOptions) (*Page[string], error) {
	return nil, errTODO
}
func (c *Client) ListNPANXXs(ctx context.Context, npa string, opt PageOptions) (*Page[NPANXX], error) {
	return nil, errTODO
}
func (c *Client) SearchNumbers(ctx context.Context, q SearchQuery, opt PageOptions) (*Page[AvailableNumber], error) {
	return nil, errTODO
}
func (c *Client) ListNumbers(ctx context.Context, pattern string, opt PageOptions) (*Page[Number], error) {
	return nil, errTODO
}
func (c *Client) GetNumber(ctx context.Context, tn string) (*Number, error) { return nil, errTODO }
func (c *Client) PurchaseNumber(ctx context.Context, tn, billingMethod string) error {
	return errTODO
}
func (c *Client) SetRoutes(ctx context.Context, tn, primary, failover string) error { return errTODO }
func (c *Client) ListRoutes(ctx context.Context, opt PageOptions) (*Page[Route], error) {
	return nil, errTODO
}
func (c *Client) CreateRoute(ctx context.Context, r Route) error { return errTODO }

// Walkers over every page.
func (c *Client) AllNumbers(ctx context.Context, pattern string) ([]Number, error) {
	return nil, errTODO
}
func (c *Client) AllRoutes(ctx context.Context) ([]Route, error) { return nil, errTODO }
func (c *Client) AllNPAs(ctx context.Context) ([]string, error)  { return nil, errTODO }
func (c *Client) AllNPANXXs(ctx context.Context, npa string) ([]NPANXX, error) {
	return nil, errTODO
}
func (c *Client) AllAvailable(ctx context.Context, q SearchQuery, max int) ([]AvailableNumber, error) {
	return nil, errTODO
}

// LookupAvailable returns the purchasable number tn exactly (search with tn, exact match), or an
// error matching ErrNotFound when it is not for sale.
func (c *Client) LookupAvailable(ctx context.Context, tn string) (*AvailableNumber, error) {
	return nil, errTODO
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) {} }
