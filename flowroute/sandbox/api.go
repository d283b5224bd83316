package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Error messages of the API.
const (
	msgNotAvailable = "Business Logic Error: The TN is not available for purchase."
	msgRouteExists  = "Route name already exists."
	msgTNNotFound   = "TN not found."
	msgNotFound     = "Not found."
)

// call is one authenticated request as an endpoint sees it.
type call struct {
	r    *http.Request
	body []byte
}

// endpoint answers one request; s.mu is held. undo, when not nil, reverts the change the
// request made, for when the state cannot be saved.
type endpoint func(c *call) (resp response, undo func())

// capture is the ResponseWriter the mux dispatches to: an endpoint leaves its answer in it
// instead of writing, so that the answer can be audited, saved or lost on purpose. Whatever
// the mux writes itself (a redirect to a cleaned path) is ignored: ran stays false.
type capture struct {
	header http.Header
	c      call
	resp   response
	undo   func()
	ran    bool
}

func (w *capture) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}
func (w *capture) Write(b []byte) (int, error) { return len(b), nil }
func (w *capture) WriteHeader(int)             {}

// allowOrder lists the methods of the mux's Allow header in the order the API's answers
// give them (GET, POST, PUT, PATCH, DELETE), without the HEAD the mux adds for GET.
func allowOrder(allow string) string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if slices.Contains(strings.Split(allow, ", "), m) {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

// ServeHTTP runs the endpoint and leaves its answer in the capture.
func (e endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cw, ok := w.(*capture)
	if !ok {
		return
	}
	cw.c.r = r
	cw.resp, cw.undo = e(&cw.c)
	cw.ran = true
}

// newMux builds the router of every face of the API.
func (s *Server) newMux() *http.ServeMux {
	mux := http.NewServeMux()
	s.v1Routes(mux)
	s.v2Routes(v2Routes{mux})
	return mux
}

// v1Routes serves the v1 API under /v1/; any other path outside the v2 face is v1's 404.
func (s *Server) v1Routes(mux *http.ServeMux) {
	add := func(method, path string, e endpoint) { mux.Handle(method+" "+path, e) }
	list := func(path string, h func(q url.Values) response) {
		e := func(c *call) (response, func()) { return h(c.r.URL.Query()), nil }
		add(http.MethodGet, "/v1/"+path+"/{$}", e)
		add(http.MethodGet, "/v1/"+path, e)
	}
	list("available-tns/npas", s.listNPAs)
	list("available-tns/npanxxs", s.listNPANXXs)
	list("available-tns/tns", s.searchTNs)
	list("tns", s.listTNs)
	list("routes", s.listRoutes)
	// A {tn} or {name} with an escaped '/' is no number nor route name: Not found, as before
	// the mux, which matches escaped segments.
	one := func(key string, h func(v string, body []byte) (response, func())) endpoint {
		return func(c *call) (response, func()) {
			v := c.r.PathValue(key)
			if strings.Contains(v, "/") {
				return apiError(http.StatusNotFound, msgNotFound), nil
			}
			return h(v, c.body)
		}
	}
	add(http.MethodGet, "/v1/tns/{tn}", one("tn", func(tn string, _ []byte) (response, func()) { return s.getTN(tn), nil }))
	add(http.MethodPut, "/v1/tns/{tn}", one("tn", s.purchase))
	add(http.MethodPatch, "/v1/tns/{tn}", one("tn", s.setRoutes))
	add(http.MethodPut, "/v1/routes/{name}", one("name", s.createRoute))
}

// route dispatches an authenticated request; s.mu is held.
func (s *Server) route(r *http.Request, body []byte) (response, func()) {
	cw := &capture{c: call{body: body}}
	s.mux.ServeHTTP(cw, keepDots(r))
	if !cw.ran {
		if allow := cw.Header().Get("Allow"); allow != "" {
			if isV2Path(r.URL.Path) {
				resp := v2Error(http.StatusMethodNotAllowed, "Method Not Allowed", detailNoMethod)
				resp.header = http.Header{"Allow": {allowOrder(allow)}}
				return resp, nil
			}
			return methodNotAllowed(allowOrder(allow)), nil
		}
		if isV2Path(r.URL.Path) {
			return v2Error(http.StatusNotFound, "Not Found", detailNoURL), nil
		}
		return apiError(http.StatusNotFound, msgNotFound), nil
	}
	return cw.resp, cw.undo
}

// keepDots returns r with every "." or ".." segment of its path escaped, so that the mux,
// which would redirect to the cleaned path, matches it as a segment like any other: PUT
// /v1/routes/.. names a route "..", which the API refuses as such.
func keepDots(r *http.Request) *http.Request {
	p := r.URL.EscapedPath()
	if !strings.Contains(p, "/.") {
		return r
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." {
			segs[i] = strings.ReplaceAll(seg, ".", "%2E")
		}
	}
	u := *r.URL
	u.RawPath = strings.Join(segs, "/")
	r2 := *r
	r2.URL = &u
	return &r2
}

