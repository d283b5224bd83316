package sandbox

import (
	"net/http"
	"strconv"
)

// The v2 face's routes (§4).

// edgeStrategyJSON is an edge strategy (PoP) of GET /v2/routes/edge_strategies.
type edgeStrategyJSON struct {
	Attributes struct {
		Description   string `json:"description"`
		FirewallRules string `json:"firewall_rules"`
		Name          string `json:"name"`
		NAPTR         string `json:"naptr"`
	} `json:"attributes"`
	ID   int    `json:"id"`
	Type string `json:"type"`
}

// edgeStrategies are the PoPs a route may name. Id 4 is as the doc quotes it (§4.6). Only the
// description of the Oregon entry is sourced: its id 7, name, naptr and firewall rules are
// made up by the sandbox.
var edgeStrategies = func() []edgeStrategyJSON {
	var va, or edgeStrategyJSON
	va.ID, va.Type = 4, "edge_strategy"
	va.Attributes.Description = "Data will be sent preferentially from our edge systems in North Virginia. We will fall back to other regions if necessary."
	va.Attributes.FirewallRules = "34.226.36.32/28, 34.226.36.32-34.226.36.47"
	va.Attributes.Name = "US-East-VA"
	va.Attributes.NAPTR = "us-east-va.sip.flowroute.com"
	or.ID, or.Type = 7, "edge_strategy"
	or.Attributes.Description = "Data will be sent preferentially from our edge systems in Oregon. We will fall back to other regions if necessary."
	or.Attributes.FirewallRules = "192.0.2.0/28 (made up by the sandbox)"
	or.Attributes.Name = "US-West-OR"
	or.Attributes.NAPTR = "us-west-or.sip.flowroute.example"
	return []edgeStrategyJSON{va, or}
}()

// edgeStrategy is the edge strategy with the id, nil for none.
func edgeStrategy(id int) *edgeStrategyJSON {
	for i := range edgeStrategies {
		if edgeStrategies[i].ID == id {
			return &edgeStrategies[i]
		}
	}
	return nil
}

// routeObject is a route as v2 shows it (§4.1): route 0's value is null.
func (s *Server) routeObject(r *http.Request, rt *route) map[string]any {
	var value, edge any
	if rt.id != sipRegID {
		value = rt.value
	}
	if rt.edge != 0 {
		edge = rt.edge
	}
	id := strconv.Itoa(rt.id)
	return map[string]any{"type": "route", "id": id,
		"attributes": map[string]any{"alias": rt.alias, "route_type": rt.typ, "value": value, "edge_strategy_id": edge},
		"links":      map[string]string{"self": s.linkBase(r) + "/v2/routes/" + id}}
}

// v2ListRoutes answers GET /v2/routes (§4.2): ascending id, route 0 first.
func (s *Server) v2ListRoutes(c *call) (response, func()) {
	p, bad := s.newV2Page(c, 200)
	if bad != nil {
		return *bad, nil
	}
	typ := c.r.URL.Query().Get("route_type")
	switch typ {
	case "", typeSIPReg, typeHost, typeNumber, typeURI:
	default:
		return v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", "route_type must be sip-reg, host, number or uri."), nil
	}
	p.filter("route_type", typ)
	ids := s.st.ids
	if typ != "" {
		ids = nil
		for _, id := range s.st.ids {
			if s.st.routes[id].typ == typ {
				ids = append(ids, id)
			}
		}
	}
	start, end := p.window(len(ids))
	data := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		data = append(data, s.routeObject(c.r, s.st.routes[id]))
	}
	return p.list(data, len(ids)), nil
}

// routeFields reads the attributes of a route body into to, checking each (§9.20): create
// requires alias, route_type and value; update takes any of them. Field problems are one 422.
func (s *Server) routeFields(body obj, to *route, create bool) *response {
	data := member(body, "data")
	attrs := member(data, "attributes")
	if t, _, _ := str(data, "type"); t != "route" || attrs == nil && create {
		resp := unprocessable(`The body must be {"data": {"type": "route", "attributes": {...}}}.`)
		return &resp
	}
	problems := map[string][]string{}
	readRouteStrings(attrs, to, create, problems)
	readEdgeStrategy(attrs, to, problems)
	if len(problems) == 0 {
		checkRoute(attrs, to, create, problems)
	}
	if len(problems) > 0 {
		resp := fieldErrors(problems)
		return &resp
	}
	if other := s.st.routeNamed(to.alias); other != nil && other.id != to.id {
		resp := unprocessable("Route alias already exists.")
		return &resp
	}
	return nil
}

// readRouteStrings reads alias, route_type and value into to, noting a missing (on create)
// or non-string one in problems.
func readRouteStrings(attrs obj, to *route, create bool, problems map[string][]string) {
	for _, f := range []struct {
		key string
		dst *string
	}{{"alias", &to.alias}, {"route_type", &to.typ}, {"value", &to.value}} {
		v, present, ok := str(attrs, f.key)
		switch {
		case !present && create:
			problems[f.key] = []string{"Required."}
		case present && !ok:
			problems[f.key] = []string{"Must be a string."}
		case present:
			*f.dst = v
		}
	}
}

