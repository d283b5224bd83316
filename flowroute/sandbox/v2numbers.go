package sandbox

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The v2 face's numbers: inventory (§2), account numbers (§3), relationships (§4.7, §4.8,
// §5) and the routes of the mux for all of v2.

// v2Routes registers every v2 endpoint.
func (s *Server) v2Routes(rt v2Routes) {
	get, post, patch, del := http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	rt.add(get, "/v2/numbers/available", s.v2Available)
	rt.add(get, "/v2/numbers/available/areacodes", s.v2AreaCodes)
	rt.add(get, "/v2/numbers/available/exchanges", s.v2Exchanges)
	rt.add(get, "/v2/numbers", s.v2Numbers)
	rt.add(get, "/v2/numbers/{id}", s.v2Number)
	rt.add(post, "/v2/numbers/{id}", s.v2Purchase)
	rt.add(del, "/v2/numbers/{id}", s.v2Release)
	rt.add(patch, "/v2/numbers/{id}", s.v2PatchNumber)
	rt.add(post, "/v2/numbers/details", s.v2Details(false))
	rt.add(post, "/v2.1/numbers/details", s.v2Details(true))
	rt.add(patch, "/v2/numbers/{id}/relationships/{rel}", s.v2SetRelationship)
	rt.add(del, "/v2/numbers/{id}/relationships/{rel}", s.v2DeleteRelationship)
	rt.add(post, "/v2/numbers/{id}/relationships/{rel}", s.v2SetCallback)
	rt.add(get, "/v2/numbers/{id}/relationships/{rel}", s.v2GetCallback)
	rt.add(patch, "/v2/numbers/{id}/relationships/{rel}/{target}", s.v2Associate)

	rt.add(get, "/v2/routes", s.v2ListRoutes)
	rt.add(post, "/v2/routes", s.v2CreateRoute)
	rt.add(get, "/v2/routes/edge_strategies", s.v2EdgeStrategies)
	rt.add(patch, "/v2/routes/{id}", s.v2UpdateRoute)
	rt.add(del, "/v2/routes/{id}", s.v2DeleteRoute)

	rt.add(get, "/v2/cnams", s.v2ListCNAMs)
	rt.add(post, "/v2/cnams", s.v2CreateCNAM)
	rt.add(get, "/v2/cnams/{id}", s.v2GetCNAM)
	rt.add(patch, "/v2/cnams/{id}", s.v2UpdateCNAM)
	rt.add(del, "/v2/cnams/{id}", s.v2DeleteCNAM)
	rt.add(post, "/sandbox/cnams/{id}/{decision}", s.sandboxDecideCNAM)

	rt.add(get, "/v2/e911s", s.v2ListE911s)
	rt.add(post, "/v2/e911s", s.v2CreateE911)
	rt.add(post, "/v2/e911s/validate", s.v2ValidateE911)
	rt.add(get, "/v2/e911s/{id}", s.v2GetE911)
	rt.add(patch, "/v2/e911s/{id}", s.v2UpdateE911)
	rt.add(del, "/v2/e911s/{id}", s.v2DeleteE911)
	rt.add(get, "/v2/e911s/{id}/relationships/numbers", s.v2E911Numbers)
}

// tollFreeNPAs are the North American toll-free area codes.
var tollFreeNPAs = map[string]bool{"800": true, "833": true, "844": true, "855": true, "866": true, "877": true, "888": true}

// numberType is v2's number_type of a number.
func numberType(tn string) string {
	if len(tn) == 11 && tollFreeNPAs[tn[1:4]] {
		return "toll-free"
	}
	return "longcode"
}

// exchangeCenter maps "1NPANXX" to its rate center, for numbers the inventory never had.
var exchangeCenter = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, rc := range rateCenters {
		for _, nxx := range rc.nxxs {
			m["1"+rc.npa+nxx] = i
		}
	}
	return m
})

// v2RateCenter is a rate center as v2 spells it: lower case, without spaces.
func v2RateCenter(name string) string { return strings.ToLower(strings.ReplaceAll(name, " ", "")) }

