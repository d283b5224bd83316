package v1

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// listAnswer is a v1 list answer. Each list is a JSON object keyed by the item's name, in the
// server's order; "{}" (no key at all) is an empty page. An answer holds one list: TNs, of V,
// for the two lists of numbers (N is Number or AvailableNumber), and the member of its kind for
// each other list. It is decoded
// in one pass, straight into typed values.
type listAnswer[N any] struct {
	NPAs    map[string]ignored `json:"npas"`
	NPANXXs map[string]ignored `json:"npanxxs"`
	TNs     map[string]N       `json:"tns"`
	Routes  map[string]Route   `json:"routes"`
	Links   struct {
		Next string `json:"next"`
		Prev string `json:"prev"`
	} `json:"links"`
}

// ignored is a value the client does not read (an NPA's links); any JSON is accepted.
type ignored struct{}

// UnmarshalJSON accepts any value.
func (*ignored) UnmarshalJSON([]byte) error { return nil }

// listPage is one list answer as the engine decodes it, turned into a Page by Check (see
// engine.Checked): its items in key order, the order v1 documents for every list (numbers and
// NPAs numerically, as their keys have fixed widths; routes by name), whatever order the JSON
// object has. An item that item refuses fails the page, and the engine cleans the error of
// secrets, as it does decoding errors.
type listPage[N, V, T any] struct {
	listAnswer[N]
	members func(*listAnswer[N]) map[string]V // the list of this answer
	item    func(key string, v V) (T, error)  // one item from its key and value
	page    *Page[T]
}

// Check builds the page.
func (l *listPage[N, V, T]) Check() error {
	members := l.members(&l.listAnswer)
	p := &Page[T]{Next: l.Links.Next, Prev: l.Links.Prev, Items: make([]T, 0, len(members))}
	for _, key := range slices.Sorted(maps.Keys(members)) {
		it, err := l.item(key, members[key])
		if err != nil {
			return err
		}
		p.Items = append(p.Items, it)
	}
	l.page = p
	return nil
}

// getPage sends a GET for one page of a list and decodes it: members picks the answer's list,
// item makes one T of each of its members.
func getPage[N, V, T any](ctx context.Context, c *Client, path string, q url.Values, opt PageOptions,
	members func(*listAnswer[N]) map[string]V, item func(key string, v V) (T, error)) (*Page[T], error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	if opt.Limit > 0 {
		q.Set("limit", strconv.Itoa(opt.Limit))
	}
	if opt.Page > 0 {
		q.Set("page", strconv.Itoa(opt.Page))
	}
	lp := listPage[N, V, T]{members: members, item: item}
	if err := c.eng.Do(ctx, engine.Request{Method: http.MethodGet, Path: path, Query: q}, &lp); err != nil {
		return nil, err
	}
	return lp.page, nil
}

// The lists of the answers.
func tns[N any](a *listAnswer[N]) map[string]N          { return a.TNs }
func npas(a *listAnswer[ignored]) map[string]ignored    { return a.NPAs }
func npanxxs(a *listAnswer[ignored]) map[string]ignored { return a.NPANXXs }
func routes(a *listAnswer[ignored]) map[string]Route    { return a.Routes }

// ListNPAs returns one page of the NPAs (area codes) that have numbers for sale, lowest first.
func (c *Client) ListNPAs(ctx context.Context, opt PageOptions) (*Page[string], error) {
	return getPage(ctx, c, "available-tns/npas/", url.Values{}, opt, npas, func(npa string, _ ignored) (string, error) {
		if len(npa) != 3 || !isDigits(npa) {
			return "", badKey("NPA", npa, "3 digits")
		}
		return npa, nil
	})
}

// ListNPANXXs returns one page of the NPA-NXXs that have numbers for sale, lowest first. npa,
// when not empty, keeps those whose NPA contains it.
func (c *Client) ListNPANXXs(ctx context.Context, npa string, opt PageOptions) (*Page[NPANXX], error) {
	if npa != "" && (len(npa) > 3 || !isDigits(npa)) {
		return nil, fmt.Errorf("flowroute: NPA %q: want up to 3 digits", npa)
	}
	return getPage(ctx, c, "available-tns/npanxxs/", url.Values{"npa": {npa}}, opt, npanxxs, func(key string, _ ignored) (NPANXX, error) {
		if len(key) != 6 || !isDigits(key) {
			return NPANXX{}, badKey("NPA-NXX", key, "6 digits")
		}
		return NPANXX{NPA: key[:3], NXX: key[3:]}, nil
	})
}

