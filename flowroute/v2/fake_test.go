package v2

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
)

const (
	testAccess = "ACCESS-KEY-42"
	testSecret = "TOPSECRET-never-print-me"
	// publicBase is what the fake writes into links, as the sandbox does by default: a client
	// must never follow a link's host.
	publicBase = "https://api.flowroute.com/v2"
)

// recorded is one request the fake server received.
type recorded struct {
	Method string
	URI    string // path and query as sent
	Body   string
	Header http.Header
}

// fakeNumber, fakeRoute, fakeCNAM and fakeE911 are the fake account's objects.
type fakeNumber struct {
	TN, Alias, State, RateCenter string
	Lookups                      bool
	Primary, Failover            string
	CNAM, E911                   string
	Callbacks                    map[string]string
}

type fakeRoute struct {
	ID, Alias, Type, Value string
	Edge                   *int
}

type fakeCNAM struct {
	ID, Value string
	Approved  bool
}

type fakeE911 struct {
	ID string
	E911Fields
}

// fake is a small, faithful-enough v2 account behind an http.Handler: the endpoints of
// docs/flowroute-v2-api.md §2–7 and the v2.1 bulk details, with the doc's pagination, error
// envelope and Basic auth. Tests script quirks and faults with env.override.
type fake struct {
	mu        sync.Mutex
	numbers   map[string]*fakeNumber
	sorted    []string // owned numbers in order; nil when stale
	inventory map[string]AvailableNumber
	routes    map[string]*fakeRoute
	cnams     map[string]*fakeCNAM
	e911s     map[string]*fakeE911
	nextID    int
	bulk      bool          // serve POST /v2.1/numbers/details
	latency   time.Duration // added to every request (benchmarks); set before the first request

}

func newFake() *fake {
	f := &fake{numbers: map[string]*fakeNumber{}, inventory: map[string]AvailableNumber{}, routes: map[string]*fakeRoute{},
		cnams: map[string]*fakeCNAM{}, e911s: map[string]*fakeE911{}, nextID: 100000, bulk: true}
	f.routes["0"] = &fakeRoute{ID: "0", Alias: "sip-reg", Type: "sip-reg"}
	return f
}

// addNumbers gives the account n numbers from first on.
func (f *fake) addNumbers(first, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		tn := strconv.Itoa(first + i)
		f.numbers[tn] = &fakeNumber{TN: tn, State: "wa", RateCenter: "seattle", Lookups: true, Primary: "0"}
	}
	f.sorted = nil
}

// stock puts numbers up for sale.
func (f *fake) stock(tns ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, tn := range tns {
		f.inventory[tn] = AvailableNumber{TN: tn, State: "wa", RateCenter: "seattle", NumberType: "longcode", MonthlyCost: money.MustParse("1.25"), SetupCost: money.MustParse("1")}
	}
}

// setBulk turns the v2.1 bulk details on or off.
func (f *fake) setBulk(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bulk = on
}

func (f *fake) id() string {
	f.nextID++
	return strconv.Itoa(f.nextID)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

func apiErr(w http.ResponseWriter, status int, title, detail string) {
	e := map[string]any{"detail": detail, "id": "7fc8c70a-ca58-430c-b383-b89df84f8083", "status": status}
	if title != "" {
		e["title"] = title
	}
	writeJSON(w, status, map[string]any{"errors": []any{e}})
}

func notFound(w http.ResponseWriter) {
	apiErr(w, 404, "", "Could not find that resource on your account.")
}

// page cuts items by the request's limit and offset and writes the list document.
func page[T any](w http.ResponseWriter, r *http.Request, path string, items []T, render func(T) any) {
	q := r.URL.Query()
	limit, offset := 10, 0
	if s := q.Get("limit"); s != "" {
		var err error
		if limit, err = strconv.Atoi(s); err != nil || limit <= 0 || limit > 200 {
			apiErr(w, 422, "Unprocessable Entity", "limit must be an integer between 1 and 200")
			return
		}
	}
	if s := q.Get("offset"); s != "" {
		var err error
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			apiErr(w, 422, "Unprocessable Entity", "offset must be a non-negative integer")
			return
		}
	}
	data := []any{}
	for i := offset; i < len(items) && i < offset+limit; i++ {
		data = append(data, render(items[i]))
	}
	q.Del("limit")
	q.Del("offset")
	filters := q.Encode()
	if filters != "" {
		filters += "&"
	}
	links := map[string]any{"self": fmt.Sprintf("%s/%s?%slimit=%d&offset=%d", publicBase, path, filters, limit, offset)}
	if offset+limit < len(items) {
		links["next"] = fmt.Sprintf("%s/%s?%slimit=%d&offset=%d", publicBase, path, filters, limit, offset+limit)
	}
	writeJSON(w, 200, map[string]any{"data": data, "links": links})
}