// place is the v2 rate_center and state of a number, nil when the sandbox knows none.
func (st *state) place(tn string) (rc, state any) {
	i, ok := st.invIndex[tn]
	c := 0
	if ok {
		c = int(st.inventory[i].center)
	} else if len(tn) == 11 {
		if c, ok = exchangeCenter()[tn[:7]]; !ok {
			return nil, nil
		}
	} else {
		return nil, nil
	}
	return v2RateCenter(rateCenters[c].name), strings.ToLower(rateCenters[c].state)
}

// ref is a JSON:API resource identifier; id is a string, or an int where the doc shows one.
type ref struct {
	ID   any    `json:"id"`
	Type string `json:"type"`
}

type rel struct {
	Data any `json:"data"` // *ref or nil
}

// routeRef is the relationship of a route id; noRoute is null.
func routeRef(id int) rel {
	if id == noRoute {
		return rel{}
	}
	return rel{&ref{strconv.Itoa(id), "route"}}
}

// v2NumberAttrs are the attributes of a number (§3.1). A struct, not a map, since the list of
// numbers encodes one per item: the fields are in alphabetical order, the order a map's keys
// encode in, so the answers stay byte for byte what they were.
type v2NumberAttrs struct {
	Alias            any    `json:"alias"` // string, or nil for none
	CNAMLookups      bool   `json:"cnam_lookups_enabled"`
	MessagingEnabled *bool  `json:"messaging_enabled,omitempty"` // see messagingAsked
	NumberType       string `json:"number_type"`
	RateCenter       any    `json:"rate_center"` // string or nil, see place
	State            any    `json:"state"`
	Value            string `json:"value"`
}

// selfLink is the links of a resource that has only its own.
type selfLink struct {
	Self string `json:"self"`
}

// v2NumberObject is a number resource: attributes, and relationships in its details only.
// Fields in alphabetical order, as v2NumberAttrs.
type v2NumberObject struct {
	Attributes    *v2NumberAttrs `json:"attributes"`
	ID            string         `json:"id"`
	Links         selfLink       `json:"links"`
	Relationships map[string]rel `json:"relationships,omitempty"`
	Type          string         `json:"type"`
}

// numberAttrs are the attributes of a number (§3.1).
func (s *Server) numberAttrs(tn string, o *owned) *v2NumberAttrs {
	rc, state := s.st.place(tn)
	var alias any
	if o.hasAlias {
		alias = o.alias
	}
	return &v2NumberAttrs{
		Alias: alias, CNAMLookups: o.cnamLookups, NumberType: numberType(tn),
		RateCenter: rc, State: state, Value: tn,
	}
}

// numberObject is a number of the list (§3.1), without relationships; base is linkBase's.
func (s *Server) numberObject(base, tn string, o *owned) v2NumberObject {
	return v2NumberObject{Type: "number", ID: tn, Attributes: s.numberAttrs(tn, o), Links: selfLink{base + "/v2/numbers/" + tn}}
}

// numberData is the data object of a number's details (§3.2); v21 uses v2.1's names of the
// route relationships and links.
func (s *Server) numberData(r *http.Request, tn string, o *owned, v21 bool) *v2NumberObject {
	ver := "/v2"
	primary, failover := "primary_route", "failover_route"
	if v21 {
		ver, primary, failover = "/v2.1", "voice_primary_route", "voice_failover_route"
	}
	rels := map[string]rel{primary: routeRef(o.primary), failover: routeRef(o.failover), "cnam_preset": {}, "e911_address": {}}
	if o.cnam != 0 {
		rels["cnam_preset"] = rel{&ref{strconv.Itoa(o.cnam), "cnam"}}
	}
	if o.e911 != 0 {
		rels["e911_address"] = rel{&ref{strconv.Itoa(o.e911), "e911"}}
	}
	return &v2NumberObject{
		Type: "number", ID: tn, Attributes: s.numberAttrs(tn, o),
		Links:         selfLink{s.linkBase(r) + ver + "/numbers/" + tn},
		Relationships: rels,
	}
}

