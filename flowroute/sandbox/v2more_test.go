package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// routeBody is a POST /v2/routes body.
func routeBody(typ, value, alias string) string {
	return fmt.Sprintf(`{"data":{"type":"route","attributes":{"route_type":%q,"value":%q,"alias":%q}}}`, typ, value, alias)
}

func TestV2Routes(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	c.do("POST", "/v2/routes", routeBody("host", "il775u.sonsofodin.com", "new route")).wantV2(t, 201, c.sub(
		`{"data":{"attributes":{"alias":"new route","edge_strategy_id":null,"route_type":"host","value":"il775u.sonsofodin.com"},"id":"100000","links":{"self":"BASE/routes/100000"},"type":"route"},"links":{"self":"BASE/routes/100000"}}`))
	c.do("GET", "/v2/routes", "").wantV2(t, 200, c.sub(`{"data":[`+route0+`,`+
		`{"attributes":{"alias":"new route","edge_strategy_id":null,"route_type":"host","value":"il775u.sonsofodin.com"},"id":"100000","links":{"self":"BASE/v2/routes/100000"},"type":"route"}],`+
		`"links":{"self":"BASE/v2/routes?limit=10&offset=0"}}`))
	okValues := [][2]string{
		{"host", "24.239.23.40:5060"}, {"host", "myphone.com"}, {"number", "16476998778"},
		{"uri", "sip:alice@atlanta.com"}, {"uri", "sip:16476998778@215.122.69.152:5060;transport=tcp"},
		{"uri", "sips:securecall@securedserver.com;transport=tls"}, {"uri", "sip:a@b.example;weight=5"}, {"uri", "sip:a@b.example;weight=5;transport=udp"},
	}
	for i, v := range okValues {
		c.do("POST", "/v2/routes", routeBody(v[0], v[1], fmt.Sprint("ok", i))).wantStatus(t, 201)
	}
	for _, tt := range []struct{ body, field string }{
		{routeBody("sip-reg", "", "a"), "route_type"},
		{routeBody("HOST", "10.0.0.1", "a"), "route_type"},
		{routeBody("host", "bad host!", "a"), "value"},
		{routeBody("number", "6476998778", "a"), "value"},
		{routeBody("uri", "sip:a@b.c;transport=sctp", "a"), "value"},
		{routeBody("uri", "sip:a@b.c;weight=x", "a"), "value"},
		{routeBody("host", "10.0.0.1", ""), "alias"},
		{`{"data":{"type":"route","attributes":{"route_type":"host","value":"10.0.0.1"}}}`, "alias"},
		{`{"data":{"type":"route","attributes":{"route_type":"host","value":"10.0.0.1","alias":"e","edge_strategy_id":99}}}`, "edge_strategy_id"},
		{`{"data":{"type":"route","attributes":{"route_type":"host","value":"10.0.0.1","alias":"e","edge_strategy_id":"4"}}}`, "edge_strategy_id"},
		{`{"data":{"type":"route","attributes":{"route_type":"host","value":1,"alias":"e"}}}`, "value"},
	} {
		r := c.do("POST", "/v2/routes", tt.body)
		if r.status != 422 || r.field(t, "errors.0.detail.data.attributes."+tt.field) == nil {
			t.Errorf("%s: %d %s, want 422 on %s", tt.body, r.status, r.body, tt.field)
		}
	}
	for _, body := range []string{`{"data":{"type":"routes","attributes":{}}}`, `{"type":"route"}`, `{}`} {
		c.do("POST", "/v2/routes", body).wantV2(t, 422, errBody(422, "Unprocessable Entity", `The body must be {"data": {"type": "route", "attributes": {...}}}.`))
	}
	dup := errBody(422, "Unprocessable Entity", "Route alias already exists.")
	c.do("POST", "/v2/routes", routeBody("host", "10.0.0.9", "new route")).wantV2(t, 422, dup)
	c.do("POST", "/v2/routes", routeBody("host", "10.0.0.9", "sip-reg")).wantV2(t, 422, dup)
	// Edge strategies, by id or by PY-DEMO's edge_strategy string.
	if r := c.do("POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"host","value":"10.0.0.1","alias":"edge","edge_strategy":"4"}}}`); r.field(t, "data.attributes.edge_strategy_id") != float64(4) {
		t.Errorf("edge_strategy: %s", r.body)
	}
	es := c.do("GET", "/v2/routes/edge_strategies", "")
	if es.field(t, "data.0.id") != float64(4) || es.field(t, "data.0.attributes.name") != "US-East-VA" || es.field(t, "links") != nil {
		t.Errorf("edge strategies: %s", es.body)
	}

	// Update: any subset; a duplicate alias is refused; route 0 is immutable.
	c.do("PATCH", "/v2/routes/100000", `{"data":{"type":"route","attributes":{"alias":"renamed","edge_strategy_id":7}}}`).wantV2(t, 200, c.sub(
		`{"data":{"attributes":{"alias":"renamed","edge_strategy_id":7,"route_type":"host","value":"il775u.sonsofodin.com"},"id":"100000","links":{"self":"BASE/v2/routes/100000"},"type":"route"},"links":{"self":"BASE/v2/routes/100000"}}`))
	c.do("PATCH", "/v2/routes/100000", `{"data":{"type":"route","attributes":{"route_type":"number"}}}`).wantStatus(t, 422) // the value is no number
	c.do("PATCH", "/v2/routes/100000", `{"data":{"type":"route","attributes":{"route_type":"number","value":"16476998778"}}}`).wantStatus(t, 200)
	c.do("PATCH", "/v2/routes/100000", `{"data":{"type":"route","attributes":{"alias":"ok0"}}}`).wantV2(t, 422, dup)
	c.do("PATCH", "/v2/routes/100000", `{"data":{"type":"route","attributes":{"alias":"renamed"}}}`).wantStatus(t, 200) // its own alias
	forbid := errBody(403, "ActionNotAuthorizedError", "")
	c.do("PATCH", "/v2/routes/0", `{"data":{"type":"route","attributes":{"alias":"x"}}}`).wantV2(t, 403, forbid)
	c.do("DELETE", "/v2/routes/0", "").wantV2(t, 403, forbid)
	invalid := errBody(404, "Not Found", "Invalid Route Id")
	for _, id := range []string{"99", "abc", "-1", "100000000000"} {
		c.do("PATCH", "/v2/routes/"+id, `{"data":{"type":"route","attributes":{}}}`).wantV2(t, 404, invalid)
		c.do("DELETE", "/v2/routes/"+id, "").wantV2(t, 404, invalid)
	}

	// Delete: 403 while a number uses it, as primary or failover; 204 after the release.
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/failover_route", `{"data":{"type":"route","id":100000}}`).wantStatus(t, 204)
	inUse := errBody(403, "This Route has numbers still associated to it.", "Please disassociate all numbers before deleting.")
	c.do("DELETE", "/v2/routes/100000", "").wantV2(t, 403, inUse)
	c.do("DELETE", "/v2/numbers/"+tnA, "").wantStatus(t, 204)
	c.do("DELETE", "/v2/routes/100000/", "").wantV2(t, 204, "")
	c.do("DELETE", "/v2/routes/100000", "").wantV2(t, 404, invalid)
	// Ids are never reused.
	if r := c.do("POST", "/v2/routes", routeBody("host", "10.0.0.1", "after")); r.field(t, "data.id") != fmt.Sprint(100000+len(okValues)+2) {
		t.Errorf("new id: %s", r.body)
	}
	if r := c.do("GET", "/v2/routes?route_type=number&limit=200", ""); r.field(t, "data.0.attributes.value") != "16476998778" || r.field(t, "data.1") != nil {
		t.Errorf("route_type filter: %s", r.body)
	}
	c.do("GET", "/v2/routes?route_type=pstn", "").wantStatus(t, 422)
}