func (f *fake) routeRes(rt *fakeRoute) any {
	var value any
	if rt.Value != "" {
		value = rt.Value
	}
	var edge any
	if rt.Edge != nil {
		edge = *rt.Edge
	}
	return map[string]any{"type": "route", "id": rt.ID, "links": map[string]any{"self": publicBase + "/routes/" + rt.ID},
		"attributes": map[string]any{"alias": rt.Alias, "route_type": rt.Type, "value": value, "edge_strategy_id": edge}}
}

func rel(typ, id string) any {
	if id == "" {
		return map[string]any{"data": nil}
	}
	return map[string]any{"data": map[string]any{"type": typ, "id": id}}
}

func (f *fake) numberRes(n *fakeNumber, detailed bool, v21 bool) any {
	var alias any
	if n.Alias != "" {
		alias = n.Alias
	}
	res := map[string]any{"type": "number", "id": n.TN, "links": map[string]any{"self": publicBase + "/numbers/" + n.TN},
		"attributes": map[string]any{"value": n.TN, "alias": alias, "state": n.State, "rate_center": n.RateCenter,
			"number_type": "longcode", "cnam_lookups_enabled": n.Lookups}}
	if detailed {
		p, fo := "primary_route", "failover_route"
		if v21 {
			p, fo = "voice_primary_route", "voice_failover_route"
		}
		res["relationships"] = map[string]any{p: rel("route", n.Primary), fo: rel("route", n.Failover),
			"cnam_preset": rel("cnam", n.CNAM), "e911_address": rel("e911", n.E911)}
	}
	return res
}

func (f *fake) included(n *fakeNumber) []any {
	inc := []any{}
	for _, id := range slices.Compact([]string{n.Primary, n.Failover}) {
		if rt := f.routes[id]; rt != nil {
			inc = append(inc, f.routeRes(rt))
		}
	}
	if c := f.cnams[n.CNAM]; c != nil {
		inc = append(inc, f.cnamRes(c))
	}
	if e := f.e911s[n.E911]; e != nil {
		inc = append(inc, f.e911Res(e))
	}
	return inc
}

func (f *fake) numberDoc(n *fakeNumber) any {
	return map[string]any{"data": f.numberRes(n, true, false), "included": f.included(n), "links": map[string]any{"self": publicBase + "/numbers/" + n.TN}}
}

func (f *fake) cnamRes(c *fakeCNAM) any {
	return map[string]any{"type": "cnam", "id": c.ID, "links": map[string]any{"self": publicBase + "/cnams/" + c.ID},
		"attributes": map[string]any{"value": c.Value, "is_approved": c.Approved, "rejection_reason": nil, "approval_datetime": nil, "creation_datetime": "2018-06-01 00:09:52.513092+00:00"}}
}

func (f *fake) e911Res(e *fakeE911) any {
	b, _ := json.Marshal(e911Body(e.E911Fields))
	var doc struct {
		Data struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	json.Unmarshal(b, &doc)
	return map[string]any{"type": "e911", "id": e.ID, "links": map[string]any{"self": publicBase + "/e911s/" + e.ID}, "attributes": doc.Data.Attributes}
}

// body decodes a JSON request body into v; false (and a 400 written) when it is not JSON.
func body(w http.ResponseWriter, r *http.Request, v any) bool {
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, v); err != nil {
		apiErr(w, 400, "Bad Request", "malformed JSON")
		return false
	}
	return true
}