func methodNotAllowed(allow string) response {
	resp := apiError(http.StatusMethodNotAllowed, "Method not allowed.")
	resp.header = http.Header{"Allow": {allow}}
	return resp
}

// empty is the answer to a list query that matches nothing, or a page past the end: {}.
var empty = struct{}{}

// links are the pagination links of a list answer.
type links struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// pager is a validated limit and page, and the list's path and filters for its links.
type pager struct {
	limit, page int
	path        string      // "/v1/tns/"
	filters     [][2]string // non-empty filters as sent, in the order the links give them
}

// newPager reads limit and page: limit 1..200 (default 10; 0 answers 500 like the real API,
// other values 422), page 1 or more (default 1).
func newPager(q url.Values, path string) (pager, *response) {
	p := pager{limit: 10, page: 1, path: path}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err == nil && n == 0:
			resp := apiError(http.StatusInternalServerError, "Internal Server Error")
			return p, &resp
		case err != nil || n < 1 || n > 200:
			resp := apiError(http.StatusUnprocessableEntity, "limit must be an integer from 1 to 200.")
			return p, &resp
		}
		p.limit = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			resp := apiError(http.StatusUnprocessableEntity, "page must be an integer of at least 1.")
			return p, &resp
		}
		p.page = n
	}
	return p, nil
}

// filter adds a filter to the links when v is not empty.
func (p *pager) filter(key, v string) {
	if v != "" {
		p.filters = append(p.filters, [2]string{key, v})
	}
}

// window returns the indexes of the page in a list of n items; ok is false past the end.
func (p pager) window(n int) (start, end int, ok bool) {
	start = (p.page - 1) * p.limit
	if p.page-1 > n/p.limit || start >= n {
		return 0, 0, false
	}
	return start, min(start+p.limit, n), true
}

// links returns the links of the page in a list of n items: filters first, then limit, then page.
func (p pager) links(n int) links {
	var l links
	if _, end, ok := p.window(n); ok && end < n {
		l.Next = p.link(p.page + 1)
	}
	if p.page > 1 {
		l.Prev = p.link(p.page - 1)
	}
	return l
}

func (p pager) link(page int) string {
	var b strings.Builder
	b.WriteString(p.path)
	b.WriteByte('?')
	for _, f := range p.filters {
		b.WriteString(url.QueryEscape(f[0]) + "=" + url.QueryEscape(f[1]) + "&")
	}
	b.WriteString("limit=" + strconv.Itoa(p.limit) + "&page=" + strconv.Itoa(page))
	return b.String()
}

// digitsUpTo reports whether v is 1 to n digits.
func digitsUpTo(v string, n int) bool { return len(v) <= n && allDigits(v) }