func TestV2RouteLinkFix(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{RouteLinkFix: true, LinkBase: "https://api.flowroute.com"})
	if r := c.do("POST", "/v2/routes", routeBody("host", "10.0.0.1", "a")); r.field(t, "links.self") != "https://api.flowroute.com/v2/routes/100000" {
		t.Errorf("links: %s", r.body)
	}
}

func TestV2NumberRelationships(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	c.do("POST", "/v2/routes", routeBody("host", "10.0.0.1", "pbx")).wantStatus(t, 201)
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	p := "/v2/numbers/" + tnA + "/relationships/"
	c.do("PATCH", p+"primary_route", `{"data":{"type":"route","id":"100000"}}`).wantV2(t, 204, "")
	c.do("PATCH", p+"failover_route", `{"data":{"type":"route","id":100000}}`).wantV2(t, 204, "")
	r := c.do("GET", "/v2/numbers/"+tnA, "")
	if r.field(t, "data.relationships.primary_route.data.id") != "100000" || r.field(t, "data.relationships.failover_route.data.id") != "100000" ||
		r.field(t, "included.0.id") != "100000" || r.field(t, "included.1") != nil {
		t.Errorf("after setting both: %s", r.body)
	}
	shape := errBody(422, "Unprocessable Entity", `The body must be {"data": {"type": "route", "id": "<route id>"}}.`)
	for _, body := range []string{`{"data":{"type":"number","id":"0"}}`, `{"data":{"type":"route"}}`, `{"type":"route","id":"0"}`, `{"data":{"type":"route","id":"x"}}`, ``} {
		c.do("PATCH", p+"primary_route", body).wantV2(t, 422, shape)
	}
	c.do("PATCH", p+"primary_route", `{"data":{"type":"route","id":"555"}}`).wantV2(t, 404, errBody(404, "Not Found", "Invalid Route Id"))
	c.do("PATCH", "/v2/numbers/"+tnB+"/relationships/primary_route", `{"data":{"type":"route","id":"0"}}`).wantV2(t, 404, errBody(404, "Not Found", detailNotOnAcct))
	c.do("PATCH", p+"sms_route", `{"data":{"type":"route","id":"0"}}`).wantStatus(t, 404)
	c.do("DELETE", p+"primary_route", "").wantV2(t, 204, "")
	c.do("DELETE", p+"failover_route", "").wantV2(t, 204, "")
	c.do("DELETE", p+"failover_route", "").wantV2(t, 204, "") // nothing set: 204 still
	c.do("DELETE", p+"nonsense", "").wantStatus(t, 404)
	c.do("GET", "/v2/numbers/"+tnA, "").wantV2(t, 200, c.sub(numberDocJSON("", tnA, "seattle", "wa")))

	// PATCH /numbers/{id}: the flat body.
	r = c.do("PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":"NYC Number"}`)
	if r.status != 200 || r.field(t, "data.attributes.alias") != "NYC Number" || r.field(t, "included.0.id") != "0" {
		t.Errorf("alias: %d %s", r.status, r.body)
	}
	if r := c.do("PATCH", "/v2/numbers/"+tnA, `{"cnam_lookups_enabled": "false", "type": "number"}`); r.field(t, "data.attributes.cnam_lookups_enabled") != false {
		t.Errorf("cnam_lookups_enabled as a string: %s", r.body)
	}
	if r := c.do("GET", "/v2/numbers?alias=NYC%20Number", ""); r.field(t, "data.0.id") != tnA {
		t.Errorf("alias filter: %s", r.body)
	}
	if r := c.do("GET", "/v2/numbers?alias=NYC", ""); r.field(t, "data.0") != nil {
		t.Errorf("alias filter matched partially: %s", r.body)
	}
	c.do("PATCH", "/v2/numbers/"+tnA, `{"alias":"x"}`).wantV2(t, 422, fieldErrBody("type", `Must be "number".`))
	c.do("PATCH", "/v2/numbers/"+tnA, `{"data":{"type":"number","alias":"x"}}`).wantV2(t, 422, errBody(422, "Unprocessable Entity", `PATCH /numbers/{id} takes a flat body: {"type": "number", "alias": ...}.`))
	c.do("PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":"`+strings.Repeat("a", 65)+`"}`).wantV2(t, 422, fieldErrBody("alias", "Must be at most 64 characters."))
	c.do("PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":7}`).wantV2(t, 422, fieldErrBody("alias", "Must be a string or null."))
	if r := c.do("PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":null,"id":null,"zip_code":"x"}`); r.field(t, "data.attributes.alias") != nil {
		t.Errorf("alias null: %s", r.body)
	}
	c.do("PATCH", "/v2/numbers/"+tnB, `{"type":"number"}`).wantStatus(t, 404)
}