type dataBody struct {
	Data struct {
		Type       string          `json:"type"`
		ID         flexString      `json:"id"`
		Attributes json.RawMessage `json:"attributes"`
	} `json:"data"`
}

func (f *fake) ownedSorted() []string {
	if f.sorted == nil {
		for tn := range f.numbers {
			f.sorted = append(f.sorted, tn)
		}
		slices.Sort(f.sorted)
	}
	return f.sorted
}

// handler is the fake's v2 API.
func (f *fake) handler() http.Handler {
	mux := http.NewServeMux()
	lock := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			defer f.mu.Unlock()
			h(w, r)
		}
	}
	mux.HandleFunc("GET /v2/numbers/available", lock(func(w http.ResponseWriter, r *http.Request) {
		var items []AvailableNumber
		sw := r.URL.Query().Get("starts_with")
		for _, n := range f.inventory {
			if strings.HasPrefix(n.TN, sw) && strings.Contains(n.TN, r.URL.Query().Get("contains")) {
				items = append(items, n)
			}
		}
		slices.SortFunc(items, func(a, b AvailableNumber) int { return strings.Compare(a.TN, b.TN) })
		page(w, r, "numbers/available", items, func(n AvailableNumber) any {
			mc, _ := strconv.ParseFloat(n.MonthlyCost.String(), 64)
			sc, _ := strconv.ParseFloat(n.SetupCost.String(), 64)
			return map[string]any{"type": "number", "id": n.TN, "links": map[string]any{"related": publicBase + "/numbers/" + n.TN},
				"attributes": map[string]any{"value": n.TN, "state": n.State, "rate_center": n.RateCenter, "number_type": n.NumberType, "monthly_cost": mc, "setup_cost": sc}}
		})
	}))
	mux.HandleFunc("GET /v2/numbers/available/areacodes", lock(func(w http.ResponseWriter, r *http.Request) {
		var codes []string
		for tn := range f.inventory {
			codes = append(codes, tn[1:4])
		}
		slices.Sort(codes)
		page(w, r, "numbers/available/areacodes", slices.Compact(codes), func(c string) any { return map[string]any{"type": "areacode", "id": c} })
	}))
	mux.HandleFunc("GET /v2/numbers/available/exchanges", lock(func(w http.ResponseWriter, r *http.Request) {
		var codes []string
		for tn := range f.inventory {
			if strings.HasPrefix(tn[1:], r.URL.Query().Get("areacode")) {
				codes = append(codes, tn[1:7])
			}
		}
		slices.Sort(codes)
		page(w, r, "numbers/available/exchanges", slices.Compact(codes), func(c string) any { return map[string]any{"type": "exchange", "id": c} })
	}))
	mux.HandleFunc("GET /v2/numbers", lock(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		items := f.ownedSorted()
		if sw, c, a := q.Get("starts_with"), q.Get("contains"), q.Get("alias"); sw != "" || c != "" || a != "" {
			var kept []string
			for _, tn := range items {
				if strings.HasPrefix(tn, sw) && strings.Contains(tn, c) && (a == "" || f.numbers[tn].Alias == a) {
					kept = append(kept, tn)
				}
			}
			items = kept
		}
		page(w, r, "numbers", items, func(tn string) any { return f.numberRes(f.numbers[tn], false, false) })
	}))
	mux.HandleFunc("GET /v2/numbers/{tn}", lock(func(w http.ResponseWriter, r *http.Request) {
		n := f.numbers[r.PathValue("tn")]
		if n == nil {
			notFound(w)
			return
		}
		writeJSON(w, 200, f.numberDoc(n))
	}))
	mux.HandleFunc("POST /v2/numbers/{tn}", lock(func(w http.ResponseWriter, r *http.Request) {
		tn := r.PathValue("tn")
		inv, ok := f.inventory[tn]
		if !ok {
			notFound(w)
			return
		}
		delete(f.inventory, tn)
		n := &fakeNumber{TN: tn, State: inv.State, RateCenter: inv.RateCenter, Lookups: true, Primary: "0"}
		f.numbers[tn] = n
		f.sorted = nil
		writeJSON(w, 201, f.numberDoc(n))
	}))
	mux.HandleFunc("DELETE /v2/numbers/{tn}", lock(func(w http.ResponseWriter, r *http.Request) {
		tn := r.PathValue("tn")
		if f.numbers[tn] == nil {
			notFound(w)
			return
		}
		delete(f.numbers, tn)
		f.sorted = nil
		f.inventory[tn] = AvailableNumber{TN: tn, State: "wa", RateCenter: "seattle"}
		w.WriteHeader(204)
	}))
	mux.HandleFunc("PATCH /v2/numbers/{tn}", lock(func(w http.ResponseWriter, r *http.Request) {
		n := f.numbers[r.PathValue("tn")]
		if n == nil {
			notFound(w)
			return
		}
		var b struct {
			Type    string      `json:"type"`
			Alias   *flexString `json:"alias"`
			Lookups *flexBool   `json:"cnam_lookups_enabled"`
		}
		if !body(w, r, &b) {
			return
		}
		if b.Type != "number" {
			apiErr(w, 422, "Unprocessable Entity", "type must be number")
			return
		}
		if b.Alias != nil {
			n.Alias = string(*b.Alias)
		}
		if b.Lookups != nil {
			n.Lookups = bool(*b.Lookups)
		}
		writeJSON(w, 200, f.numberDoc(n))
	}))
	relRoute := func(w http.ResponseWriter, r *http.Request) {
		n := f.numbers[r.PathValue("tn")]
		if n == nil {
			notFound(w)
			return
		}
		which := r.PathValue("rel")
		if r.Method == http.MethodDelete {
			switch which {
			case "primary_route":
				n.Primary = "0"
			case "failover_route":
				n.Failover = ""
			case "e911s":
				n.E911 = ""
			case "cnams", "cnam":
				n.CNAM = ""
				writeJSON(w, 202, map[string]any{"data": map[string]any{"id": nil, "type": "cnam", "attributes": map[string]any{"date_created": "Mon, 22 Aug 2022 07:23:53 GMT"}}})
				return
			case "sms_callback", "mms_callback", "sms_dlr_callback", "mms_dlr_callback":
				delete(n.Callbacks, which)
			default:
				notFound(w)
				return
			}
			w.WriteHeader(204)
			return
		}
		switch which {
		case "primary_route", "failover_route":
			var b dataBody
			if !body(w, r, &b) {
				return
			}
			if b.Data.Type != "route" {
				apiErr(w, 422, "", "type must be route")
				return
			}
			if f.routes[string(b.Data.ID)] == nil {
				notFound(w)
				return
			}
			if which == "primary_route" {
				n.Primary = string(b.Data.ID)
			} else {
				n.Failover = string(b.Data.ID)
			}
			w.WriteHeader(204)
		default:
			notFound(w)
		}
	}
	mux.HandleFunc("PATCH /v2/numbers/{tn}/relationships/{rel}", lock(relRoute))
	mux.HandleFunc("DELETE /v2/numbers/{tn}/relationships/{rel}", lock(relRoute))
	mux.HandleFunc("POST /v2/numbers/{tn}/relationships/{rel}", lock(func(w http.ResponseWriter, r *http.Request) {
		n := f.numbers[r.PathValue("tn")]
		which := r.PathValue("rel")
		if n == nil || checkCallback(CallbackType(which)) != nil {
			notFound(w)
			return
		}
		var b struct {
			Data struct {
				Attributes struct {
					URL string `json:"callback_url"`
				} `json:"attributes"`
			} `json:"data"`
		}
		if !body(w, r, &b) {
			return
		}
		if n.Callbacks == nil {
			n.Callbacks = map[string]string{}
		}
		n.Callbacks[which] = b.Data.Attributes.URL
		w.WriteHeader(204)
	}))
	mux.HandleFunc("GET /v2/numbers/{tn}/relationships/{rel}", lock(func(w http.ResponseWriter, r *http.Request) {
		n := f.numbers[r.PathValue("tn")]
		which := r.PathValue("rel")
		if n == nil || n.Callbacks[which] == "" {
			notFound(w)
			return
		}
		writeJSON(w, 200, map[string]any{"data": map[string]any{"type": "callback", "attributes": map[string]any{"api_version": "v2.1", "callback_url": n.Callbacks[which], "product": which}}})
	}))
	assoc := func(w http.ResponseWriter, r *http.Request) {
		n := f.numbers[r.PathValue("tn")]
		if n == nil {
			notFound(w)
			return
		}
		id := r.PathValue("id")
		switch r.PathValue("rel") {
		case "cnams", "cnam":
			c := f.cnams[id]
			if c == nil {
				notFound(w)
				return
			}
			if !c.Approved {
				apiErr(w, 422, "", "This request will fail if the CNAM has not yet been approved")
				return
			}
			n.CNAM = id
			i, _ := strconv.Atoi(id)
			writeJSON(w, 202, map[string]any{"data": map[string]any{"attributes": map[string]any{"date_created": "Fri, 01 Jun 2018 00:17:52 GMT"}, "id": i, "type": "cnam"}})
		case "e911s":
			if f.e911s[id] == nil {
				notFound(w)
				return
			}
			n.E911 = id
			w.WriteHeader(204)
		default:
			notFound(w)
		}
	}
	mux.HandleFunc("PATCH /v2/numbers/{tn}/relationships/{rel}/{id}", lock(assoc))
	details := func(v21 bool) http.HandlerFunc {
		return lock(func(w http.ResponseWriter, r *http.Request) {
			if !f.bulk {
				apiErr(w, 404, "", "Could not find that resource on your account.")
				return
			}
			var b struct {
				Numbers []string `json:"numbers"`
			}
			if !body(w, r, &b) {
				return
			}
			if len(b.Numbers) == 0 {
				apiErr(w, 422, "", "numbers is required")
				return
			}
			data, inc := []any{}, []any{}
			for _, tn := range b.Numbers {
				if n := f.numbers[strings.TrimPrefix(tn, "+")]; n != nil {
					data = append(data, f.numberRes(n, true, v21))
					inc = append(inc, f.included(n)...)
				}
			}
			writeJSON(w, 200, map[string]any{"data": data, "included": inc})
		})
	}
	mux.HandleFunc("POST /v2.1/numbers/details", details(true))
	mux.HandleFunc("GET /v2/routes", lock(func(w http.ResponseWriter, r *http.Request) {
		var items []*fakeRoute
		for _, rt := range f.routes {
			if t := r.URL.Query().Get("route_type"); t == "" || rt.Type == t {
				items = append(items, rt)
			}
		}
		slices.SortFunc(items, func(a, b *fakeRoute) int { return strings.Compare(idKey(a.ID), idKey(b.ID)) })
		page(w, r, "routes", items, func(rt *fakeRoute) any { return f.routeRes(rt) })
	}))
	readRoute := func(w http.ResponseWriter, r *http.Request) (*routeAttrs, bool) {
		var b dataBody
		if !body(w, r, &b) {
			return nil, false
		}
		var a routeAttrs
		if b.Data.Type != "route" || json.Unmarshal(b.Data.Attributes, &a) != nil {
			apiErr(w, 422, "", "data.type must be route, with attributes")
			return nil, false
		}
		if a.Alias != "" {
			for _, rt := range f.routes {
				if rt.Alias == string(a.Alias) && rt.ID != r.PathValue("id") {
					apiErr(w, 422, "Unprocessable Entity", "Route alias already exists.")
					return nil, false
				}
			}
		}
		return &a, true
	}
	mux.HandleFunc("POST /v2/routes", lock(func(w http.ResponseWriter, r *http.Request) {
		a, ok := readRoute(w, r)
		if !ok {
			return
		}
		rt := &fakeRoute{ID: f.id(), Alias: string(a.Alias), Type: string(a.RouteType), Value: string(a.Value)}
		if a.EdgeStrategyID != "" {
			e, _ := strconv.Atoi(string(a.EdgeStrategyID))
			rt.Edge = &e
		}
		f.routes[rt.ID] = rt
		res := f.routeRes(rt).(map[string]any)
		res["links"] = map[string]any{"self": "https://api.flowroute.com/routes/" + rt.ID} // the doc's quirk
		writeJSON(w, 201, map[string]any{"data": res, "links": map[string]any{"self": "https://api.flowroute.com/routes/" + rt.ID}})
	}))
	mux.HandleFunc("PATCH /v2/routes/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if id == "0" {
			apiErr(w, 403, "ActionNotAuthorizedError", "")
			return
		}
		rt := f.routes[id]
		if rt == nil {
			apiErr(w, 404, "", "Invalid Route Id")
			return
		}
		a, ok := readRoute(w, r)
		if !ok {
			return
		}
		if a.Alias != "" {
			rt.Alias = string(a.Alias)
		}
		if a.RouteType != "" {
			rt.Type = string(a.RouteType)
		}
		if a.Value != "" {
			rt.Value = string(a.Value)
		}
		if a.EdgeStrategyID != "" {
			e, _ := strconv.Atoi(string(a.EdgeStrategyID))
			rt.Edge = &e
		}
		writeJSON(w, 200, map[string]any{"data": f.routeRes(rt), "links": map[string]any{"self": publicBase + "/routes/" + id}})
	}))
	mux.HandleFunc("DELETE /v2/routes/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if id == "0" {
			apiErr(w, 403, "ActionNotAuthorizedError", "")
			return
		}
		if f.routes[id] == nil {
			apiErr(w, 404, "", "Invalid Route Id")
			return
		}
		for _, n := range f.numbers {
			if n.Primary == id || n.Failover == id {
				writeJSON(w, 403, map[string]any{"errors": []any{map[string]any{"status": 403, "detail": "Please disassociate all numbers before deleting.", "title": "This Route has numbers still associated to it."}}})
				return
			}
		}
		delete(f.routes, id)
		w.WriteHeader(204)
	}))
	mux.HandleFunc("GET /v2/routes/edge_strategies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write(mustRead("edge-strategies.json"))
	})
	mux.HandleFunc("GET /v2/cnams", lock(func(w http.ResponseWriter, r *http.Request) {
		var items []*fakeCNAM
		for _, c := range f.cnams {
			if strings.Contains(c.Value, strings.ToUpper(r.URL.Query().Get("value"))) {
				items = append(items, c)
			}
		}
		slices.SortFunc(items, func(a, b *fakeCNAM) int { return strings.Compare(idKey(a.ID), idKey(b.ID)) })
		page(w, r, "cnams", items, func(c *fakeCNAM) any { return f.cnamRes(c) })
	}))
	mux.HandleFunc("POST /v2/cnams", lock(func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Value string `json:"value"`
		}
		if !body(w, r, &b) {
			return
		}
		for _, c := range f.cnams {
			if c.Value == strings.ToUpper(b.Value) {
				apiErr(w, 422, "", "CNAM value already exists.")
				return
			}
		}
		c := &fakeCNAM{ID: f.id(), Value: strings.ToUpper(b.Value)}
		f.cnams[c.ID] = c
		writeJSON(w, 201, map[string]any{"data": f.cnamRes(c)})
	}))
	mux.HandleFunc("GET /v2/cnams/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		c := f.cnams[r.PathValue("id")]
		if c == nil {
			apiErr(w, 404, "Resource not found", "CNAM record not found.")
			return
		}
		writeJSON(w, 200, map[string]any{"data": f.cnamRes(c)})
	}))
	mux.HandleFunc("PATCH /v2/cnams/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		c := f.cnams[r.PathValue("id")]
		if c == nil {
			apiErr(w, 404, "Resource not found", "CNAM record not found.")
			return
		}
		if c.Approved {
			apiErr(w, 403, "ActionNotAuthorizedError", "")
			return
		}
		var b struct {
			Data struct {
				Attributes struct {
					Value string `json:"value"`
				} `json:"attributes"`
			} `json:"data"`
		}
		if !body(w, r, &b) {
			return
		}
		c.Value = strings.ToUpper(b.Data.Attributes.Value)
		writeJSON(w, 200, map[string]any{"data": f.cnamRes(c), "links": map[string]any{"self": publicBase + "/cnams/" + c.ID}})
	}))
	mux.HandleFunc("DELETE /v2/cnams/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if f.cnams[id] == nil {
			apiErr(w, 404, "Resource not found", "CNAM record not found. Nothing to delete.")
			return
		}
		delete(f.cnams, id)
		for _, n := range f.numbers {
			if n.CNAM == id {
				n.CNAM = ""
			}
		}
		w.WriteHeader(204)
	}))
	readE911 := func(w http.ResponseWriter, r *http.Request) (*E911Fields, bool) {
		var b dataBody
		if !body(w, r, &b) {
			return nil, false
		}
		var a e911Attrs
		if b.Data.Type != "e911" || json.Unmarshal(b.Data.Attributes, &a) != nil {
			apiErr(w, 422, "", "data.type must be e911, with attributes")
			return nil, false
		}
		if r.Method != http.MethodPatch && len(a.Zip) < 4 {
			writeJSON(w, 422, map[string]any{"errors": []any{map[string]any{"detail": map[string]any{"data": map[string]any{"attributes": map[string]any{"zip": []string{"ZIP code must be at least 4 and at most 7 digits long"}}}}, "status": 422}}})
			return nil, false
		}
		if a.City == "Nowhere" {
			apiErr(w, 400, "Client Error", "Could not geocode this address. Please check the validity of your address.")
			return nil, false
		}
		e, err := toE911(&resource{Attributes: b.Data.Attributes})
		if err != nil {
			apiErr(w, 422, "", err.Error())
			return nil, false
		}
		return &e.E911Fields, true
	}
	mux.HandleFunc("GET /v2/e911s", lock(func(w http.ResponseWriter, r *http.Request) {
		var items []*fakeE911
		for _, e := range f.e911s {
			if strings.Contains(strings.ToLower(e.Label), strings.ToLower(r.URL.Query().Get("label"))) {
				items = append(items, e)
			}
		}
		slices.SortFunc(items, func(a, b *fakeE911) int { return strings.Compare(idKey(b.ID), idKey(a.ID)) }) // newest first
		page(w, r, "e911s", items, func(e *fakeE911) any { return f.e911Res(e) })
	}))
	mux.HandleFunc("POST /v2/e911s/validate", lock(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := readE911(w, r); ok {
			w.WriteHeader(204)
		}
	}))
	mux.HandleFunc("POST /v2/e911s", lock(func(w http.ResponseWriter, r *http.Request) {
		a, ok := readE911(w, r)
		if !ok {
			return
		}
		e := &fakeE911{ID: f.id(), E911Fields: *a}
		f.e911s[e.ID] = e
		writeJSON(w, 201, map[string]any{"data": f.e911Res(e)})
	}))
	mux.HandleFunc("GET /v2/e911s/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		e := f.e911s[r.PathValue("id")]
		if e == nil {
			notFound(w)
			return
		}
		writeJSON(w, 200, map[string]any{"data": f.e911Res(e)})
	}))
	mux.HandleFunc("PATCH /v2/e911s/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		e := f.e911s[r.PathValue("id")]
		if e == nil {
			notFound(w)
			return
		}
		a, ok := readE911(w, r)
		if !ok {
			return
		}
		merge := func(dst *string, v string) {
			if v != "" {
				*dst = v
			}
		}
		merge(&e.Label, a.Label)
		merge(&e.FirstName, a.FirstName)
		merge(&e.LastName, a.LastName)
		merge(&e.StreetNumber, a.StreetNumber)
		merge(&e.StreetName, a.StreetName)
		merge(&e.City, a.City)
		merge(&e.State, a.State)
		merge(&e.Country, a.Country)
		merge(&e.Zip, a.Zip)
		writeJSON(w, 200, map[string]any{"data": f.e911Res(e)})
	}))
	mux.HandleFunc("DELETE /v2/e911s/{id}", lock(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if f.e911s[id] == nil {
			notFound(w)
			return
		}
		for _, n := range f.numbers {
			if n.E911 == id {
				apiErr(w, 403, "This E911 address has numbers still associated to it.", "Please disassociate all numbers before deleting.")
				return
			}
		}
		delete(f.e911s, id)
		w.WriteHeader(204)
	}))
	mux.HandleFunc("GET /v2/e911s/{id}/relationships/numbers", lock(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if f.e911s[id] == nil {
			notFound(w)
			return
		}
		var items []string
		for _, tn := range f.ownedSorted() {
			if f.numbers[tn].E911 == id {
				items = append(items, tn)
			}
		}
		page(w, r, "e911s/"+id+"/relationships/numbers", items, func(tn string) any {
			return map[string]any{"type": "number", "id": tn, "attributes": map[string]any{"alias": nil, "value": tn}}
		})
	}))
	return mux
}

