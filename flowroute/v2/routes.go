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

// ListRoutes reads one page of the account's routes (GET /routes); routeType ("" for all)
// filters by type. Route "0", sip-reg, comes first.
func (c *Client) ListRoutes(ctx context.Context, routeType string, opt PageOptions) (*Page[Route], error) {
	return getPage(ctx, c, "routes", url.Values{"route_type": {routeType}}, opt, toRoute)
}

// routeBody is the JSON:API body of a route create or update; empty fields are left out.
func routeBody(in RouteInput) (any, error) {
	attrs := map[string]any{}
	if in.Alias != "" {
		attrs["alias"] = in.Alias
	}
	if in.Type != "" {
		attrs["route_type"] = strings.ToLower(in.Type)
	}
	if in.Value != "" {
		attrs["value"] = in.Value
	}
	if in.EdgeStrategyID != "" {
		id, err := strconv.Atoi(in.EdgeStrategyID)
		if err != nil {
			return nil, fmt.Errorf("flowroute v2: edge strategy %q: want an integer id from EdgeStrategies", in.EdgeStrategyID)
		}
		attrs["edge_strategy_id"] = id
	}
	return map[string]any{"data": map[string]any{"type": "route", "attributes": attrs}}, nil
}

// existsConflict turns the 422 that refuses a value already taken (a route alias, a CNAM
// value) into a conflict.
func existsConflict(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(ae.Message), "already exist") {
		return conflictError{err}
	}
	return err
}

// sameRoute reports whether r has the fields in asks for (its empty fields match anything).
func sameRoute(r Route, in RouteInput) bool {
	return (in.Alias == "" || r.Alias == in.Alias) &&
		(in.Type == "" || r.Type == strings.ToLower(in.Type)) &&
		(in.Value == "" || r.Value == in.Value) &&
		(in.EdgeStrategyID == "" || r.EdgeStrategyID == in.EdgeStrategyID)
}

// CreateRoute creates a route (POST /routes), sent once, and returns it with its id. Alias,
// Type (host, number or uri) and Value are required. An alias already taken is an error
// matching ErrConflict; a lost answer one matching ErrOutcomeUnknown. A route
// created with an answer that names none is looked for among the routes.
func (c *Client) CreateRoute(ctx context.Context, in RouteInput) (*Route, error) {
	if in.Alias == "" || in.Type == "" || in.Value == "" {
		return nil, fmt.Errorf("flowroute v2: a route needs an alias, a type and a value (got %q, %q, %q)", in.Alias, in.Type, in.Value)
	}
	body, err := routeBody(in)
	if err != nil {
		return nil, err
	}
	r, err := writeDoc(ctx, c, http.MethodPost, "routes", body, fmt.Sprintf("route %q", in.Alias),
		routeAnswer,
		func(ctx context.Context) (*Route, error) { return c.routeLike(ctx, in) })
	return r, existsConflict(err)
}

// routeLike is the route with in's alias, type and value, nil when there is none.
func (c *Client) routeLike(ctx context.Context, in RouteInput) (*Route, error) {
	rs, err := c.AllRoutes(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Alias == in.Alias && sameRoute(r, in) {
			return &r, nil
		}
	}
	return nil, nil
}

// UpdateRoute changes a route (PATCH /routes/{id}); empty fields of in are not sent. Route
// "0" cannot be changed.
func (c *Client) UpdateRoute(ctx context.Context, id string, in RouteInput) (*Route, error) {
	if err := checkRouteID(id); err != nil {
		return nil, err
	}
	body, err := routeBody(in)
	if err != nil {
		return nil, err
	}
	r, err := writeDoc(ctx, c, http.MethodPatch, "routes/"+id, body, "route "+id,
		routeAnswer,
		func(ctx context.Context) (*Route, error) { return c.findRoute(ctx, id) })
	return r, existsConflict(err)
}

// findRoute is the route with id, nil when the account has none.
func (c *Client) findRoute(ctx context.Context, id string) (*Route, error) {
	rs, err := c.AllRoutes(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.ID == id {
			return &r, nil
		}
	}
	return nil, nil
}

// DeleteRoute deletes a route no number uses (DELETE /routes/{id}). A route still in use is an
// error matching ErrConflict (the server's 403).
func (c *Client) DeleteRoute(ctx context.Context, id string) error {
	if err := checkRouteID(id); err != nil {
		return err
	}
	return asConflict(c.send(ctx, http.MethodDelete, "routes/"+id, nil, nil), http.StatusForbidden)
}

// checkRouteID checks the id of a route to change: digits, not the built-in route "0".
func checkRouteID(id string) error {
	if err := checkID("route", id); err != nil {
		return err
	}
	if id == BuiltinRouteID {
		return errors.New("flowroute v2: route 0 (sip-reg) is built in and cannot be changed or deleted")
	}
	return nil
}

// EdgeStrategies lists the PoPs a route can receive traffic from (GET /routes/edge_strategies).
func (c *Client) EdgeStrategies(ctx context.Context) ([]EdgeStrategy, error) {
	p, err := getPage(ctx, c, "routes/edge_strategies", nil, PageOptions{}, toEdgeStrategy)
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// SetPrimaryRoute makes route id the number's primary route (PATCH
// /numbers/{tn}/relationships/primary_route; "0" is sip-reg).
func (c *Client) SetPrimaryRoute(ctx context.Context, tn, routeID string) error {
	return c.setRouteRel(ctx, tn, "primary_route", routeID)
}

// SetFailoverRoute makes route id the number's failover route (PATCH
// /numbers/{tn}/relationships/failover_route).
func (c *Client) SetFailoverRoute(ctx context.Context, tn, routeID string) error {
	return c.setRouteRel(ctx, tn, "failover_route", routeID)
}

// RemovePrimaryRoute removes the number's primary route (DELETE
// /numbers/{tn}/relationships/primary_route): it goes back to sip-reg, route "0".
func (c *Client) RemovePrimaryRoute(ctx context.Context, tn string) error {
	return c.setRouteRel(ctx, tn, "primary_route", "")
}

// RemoveFailoverRoute removes the number's failover route (DELETE
// /numbers/{tn}/relationships/failover_route).
func (c *Client) RemoveFailoverRoute(ctx context.Context, tn string) error {
	return c.setRouteRel(ctx, tn, "failover_route", "")
}

// setRouteRel sets (routeID != "") or removes a number's route relationship.
func (c *Client) setRouteRel(ctx context.Context, tn, rel, routeID string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	method, body := http.MethodDelete, any(nil)
	if routeID != "" {
		if err := checkID("route", routeID); err != nil {
			return err
		}
		method, body = http.MethodPatch, map[string]any{"data": map[string]any{"type": "route", "id": routeID}}
	}
	return c.send(ctx, method, "numbers/"+tn+"/relationships/"+rel, nil, body)
}