func TestV2Callbacks(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	p := "/v2/numbers/" + tnA + "/relationships/"
	c.do("POST", p+"sms_callback", `{"data":{"attributes":{"callback_url":"http://www.example.com/test"}}}`).wantV2(t, 204, "")
	c.do("POST", p+"mms_callback", `{"callback_url":"https://example.com/mms"}`).wantV2(t, 204, "")
	c.do("POST", p+"dlr_callback", `{"data":{"attributes":{"callback_url":"https://example.com/dlr"}}}`).wantV2(t, 204, "")
	c.do("GET", p+"sms_dlr_callback", "").wantV2(t, 200, `{"data":{"attributes":{"api_version":"v2.1","callback_url":"https://example.com/dlr","product":"sms_dlr_callback"},"type":"callback"}}`)
	c.do("GET", p+"mms_dlr_callback", "").wantStatus(t, 404)
	for _, u := range []string{"example.com/x", "ftp://example.com", "/relative", "http://"} {
		c.do("POST", p+"sms_callback", `{"callback_url":"`+u+`"}`).wantV2(t, 422, fieldErrBody("callback_url", "Must be an absolute http or https URL."))
	}
	c.do("POST", p+"sms_callback", `{}`).wantV2(t, 422, fieldErrBody("callback_url", "Required: an absolute http or https URL."))
	c.do("POST", p+"voice_callback", `{"callback_url":"https://example.com"}`).wantStatus(t, 404)
	c.do("POST", "/v2/numbers/"+tnB+"/relationships/sms_callback", `{"callback_url":"https://example.com"}`).wantV2(t, 404, errBody(404, "Not Found", detailNotOnAcct))
	c.do("DELETE", p+"mms_callback", "").wantV2(t, 204, "")
	c.do("GET", p+"mms_callback", "").wantStatus(t, 404)
	// Callbacks do not show in v2.0's relationships, and a release drops them.
	if r := c.do("GET", "/v2/numbers/"+tnA, ""); strings.Contains(r.body, "callback") {
		t.Errorf("callbacks in the number document: %s", r.body)
	}
	c.do("DELETE", "/v2/numbers/"+tnA, "").wantStatus(t, 204)
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	c.do("GET", p+"sms_callback", "").wantStatus(t, 404)
}

