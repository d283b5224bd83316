package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// startBoth serves one sandbox and returns a v1 and a v2 client of the same account.
func startBoth(t *testing.T, opts Options) (*Server, *tc, *v2c) {
	t.Helper()
	s, c2 := startV2(t, opts)
	return s, &tc{t: t, base: c2.base, access: DefaultAccessKey, secret: DefaultSecretKey}, c2
}

func TestOneAccountTwoFaces(t *testing.T) {
	t.Parallel()
	_, c1, c2 := startBoth(t, Options{})
	// A route created through v2 is listed by v1 under its alias, with v1's type names.
	c2.do("POST", "/v2/routes", routeBody("number", "16476998778", "pstn-out")).wantStatus(t, 201)
	c2.do("POST", "/v2/routes", routeBody("uri", "sip:a@pbx.example.com;transport=tls", "pbx uri")).wantStatus(t, 201)
	c1.do("PUT", "/v1/routes/host1", `{"type":"HOST","value":"24.239.23.40:5060"}`).want(t, 201, "")
	c1.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"host1":{"type":"HOST","value":"24.239.23.40:5060"},"pbx uri":{"type":"URI","value":"sip:a@pbx.example.com;transport=tls"},`+
		`"pstn-out":{"type":"PSTN","value":"16476998778"},"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
	// ...and a route created through v1 is v2's, with an id and v2's type name.
	if r := c2.do("GET", "/v2/routes?route_type=host", ""); r.field(t, "data.0.id") != "100002" || r.field(t, "data.0.attributes.alias") != "host1" {
		t.Errorf("v1's route through v2: %s", r.body)
	}
	c1.do("PUT", "/v1/routes/pstn-out", `{"type":"PSTN","value":"16476998778"}`).want(t, 409, `{"error":"Route name already exists."}`)
	c2.do("POST", "/v2/routes", routeBody("host", "10.0.0.1", "host1")).wantStatus(t, 422)

	// Bought through v1, routed through v2: v1 shows the v2 routes, by alias.
	c1.do("PUT", "/v1/tns/"+tnA, `{"billing_method":"METERED"}`).want(t, 201, "")
	c1.do("GET", "/v1/tns/"+tnA, "").want(t, 200, `{"billing_method":"METERED","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"SIP-REG","name":"sip-reg"}]}`)
	c2.do("GET", "/v2/numbers/"+tnA, "").wantV2(t, 200, c2.sub(numberDocJSON("", tnA, "seattle", "wa")))
	c2.do("PATCH", "/v2/numbers/"+tnA+"/relationships/primary_route", `{"data":{"type":"route","id":"100000"}}`).wantStatus(t, 204)
	c2.do("PATCH", "/v2/numbers/"+tnA+"/relationships/failover_route", `{"data":{"type":"route","id":"100001"}}`).wantStatus(t, 204)
	c1.do("GET", "/v1/tns/"+tnA, "").want(t, 200, `{"billing_method":"METERED","routes":[{"type":"PSTN","name":"pstn-out"},{"type":"URI","name":"pbx uri"}]}`)

	// Bought through v2, routed through v1: v2 shows v1's routes, by id.
	c2.do("POST", "/v2/numbers/"+tnB, "").wantStatus(t, 201)
	c1.do("PATCH", "/v1/tns/"+tnB, `{"routes":[{"name":"host1"},{"name":"sip-reg"}]}`).want(t, 204, "")
	r := c2.do("GET", "/v2/numbers/"+tnB, "")
	if r.field(t, "data.relationships.primary_route.data.id") != "100002" || r.field(t, "data.relationships.failover_route.data.id") != "0" ||
		r.field(t, "included.0.attributes.alias") != "host1" || r.field(t, "included.1.id") != "0" {
		t.Errorf("v1's routes through v2: %s", r.body)
	}
	// A v2 rename is what v1 shows next; v1 lists both numbers.
	c2.do("PATCH", "/v2/routes/100002", `{"data":{"type":"route","attributes":{"alias":"host-renamed"}}}`).wantStatus(t, 200)
	c1.do("GET", "/v1/tns/"+tnB, "").want(t, 200, `{"billing_method":"METERED","routes":[{"type":"HOST","name":"host-renamed"},{"type":"SIP-REG","name":"sip-reg"}]}`)
	// A v2 release is gone from v1 and for sale again through v1.
	c2.do("DELETE", "/v2/numbers/"+tnA, "").wantStatus(t, 204)
	c1.do("GET", "/v1/tns/"+tnA, "").want(t, 404, `{"error":"TN not found."}`)
	if a := availableField(t, c1, tnA); a.RateCenter != "SEATTLE" {
		t.Errorf("released number in v1's inventory: %+v", a)
	}
	// The v2 routes a released number used can be deleted; one v1 still routes to cannot.
	c2.do("DELETE", "/v2/routes/100000", "").wantStatus(t, 204)
	c2.do("DELETE", "/v2/routes/100002", "").wantStatus(t, 403)
	c1.do("PATCH", "/v1/tns/"+tnB, `{"routes":[{"name":"pstn-out"},{"name":"sip-reg"}]}`).want(t, 404, `{"error":"Route \"pstn-out\" not found."}`)
}