// numberDoc is the whole document of a number: data, included and links (§9.16).
func (s *Server) numberDoc(r *http.Request, tn string, o *owned, extra ...any) map[string]any {
	included := []any{s.routeObject(r, s.st.routes[o.primary])}
	if o.failover != noRoute && o.failover != o.primary {
		included = append(included, s.routeObject(r, s.st.routes[o.failover]))
	}
	if c := s.st.cnams[o.cnam]; c != nil {
		included = append(included, s.cnamObject(r, c))
	}
	if e := s.st.e911s[o.e911]; e != nil {
		included = append(included, s.e911Object(r, e))
	}
	included = append(included, extra...)
	return map[string]any{
		"data": s.numberData(r, tn, o, false), "included": included,
		"links": map[string]string{"self": s.linkBase(r) + "/v2/numbers/" + tn},
	}
}

// digitFilter reads a starts_with, contains or ends_with filter: digits, with a leading '+'
// stripped; starts_with gets the country code 1 prepended unless it begins with 1 (§9.10).
func digitFilter(c *call, key string) (string, *response) {
	v := c.r.URL.Query().Get(key)
	if v == "" {
		return "", nil
	}
	v = strings.TrimPrefix(v, "+")
	if !allDigits(v) || len(v) > 11 {
		resp := v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", key+" must be digits.")
		return "", &resp
	}
	if key == "starts_with" && v[0] != '1' {
		v = "1" + v
	}
	return v, nil
}

// digitFilters reads the three number filters into the page's links.
func digitFilters(c *call, p *v2page) (starts, contains, ends string, bad *response) {
	var vals [3]string
	for i, key := range []string{"starts_with", "contains", "ends_with"} {
		v, bad := digitFilter(c, key)
		if bad != nil {
			return "", "", "", bad
		}
		vals[i] = v
		p.filter(key, v)
	}
	return vals[0], vals[1], vals[2], nil
}

func matchDigits(tn, starts, contains, ends string) bool {
	return strings.HasPrefix(tn, starts) && strings.Contains(tn, contains) && strings.HasSuffix(tn, ends)
}

// costNumber reads a cost such as "1.25" as a JSON number.
func costNumber(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// availableSearch is the filters of GET /v2/numbers/available, each "" when not given, and
// the order of its answer.
type availableSearch struct {
	starts, contains, ends string // digits, starts normalized (§9.10)
	rc, state, typ, iso    string
	order                  func(a, b *available) int // nil: by number, ascending
}

// availableOrder is a field order_by may name, and how it orders two numbers for sale.
type availableOrder struct {
	name string
	cmp  func(a, b *available) int
}

// availableOrders are the fields order_by sorts numbers for sale by (§2.1), in the order the
// error lists them; number, value and tn are the number.
var availableOrders = []availableOrder{
	{"monthly_cost", func(a, b *available) int { return cmp.Compare(costNumber(a.monthlyCost), costNumber(b.monthlyCost)) }},
	{"iso_country", func(a, b *available) int {
		return strings.Compare(isoCountry(rateCenters[a.center].state), isoCountry(rateCenters[b.center].state))
	}},
	{"number_type", func(a, b *available) int { return strings.Compare(numberType(a.tn), numberType(b.tn)) }},
	{"state", func(a, b *available) int {
		return strings.Compare(rateCenters[a.center].state, rateCenters[b.center].state)
	}},
	{"rate_center", func(a, b *available) int {
		return strings.Compare(v2RateCenter(rateCenters[a.center].name), v2RateCenter(rateCenters[b.center].name))
	}},
	{"number", byTN}, {"value", byTN}, {"tn", byTN},
}

func byTN(a, b *available) int { return compareTN(a.tn, b.tn) }

// readOrder reads order_by: a field of availableOrders, then ",asc" (the default) or ",desc",
// as GO-CJ sends it. It returns nil when order_by is absent.
func readOrder(v string) (func(a, b *available) int, *response) {
	if v == "" {
		return nil, nil
	}
	field, dir, _ := strings.Cut(v, ",")
	i := slices.IndexFunc(availableOrders, func(o availableOrder) bool { return strings.EqualFold(o.name, field) })
	dir = strings.ToLower(dir)
	if i < 0 || dir != "" && dir != "asc" && dir != "desc" {
		names := make([]string, len(availableOrders))
		for i, o := range availableOrders {
			names[i] = o.name
		}
		resp := v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity",
			"order_by must be one of "+strings.Join(names, ", ")+", with an optional ,asc or ,desc.")
		return nil, &resp
	}
	by := availableOrders[i].cmp
	if dir == "desc" {
		return func(a, b *available) int { return by(b, a) }, nil
	}
	return by, nil
}