func TestV2CNAMLifecycle(t *testing.T) {
	t.Parallel()
	s, c := startV2(t, Options{CNAMApproval: CNAMPending})
	if err := s.AddOwnedNumber(Number{TN: "18005550100"}); err != nil { // toll-free
		t.Fatal(err)
	}
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	created := `{"data":{"attributes":{"approval_datetime":null,"creation_datetime":"2016-02-09 19:45:18.000000+00:00","is_approved":false,"rejection_reason":null,"value":"BOB LAW"},"id":"100000","links":{"self":"BASE/v2/cnams/100000"},"type":"cnam"}}`
	c.do("POST", "/v2/cnams", `{"value": "Bob Law"}`).wantV2(t, 201, c.sub(created))
	for _, v := range []string{"", "1234567890", "This is far too long", "Bad#char", "   "} {
		if r := c.do("POST", "/v2/cnams", fmt.Sprintf(`{"value":%q}`, v)); r.status != 422 || r.field(t, "errors.0.detail.data.attributes.value") == nil {
			t.Errorf("value %q: %d %s", v, r.status, r.body)
		}
	}
	c.do("POST", "/v2/cnams", `{"value":"bob law"}`).wantV2(t, 422, errBody(422, "Unprocessable Entity", "CNAM value already exists."))
	c.do("POST", "/v2/cnams", `{"value":"O'Neil & Co, @1"}`).wantStatus(t, 201)

	assoc := "/v2/numbers/" + tnA + "/relationships/cnams/100000"
	c.do("PATCH", assoc, "").wantV2(t, 422, errBody(422, "Unprocessable Entity", "The CNAM record has not been approved: only an approved record can be associated."))
	c.do("PATCH", "/v2/cnams/100000", `{"data":{"type":"cnam","attributes":{"value":"MY BUSINESS"}}}`).wantStatus(t, 200)
	c.do("POST", "/sandbox/cnams/100000/approve", "").wantStatus(t, 200)
	c.do("PATCH", "/v2/cnams/100000", `{"data":{"type":"cnam","attributes":{"value":"OTHER"}}}`).wantV2(t, 403, errBody(403, "ActionNotAuthorizedError", ""))
	c.do("GET", "/v2/cnams?is_approved=true", "").wantV2(t, 200, c.sub(`{"data":[{"attributes":{"approval_datetime":"2016-02-09 19:45:18.000000+00:00","creation_datetime":"2016-02-09 19:45:18.000000+00:00","is_approved":true,"rejection_reason":null,"value":"MY BUSINESS"},"id":"100000","links":{"self":"BASE/v2/cnams/100000"},"type":"cnam"}],"links":{"self":"BASE/v2/cnams?is_approved=true&limit=10&offset=0"}}`))

	c.do("PATCH", assoc, "").wantV2(t, 202, `{"data":{"attributes":{"date_created":"Tue, 09 Feb 2016 19:45:18 GMT"},"id":100000,"type":"cnam"}}`)
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/cnam/100000", "").wantStatus(t, 202) // the SDKs' singular spelling
	c.do("PATCH", "/v2/numbers/18005550100/relationships/cnams/100000", "").wantV2(t, 422, errBody(422, "Unprocessable Entity", "A CNAM record can be associated with a long code number only."))
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/cnams/999", "").wantStatus(t, 404)
	r := c.do("GET", "/v2/numbers/"+tnA, "")
	if r.field(t, "data.relationships.cnam_preset.data.id") != "100000" || r.field(t, "included.1.type") != "cnam" {
		t.Errorf("cnam_preset: %s", r.body)
	}
	if r := c.do("GET", "/v2/cnams/100000", ""); r.field(t, "data.relationships.numbers.data.0.id") != tnA || r.field(t, "included.0.attributes.value") != tnA {
		t.Errorf("CNAM with its numbers: %s", r.body)
	}
	c.do("DELETE", "/v2/numbers/"+tnA+"/relationships/cnams", "").wantV2(t, 202, `{"data":{"attributes":{"date_created":"Tue, 09 Feb 2016 19:45:18 GMT"},"id":null,"type":"cnam"}}`)
	c.do("DELETE", "/v2/numbers/"+tnA+"/relationships/cnam", "").wantStatus(t, 202)
	if r := c.do("GET", "/v2/numbers/"+tnA, ""); r.field(t, "data.relationships.cnam_preset.data") != nil {
		t.Errorf("cnam_preset after unassociate: %s", r.body)
	}

	// Rejection, and deleting a record clears every number's cnam_preset.
	c.do("POST", "/sandbox/cnams/100001/reject", `{"reason":"Misleading"}`).wantStatus(t, 200)
	if r := c.do("GET", "/v2/cnams/100001", ""); r.field(t, "data.attributes.rejection_reason") != "Misleading" || r.field(t, "data.attributes.is_approved") != false {
		t.Errorf("rejected: %s", r.body)
	}
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/cnams/100001", "").wantStatus(t, 422)
	c.do("PATCH", assoc, "").wantStatus(t, 202)
	c.do("DELETE", "/v2/cnams/100000", "").wantV2(t, 204, "")
	if r := c.do("GET", "/v2/numbers/"+tnA, ""); r.field(t, "data.relationships.cnam_preset.data") != nil {
		t.Errorf("cnam_preset after the record's deletion: %s", r.body)
	}
	notFound := errBody(404, "Resource not found", "CNAM record not found. Nothing to delete.")
	c.do("DELETE", "/v2/cnams/100000", "").wantV2(t, 404, notFound)
	c.do("GET", "/v2/cnams/100000", "").wantV2(t, 404, notFound)
	c.do("PATCH", "/v2/cnams/100000", `{"value":"X"}`).wantV2(t, 404, notFound)
	c.do("POST", "/sandbox/cnams/100000/approve", "").wantV2(t, 404, notFound)
	c.do("POST", "/sandbox/cnams/100001/maybe", "").wantStatus(t, 404)
	if r := c.do("GET", "/v2/cnams?value=neil", ""); r.field(t, "data.0.id") != "100001" {
		t.Errorf("value filter: %s", r.body)
	}
	c.do("GET", "/v2/cnams?is_approved=yes", "").wantStatus(t, 422)
}