func TestV2StatePersistsAndFormat1Migrates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	_, c1, c2 := startBoth(t, Options{StatePath: path, CNAMApproval: CNAMPending})
	c2.do("POST", "/v2/routes", routeBody("host", "10.0.0.1", "pbx")).wantStatus(t, 201)
	c2.do("POST", "/v2/numbers/"+tnA, "").wantStatus(t, 201)
	c2.do("PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":"Front desk","cnam_lookups_enabled":false}`).wantStatus(t, 200)
	c2.do("PATCH", "/v2/numbers/"+tnA+"/relationships/failover_route", `{"data":{"type":"route","id":"100000"}}`).wantStatus(t, 204)
	c2.do("POST", "/v2/numbers/"+tnA+"/relationships/sms_callback", `{"callback_url":"https://example.com/sms"}`).wantStatus(t, 204)
	c2.do("POST", "/v2/cnams", `{"value":"ACME"}`).wantStatus(t, 201)
	c2.do("POST", "/v2/cnams", `{"value":"ACME TWO"}`).wantStatus(t, 201)
	c2.do("POST", "/sandbox/cnams/100000/approve", "").wantStatus(t, 200)
	c2.do("PATCH", "/v2/numbers/"+tnA+"/relationships/cnams/100000", "").wantStatus(t, 202)
	c2.do("POST", "/v2/e911s", e911Body(nil)).wantStatus(t, 201)
	c2.do("PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/100000", "").wantStatus(t, 204)
	c2.do("DELETE", "/v2/routes/100000", "").wantStatus(t, 403)
	reads := []string{"/v2/numbers/" + tnA, "/v2/routes", "/v2/cnams", "/v2/e911s", "/v2/numbers/" + tnA + "/relationships/sms_callback"}
	var before []string
	for _, p := range reads {
		before = append(before, c2.do("GET", p, "").body)
	}
	v1Before := c1.do("GET", "/v1/tns/", "").body

	_, c1b, c2b := startBoth(t, Options{StatePath: path, CNAMApproval: CNAMPending})
	for i, p := range reads {
		if got := strings.ReplaceAll(c2b.do("GET", p, "").body, c2b.base, c2.base); got != before[i] {
			t.Errorf("GET %s after reload:\n%s\nwant\n%s", p, got, before[i])
		}
	}
	if got := c1b.do("GET", "/v1/tns/", "").body; got != v1Before {
		t.Errorf("v1 after reload: %s, want %s", got, v1Before)
	}
	// The ids go on from where they were.
	if r := c2b.do("POST", "/v2/routes", routeBody("host", "10.0.0.2", "next")); r.field(t, "data.id") != "100001" {
		t.Errorf("next route id: %s", r.body)
	}

	// A format 1 file: routes get ids in name order; a sip-reg failover is none.
	old := filepath.Join(dir, "old.json")
	os.WriteFile(old, []byte(`{"format":1,"seed":1,"inventory_size":100,"inventory_version":1,`+
		`"routes":[{"name":"zeta","type":"PSTN","value":"16476998778"},{"name":"alpha","type":"HOST","value":"10.0.0.1"}],`+
		`"numbers":[{"billing_method":"VPRI","routes":["zeta","sip-reg"],"tns":["12065550100"]},{"billing_method":"METERED","routes":["alpha","zeta"],"tns":["12065550101"]}],"audit":[]}`), 0o600)
	_, c1o, c2o := startBoth(t, Options{StatePath: old})
	c1o.do("GET", "/v1/tns/12065550100", "").want(t, 200, `{"billing_method":"VPRI","routes":[{"type":"PSTN","name":"zeta"},{"type":"SIP-REG","name":"sip-reg"}]}`)
	r := c2o.do("GET", "/v2/numbers/12065550101", "")
	if r.field(t, "data.relationships.primary_route.data.id") != "100000" || r.field(t, "data.relationships.failover_route.data.id") != "100001" {
		t.Errorf("migrated ids: %s", r.body)
	}
	if r := c2o.do("GET", "/v2/numbers/12065550100", ""); r.field(t, "data.relationships.failover_route.data") != nil {
		t.Errorf("migrated sip-reg failover: %s", r.body)
	}
	c2o.do("PATCH", "/v2/numbers/12065550100", `{"type":"number","alias":"x"}`).wantStatus(t, 200)
	data, _ := os.ReadFile(old)
	if !strings.HasPrefix(string(data), `{"format":3,`) {
		t.Errorf("the migrated file was not written in format 3: %s", data)
	}
}