// readAvailableSearch reads and checks the filters of a search and adds them to the page's
// links; a bad one is a 422.
func readAvailableSearch(c *call, p *v2page) (availableSearch, *response) {
	var f availableSearch
	var bad *response
	if f.starts, f.contains, f.ends, bad = digitFilters(c, p); bad != nil {
		return f, bad
	}
	q := c.r.URL.Query()
	f.rc, f.state, f.typ, f.iso = q.Get("rate_center"), q.Get("state"), q.Get("number_type"), q.Get("iso_country")
	msg := ""
	switch {
	case f.state != "" && (len(f.state) != 2 || !isLetter(f.state[0]) || !isLetter(f.state[1])):
		msg = "state must be 2 letters."
	case f.rc != "" && f.state == "":
		msg = "rate_center requires state."
	case f.typ != "" && f.typ != "longcode" && f.typ != "toll-free" && f.typ != "standard":
		msg = "number_type must be longcode or toll-free."
	}
	if msg != "" {
		resp := v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", msg)
		return f, &resp
	}
	if f.order, bad = readOrder(q.Get("order_by")); bad != nil {
		return f, bad
	}
	p.filter("order_by", q.Get("order_by"))
	p.filter("iso_country", f.iso)
	p.filter("number_type", f.typ)
	p.filter("rate_center", strings.ToLower(f.rc))
	p.filter("state", strings.ToLower(f.state))
	return f, nil
}

// matches reports whether a number for sale passes the filters. None is toll-free.
func (f availableSearch) matches(a *available) bool {
	ctr := &rateCenters[a.center]
	return matchDigits(a.tn, f.starts, f.contains, f.ends) &&
		(f.state == "" || strings.EqualFold(ctr.state, f.state)) &&
		(f.rc == "" || strings.EqualFold(v2RateCenter(ctr.name), v2RateCenter(f.rc))) &&
		f.typ != "toll-free" &&
		(f.iso == "" || strings.EqualFold(f.iso, isoCountry(ctr.state)))
}

// v2Available answers GET /v2/numbers/available (§2.1).
func (s *Server) v2Available(c *call) (response, func()) {
	p, bad := s.newV2Page(c, 200)
	if bad != nil {
		return *bad, nil
	}
	f, bad := readAvailableSearch(c, &p)
	if bad != nil {
		return *bad, nil
	}
	var found []int
	for i := range s.st.inventory {
		if a := &s.st.inventory[i]; !a.sold && f.matches(a) {
			found = append(found, i)
		}
	}
	if f.order != nil { // stable: numbers that tie stay in ascending order
		slices.SortStableFunc(found, func(i, j int) int { return f.order(&s.st.inventory[i], &s.st.inventory[j]) })
	}
	start, end := p.window(len(found))
	data := make([]any, 0, end-start)
	for _, i := range found[start:end] {
		a := &s.st.inventory[i]
		ctr := &rateCenters[a.center]
		data = append(data, map[string]any{
			"type": "number", "id": a.tn,
			"attributes": map[string]any{
				"rate_center": v2RateCenter(ctr.name), "state": strings.ToLower(ctr.state), "value": a.tn,
				"number_type": numberType(a.tn), "monthly_cost": costNumber(a.monthlyCost), "setup_cost": costNumber(a.initialCost),
			},
			"links": map[string]string{"related": s.linkBase(c.r) + "/v2/numbers/" + a.tn},
		})
	}
	return p.list(data, len(found)), nil
}

