package v2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/account"
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
	path := "cnams/" + id
	body, err := c.call(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	r, err := decodeCNAM(body)
	if err != nil {
		return nil, decodeErr(http.MethodGet, path, err)
	}
	return &r, nil
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
// approves it. A value already on the account is an error matching account.ErrConflict. When
// the answer is lost the client looks for the value among the records, and sends the create
// again, once, only when it is not there.
func (c *Client) CreateCNAM(ctx context.Context, value string) (*CNAM, error) {
	if value == "" {
		return nil, errors.New("flowroute v2: a CNAM record needs a value")
	}
	var out *CNAM
	_, err := settle(ctx, func(ctx context.Context) error {
		raw, err := c.call(ctx, http.MethodPost, "cnams", nil, map[string]any{"value": value})
		if err != nil {
			return existsConflict(err)
		}
		if r, derr := decodeCNAM(raw); derr == nil && r.ID != "" {
			out = &r
		}
		return nil
	}, func(ctx context.Context) (bool, error) {
		r, err := c.cnamLike(ctx, value)
		out = r
		return r != nil, err
	})
	if err == nil && out == nil {
		if out, err = c.cnamLike(ctx, value); err == nil && out == nil {
			err = fmt.Errorf("flowroute v2: CNAM %q was created, but the list of records does not show it", value)
		}
	}
	return out, err
}

// UpdateCNAM changes a pending record's value (PATCH /cnams/{id}). An approved or rejected
// record cannot be changed (403).
func (c *Client) UpdateCNAM(ctx context.Context, id, value string) (*CNAM, error) {
	if err := checkID("cnam", id); err != nil {
		return nil, err
	}
	body := map[string]any{"data": map[string]any{"type": "cnam", "attributes": map[string]any{"value": value}}}
	return patchSettled(ctx, c, "cnams/"+id, body, "CNAM record "+id,
		func(raw []byte) (CNAM, bool) { r, err := decodeCNAM(raw); return r, err == nil && r.ID != "" },
		func(ctx context.Context) (*CNAM, bool, error) {
			r, err := c.GetCNAM(ctx, id)
			if err != nil {
				return nil, false, err
			}
			return r, strings.EqualFold(r.Value, value), nil
		}, existsConflict)
}

// DeleteCNAM deletes a record (DELETE /cnams/{id}); the server disassociates every number
// from it. When the answer is lost the client reads the record: gone means deleted.
func (c *Client) DeleteCNAM(ctx context.Context, id string) error {
	if err := checkID("cnam", id); err != nil {
		return err
	}
	_, err := settle(ctx, func(ctx context.Context) error {
		err := c.send(ctx, http.MethodDelete, "cnams/"+id, nil, nil)
		return err
	}, func(ctx context.Context) (bool, error) {
		_, err := c.GetCNAM(ctx, id)
		if errors.Is(err, account.ErrNotFound) {
			return true, nil
		}
		return false, err
	})
	return err
}

// AssociateCNAM presents record id on the number (PATCH
// /numbers/{tn}/relationships/cnams/{id}, 202). The record must be approved. When the answer
// is lost the client reads the number and sends again, once, only if the number does not show
// the record.
func (c *Client) AssociateCNAM(ctx context.Context, tn, id string) (*CNAMAssociation, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	if err := checkID("cnam", id); err != nil {
		return nil, err
	}
	return c.cnamRel(ctx, tn, http.MethodPatch, "numbers/"+tn+"/relationships/cnams/"+id, id)
}

// UnassociateCNAM removes the number's CNAM record (DELETE /numbers/{tn}/relationships/cnams,
// 202).
func (c *Client) UnassociateCNAM(ctx context.Context, tn string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	_, err := c.cnamRel(ctx, tn, http.MethodDelete, "numbers/"+tn+"/relationships/cnams", "")
	return err
}

func (c *Client) cnamRel(ctx context.Context, tn, method, path, want string) (*CNAMAssociation, error) {
	out := &CNAMAssociation{ID: want}
	_, err := settle(ctx, func(ctx context.Context) error {
		raw, err := c.call(ctx, method, path, nil, nil)
		if err != nil {
			return err
		}
		if a, derr := decodeCNAMAssociation(raw); derr == nil {
			out.DateCreated = a.DateCreated
			if a.ID != "" {
				out.ID = a.ID
			}
		}
		return nil
	}, func(ctx context.Context) (bool, error) {
		n, err := c.GetNumber(ctx, tn)
		if err != nil {
			return false, err
		}
		return n.CNAMID == want, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