// listNPAs answers GET /available-tns/npas/.
func (s *Server) listNPAs(q url.Values) response {
	p, bad := newPager(q, "/v1/available-tns/npas/")
	if bad != nil {
		return *bad
	}
	var npas []string
	for i := range s.st.inventory {
		a := &s.st.inventory[i]
		if npa := a.tn[1:4]; !a.sold && (len(npas) == 0 || npas[len(npas)-1] != npa) {
			npas = append(npas, npa)
		}
	}
	start, end, ok := p.window(len(npas))
	if !ok {
		return response{status: http.StatusOK, body: empty}
	}
	type npaLinks struct {
		NXXs string `json:"nxxs"`
		TNs  string `json:"tns"`
	}
	out := make(map[string]npaLinks, end-start)
	for _, npa := range npas[start:end] {
		out[npa] = npaLinks{"/v1/available-tns/npanxxs/?npa=" + npa, "/v1/available-tns/tns/?npa=" + npa}
	}
	return response{status: http.StatusOK, body: struct {
		NPAs  map[string]npaLinks `json:"npas"`
		Links links               `json:"links"`
	}{out, p.links(len(npas))}}
}

// listNPANXXs answers GET /available-tns/npanxxs/: npa is a partial match.
func (s *Server) listNPANXXs(q url.Values) response {
	p, bad := newPager(q, "/v1/available-tns/npanxxs/")
	if bad != nil {
		return *bad
	}
	npa := q.Get("npa")
	if npa != "" && !digitsUpTo(npa, 3) {
		return apiError(http.StatusUnprocessableEntity, "npa must be digits.")
	}
	p.filter("npa", npa)
	var found []string
	for i := range s.st.inventory {
		a := &s.st.inventory[i]
		if a.sold || !strings.Contains(a.tn[1:4], npa) {
			continue
		}
		if nn := a.tn[1:7]; len(found) == 0 || found[len(found)-1] != nn {
			found = append(found, nn)
		}
	}
	start, end, ok := p.window(len(found))
	if !ok {
		return response{status: http.StatusOK, body: empty}
	}
	type nnLinks struct {
		TNs string `json:"tns"`
	}
	out := make(map[string]nnLinks, end-start)
	for _, nn := range found[start:end] {
		out[nn] = nnLinks{"/v1/available-tns/tns/?npa=" + nn[:3] + "&nxx=" + nn[3:]}
	}
	return response{status: http.StatusOK, body: struct {
		NPANXXs map[string]nnLinks `json:"npanxxs"`
		Links   links              `json:"links"`
	}{out, p.links(len(found))}}
}

// availableJSON is one purchasable number in an answer.
type availableJSON struct {
	InitialCost    string   `json:"initial_cost"`
	MonthlyCost    string   `json:"monthly_cost"`
	State          string   `json:"state"`
	RateCenter     string   `json:"ratecenter"`
	BillingMethods []string `json:"billing_methods"`
}

// tnSearch is the filters of GET /available-tns/tns/, each "" when not given.
type tnSearch struct {
	npa, nxx, rc, state, tn string
}

// readTNSearch reads and checks the filters of a search; a bad one is a 422.
func readTNSearch(q url.Values) (tnSearch, *response) {
	f := tnSearch{q.Get("npa"), q.Get("nxx"), q.Get("ratecenter"), q.Get("state"), q.Get("tn")}
	msg := ""
	switch {
	case f.npa != "" && (len(f.npa) != 3 || !allDigits(f.npa)):
		msg = "npa must be 3 digits."
	case f.nxx != "" && (len(f.nxx) != 3 || !allDigits(f.nxx)):
		msg = "nxx must be 3 digits."
	case f.nxx != "" && f.npa == "":
		msg = "nxx requires npa."
	case f.state != "" && (len(f.state) != 2 || !isLetter(f.state[0]) || !isLetter(f.state[1])):
		msg = "state must be 2 letters."
	case f.rc != "" && f.state == "":
		msg = "ratecenter requires state."
	case f.tn != "" && !digitsUpTo(f.tn, 11):
		msg = "tn must be 1 to 11 digits."
	default:
		return f, nil
	}
	resp := apiError(http.StatusUnprocessableEntity, msg)
	return f, &resp
}

// matches reports whether a number for sale passes the filters.
func (f tnSearch) matches(a *available) bool {
	c := &rateCenters[a.center]
	return (f.npa == "" || a.tn[1:4] == f.npa) &&
		(f.nxx == "" || a.tn[4:7] == f.nxx) &&
		(f.state == "" || strings.EqualFold(c.state, f.state)) &&
		(f.rc == "" || strings.EqualFold(c.name, f.rc)) &&
		(f.tn == "" || strings.Contains(a.tn, f.tn))
}