// isoCountry is the country of a state or province.
func isoCountry(state string) string {
	if caProvinces[state] {
		return "CA"
	}
	return "US"
}

// maxSetupCost reads max_setup_cost: a number, or absent (no bound).
func maxSetupCost(c *call, p *v2page) (float64, bool, *response) {
	v := c.r.URL.Query().Get("max_setup_cost")
	if v == "" {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		resp := v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", "max_setup_cost must be a number.")
		return 0, false, &resp
	}
	p.filter("max_setup_cost", v)
	return f, true, nil
}

// v2AreaCodes answers GET /v2/numbers/available/areacodes (§2.2).
func (s *Server) v2AreaCodes(c *call) (response, func()) {
	p, bad := s.newV2Page(c, 400)
	if bad != nil {
		return *bad, nil
	}
	limit, bounded, bad := maxSetupCost(c, &p)
	if bad != nil {
		return *bad, nil
	}
	var codes []string
	for i := range s.st.inventory {
		a := &s.st.inventory[i]
		if a.sold || bounded && costNumber(a.initialCost) > limit {
			continue
		}
		if npa := a.tn[1:4]; len(codes) == 0 || codes[len(codes)-1] != npa {
			codes = append(codes, npa)
		}
	}
	start, end := p.window(len(codes))
	data := make([]any, 0, end-start)
	for _, npa := range codes[start:end] {
		data = append(data, map[string]any{"type": "areacode", "id": npa,
			"links": map[string]string{"related": s.linkBase(c.r) + "/v2/numbers/available/exchanges?areacode=" + npa}})
	}
	return p.list(data, len(codes)), nil
}

// v2Exchanges answers GET /v2/numbers/available/exchanges (§2.3).
func (s *Server) v2Exchanges(c *call) (response, func()) {
	p, bad := s.newV2Page(c, 200)
	if bad != nil {
		return *bad, nil
	}
	limit, bounded, bad := maxSetupCost(c, &p)
	if bad != nil {
		return *bad, nil
	}
	area := c.r.URL.Query().Get("areacode")
	if area != "" && (len(area) != 3 || !allDigits(area)) {
		return v2Error(http.StatusUnprocessableEntity, "Unprocessable Entity", "areacode must be 3 digits."), nil
	}
	p.filter("areacode", area)
	var found []string
	for i := range s.st.inventory {
		a := &s.st.inventory[i]
		if a.sold || bounded && costNumber(a.initialCost) > limit || area != "" && a.tn[1:4] != area {
			continue
		}
		if nn := a.tn[1:7]; len(found) == 0 || found[len(found)-1] != nn {
			found = append(found, nn)
		}
	}
	start, end := p.window(len(found))
	data := make([]any, 0, end-start)
	for _, nn := range found[start:end] {
		data = append(data, map[string]any{"type": "exchange", "id": nn,
			"links": map[string]string{"related": s.linkBase(c.r) + "/v2/numbers/available?starts_with=1" + nn}})
	}
	return p.list(data, len(found)), nil
}

// v2Numbers answers GET /v2/numbers (§3.1): no relationships nor included in the items.
func (s *Server) v2Numbers(c *call) (response, func()) {
	p, bad := s.newV2Page(c, 200)
	if bad != nil {
		return *bad, nil
	}
	starts, contains, ends, bad := digitFilters(c, &p)
	if bad != nil {
		return *bad, nil
	}
	alias, byAlias := c.r.URL.Query()["alias"]
	if byAlias {
		p.filter("alias", alias[0])
	}
	tns := s.st.sortedTNs()
	if starts != "" || contains != "" || ends != "" || byAlias {
		var found []string
		for _, tn := range tns {
			o := s.st.numbers[tn]
			if matchDigits(tn, starts, contains, ends) && (!byAlias || o.hasAlias && o.alias == alias[0]) {
				found = append(found, tn)
			}
		}
		tns = found
	}
	start, end := p.window(len(tns))
	base := s.linkBase(c.r)
	data := make([]v2NumberObject, 0, end-start)
	for _, tn := range tns[start:end] {
		data = append(data, s.numberObject(base, tn, s.st.numbers[tn]))
	}
	return p.list(data, len(tns)), nil
}