var docCache sync.Map

func mustRead(name string) []byte {
	if b, ok := docCache.Load(name); ok {
		return b.([]byte)
	}
	b := readDocFile(name)
	docCache.Store(name, b)
	return b
}

// env is a client wired to the fake account on loopback. Requests are recorded; a handler
// registered with override answers instead of the fake for its pattern.
type env struct {
	t      testing.TB
	fake   *fake
	client *Client
	url    string // the server's base, without /v2

	mu     sync.Mutex
	reqs   []recorded
	over   *http.ServeMux
	sleeps []time.Duration
}

// setup starts the fake and a client for it: no client-side rate limit, 3 attempts, backoffs
// recorded instead of waited, pages of 3 items so that walks cross pages. opts come last.
func setup(t testing.TB, opts ...Option) *env {
	t.Helper()
	e := &env{t: t, fake: newFake(), over: http.NewServeMux()}
	fh := e.fake.handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		e.mu.Lock()
		e.reqs = append(e.reqs, recorded{Method: r.Method, URI: r.URL.RequestURI(), Body: string(b), Header: r.Header.Clone()})
		h, pat := e.over.Handler(r)
		e.mu.Unlock()
		if d := e.fake.latency; d > 0 {
			time.Sleep(d)
		}
		if user, pass, ok := r.BasicAuth(); !ok || user != testAccess || pass != testSecret {
			apiErr(w, 401, "Unauthorized", "Authentication failed.")
			return
		}
		if pat != "" {
			h.ServeHTTP(w, r)
			return
		}
		fh.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	base := []Option{
		WithRateLimit(0, 0),
		WithRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}),
		WithSleep(func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		}),
		WithPageSize(3),
	}
	c, err := New(srv.URL+"/v2", testAccess, testSecret, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// override answers requests matching pattern (a ServeMux pattern such as "POST
// /v2/routes") with h instead of the fake.
func (e *env) override(pattern string, h http.HandlerFunc) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.over.HandleFunc(pattern, h)
}

