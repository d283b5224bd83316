package sandbox

import (
	"strings"
	"testing"
)

// These tests come from clients nobody here wrote, run against sandbox serve: where the
// sandbox answered otherwise than the real API, they hold it to the real API's answer.

// TestJSONLabelledFormIsJSON: PHP's curl labels a JSON body application/x-www-form-urlencoded
// when the SDK sets no type, and the real API reads it as JSON (the PHP README shows its
// field-level 422 for such a request). A real form body still works where it did.
func TestJSONLabelledFormIsJSON(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{CNAMApproval: CNAMPending})
	for _, ct := range []string{"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8"} {
		r := c.send("POST", "/v2/routes", ct, " "+routeBody("host", "10.0.0.1", "pbx "+ct), nil)
		if r.status != 201 || r.field(t, "data.attributes.alias") != "pbx "+ct {
			t.Errorf("POST /v2/routes, JSON labelled %s: %d %s", ct, r.status, r.body)
		}
	}
	c.send("POST", "/v2/routes", "application/x-www-form-urlencoded", `{"data":{"type":"route","attributes":{"alias":"x"}}}`, nil).
		wantV2(t, 422, `{"errors":[{"detail":{"data":{"attributes":{"route_type":["Required."],"value":["Required."]}}},"status":422,"title":"Unprocessable Entity"}]}`)
	c.send("PATCH", "/v2/numbers/12062092844", "application/x-www-form-urlencoded", `{"type":"number","alias":"x"}`, nil).
		wantV2(t, 404, errBody(404, "Not Found", detailNotOnAcct))
	c.send("POST", "/v2/routes", "application/x-www-form-urlencoded", `{"data":`, nil).
		wantV2(t, 400, errBody(400, "Bad Request", "The request body is not valid JSON."))

	// CNAM creation takes a JSON body so labelled, and still a real form.
	if r := c.send("POST", "/v2/cnams", "application/x-www-form-urlencoded", `{"value":"Json Labelled"}`, nil); r.status != 201 || r.field(t, "data.attributes.value") != "JSON LABELLED" {
		t.Errorf("POST /v2/cnams, JSON labelled form: %d %s", r.status, r.body)
	}
	if r := c.send("POST", "/v2/cnams", "application/x-www-form-urlencoded", `value=Real+Form`, nil); r.status != 201 || r.field(t, "data.attributes.value") != "REAL FORM" {
		t.Errorf("POST /v2/cnams, form: %d %s", r.status, r.body)
	}
	// Where a form was refused, it still is.
	c.send("POST", "/v2/routes", "application/x-www-form-urlencoded", `alias=pbx&route_type=host&value=10.0.0.1`, nil).wantStatus(t, 415)
}

// TestCNAMListTakesBooleansAsDigits: PHP sends is_approved=1 or 0.
func TestCNAMListTakesBooleansAsDigits(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{CNAMApproval: CNAMPending})
	c.do("POST", "/v2/cnams", `{"value":"APPROVED ONE"}`).wantStatus(t, 201)
	c.do("POST", "/v2/cnams", `{"value":"PENDING ONE"}`).wantStatus(t, 201)
	c.do("POST", "/sandbox/cnams/100000/approve", "").wantStatus(t, 200)
	for q, want := range map[string]string{
		"1": "100000", "true": "100000", "TRUE": "100000",
		"0": "100001", "false": "100001", "False": "100001",
	} {
		r := c.do("GET", "/v2/cnams?is_approved="+q, "")
		if r.status != 200 || r.field(t, "data.0.id") != want || r.field(t, "data.1") != nil {
			t.Errorf("is_approved=%s: %d %s, want only %s", q, r.status, r.body, want)
		}
		normal := map[string]string{"100000": "true", "100001": "false"}[want]
		if self, _ := r.field(t, "links.self").(string); !strings.Contains(self, "is_approved="+normal+"&") {
			t.Errorf("is_approved=%s: links.self %q, want the filter as is_approved=%s", q, self, normal)
		}
	}
	c.do("GET", "/v2/cnams?is_approved=yes", "").wantV2(t, 422, errBody(422, "Unprocessable Entity", "is_approved must be true or false (or 1 or 0)."))
}