// ownedNumber is the number of the path's {id}, or the 404 of a number not on the account.
func (s *Server) ownedNumber(c *call) (string, *owned, *response) {
	tn := strings.TrimPrefix(c.r.PathValue("id"), "+")
	if o := s.st.numbers[tn]; o != nil {
		return tn, o, nil
	}
	resp := notOnAccount()
	return "", nil, &resp
}

// v2Number answers GET /v2/numbers/{id} (§3.2).
func (s *Server) v2Number(c *call) (response, func()) {
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	return v2OK(http.StatusOK, s.numberDoc(c.r, tn, o)), nil
}

// messaging reads messaging_enabled and the fields that go with it; it returns the
// message_provisioning_status to include, or a 207 status when messaging is down.
func (s *Server) messaging(tn string, body obj) (status int, included []any, bad *response) {
	x, present := body["messaging_enabled"]
	if !present || x == nil {
		return 0, nil, nil
	}
	on, ok := boolish(x)
	if !ok {
		resp := fieldError("messaging_enabled", "Must be a boolean.")
		return 0, nil, &resp
	}
	if !on {
		return 0, nil, nil
	}
	s.faultMu.Lock()
	down := s.faults.MessagingDown
	s.faultMu.Unlock()
	if down {
		return http.StatusMultiStatus, nil, nil
	}
	return 0, []any{map[string]any{"type": "message_provisioning_status", "id": newUUID(),
		"attributes": map[string]any{"status": "pending", "tn": tn}}}, nil
}

// messagingAsked is a number document answering a request that enabled messaging: its
// attributes.messaging_enabled says false, as it does until provisioning finishes (§3.3,
// §9.14), which in the sandbox it never does.
func messagingAsked(doc map[string]any) map[string]any {
	off := false
	doc["data"].(*v2NumberObject).Attributes.MessagingEnabled = &off
	return doc
}

// v2Purchase answers POST /v2/numbers/{id} (§3.3, §9.14): 201 with the number's document;
// a number not for sale (already owned, unknown, malformed) is 404.
func (s *Server) v2Purchase(c *call) (response, func()) {
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	tn := strings.TrimPrefix(c.r.PathValue("id"), "+")
	i, ok := s.st.invIndex[tn]
	if !ok || s.st.inventory[i].sold || s.st.numbers[tn] != nil {
		return notOnAccount(), nil
	}
	o := newOwned("METERED")
	if x, present := body["cnam_lookups_enabled"]; present && x != nil {
		v, ok := boolish(x)
		if !ok {
			return fieldError("cnam_lookups_enabled", "Must be a boolean."), nil
		}
		o.cnamLookups = v
	}
	status, included, bad := s.messaging(tn, body)
	if bad != nil {
		return *bad, nil
	}
	asked := status != 0 || included != nil
	if status == 0 {
		status = http.StatusCreated
	}
	s.st.addNumber(tn, o)
	doc := s.numberDoc(c.r, tn, o, included...)
	if asked {
		doc = messagingAsked(doc)
	}
	return v2OK(status, doc), func() { s.st.removeNumber(tn) }
}

// v2Release answers DELETE /v2/numbers/{id} (§3.4, §9.17): the number goes back to the
// inventory with all its associations; the route, CNAM and E911 records stay.
func (s *Server) v2Release(c *call) (response, func()) {
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	s.st.removeNumber(tn)
	return noContent(), func() { s.st.addNumber(tn, o) }
}

