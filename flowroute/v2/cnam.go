package v2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ListCNAMs reads one page of the account's CNAM records (GET /cnams).
func (c *Client) ListCNAMs(ctx context.Context, q CNAMQuery, opt PageOptions) (*Page[CNAM], error) {
	v := url.Values{"value": {q.Value}}
	if q.IsApproved != nil {
		v.Set("is_approved", strconv.FormatBool(*q.IsApproved))
	}
	return getPage(ctx, c, "cnams", v, opt, toCNAM)
}

// GetCNAM reads one CNAM record (GET /cnams/{id}), with the numbers it is associated with
// when the server lists them.
func (c *Client) GetCNAM(ctx context.Context, id string) (*CNAM, error) {
	if err := checkID("cnam", id); err != nil {
		return nil, err
	}
	return getDoc(ctx, c, "cnams/"+id, decodeCNAM)
}

// cnamLike is the record whose value is value (the server upper-cases values), nil when
// there is none.
func (c *Client) cnamLike(ctx context.Context, value string) (*CNAM, error) {
	rs, err := c.AllCNAMs(ctx, CNAMQuery{Value: value})
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if strings.EqualFold(r.Value, value) {
			return &r, nil
		}
	}
	return nil, nil
}

// CreateCNAM creates a CNAM record (POST /cnams, a flat body); it is pending until Flowroute
// approves it. A value already on the account is an error matching ErrConflict. A
// record created with an answer that names none is looked for among the records.
func (c *Client) CreateCNAM(ctx context.Context, value string) (*CNAM, error) {
	if value == "" {
		return nil, errors.New("flowroute v2: a CNAM record needs a value")
	}
	r, err := writeDoc(ctx, c, http.MethodPost, "cnams", map[string]any{"value": value}, fmt.Sprintf("CNAM %q", value),
		cnamAnswer,
		func(ctx context.Context) (*CNAM, error) { return c.cnamLike(ctx, value) })
	return r, existsConflict(err)
}

// UpdateCNAM changes a pending record's value (PATCH /cnams/{id}). An approved or rejected
// record cannot be changed (403).
func (c *Client) UpdateCNAM(ctx context.Context, id, value string) (*CNAM, error) {
	if err := checkID("cnam", id); err != nil {
		return nil, err
	}
	body := map[string]any{"data": map[string]any{"type": "cnam", "attributes": map[string]any{"value": value}}}
	r, err := writeDoc(ctx, c, http.MethodPatch, "cnams/"+id, body, "CNAM record "+id,
		cnamAnswer,
		func(ctx context.Context) (*CNAM, error) { return c.GetCNAM(ctx, id) })
	return r, existsConflict(err)
}

// DeleteCNAM deletes a record (DELETE /cnams/{id}); the server disassociates every number
// from it.
func (c *Client) DeleteCNAM(ctx context.Context, id string) error {
	if err := checkID("cnam", id); err != nil {
		return err
	}
	return c.send(ctx, http.MethodDelete, "cnams/"+id, nil, nil)
}

// AssociateCNAM presents record id on the number (PATCH
// /numbers/{tn}/relationships/cnams/{id}, 202). The record must be approved.
func (c *Client) AssociateCNAM(ctx context.Context, tn, id string) (*CNAMAssociation, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	if err := checkID("cnam", id); err != nil {
		return nil, err
	}
	return c.cnamRel(ctx, http.MethodPatch, "numbers/"+tn+"/relationships/cnams/"+id, id)
}

// UnassociateCNAM removes the number's CNAM record (DELETE /numbers/{tn}/relationships/cnams,
// 202).
func (c *Client) UnassociateCNAM(ctx context.Context, tn string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	_, err := c.cnamRel(ctx, http.MethodDelete, "numbers/"+tn+"/relationships/cnams", "")
	return err
}

// cnamRel sends an association (id the record's) or an unassociation (id "") and reads its
// answer, which may be empty.
func (c *Client) cnamRel(ctx context.Context, method, path, id string) (*CNAMAssociation, error) {
	raw, err := c.call(ctx, method, path, nil, nil)
	if err != nil {
		return nil, err
	}
	out := &CNAMAssociation{ID: id}
	if a, derr := decodeCNAMAssociation(raw); derr == nil {
		out.DateCreated = a.DateCreated
		if a.ID != "" {
			out.ID = a.ID
		}
	}
	return out, nil
}