// searchTNs answers GET /available-tns/tns/.
func (s *Server) searchTNs(q url.Values) response {
	p, bad := newPager(q, "/v1/available-tns/tns/")
	if bad != nil {
		return *bad
	}
	f, bad := readTNSearch(q)
	if bad != nil {
		return *bad
	}
	for _, kv := range [][2]string{{"npa", f.npa}, {"nxx", f.nxx}, {"ratecenter", f.rc}, {"state", f.state}, {"tn", f.tn}} {
		p.filter(kv[0], kv[1])
	}
	var found []int
	for i := range s.st.inventory {
		if a := &s.st.inventory[i]; !a.sold && f.matches(a) {
			found = append(found, i)
		}
	}
	start, end, ok := p.window(len(found))
	if !ok {
		return response{status: http.StatusOK, body: empty}
	}
	out := make(map[string]availableJSON, end-start)
	for _, i := range found[start:end] {
		a := &s.st.inventory[i]
		c := &rateCenters[a.center]
		out[a.tn] = availableJSON{a.initialCost, a.monthlyCost, c.state, c.name, a.billingMethods()}
	}
	return response{status: http.StatusOK, body: struct {
		TNs   map[string]availableJSON `json:"tns"`
		Links links                    `json:"links"`
	}{out, p.links(len(found))}}
}

// routeRefJSON is a route of a number in an answer.
type routeRefJSON struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// routeRefs are a number's routes as v1 shows them: a failover of none is sip-reg.
func (s *Server) routeRefs(o *owned) []routeRefJSON {
	p, f := s.st.alias(o.primary), s.st.alias(o.failover)
	return []routeRefJSON{{s.st.routeType(p), p}, {s.st.routeType(f), f}}
}

// listTNs answers GET /tns/: pattern is a partial match on the number.
func (s *Server) listTNs(q url.Values) response {
	p, bad := newPager(q, "/v1/tns/")
	if bad != nil {
		return *bad
	}
	pattern := q.Get("pattern")
	if pattern != "" && !digitsUpTo(pattern, 11) {
		return apiError(http.StatusUnprocessableEntity, "pattern must be 1 to 11 digits.")
	}
	p.filter("pattern", pattern)
	tns := s.st.sortedTNs()
	if pattern != "" {
		var found []string
		for _, tn := range tns {
			if strings.Contains(tn, pattern) {
				found = append(found, tn)
			}
		}
		tns = found
	}
	start, end, ok := p.window(len(tns))
	if !ok {
		return response{status: http.StatusOK, body: empty}
	}
	type numberJSON struct {
		BillingMethod string         `json:"billing_method"`
		Routes        []routeRefJSON `json:"routes"`
		Detail        string         `json:"detail"`
	}
	out := make(map[string]numberJSON, end-start)
	for _, tn := range tns[start:end] {
		o := s.st.numbers[tn]
		out[tn] = numberJSON{o.billingMethod, s.routeRefs(o), "/v1/tns/" + tn}
	}
	return response{status: http.StatusOK, body: struct {
		TNs   map[string]numberJSON `json:"tns"`
		Links links                 `json:"links"`
	}{out, p.links(len(tns))}}
}

// getTN answers GET /tns/{tn}.
func (s *Server) getTN(tn string) response {
	o := s.st.numbers[tn]
	if o == nil {
		return apiError(http.StatusNotFound, msgTNNotFound)
	}
	return response{status: http.StatusOK, body: struct {
		BillingMethod string         `json:"billing_method"`
		Routes        []routeRefJSON `json:"routes"`
	}{o.billingMethod, s.routeRefs(o)}}
}