// v2PatchNumber answers PATCH /v2/numbers/{id} (§3.5, §9.18): the flat body.
func (s *Server) v2PatchNumber(c *call) (response, func()) {
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	if _, nested := body["data"]; nested {
		return unprocessable(`PATCH /numbers/{id} takes a flat body: {"type": "number", "alias": ...}.`), nil
	}
	if t, _, _ := str(body, "type"); t != "number" {
		return fieldError("type", `Must be "number".`), nil
	}
	next := *o
	if x, present := body["alias"]; present {
		switch a := x.(type) {
		case nil:
			next.alias, next.hasAlias = "", false
		case string:
			if len([]rune(a)) > 64 {
				return fieldError("alias", "Must be at most 64 characters."), nil
			}
			next.alias, next.hasAlias = a, true
		default:
			return fieldError("alias", "Must be a string or null."), nil
		}
	}
	if x, present := body["cnam_lookups_enabled"]; present && x != nil {
		v, ok := boolish(x)
		if !ok {
			return fieldError("cnam_lookups_enabled", "Must be a boolean."), nil
		}
		next.cnamLookups = v
	}
	status, included, bad := s.messaging(tn, body)
	if bad != nil {
		return *bad, nil
	}
	asked := status != 0 || included != nil
	if status == 0 {
		status = http.StatusOK
	}
	before := s.st.setNumber(tn, o, next)
	doc := s.numberDoc(c.r, tn, o, included...)
	if asked {
		doc = messagingAsked(doc)
	}
	return v2OK(status, doc), func() { s.st.setNumber(tn, o, before) }
}

// v2Details answers POST /v2/numbers/details and /v2.1/numbers/details (§3.6, §9.34):
// numbers as a JSON array or a comma-separated string, with or without '+'; those not on
// the account are skipped.
func (s *Server) v2Details(v21 bool) endpoint {
	return func(c *call) (response, func()) {
		body, bad := c.object(false)
		if bad != nil {
			return *bad, nil
		}
		var list []string
		switch v := body["numbers"].(type) {
		case string:
			list = strings.Split(v, ",")
		case []any:
			for _, x := range v {
				n, ok := x.(string)
				if !ok {
					if num, isNum := x.(interface{ String() string }); isNum {
						n = num.String()
					} else {
						return fieldError("numbers", "Must be a list of phone numbers."), nil
					}
				}
				list = append(list, n)
			}
		case nil:
		default:
			return fieldError("numbers", "Must be a list of phone numbers."), nil
		}
		data := []any{}
		seen := map[string]bool{}
		for _, n := range list {
			tn := strings.TrimPrefix(strings.TrimSpace(n), "+")
			if tn == "" || seen[tn] {
				continue
			}
			seen[tn] = true
			if o := s.st.numbers[tn]; o != nil {
				data = append(data, s.numberData(c.r, tn, o, v21))
			}
		}
		if len(seen) == 0 {
			return fieldError("numbers", "At least one phone number is required."), nil
		}
		return v2OK(http.StatusOK, map[string]any{"data": data}), nil
	}
}

// v2SetRelationship answers PATCH /v2/numbers/{id}/relationships/{primary_route,
// failover_route} (§4.7, §9.23): 204.
func (s *Server) v2SetRelationship(c *call) (response, func()) {
	which := c.r.PathValue("rel")
	if which != "primary_route" && which != "failover_route" {
		return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
	}
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	data := member(body, "data")
	if t, _, _ := str(data, "type"); t != "route" {
		return unprocessable(`The body must be {"data": {"type": "route", "id": "<route id>"}}.`), nil
	}
	id, ok := intish(data["id"])
	if !ok {
		return unprocessable(`The body must be {"data": {"type": "route", "id": "<route id>"}}.`), nil
	}
	if s.st.routes[id] == nil {
		return v2Error(http.StatusNotFound, "Not Found", "Invalid Route Id"), nil
	}
	return noContent(), s.st.changeNumber(tn, o, func(n *owned) {
		if which == "primary_route" {
			n.primary = id
		} else {
			n.failover = id
		}
	})
}