func TestV2CNAMApprovalPolicies(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		policy   CNAMApproval
		approved bool
		reason   any
	}{{"", true, nil}, {CNAMAuto, true, nil}, {CNAMReject, false, "Rejected by the sandbox (CNAM approval policy reject)."}, {CNAMPending, false, nil}} {
		_, c := startV2(t, Options{CNAMApproval: tt.policy})
		if r := c.do("POST", "/v2/cnams", `{"value":"ACME"}`); r.field(t, "data.attributes.is_approved") != false {
			t.Errorf("%s: a new record is not pending: %s", tt.policy, r.body)
		}
		r := c.do("GET", "/v2/cnams/100000", "")
		if r.field(t, "data.attributes.is_approved") != tt.approved || r.field(t, "data.attributes.rejection_reason") != tt.reason {
			t.Errorf("%s: %s", tt.policy, r.body)
		}
	}
	// With a delay the record stays pending until the clock passes it.
	now := clock
	var mu sync.Mutex
	_, c := startV2(t, Options{CNAMDelay: time.Hour, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	c.do("POST", "/v2/cnams", `{"value":"ACME"}`).wantStatus(t, 201)
	if r := c.do("GET", "/v2/cnams/100000", ""); r.field(t, "data.attributes.is_approved") != false {
		t.Errorf("approved before the delay: %s", r.body)
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if r := c.do("GET", "/v2/cnams/100000", ""); r.field(t, "data.attributes.approval_datetime") != "2016-02-09 20:45:18.000000+00:00" {
		t.Errorf("after the delay: %s", r.body)
	}
	if _, err := New(Options{CNAMApproval: "sometimes"}); err == nil {
		t.Error("an unknown approval policy was accepted")
	}
}

// e911Body is a POST /v2/e911s body with the fields given replacing a valid address's.
func e911Body(change map[string]any) string {
	attrs := map[string]any{"label": "E911 Test", "first_name": "Chris", "last_name": "Smith", "street_number": "1218",
		"street_name": "3rd Ave", "city": "Seattle", "state": "WA", "country": "US", "zip": "98101"}
	for k, v := range change {
		if v == nil {
			delete(attrs, k)
		} else {
			attrs[k] = v
		}
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"type": "e911", "attributes": attrs}})
	return string(b)
}