// purchase answers PUT /tns/{tn} {"billing_method": "METERED"}: 201, and the number is the
// account's with routes [sip-reg, sip-reg].
func (s *Server) purchase(tn string, body []byte) (response, func()) {
	var req struct {
		BillingMethod string `json:"billing_method"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return apiError(http.StatusBadRequest, "Request body must be JSON: {\"billing_method\": \"METERED\"}."), nil
	}
	i, ok := s.st.invIndex[tn]
	if !ok || s.st.inventory[i].sold || s.st.numbers[tn] != nil {
		return apiError(http.StatusUnprocessableEntity, msgNotAvailable), nil
	}
	if !s.st.inventory[i].allows(req.BillingMethod) {
		return apiError(http.StatusUnprocessableEntity, "Business Logic Error: Billing method \""+req.BillingMethod+"\" is not available for this TN; it allows "+strings.Join(s.st.inventory[i].billingMethods(), ", ")+"."), nil
	}
	s.st.addNumber(tn, newOwned(req.BillingMethod))
	return response{status: http.StatusCreated}, func() { s.st.removeNumber(tn) }
}

// setRoutes answers PATCH /tns/{tn} {"routes": [{"name": primary}, {"name": failover}]}: 204.
func (s *Server) setRoutes(tn string, body []byte) (response, func()) {
	var req struct {
		Routes []struct {
			Name string `json:"name"`
		} `json:"routes"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return apiError(http.StatusBadRequest, "Request body must be JSON: {\"routes\": [{\"name\": primary}, {\"name\": failover}]}."), nil
	}
	if len(req.Routes) != 2 {
		return apiError(http.StatusBadRequest, "Exactly two routes are required: primary, then failover."), nil
	}
	o := s.st.numbers[tn]
	if o == nil {
		return apiError(http.StatusNotFound, msgTNNotFound), nil
	}
	var ids [2]int
	for i, rt := range req.Routes {
		r := s.st.routeNamed(rt.Name)
		if r == nil {
			return apiError(http.StatusNotFound, "Route \""+rt.Name+"\" not found."), nil
		}
		ids[i] = r.id
	}
	undo := s.st.changeNumber(tn, o, func(n *owned) { n.primary, n.failover = ids[0], ids[1] })
	return response{status: http.StatusNoContent}, undo
}

// listRoutes answers GET /routes/: the account's routes and sip-reg, by name.
func (s *Server) listRoutes(q url.Values) response {
	p, bad := newPager(q, "/v1/routes/")
	if bad != nil {
		return *bad
	}
	names := make([]string, 0, len(s.st.names)+1)
	names = append(names, s.st.names...)
	i, _ := slices.BinarySearch(names, sipReg)
	names = slices.Insert(names, i, sipReg)
	start, end, ok := p.window(len(names))
	if !ok {
		return response{status: http.StatusOK, body: empty}
	}
	type routeJSON struct {
		Type  string  `json:"type"`
		Value *string `json:"value"`
	}
	out := make(map[string]routeJSON, end-start)
	for _, name := range names[start:end] {
		if name == sipReg {
			out[name] = routeJSON{Type: "SIP-REG"}
			continue
		}
		r := s.st.routeNamed(name)
		out[name] = routeJSON{v1Type(r.typ), &r.value}
	}
	return response{status: http.StatusOK, body: struct {
		Routes map[string]routeJSON `json:"routes"`
		Links  links                `json:"links"`
	}{out, p.links(len(names))}}
}

// createRoute answers PUT /routes/{name} {"type": ..., "value": ...}: 201; 409 when the name
// exists whatever its type and value; 422 for a bad name, type or value; 400 {} for a body
// that is not such JSON (as the public README shows).
func (s *Server) createRoute(name string, body []byte) (response, func()) {
	var req struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return response{status: http.StatusBadRequest, body: empty}, nil
	}
	if s.st.routeType(name) != "" {
		return apiError(http.StatusConflict, msgRouteExists), nil
	}
	if err := validateRouteName(name); err != nil {
		return apiError(http.StatusUnprocessableEntity, err.Error()), nil
	}
	if err := validateRouteValue(req.Type, req.Value); err != nil {
		return apiError(http.StatusUnprocessableEntity, err.Error()), nil
	}
	id := s.st.newRouteID()
	s.st.putRoute(&route{id: id, alias: name, typ: fromV1Type(req.Type), value: req.Value})
	return response{status: http.StatusCreated}, func() { s.st.dropRoute(id) }
}