// v2DeleteRelationship answers DELETE /v2/numbers/{id}/relationships/{rel}: primary_route
// back to route 0, failover_route to none (§9.24), cnam(s) (§6.8), e911s (§7.9) and the
// callbacks (§5.2, an extension).
func (s *Server) v2DeleteRelationship(c *call) (response, func()) {
	which := c.r.PathValue("rel")
	var cb callbacks
	switch which {
	case "primary_route", "failover_route", "cnam", "cnams", "e911s":
	default:
		if cb.field(which) == nil {
			return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
		}
	}
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	undo := s.st.changeNumber(tn, o, func(n *owned) {
		switch which {
		case "primary_route":
			n.primary = sipRegID
		case "failover_route":
			n.failover = noRoute
		case "cnam", "cnams":
			n.cnam = 0
		case "e911s":
			n.e911 = 0
		default:
			*n.callbacks.field(which) = ""
		}
	})
	if which == "cnam" || which == "cnams" {
		return v2OK(http.StatusAccepted, map[string]any{"data": map[string]any{"id": nil, "type": "cnam",
			"attributes": map[string]any{"date_created": s.now().UTC().Format(http.TimeFormat)}}}), undo
	}
	return noContent(), undo
}

// callbackURL reads callback_url, nested as the SDKs send it or flat, and checks that it is
// an absolute http(s) URL.
func callbackURL(body obj) (string, *response) {
	v, _, ok := str(member(member(body, "data"), "attributes"), "callback_url")
	if !ok {
		v, _, ok = str(body, "callback_url")
	}
	if !ok {
		resp := fieldError("callback_url", "Required: an absolute http or https URL.")
		return "", &resp
	}
	u, err := parseAbsoluteURL(v)
	if err != nil {
		resp := fieldError("callback_url", "Must be an absolute http or https URL.")
		return "", &resp
	}
	return u, nil
}

// v2SetCallback answers POST /v2/numbers/{id}/relationships/{callback type} (§5.1, §9.26).
func (s *Server) v2SetCallback(c *call) (response, func()) {
	which := c.r.PathValue("rel")
	var probe callbacks
	if probe.field(which) == nil {
		return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
	}
	body, bad := c.object(false)
	if bad != nil {
		return *bad, nil
	}
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	u, bad := callbackURL(body)
	if bad != nil {
		return *bad, nil
	}
	return noContent(), s.st.changeNumber(tn, o, func(n *owned) { *n.callbacks.field(which) = u })
}

// v2GetCallback answers GET /v2/numbers/{id}/relationships/{callback type}, an extension
// from the pre-release spec (§5.2): 404 when none is set.
func (s *Server) v2GetCallback(c *call) (response, func()) {
	which := c.r.PathValue("rel")
	var probe callbacks
	if probe.field(which) == nil {
		return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
	}
	_, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	u := *o.callbacks.field(which)
	if u == "" {
		return notOnAccount(), nil
	}
	product := which
	if product == "dlr_callback" {
		product = "sms_dlr_callback"
	}
	return v2OK(http.StatusOK, map[string]any{"data": map[string]any{"type": "callback",
		"attributes": map[string]any{"api_version": "v2.1", "callback_url": u, "product": product}}}), nil
}

// v2Associate answers PATCH /v2/numbers/{id}/relationships/{cnam,cnams}/{cnam id} (§6.7,
// §9.28) and .../e911s/{e911 id} (§7.8, §9.31).
func (s *Server) v2Associate(c *call) (response, func()) {
	which := c.r.PathValue("rel")
	if which != "cnam" && which != "cnams" && which != "e911s" {
		return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
	}
	tn, o, bad := s.ownedNumber(c)
	if bad != nil {
		return *bad, nil
	}
	id, _ := parseID(c.r.PathValue("target"))
	if which == "e911s" {
		if s.st.e911s[id] == nil {
			return notOnAccount(), nil
		}
		return noContent(), s.st.changeNumber(tn, o, func(n *owned) { n.e911 = id })
	}
	rec := s.st.cnams[id]
	switch {
	case rec == nil:
		return notOnAccount(), nil
	case rec.State != cnamApproved:
		return unprocessable("The CNAM record has not been approved: only an approved record can be associated."), nil
	case numberType(tn) != "longcode":
		return unprocessable("A CNAM record can be associated with a long code number only."), nil
	}
	undo := s.st.changeNumber(tn, o, func(n *owned) { n.cnam = id })
	return v2OK(http.StatusAccepted, map[string]any{"data": map[string]any{"id": id, "type": "cnam",
		"attributes": map[string]any{"date_created": s.now().UTC().Format(http.TimeFormat)}}}), undo
}