// requests returns the requests received so far, and forgets them.
func (e *env) requests() []recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.reqs
	e.reqs = nil
	return r
}

// lines is the requests as "METHOD URI" lines, for comparing sequences.
func lines(rs []recorded) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Method + " " + r.URI
	}
	return out
}

// lose runs the fake's own handler for r and afterwards answers with status instead: the
// write is carried out, its answer lost.
func (e *env) lose(status int) http.HandlerFunc {
	fh := e.fake.handler()
	return func(w http.ResponseWriter, r *http.Request) {
		fh.ServeHTTP(httptest.NewRecorder(), r)
		apiErr(w, status, "Service Unavailable", "We're temporarily offline for maintanance.")
	}
}

// drop answers nothing and closes the connection: the client sees the request written and no
// answer.
func drop(w http.ResponseWriter, r *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// once wraps h so that it answers only the first request; later ones go to the fake.
func (e *env) once(h http.HandlerFunc) http.HandlerFunc {
	var n sync.Once
	fh := e.fake.handler()
	return func(w http.ResponseWriter, r *http.Request) {
		done := false
		n.Do(func() { h(w, r); done = true })
		if !done {
			fh.ServeHTTP(w, r)
		}
	}
}

// runThen runs the fake's own handler for r, throws its answer away and answers with h
// instead: the write is carried out, its answer replaced.
func (e *env) runThen(h http.HandlerFunc) http.HandlerFunc {
	fh := e.fake.handler()
	return func(w http.ResponseWriter, r *http.Request) {
		fh.ServeHTTP(httptest.NewRecorder(), r)
		h(w, r)
	}
}