func TestV2E911(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	c.do("POST", "/v2/e911s/validate", e911Body(nil)).wantV2(t, 204, "")
	c.do("POST", "/v2/e911s", e911Body(nil)).wantV2(t, 201, c.sub(`{"data":{"attributes":{"city":"Seattle","country":"US","first_name":"Chris","label":"E911 Test","last_name":"Smith","state":"WA","street_name":"3rd Ave","street_number":"1218","zip":"98101"},"id":"100000","links":{"self":"BASE/v2/e911s/100000"},"type":"e911"}}`))
	for _, tt := range []struct {
		change map[string]any
		field  string
	}{
		{map[string]any{"zip": "981"}, "zip"}, {map[string]any{"zip": "M4C 5K7"}, "zip"},
		{map[string]any{"country": "CA", "state": "ON", "zip": "98101"}, "zip"},
		{map[string]any{"label": nil}, "label"}, {map[string]any{"city": ""}, "city"},
		{map[string]any{"address_type": "Castle", "address_type_number": "1"}, "address_type"},
		{map[string]any{"address_type": "Suite"}, "address_type_number"},
		{map[string]any{"country": "MX"}, "country"}, {map[string]any{"state": "Washington"}, "state"},
		{map[string]any{"city": 5}, "city"},
	} {
		for _, path := range []string{"/v2/e911s/validate", "/v2/e911s"} {
			if r := c.do("POST", path, e911Body(tt.change)); r.status != 422 || r.field(t, "errors.0.detail.data.attributes."+tt.field) == nil {
				t.Errorf("%s %v: %d %s, want 422 on %s", path, tt.change, r.status, r.body, tt.field)
			}
		}
	}
	geocode := errBody(400, "Client Error", "Could not geocode this address. Please check the validity of your address.")
	for _, change := range []map[string]any{{"country": "CA", "zip": "M4C 5K7"}, {"street_name": "Nowhere Lane"}, {"state": "ZZ"}} {
		c.do("POST", "/v2/e911s/validate", e911Body(change)).wantV2(t, 400, geocode)
		c.do("POST", "/v2/e911s", e911Body(change)).wantV2(t, 400, geocode)
	}
	for _, change := range []map[string]any{
		{"country": "USA", "zip": "98101-1234", "street_number": 1218, "address_type": "suite", "address_type_number": 600, "zip_code": "x", "id": nil},
		{"country": "CA", "state": "ON", "city": "Toronto", "zip": "m4c5k7"},
	} {
		c.do("POST", "/v2/e911s/validate", e911Body(change)).wantV2(t, 204, "")
	}
	c.do("POST", "/v2/e911s", e911Body(map[string]any{"address_type": "SUITE", "address_type_number": "700"})).wantStatus(t, 201) // the same label again
	c.do("POST", "/v2/e911s/validate", `{"data":{"type":"number","attributes":{}}}`).wantStatus(t, 422)

	if r := c.do("GET", "/v2/e911s?limit=1", ""); r.field(t, "data.0.id") != "100001" || r.field(t, "data.0.attributes.address_type") != "Suite" ||
		r.field(t, "links.next") != c.base+"/v2/e911s?limit=1&offset=1" {
		t.Errorf("list, newest first: %s", r.body)
	}
	if r := c.do("GET", "/v2/e911s?city=eatt&state=wa&label=test&street_name=3RD", ""); r.field(t, "data.1.id") != "100000" {
		t.Errorf("filters: %s", r.body)
	}
	c.do("PATCH", "/v2/e911s/100000", `{"data":{"type":"e911","id":"100000","attributes":{"last_name":"Wiley","address_type":null}}}`).wantV2(t, 200, c.sub(`{"data":{"attributes":{"city":"Seattle","country":"US","first_name":"Chris","label":"E911 Test","last_name":"Wiley","state":"WA","street_name":"3rd Ave","street_number":"1218","zip":"98101"},"id":"100000","links":{"self":"BASE/v2/e911s/100000"},"type":"e911"}}`))
	c.do("PATCH", "/v2/e911s/100000", `{"data":{"type":"e911","attributes":{"zip":"1"}}}`).wantStatus(t, 422)
	c.do("GET", "/v2/e911s/100000", "").wantStatus(t, 200)
	c.do("GET", "/v2/e911s/5", "").wantV2(t, 404, errBody(404, "Not Found", detailNotOnAcct))

	// Associate (idempotent, replacing), list the numbers, delete only when unused.
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/100001", "").wantV2(t, 204, "")
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/100000", "").wantV2(t, 204, "")
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/100000", "").wantV2(t, 204, "")
	c.do("PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/42", "").wantStatus(t, 404)
	c.do("PATCH", "/v2/numbers/"+tnB+"/relationships/e911s/100000", "").wantStatus(t, 404)
	r := c.do("GET", "/v2/numbers/"+tnA, "")
	if r.field(t, "data.relationships.e911_address.data.id") != "100000" || r.field(t, "included.1.type") != "e911" {
		t.Errorf("e911_address: %s", r.body)
	}
	c.do("GET", "/v2/e911s/100000/relationships/numbers", "").wantV2(t, 200, c.sub(`{"data":[{"attributes":{"alias":null,"value":"12062092844"},"id":"12062092844","links":{"self":"BASE/v2/numbers/12062092844"},"type":"number"}],"links":{"self":"BASE/v2/e911s/100000/relationships/numbers?limit=10&offset=0"}}`))
	c.do("GET", "/v2/e911s/100001/relationships/numbers", "").wantV2(t, 200, c.sub(`{"data":[],"links":{"self":"BASE/v2/e911s/100001/relationships/numbers?limit=10&offset=0"}}`))
	c.do("DELETE", "/v2/e911s/100000", "").wantV2(t, 403, errBody(403, "This E911 address has numbers still associated to it.", "Please disassociate all numbers before deleting."))
	c.do("DELETE", "/v2/numbers/"+tnA+"/relationships/e911s/", "").wantV2(t, 204, "")
	c.do("DELETE", "/v2/e911s/100000", "").wantV2(t, 204, "")
	c.do("DELETE", "/v2/e911s/100000", "").wantStatus(t, 404)
}