// SearchNumbers returns one page of the purchasable numbers that match q, lowest first.
func (c *Client) SearchNumbers(ctx context.Context, q SearchQuery, opt PageOptions) (*Page[AvailableNumber], error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	v := url.Values{"npa": {q.NPA}, "nxx": {q.NXX}, "state": {q.State}, "ratecenter": {q.RateCenter}, "tn": {q.TN}}
	return getPage(ctx, c, "available-tns/tns/", v, opt, tns, func(tn string, n AvailableNumber) (AvailableNumber, error) {
		if validateTN(tn) != nil {
			return n, badKey("number", tn, "11 digits, 1NPANXXXXXX")
		}
		n.TN = tn
		return n, nil
	})
}

// ListNumbers returns one page of the numbers the account owns, lowest first. pattern, when
// not empty, keeps those that contain it.
func (c *Client) ListNumbers(ctx context.Context, pattern string, opt PageOptions) (*Page[Number], error) {
	if pattern != "" && (len(pattern) > 11 || !isDigits(pattern)) {
		return nil, fmt.Errorf("flowroute: number pattern %q: want up to 11 digits", pattern)
	}
	return getPage(ctx, c, "tns/", url.Values{"pattern": {pattern}}, opt, tns, func(tn string, n Number) (Number, error) {
		if validateTN(tn) != nil {
			return n, badKey("number", tn, "11 digits, 1NPANXXXXXX")
		}
		n.TN = tn
		return n, nil
	})
}

// GetNumber returns a number the account owns. A number not on the account gives an error
// matching ErrNotFound.
func (c *Client) GetNumber(ctx context.Context, tn string) (*Number, error) {
	if err := validateTN(tn); err != nil {
		return nil, err
	}
	var n Number
	if err := c.eng.Do(ctx, engine.Request{Method: http.MethodGet, Path: "tns/" + tn}, &n); err != nil {
		return nil, err
	}
	n.TN = tn
	return &n, nil
}

// PurchaseNumber buys tn with the billing method ("METERED" or "VPRI"). Its new routes are
// sip-reg. A number that is not for sale (or already owned) gives a 422 *APIError.
//
// When the answer is lost or is a 5xx, the error matches ErrOutcomeUnknown: the number may or
// may not have been bought, and the client does not try again; read the account to find out.
func (c *Client) PurchaseNumber(ctx context.Context, tn, billingMethod string) error {
	if err := validateTN(tn); err != nil {
		return err
	}
	if billingMethod == "" {
		return errors.New("flowroute: purchase: the billing method is required")
	}
	body := struct {
		BillingMethod string `json:"billing_method"`
	}{billingMethod}
	return c.eng.Do(ctx, engine.Request{Method: http.MethodPut, Path: "tns/" + tn, Body: body}, nil)
}

// SetRoutes sets the primary and the failover route of tn; v1 sets the two together.
// An unknown route or number gives an error matching ErrNotFound. A lost answer gives an
// error matching ErrOutcomeUnknown (setting routes twice is harmless, but the client leaves
// that choice to the caller).
func (c *Client) SetRoutes(ctx context.Context, tn, primary, failover string) error {
	if err := validateTN(tn); err != nil {
		return err
	}
	if primary == "" || failover == "" {
		return errors.New("flowroute: set routes: both the primary and the failover route are required")
	}
	body := struct {
		Routes []RouteRef `json:"routes"`
	}{[]RouteRef{{Name: primary}, {Name: failover}}}
	return c.eng.Do(ctx, engine.Request{Method: http.MethodPatch, Path: "tns/" + tn, Body: body}, nil)
}

// ListRoutes returns one page of the account's inbound routes, by name.
func (c *Client) ListRoutes(ctx context.Context, opt PageOptions) (*Page[Route], error) {
	return getPage(ctx, c, "routes/", url.Values{}, opt, routes, func(name string, r Route) (Route, error) {
		if !validRouteName(name) {
			return r, badKey("route name", name, "a name of printable characters")
		}
		r.Name = name
		return r, nil
	})
}

// CreateRoute creates an inbound route of type HOST, PSTN or URI. A name already taken gives a
// 409 *APIError; a value the server rejects, a 422.
func (c *Client) CreateRoute(ctx context.Context, r Route) error {
	if err := validateRoute(r); err != nil {
		return err
	}
	body := struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}{r.Type, r.Value}
	return c.eng.Do(ctx, engine.Request{Method: http.MethodPut, Path: "routes/" + url.PathEscape(r.Name), Body: body}, nil)
}

// badKey is the error for a key from the server that is not what the endpoint lists. The key is
// quoted, shortened: a hostile server could send megabytes of it.
func badKey(what, key, want string) error {
	return fmt.Errorf("%s %s from the server: want %s", what, engine.Quote(key), want)
}
