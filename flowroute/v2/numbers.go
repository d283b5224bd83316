package v2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
)

// SearchAvailable reads one page of the numbers for sale (GET /numbers/available).
func (c *Client) SearchAvailable(ctx context.Context, q AvailableQuery, opt PageOptions) (*Page[AvailableNumber], error) {
	v := url.Values{}
	v.Set("starts_with", strings.TrimPrefix(q.StartsWith, "+"))
	v.Set("contains", q.Contains)
	v.Set("ends_with", q.EndsWith)
	v.Set("rate_center", q.RateCenter)
	v.Set("state", q.State)
	v.Set("number_type", q.NumberType)
	v.Set("iso_country", q.ISOCountry)
	v.Set("order_by", q.OrderBy)
	return getPage(ctx, c, "numbers/available", v, opt, toAvailable)
}

// LookupAvailable returns the number tn when it is for sale (the first page of the numbers
// that start with it, searched for tn exactly), or an error matching ErrNotFound
// when it is not.
func (c *Client) LookupAvailable(ctx context.Context, tn string) (*AvailableNumber, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	p, err := c.SearchAvailable(ctx, AvailableQuery{StartsWith: tn}, PageOptions{Limit: DefaultLimit})
	if err != nil {
		return nil, err
	}
	for _, n := range p.Items {
		if n.TN == tn {
			return &n, nil
		}
	}
	return nil, fmt.Errorf("flowroute v2: %s is not for sale: %w", tn, ErrNotFound)
}

// AreaCodes reads one page of the area codes with numbers for sale (GET
// /numbers/available/areacodes); maxSetupCost ("" for any) keeps those with at least one
// number whose setup cost is at most that.
func (c *Client) AreaCodes(ctx context.Context, maxSetupCost string, opt PageOptions) (*Page[string], error) {
	return getPage(ctx, c, "numbers/available/areacodes", url.Values{"max_setup_cost": {maxSetupCost}}, opt, toCode)
}

// Exchanges reads one page of the exchanges (NPA-NXX, "347215") with numbers for sale (GET
// /numbers/available/exchanges).
func (c *Client) Exchanges(ctx context.Context, q ExchangeQuery, opt PageOptions) (*Page[string], error) {
	return getPage(ctx, c, "numbers/available/exchanges", url.Values{"areacode": {q.AreaCode}, "max_setup_cost": {q.MaxSetupCost}}, opt, toCode)
}

// ListNumbers reads one page of the account's numbers (GET /numbers). The items carry no
// relationships: Detailed is false, the route ids are empty.
func (c *Client) ListNumbers(ctx context.Context, q NumberQuery, opt PageOptions) (*Page[Number], error) {
	v := url.Values{}
	v.Set("starts_with", strings.TrimPrefix(q.StartsWith, "+"))
	v.Set("contains", q.Contains)
	v.Set("ends_with", q.EndsWith)
	v.Set("alias", q.Alias)
	return getPage(ctx, c, "numbers", v, opt, toListedNumber)
}

// GetNumber reads a number's details (GET /numbers/{tn}): its relationships and the routes,
// CNAM record and E911 address they name. A number the account does not own is an error
// matching ErrNotFound.
func (c *Client) GetNumber(ctx context.Context, tn string) (*Number, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	return getDoc(ctx, c, "numbers/"+tn, decodeNumber)
}

// owned reads whether the account owns tn: a 404 is false, other errors are errors.
func (c *Client) owned(ctx context.Context, tn string) (*Number, bool, error) {
	n, err := c.GetNumber(ctx, tn)
	switch {
	case err == nil:
		return n, true, nil
	case errors.Is(err, ErrNotFound):
		return nil, false, nil
	}
	return nil, false, err
}

// PurchaseNumber buys tn (POST /numbers/{tn}), sending the purchase once. Success is 200 or 201
// (the docs disagree); a 207 means bought, with messaging provisioning failed: the purchase
// succeeds with a Warning. A number that is not for sale is an error matching
// ErrNotFound, one the account already owns ErrConflict (the server answers
// 404 for both: the number is read to tell them apart). A lost answer is an error matching
// ErrOutcomeUnknown.
func (c *Client) PurchaseNumber(ctx context.Context, tn string, opt PurchaseOptions) (*PurchaseResult, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	path := "numbers/" + tn
	var body any
	if opt != (PurchaseOptions{}) {
		m := map[string]any{}
		if opt.CNAMLookups != nil {
			m["cnam_lookups_enabled"] = *opt.CNAMLookups
		}
		if opt.MessagingEnabled != nil {
			m["messaging_enabled"] = *opt.MessagingEnabled
		}
		if opt.MessagingEmail != nil {
			m["messaging_email"] = *opt.MessagingEmail
		}
		if opt.MessagingCallbackURL != "" {
			m["messaging_callback_url"] = opt.MessagingCallbackURL
		}
		body = m
	}
	raw, err := c.call(ctx, http.MethodPost, path, nil, body)
	partial := status(err) == http.StatusMultiStatus
	switch {
	case status(err) == http.StatusNotFound:
		if _, ok, rerr := c.owned(ctx, tn); rerr == nil && ok {
			return nil, conflictError{fmt.Errorf("flowroute v2: the account already owns %s: %w", tn, err)}
		}
		return nil, fmt.Errorf("flowroute v2: %s is not for sale: %w", tn, err)
	case err != nil && !partial:
		return nil, err
	}
	res := &PurchaseResult{}
	if partial {
		res.Warning = fmt.Sprintf("bought %s, but messaging provisioning failed (207): %v", tn, err)
	} else if n, derr := decodeNumber(raw); derr == nil {
		res.Number = n
		return res, nil
	}
	// 207, or a success whose body did not decode: read what was bought
	n, err := c.GetNumber(ctx, tn)
	if err != nil {
		return nil, fmt.Errorf("flowroute v2: bought %s, but reading it back failed: %w", tn, err)
	}
	res.Number = *n
	return res, nil
}