func TestV2BulkDetails(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	c.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	c.do("POST", "/v2/numbers/"+tnB, "").wantStatus(t, 201)
	want := func(ver, primary, failover string, tns ...string) string {
		var items []string
		for _, tn := range tns {
			items = append(items, `{"attributes":{"alias":null,"cnam_lookups_enabled":true,"number_type":"longcode","rate_center":"seattle","state":"wa","value":"`+tn+`"},`+
				`"id":"`+tn+`","links":{"self":"BASE/`+ver+`/numbers/`+tn+`"},"relationships":{"cnam_preset":{"data":null},"e911_address":{"data":null},"`+failover+`":{"data":null},"`+primary+`":{"data":{"id":"0","type":"route"}}},"type":"number"}`)
		}
		return c.sub(`{"data":[` + strings.Join(items, ",") + `]}`)
	}
	c.do("POST", "/v2/numbers/details", `{"numbers": ["+`+tnB+`", "+`+tnA+`", "+19995550000"]}`).wantV2(t, 200, want("v2", "primary_route", "failover_route", tnB, tnA))
	c.do("POST", "/v2.1/numbers/details", `{"numbers":"`+tnA+`, `+tnB+`"}`).wantV2(t, 200, want("v2.1", "voice_primary_route", "voice_failover_route", tnA, tnB))
	c.do("POST", "/v2/numbers/details", `{"numbers":["19995550000"]}`).wantV2(t, 200, `{"data":[]}`)
	for _, body := range []string{`{}`, `{"numbers":[]}`, `{"numbers":""}`, ``} {
		c.do("POST", "/v2/numbers/details", body).wantV2(t, 422, fieldErrBody("numbers", "At least one phone number is required."))
	}
	c.do("POST", "/v2/numbers/details", `{"numbers":{"a":1}}`).wantStatus(t, 422)
}