// readEdgeStrategy reads edge_strategy_id (an integer id, or null for none) into to, or
// PY-DEMO's edge_strategy (an id as an integer or a string) when edge_strategy_id is absent.
func readEdgeStrategy(attrs obj, to *route, problems map[string][]string) {
	const notAnEdge = "Must be the id of an edge strategy of GET /routes/edge_strategies."
	if x, present := attrs["edge_strategy_id"]; present {
		if _, isString := x.(string); isString {
			problems["edge_strategy_id"] = []string{"Must be an integer edge strategy id."}
			return
		}
		if x == nil {
			to.edge = 0
			return
		}
		if id, ok := intish(x); ok && edgeStrategy(id) != nil {
			to.edge = id
		} else {
			problems["edge_strategy_id"] = []string{notAnEdge}
		}
		return
	}
	if x, present := attrs["edge_strategy"]; present && x != nil {
		if id, ok := intish(x); ok && edgeStrategy(id) != nil {
			to.edge = id
		} else {
			problems["edge_strategy"] = []string{notAnEdge}
		}
	}
}

// checkRoute checks the route's alias and its value against its type, where the request sets
// them: a route v1 made (a bare IPv6 host) keeps its value through a v2 change of alias.
func checkRoute(attrs obj, to *route, create bool, problems map[string][]string) {
	_, aliasSent := attrs["alias"]
	_, typeSent := attrs["route_type"]
	_, valueSent := attrs["value"]
	if err := validateAlias(to.alias); err != nil && (create || aliasSent) {
		problems["alias"] = []string{err.Error()}
	}
	if err := validateV2RouteValue(to.typ, to.value); err != nil && (create || typeSent || valueSent) {
		key := "value"
		if to.typ != typeHost && to.typ != typeNumber && to.typ != typeURI {
			key = "route_type"
		}
		problems[key] = []string{err.Error()}
	}
}

// v2CreateRoute answers POST /v2/routes (§4.3): 201 with the route, whose links.self lacks
// /v2 unless Options.RouteLinkFix.
func (s *Server) v2CreateRoute(c *call) (response, func()) {
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	rt := &route{id: -1}
	if bad := s.routeFields(body, rt, true); bad != nil {
		return *bad, nil
	}
	rt.id = s.st.newRouteID()
	s.st.putRoute(rt)
	obj := s.routeObject(c.r, rt)
	self := s.linkBase(c.r) + "/routes/" + strconv.Itoa(rt.id)
	if s.routeLinkFix {
		self = s.linkBase(c.r) + "/v2/routes/" + strconv.Itoa(rt.id)
	}
	obj["links"] = map[string]string{"self": self}
	id := rt.id
	return v2OK(http.StatusCreated, map[string]any{"data": obj, "links": map[string]string{"self": self}}),
		func() { s.st.dropRoute(id) }
}

// pathRoute is the route of the path's {id}: route 0 is 403 (§9.21), an unknown id 404.
func (s *Server) pathRoute(c *call) (*route, *response) {
	id, ok := parseID(c.r.PathValue("id"))
	rt := s.st.routes[id]
	switch {
	case !ok || rt == nil:
		resp := v2Error(http.StatusNotFound, "Not Found", "Invalid Route Id")
		return nil, &resp
	case id == sipRegID:
		resp := forbidden()
		return nil, &resp
	}
	return rt, nil
}

// v2UpdateRoute answers PATCH /v2/routes/{id} (§4.4): 200 with the route.
func (s *Server) v2UpdateRoute(c *call) (response, func()) {
	rt, bad := s.pathRoute(c)
	if bad != nil {
		return *bad, nil
	}
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	next := *rt
	if bad := s.routeFields(body, &next, false); bad != nil {
		return *bad, nil
	}
	before := s.st.setRoute(rt, next)
	obj := s.routeObject(c.r, rt)
	return v2OK(http.StatusOK, map[string]any{"data": obj, "links": obj["links"]}), func() { s.st.setRoute(rt, before) }
}

// v2DeleteRoute answers DELETE /v2/routes/{id} (§4.5, §9.22): 403 while a number uses it.
func (s *Server) v2DeleteRoute(c *call) (response, func()) {
	rt, bad := s.pathRoute(c)
	if bad != nil {
		return *bad, nil
	}
	if s.st.routeInUse(rt.id) {
		return v2Error(http.StatusForbidden, titleRouteInUse, detailInUse), nil
	}
	s.st.dropRoute(rt.id)
	return noContent(), func() { s.st.putRoute(rt) }
}

// v2EdgeStrategies answers GET /v2/routes/edge_strategies (§4.6): data only, no links.
func (s *Server) v2EdgeStrategies(c *call) (response, func()) {
	return v2OK(http.StatusOK, map[string]any{"data": edgeStrategies}), nil
}