// ReleaseNumber gives tn back (DELETE /numbers/{tn}), sent once. A number the account does not
// own is an error matching ErrNotFound; a lost answer one matching
// ErrOutcomeUnknown.
func (c *Client) ReleaseNumber(ctx context.Context, tn string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	return c.send(ctx, http.MethodDelete, "numbers/"+tn, nil, nil)
}

// UpdateNumber changes a number's alias and CNAM lookups (PATCH /numbers/{tn}, a flat body)
// and returns the number as it is then.
func (c *Client) UpdateNumber(ctx context.Context, tn string, u NumberUpdate) (*Number, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	body := map[string]any{"type": "number"}
	if u.Alias != nil {
		body["alias"] = *u.Alias
	}
	if u.CNAMLookups != nil {
		body["cnam_lookups_enabled"] = *u.CNAMLookups
	}
	return writeDoc(ctx, c, http.MethodPatch, "numbers/"+tn, body, "number "+tn,
		func(raw []byte) (Number, bool) { n, err := decodeNumber(raw); return n, err == nil },
		func(ctx context.Context) (*Number, error) { return c.GetNumber(ctx, tn) })
}

// NumberDetails reads the details of many numbers. Where the server has the v2.1 bulk
// details (POST /v2.1/numbers/details) it asks for WithBulkSize numbers a request; a server
// that answers 404 or 405 has none, which the client remembers, reading each number with
// GetNumber from then on. Numbers the account does not own are left out, as the bulk call
// does. The result is sorted by number, without repeats.
func (c *Client) NumberDetails(ctx context.Context, tns []string) ([]Number, error) {
	tns = slices.Clone(tns)
	for _, tn := range tns {
		if err := checkTN(tn); err != nil {
			return nil, err
		}
	}
	slices.Sort(tns)
	tns = slices.Compact(tns)
	var chunks [][]string
	for len(tns) > 0 {
		n := min(c.bulkSize, len(tns))
		chunks = append(chunks, tns[:n])
		tns = tns[n:]
	}
	results := make([][]Number, len(chunks))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2 * c.eng.Parallelism())
	for i, chunk := range chunks {
		g.Go(func() error {
			ns, err := c.detailsChunk(gctx, chunk)
			results[i] = ns
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []Number
	for _, ns := range results {
		out = append(out, ns...)
	}
	slices.SortFunc(out, func(a, b Number) int { return strings.Compare(a.TN, b.TN) })
	return slices.CompactFunc(out, func(a, b Number) bool { return a.TN == b.TN }), nil
}

// detailsChunk reads one chunk of numbers: in bulk while the server may have it, else one by
// one. A bulk request whose answer is lost is read again one by one (it is a read, but sent
// as a POST, which the engine does not repeat).
func (c *Client) detailsChunk(ctx context.Context, tns []string) ([]Number, error) {
	if c.bulk.Load() != bulkNo {
		ns, err := c.bulkDetails(ctx, tns)
		switch s := status(err); {
		case err == nil:
			c.bulk.Store(bulkYes)
			return ns, nil
		case s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
			c.bulk.Store(bulkNo)
		case !errors.Is(err, ErrOutcomeUnknown):
			return nil, err
		}
	}
	out := make([]Number, len(tns))
	found := make([]bool, len(tns))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2 * c.eng.Parallelism())
	for i, tn := range tns {
		g.Go(func() error {
			n, ok, err := c.owned(gctx, tn)
			if ok {
				out[i], found[i] = *n, true
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	kept := out[:0]
	for i, n := range out {
		if found[i] {
			kept = append(kept, n)
		}
	}
	return kept, nil
}

// bulkPath is the v2.1 bulk details, beside the /v2 endpoint.
const bulkPath = "../v2.1/numbers/details"

// bulkDetails sends one bulk details request. The numbers go as a JSON array with "+", as in
// the doc's example.
func (c *Client) bulkDetails(ctx context.Context, tns []string) ([]Number, error) {
	plus := make([]string, len(tns))
	for i, tn := range tns {
		plus[i] = "+" + tn
	}
	body, err := c.call(ctx, http.MethodPost, bulkPath, nil, map[string]any{"numbers": plus})
	if err != nil {
		return nil, err
	}
	ns, err := decodeDetails(body)
	if err != nil {
		return nil, decodeErr(http.MethodPost, "v2.1/numbers/details", err)
	}
	return ns, nil
}

// HasBulkDetails reports what the client knows of the v2.1 bulk details: known is false until
// a request has told, and then ok says whether the server has them.
func (c *Client) HasBulkDetails() (ok, known bool) {
	switch c.bulk.Load() {
	case bulkYes:
		return true, true
	case bulkNo:
		return false, true
	}
	return false, false
}

// ProbeBulkDetails asks the server whether it has the v2.1 bulk details, with a request for no
// numbers (an answer of 200 or 422 says yes, 404 or 405 no), and remembers the answer.
func (c *Client) ProbeBulkDetails(ctx context.Context) (bool, error) {
	if ok, known := c.HasBulkDetails(); known {
		return ok, nil
	}
	err := c.send(ctx, http.MethodPost, bulkPath, nil, map[string]any{"numbers": []string{}})
	switch s := status(err); {
	case err == nil || s == http.StatusUnprocessableEntity || s == http.StatusBadRequest:
		c.bulk.Store(bulkYes)
		return true, nil
	case s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
		c.bulk.Store(bulkNo)
		return false, nil
	}
	return false, err
}