func TestV2ConcurrentPurchasesGiveOneSuccess(t *testing.T) {
	t.Parallel()
	s, c := startV2(t, Options{})
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", c.base+"/v2/numbers/"+tnA, nil)
			req.SetBasicAuth(DefaultAccessKey, DefaultSecretKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[201] != 1 || count[404] != n-1 {
		t.Errorf("statuses %v, want one 201 and %d 404", count, n-1)
	}
	if got := len(s.Audit()); got != n {
		t.Errorf("%d audit entries, want %d", got, n)
	}
}

func TestV2Faults(t *testing.T) {
	t.Parallel()
	s, c := startV2(t, Options{Faults: Faults{FailRate: 1}})
	c.do("GET", "/v2/routes", "").wantV2(t, 500, errBody(500, "Internal Server Error", "Internal Server Error"))
	s.SetFaults(Faults{RateLimit: 1})
	c.do("GET", "/v2/routes", "").wantStatus(t, 200)
	r := c.do("GET", "/v2/routes", "")
	r.wantV2(t, 429, errBody(429, "Too Many Requests", "Too many requests."))
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	s.SetFaults(Faults{MessagingDown: true})
	if r := c.do("POST", "/v2/numbers/"+tnA, `{"messaging_enabled":true}`); r.status != 207 || r.field(t, "data.id") != tnA {
		t.Errorf("messaging down: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/v2/numbers/"+tnB, `{"messaging_enabled":false}`); r.status != 201 {
		t.Errorf("messaging off while down: %d", r.status)
	}
	// A lost response: the write is done and saved, the client sees the connection close.
	s.SetFaults(Faults{LostResponseRate: 1})
	req, _ := http.NewRequest("DELETE", c.base+"/v2/numbers/"+tnA, nil)
	req.SetBasicAuth(DefaultAccessKey, DefaultSecretKey)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a lost response answered %d", resp.StatusCode)
	}
	s.SetFaults(Faults{DropRate: 1})
	req, _ = http.NewRequest("GET", c.base+"/v2/numbers/"+tnA, nil)
	req.SetBasicAuth(DefaultAccessKey, DefaultSecretKey)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped connection answered %d", resp.StatusCode)
	}
	s.SetFaults(Faults{})
	c.do("GET", "/v2/numbers/"+tnA, "").wantStatus(t, 404)
	audit := s.Audit()
	if last := audit[len(audit)-1]; last.Path != "/v2/numbers/"+tnA || last.Status != 204 || last.Note != noteLost {
		t.Errorf("audit of the lost response: %+v", last)
	}
	r = c.do("POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"host","value":"`+strings.Repeat("a", MaxBodySize)+`","alias":"big"}}}`)
	r.wantV2(t, 413, errBody(413, "Request Entity Too Large", "Request body too large."))
}
