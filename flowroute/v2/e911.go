package v2

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ListE911s reads one page of the account's E911 addresses (GET /e911s).
func (c *Client) ListE911s(ctx context.Context, q E911Query, opt PageOptions) (*Page[E911Address], error) {
	v := url.Values{"label": {q.Label}, "street_name": {q.StreetName}, "city": {q.City}, "state": {q.State}}
	return getPage(ctx, c, "e911s", v, opt, toE911)
}

// GetE911 reads one E911 address (GET /e911s/{id}).
func (c *Client) GetE911(ctx context.Context, id string) (*E911Address, error) {
	if err := checkID("e911", id); err != nil {
		return nil, err
	}
	return getDoc(ctx, c, "e911s/"+id, decodeE911)
}

// e911Body is the JSON:API body of an E911 validate, create or update; empty fields are left
// out.
func e911Body(f E911Fields) any {
	attrs := map[string]any{}
	for k, v := range map[string]string{
		"label": f.Label, "first_name": f.FirstName, "last_name": f.LastName, "street_number": f.StreetNumber,
		"street_name": f.StreetName, "address_type": f.AddressType, "address_type_number": f.AddressTypeNumber,
		"city": f.City, "state": f.State, "country": f.Country, "zip": f.Zip,
	} {
		if v != "" {
			attrs[k] = v
		}
	}
	return map[string]any{"data": map[string]any{"type": "e911", "attributes": attrs}}
}

// sameE911 reports whether a has the fields f asks for (its empty fields match anything),
// ignoring case, as the server may normalize it.
func sameE911(a E911Fields, f E911Fields) bool {
	pairs := [][2]string{
		{a.Label, f.Label}, {a.FirstName, f.FirstName}, {a.LastName, f.LastName}, {a.StreetNumber, f.StreetNumber},
		{a.StreetName, f.StreetName}, {a.AddressType, f.AddressType}, {a.AddressTypeNumber, f.AddressTypeNumber},
		{a.City, f.City}, {a.State, f.State}, {a.Country, f.Country}, {a.Zip, f.Zip},
	}
	for _, p := range pairs {
		if p[1] != "" && !strings.EqualFold(strings.TrimSpace(p[0]), strings.TrimSpace(p[1])) {
			return false
		}
	}
	return true
}

// ValidateE911 asks the server whether it would accept the address (POST /e911s/validate,
// 204). A field problem is a 422 naming the field, an address that cannot be geocoded a 400.
func (c *Client) ValidateE911(ctx context.Context, f E911Fields) error {
	return c.send(ctx, http.MethodPost, "e911s/validate", nil, e911Body(f))
}

// CreateE911 validates and creates an address (POST /e911s). Labels need not be unique. An
// address created with an answer that names none is looked for among the addresses.
// The same address created twice is answered 403 "Duplicate address." (the Node SDK treats it as
// the expected answer): a conflict, which a caller settles by reading the addresses.
func (c *Client) CreateE911(ctx context.Context, f E911Fields) (*E911Address, error) {
	a, err := writeDoc(ctx, c, http.MethodPost, "e911s", e911Body(f), fmt.Sprintf("E911 address %q", f.Label),
		e911Answer,
		func(ctx context.Context) (*E911Address, error) { return c.e911Like(ctx, f) })
	return a, asConflict(err, http.StatusForbidden)
}

// e911Like is the newest address with every field of f, nil when there is none.
func (c *Client) e911Like(ctx context.Context, f E911Fields) (*E911Address, error) {
	as, err := c.AllE911s(ctx, E911Query{Label: f.Label})
	if err != nil {
		return nil, err
	}
	for i := len(as) - 1; i >= 0; i-- { // sorted by id: the newest last
		if sameE911(as[i].E911Fields, f) {
			return &as[i], nil
		}
	}
	return nil, nil
}

// UpdateE911 validates and changes an address (PATCH /e911s/{id}); empty fields are not sent.
func (c *Client) UpdateE911(ctx context.Context, id string, f E911Fields) (*E911Address, error) {
	if err := checkID("e911", id); err != nil {
		return nil, err
	}
	return writeDoc(ctx, c, http.MethodPatch, "e911s/"+id, e911Body(f), "E911 address "+id,
		e911Answer,
		func(ctx context.Context) (*E911Address, error) { return c.GetE911(ctx, id) })
}

// DeleteE911 deletes an address no number uses (DELETE /e911s/{id}); one still associated is
// an error matching ErrConflict (403).
func (c *Client) DeleteE911(ctx context.Context, id string) error {
	if err := checkID("e911", id); err != nil {
		return err
	}
	return asConflict(c.send(ctx, http.MethodDelete, "e911s/"+id, nil, nil), http.StatusForbidden)
}

// AssociateE911 sets the number's E911 address (PATCH /numbers/{tn}/relationships/e911s/{id},
// 204), replacing any other. The server charges only the first success.
func (c *Client) AssociateE911(ctx context.Context, tn, id string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	if err := checkID("e911", id); err != nil {
		return err
	}
	return c.send(ctx, http.MethodPatch, "numbers/"+tn+"/relationships/e911s/"+id, nil, nil)
}

// DisconnectE911 removes the number's E911 address (DELETE /numbers/{tn}/relationships/e911s).
func (c *Client) DisconnectE911(ctx context.Context, tn string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	return c.send(ctx, http.MethodDelete, "numbers/"+tn+"/relationships/e911s", nil, nil)
}

// E911Numbers reads one page of the numbers associated with an address (GET
// /e911s/{id}/relationships/numbers). The number is read from attributes.value.
func (c *Client) E911Numbers(ctx context.Context, id string, opt PageOptions) (*Page[E911Number], error) {
	if err := checkID("e911", id); err != nil {
		return nil, err
	}
	return getPage(ctx, c, "e911s/"+id+"/relationships/numbers", nil, opt, toE911Number)
}
