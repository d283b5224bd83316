package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

const (
	tnA = "12062092844" // pinned in every inventory: Seattle, WA
	tnB = "12067439178"
)

// route0 is route 0 as every document includes it.
const route0 = `{"attributes":{"alias":"sip-reg","edge_strategy_id":null,"route_type":"sip-reg","value":null},"id":"0","links":{"self":"BASE/v2/routes/0"},"type":"route"}`

// numberDocJSON is the document of a number just bought (§3.3).
func numberDocJSON(base, tn, rc, state string) string {
	return strings.ReplaceAll(`{"data":{"attributes":{"alias":null,"cnam_lookups_enabled":true,"number_type":"longcode","rate_center":"`+rc+`","state":"`+state+`","value":"TN"},`+
		`"id":"TN","links":{"self":"BASE/v2/numbers/TN"},`+
		`"relationships":{"cnam_preset":{"data":null},"e911_address":{"data":null},"failover_route":{"data":null},"primary_route":{"data":{"id":"0","type":"route"}}},"type":"number"},`+
		`"included":[`+route0+`],"links":{"self":"BASE/v2/numbers/TN"}}`, "TN", tn)
}

func (c *v2c) sub(s string) string { return strings.ReplaceAll(s, "BASE", c.base) }

func TestV2AuthFirst(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	unauthorized := errBody(401, "Unauthorized", "Authentication failed.")
	for _, creds := range []struct{ access, secret string }{{"", ""}, {DefaultAccessKey, "wrong"}, {"wrong", DefaultSecretKey}} {
		bad := *c
		bad.access, bad.secret = creds.access, creds.secret
		for _, rq := range [][2]string{
			{"GET", "/v2/numbers"}, {"GET", "/v2/nope"}, {"POST", "/v2/numbers/" + tnA}, {"DELETE", "/v2/routes/0"},
			{"PUT", "/v2/numbers"}, {"POST", "/v2/cnams"}, {"POST", "/sandbox/cnams/100000/approve"}, {"POST", "/v2.1/numbers/details"},
		} {
			bad.send(rq[0], rq[1], "text/plain", "not json", nil).wantV2(t, 401, unauthorized)
		}
	}
	// A bearer token, and v1's signature in place of the secret.
	c.send("GET", "/v2/numbers", "", "", http.Header{"Authorization": {"Bearer " + DefaultSecretKey}}).wantV2(t, 401, unauthorized)
	signed := *c
	u, _ := url.Parse(c.base + "/v2/numbers")
	signed.secret = v1.Signature(DefaultSecretKey, v1.Timestamp(clock), "GET", u, nil)
	signed.do("GET", "/v2/numbers", "").wantV2(t, 401, unauthorized)
}

