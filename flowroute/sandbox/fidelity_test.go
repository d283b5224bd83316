package sandbox

import (
	"cmp"
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

// TestAvailableOrderBy: order_by takes the fields §2.1 lists, with an optional direction
// (",asc" or ",desc", as GO-CJ sends it); ties stay in numerical order.
func TestAvailableOrderBy(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{InventorySize: 2000})
	type item struct {
		ID         string
		Attributes struct {
			MonthlyCost float64 `json:"monthly_cost"`
			State       string
			RateCenter  string `json:"rate_center"`
		}
	}
	page := func(q string) []item {
		t.Helper()
		r := c.do("GET", "/v2/numbers/available?limit=200&"+q, "")
		var doc struct{ Data []item }
		r.decode(t, &doc)
		if r.status != 200 || len(doc.Data) != 200 {
			t.Fatalf("%s: %d, %d items", q, r.status, len(doc.Data))
		}
		if self := r.field(t, "links.self").(string); !strings.Contains(self, "order_by=") {
			t.Errorf("%s: links.self %q does not echo order_by", q, self)
		}
		return doc.Data
	}
	sortedBy := func(q string, less func(a, b item) int) {
		t.Helper()
		items := page(q)
		for i := 1; i < len(items); i++ {
			c := less(items[i-1], items[i])
			if c > 0 || c == 0 && items[i-1].ID >= items[i].ID {
				t.Fatalf("%s: %+v before %+v", q, items[i-1], items[i])
			}
		}
	}
	sortedBy("order_by=monthly_cost", func(a, b item) int { return cmp.Compare(a.Attributes.MonthlyCost, b.Attributes.MonthlyCost) })
	sortedBy("order_by=monthly_cost,asc", func(a, b item) int { return cmp.Compare(a.Attributes.MonthlyCost, b.Attributes.MonthlyCost) })
	sortedBy("order_by=monthly_cost,desc", func(a, b item) int { return cmp.Compare(b.Attributes.MonthlyCost, a.Attributes.MonthlyCost) })
	sortedBy("order_by=state,desc", func(a, b item) int { return strings.Compare(b.Attributes.State, a.Attributes.State) })
	sortedBy("order_by=rate_center", func(a, b item) int { return strings.Compare(a.Attributes.RateCenter, b.Attributes.RateCenter) })
	for _, by := range []string{"number", "value", "tn"} {
		sortedBy("order_by="+by, func(a, b item) int { return 0 })
		desc := page("order_by=" + by + ",desc")
		for i := 1; i < len(desc); i++ {
			if desc[i-1].ID <= desc[i].ID {
				t.Fatalf("order_by=%s,desc: %s before %s", by, desc[i-1].ID, desc[i].ID)
			}
		}
	}
	if a, b := page("order_by=monthly_cost,desc"), page("order_by=monthly_cost"); a[0].Attributes.MonthlyCost == b[0].Attributes.MonthlyCost {
		t.Errorf("desc and asc begin with the same cost %v: the inventory has one price", a[0].Attributes.MonthlyCost)
	}
	for _, bad := range []string{"setup_cost", "monthly_cost,up", "monthly_cost,asc,desc"} {
		c.do("GET", "/v2/numbers/available?order_by="+bad, "").wantV2(t, 422, errBody(422, "Unprocessable Entity",
			"order_by must be one of monthly_cost, iso_country, number_type, state, rate_center, number, value, tn, with an optional ,asc or ,desc."))
	}
}

// TestUnservedV2PathIs404: a path under /v2, /v2.1 or /v2.2 that the sandbox does not serve
// is v2's 404 to authenticated requests, not v1's 401; without credentials it is v2's 401.
func TestUnservedV2PathIs404(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	for _, p := range []string{"/v2/nothing", "/v2.1/messages", "/v2.2/messages/sms_callback", "/v2.2", "/v2.1/numbers/available"} {
		c.do("GET", p, "").wantV2(t, 404, errBody(404, "Not Found", detailNoURL))
	}
	anon := *c
	anon.access, anon.secret = "", ""
	anon.do("GET", "/v2.2/messages", "").wantV2(t, 401, errBody(401, "Unauthorized", detailAuth))
}

// TestDuplicateE911AddressIs403: creating an address identical to one the account has is
// refused with 403 "Duplicate address.", the answer Flowroute's Node SDK expects; an address
// that differs in any field, or only the case of its state, is no duplicate or is one as stored.
func TestDuplicateE911AddressIs403(t *testing.T) {
	t.Parallel()
	_, c := startV2(t, Options{})
	c.do("POST", "/v2/e911s", e911Body(nil)).wantStatus(t, 201)
	c.do("POST", "/v2/e911s", e911Body(nil)).wantV2(t, 403, errBody(403, "Forbidden", "Duplicate address."))
	c.do("POST", "/v2/e911s", e911Body(map[string]any{"state": "wa"})).wantV2(t, 403, errBody(403, "Forbidden", "Duplicate address."))
	c.do("POST", "/v2/e911s", e911Body(map[string]any{"label": "Other label"})).wantStatus(t, 201)
	c.do("POST", "/v2/e911s", e911Body(map[string]any{"address_type": "Suite", "address_type_number": "600"})).wantStatus(t, 201)
	c.do("POST", "/v2/e911s", e911Body(map[string]any{"address_type": "suite", "address_type_number": "600"})).wantStatus(t, 403)
	c.do("POST", "/v2/e911s/validate", e911Body(nil)).wantStatus(t, 204) // validating is not creating
	if r := c.do("GET", "/v2/e911s", ""); r.field(t, "data.3") != nil {
		t.Errorf("the account has more than the 3 distinct addresses: %s", r.body)
	}
}