func TestV2UnknownPathsMethodsAndTrailingSlash(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	for _, p := range []string{"/v2", "/v2/", "/v2/nope", "/v2/numbers/" + tnA + "/extra", "/v2/routes/0/x/y", "/v2.1/numbers", "/sandbox/cnams"} {
		c.do("GET", p, "").wantV2(t, 404, errBody(404, "Not Found", "The requested URL was not found on the server."))
	}
	for _, tt := range []struct{ method, path, allow string }{
		{"PUT", "/v2/numbers", "GET"},
		{"PUT", "/v2/numbers/" + tnA, "GET, POST, PATCH, DELETE"},
		{"GET", "/v2/routes/0", "PATCH, DELETE"},
		{"DELETE", "/v2/routes/", "GET, POST"},
		{"GET", "/v2/e911s/validate", ""}, // GET /e911s/{id}: an address that does not exist
	} {
		r := c.do(tt.method, tt.path, "")
		if tt.allow == "" {
			r.wantV2(t, 404, errBody(404, "Not Found", detailNotOnAcct))
			continue
		}
		r.wantV2(t, 405, errBody(405, "Method Not Allowed", "The method is not allowed for the requested URL."))
		if got := r.header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}
	// One optional trailing slash on every path.
	for _, p := range []string{"/v2/routes/", "/v2/numbers/", "/v2/cnams/", "/v2/e911s/", "/v2/routes/edge_strategies/"} {
		if r := c.do("GET", p, ""); r.status != 200 {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
	}
	c.do("POST", "/v2/numbers/"+tnA+"/", "").wantV2(t, 201, c.sub(numberDocJSON("", tnA, "seattle", "wa")))
}

func TestV2ContentTypes(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	route := func(alias string) string {
		return `{"data":{"type":"route","attributes":{"route_type":"host","value":"10.0.0.1","alias":"` + alias + `"}}}`
	}
	for i, ct := range []string{"application/vnd.api+json", "application/json", "application/json; charset=utf-8", "Application/JSON", ""} {
		if r := c.send("POST", "/v2/routes", ct, route(fmt.Sprint("r", i)), nil); r.status != 201 {
			t.Errorf("Content-Type %q: %d %s", ct, r.status, r.body)
		}
	}
	// A JSON body labelled application/x-www-form-urlencoded is JSON (TestJSONLabelledFormIsJSON).
	for _, ct := range []string{"text/plain; charset=utf-8", "application/vnd+api.json", "multipart/form-data; boundary=x", ";;"} {
		r := c.send("POST", "/v2/routes", ct, route("x"), nil)
		if r.status != 415 || r.field(t, "errors.0.title") != "Unsupported Media Type" {
			t.Errorf("Content-Type %q: %d %s, want 415", ct, r.status, r.body)
		}
	}
	// text/plain without a body is no body of an unsupported type.
	c.send("POST", "/v2/numbers/"+tnA, "text/plain", "", nil).wantV2(t, 201, c.sub(numberDocJSON("", tnA, "seattle", "wa")))
	// The Python SDK posts CNAMs form-encoded, and PATCHes relationships without a Content-Type.
	if r := c.send("POST", "/v2/cnams", "application/x-www-form-urlencoded", "value=FR+H5K8", nil); r.status != 201 || r.field(t, "data.attributes.value") != "FR H5K8" {
		t.Errorf("form-encoded POST /cnams: %d %s", r.status, r.body)
	}
	c.send("PATCH", "/v2/numbers/"+tnA+"/relationships/primary_route", "", `{"data": {"type": "route", "id": "100000"}}`, nil).wantV2(t, 204, "")
	c.send("PATCH", "/v2/numbers/"+tnA+"/relationships/failover_route", "text/plain; charset=utf-8", `{"data": {"type": "route", "id": "100000"}}`, nil).wantV2(t, 415,
		errBody(415, "Unsupported Media Type", `Content-Type "text/plain" is not supported: send application/vnd.api+json or application/json.`))
	// Malformed JSON is 400; JSON that is no object 422; Accept is ignored.
	c.do("POST", "/v2/routes", `{"data":`).wantV2(t, 400, errBody(400, "Bad Request", "The request body is not valid JSON."))
	c.do("POST", "/v2/routes", `[1]`).wantV2(t, 422, errBody(422, "Unprocessable Entity", "The request body must be a JSON object."))
	if r := c.send("GET", "/v2/routes", "", "", http.Header{"Accept": {"text/html"}}); r.status != 200 {
		t.Errorf("Accept text/html: %d", r.status)
	}
}

func TestV2Pagination(t *testing.T) {
	t.Parallel()
	s, c := startV2(t, Options{})
	for i := range 5 {
		if err := s.AddRoute(Route{Name: fmt.Sprint("r", i), Type: "HOST", Value: "10.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	r := c.do("GET", "/v2/routes?limit=2&offset=2", "")
	if r.field(t, "links.self") != c.base+"/v2/routes?limit=2&offset=2" || r.field(t, "links.next") != c.base+"/v2/routes?limit=2&offset=4" ||
		r.field(t, "data.0.id") != "100001" || r.field(t, "data.1.id") != "100002" {
		t.Errorf("page: %s", r.body)
	}
	r = c.do("GET", "/v2/routes?limit=2&offset=4", "")
	if r.field(t, "links.next") != nil || r.field(t, "data.1.id") != "100004" {
		t.Errorf("last page has a next link or is wrong: %s", r.body)
	}
	c.do("GET", "/v2/routes?offset=6", "").wantV2(t, 200, `{"data":[],"links":{"self":"`+c.base+`/v2/routes?limit=10&offset=6"}}`)
	if r := c.do("GET", "/v2/routes", ""); r.field(t, "links.self") != c.base+"/v2/routes?limit=10&offset=0" || r.field(t, "data.0.id") != "0" {
		t.Errorf("defaults: %s", r.body)
	}
	for _, tt := range []struct{ path, detail string }{
		{"/v2/routes?limit=0", "limit must be an integer from 1 to 200."},
		{"/v2/routes?limit=201", "limit must be an integer from 1 to 200."},
		{"/v2/routes?limit=ten", "limit must be an integer from 1 to 200."},
		{"/v2/routes?offset=-1", "offset must be an integer of at least 0."},
		{"/v2/routes?offset=1.5", "offset must be an integer of at least 0."},
		{"/v2/numbers/available/areacodes?limit=401", "limit must be an integer from 1 to 400."},
		{"/v2/e911s?limit=2001", "limit must be an integer from 1 to 2000."},
		{"/v2/cnams?limit=0", "limit must be an integer of at least 1."},
	} {
		c.do("GET", tt.path, "").wantV2(t, 422, errBody(422, "Unprocessable Entity", tt.detail))
	}
	for _, ok := range []string{"/v2/numbers/available/areacodes?limit=400", "/v2/e911s?limit=2000", "/v2/cnams?limit=100000", "/v2/routes?unknown=1"} {
		if r := c.do("GET", ok, ""); r.status != 200 {
			t.Errorf("%s: %d %s", ok, r.status, r.body)
		}
	}
}

func TestV2Inventory(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{Seed: 3, InventorySize: 2000})
	r := c.do("GET", "/v2/numbers/available?starts_with=206&contains=9&ends_with=4&limit=200", "")
	if r.field(t, "links.self") != c.base+"/v2/numbers/available?contains=9&ends_with=4&starts_with=1206&limit=200&offset=0" {
		t.Errorf("self %v", r.field(t, "links.self"))
	}
	var page struct {
		Data []struct {
			ID    string
			Links map[string]string
		}
	}
	r.decode(t, &page)
	if len(page.Data) == 0 {
		t.Fatal("nothing found")
	}
	prev := ""
	for _, d := range page.Data {
		if !strings.HasPrefix(d.ID, "1206") || !strings.Contains(d.ID, "9") || !strings.HasSuffix(d.ID, "4") || d.ID <= prev ||
			d.Links["related"] != c.base+"/v2/numbers/"+d.ID {
			t.Errorf("%+v does not match, or is out of order", d)
		}
		prev = d.ID
	}
	a := c.do("GET", "/v2/numbers/available?starts_with=%2B12062092844", "")
	a.wantV2(t, 200, fmt.Sprintf(`{"data":[{"attributes":{"monthly_cost":%v,"number_type":"longcode","rate_center":"seattle","setup_cost":%v,"state":"wa","value":"12062092844"},"id":"12062092844","links":{"related":"%s/v2/numbers/12062092844"},"type":"number"}],"links":{"self":"%s/v2/numbers/available?starts_with=12062092844&limit=10&offset=0"}}`,
		a.field(t, "data.0.attributes.monthly_cost"), a.field(t, "data.0.attributes.setup_cost"), c.base, c.base))
	if r := c.do("GET", "/v2/numbers/available?state=TX&rate_center=Round%20Rock&limit=200", ""); r.field(t, "data.0.attributes.rate_center") != "roundrock" {
		t.Errorf("rate_center: %s", r.body)
	}
	for _, bad := range []string{"starts_with=abc", "contains=1-2", "ends_with=%2B", "state=Texas", "rate_center=seattle", "number_type=mobile"} {
		if r := c.do("GET", "/v2/numbers/available?"+bad, ""); r.status != 422 {
			t.Errorf("%s: %d, want 422", bad, r.status)
		}
	}
	codes := c.do("GET", "/v2/numbers/available/areacodes?limit=3&max_setup_cost=3.25", "")
	if codes.field(t, "data.0.type") != "areacode" || codes.field(t, "data.0.id") != "202" ||
		codes.field(t, "data.0.links.related") != c.base+"/v2/numbers/available/exchanges?areacode=202" ||
		codes.field(t, "links.next") != c.base+"/v2/numbers/available/areacodes?max_setup_cost=3.25&limit=3&offset=3" {
		t.Errorf("areacodes: %s", codes.body)
	}
	if r := c.do("GET", "/v2/numbers/available/areacodes?max_setup_cost=-1", ""); r.status != 422 {
		t.Errorf("negative max_setup_cost: %d", r.status)
	}
	if r := c.do("GET", "/v2/numbers/available/areacodes?max_setup_cost=0&limit=400", ""); r.status != 200 {
		t.Errorf("max_setup_cost=0: %d", r.status)
	}
	ex := c.do("GET", "/v2/numbers/available/exchanges?areacode=206&limit=3", "")
	if ex.field(t, "data.0.type") != "exchange" || ex.field(t, "data.0.id") != "206209" ||
		ex.field(t, "data.0.links.related") != c.base+"/v2/numbers/available?starts_with=1206209" {
		t.Errorf("exchanges: %s", ex.body)
	}
	if r := c.do("GET", "/v2/numbers/available/exchanges?areacode=20", ""); r.status != 422 {
		t.Errorf("areacode=20: %d", r.status)
	}
}

func TestV2PurchaseReleaseAndDetails(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	notFound := errBody(404, "Not Found", detailNotOnAcct)
	c.do("GET", "/v2/numbers/"+tnA, "").wantV2(t, 404, notFound)
	c.do("POST", "/v2/numbers/"+tnA, "").wantV2(t, 201, c.sub(numberDocJSON("", tnA, "seattle", "wa")))
	c.do("GET", "/v2/numbers/"+tnA, "").wantV2(t, 200, c.sub(numberDocJSON("", tnA, "seattle", "wa")))
	for _, tn := range []string{tnA, "12065550000", "123", "abc"} { // owned, not for sale, malformed
		c.do("POST", "/v2/numbers/"+tn, "").wantV2(t, 404, notFound)
	}
	if r := c.do("GET", "/v2/numbers/available?starts_with="+tnA, ""); r.field(t, "data.0") != nil {
		t.Errorf("a bought number is still for sale: %s", r.body)
	}
	// A body with cnam_lookups_enabled false; messaging adds the provisioning status.
	r := c.do("POST", "/v2/numbers/"+tnB, `{"cnam_lookups_enabled":false,"messaging_enabled":true,"messaging_email":true}`)
	if r.status != 201 || r.field(t, "data.attributes.cnam_lookups_enabled") != false || r.field(t, "included.1.type") != "message_provisioning_status" ||
		r.field(t, "included.1.attributes.tn") != tnB {
		t.Errorf("purchase with options: %d %s", r.status, r.body)
	}
	c.do("POST", "/v2/numbers/15852003968", `{"cnam_lookups_enabled":"maybe"}`).wantV2(t, 422, fieldErrBody("cnam_lookups_enabled", "Must be a boolean."))

	list := c.do("GET", "/v2/numbers?starts_with=206&limit=1", "")
	list.wantV2(t, 200, c.sub(`{"data":[{"attributes":{"alias":null,"cnam_lookups_enabled":true,"number_type":"longcode","rate_center":"seattle","state":"wa","value":"12062092844"},"id":"12062092844","links":{"self":"BASE/v2/numbers/12062092844"},"type":"number"}],`+
		`"links":{"next":"BASE/v2/numbers?starts_with=1206&limit=1&offset=1","self":"BASE/v2/numbers?starts_with=1206&limit=1&offset=0"}}`))

	// Release: the number is for sale again and its associations are gone.
	c.do("PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":"Home"}`).wantStatus(t, 200)
	c.do("DELETE", "/v2/numbers/"+tnA, "").wantV2(t, 204, "")
	c.do("DELETE", "/v2/numbers/"+tnA, "").wantV2(t, 404, notFound)
	c.do("GET", "/v2/numbers/"+tnA, "").wantV2(t, 404, notFound)
	if r := c.do("GET", "/v2/numbers/available?starts_with="+tnA, ""); r.field(t, "data.0.id") != tnA {
		t.Errorf("a released number is not for sale: %s", r.body)
	}
	c.do("POST", "/v2/numbers/"+tnA, "").wantV2(t, 201, c.sub(numberDocJSON("", tnA, "seattle", "wa")))
}
