package v1_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// checkRequest compares the one request the server got with the method, URI and body wanted.
func checkRequest(t *testing.T, e *env, method, uri, body string) {
	t.Helper()
	reqs := e.requests()
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1: %+v", len(reqs), reqs)
	}
	r := reqs[0]
	if r.Method != method || r.URI != uri || r.Body != body {
		t.Errorf("request = %s %s %q, want %s %s %q", r.Method, r.URI, r.Body, method, uri, body)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	wantCT := ""
	if method != http.MethodGet {
		wantCT = "application/json; charset=utf-8"
	}
	if got := r.Header.Get("Content-Type"); got != wantCT {
		t.Errorf("Content-Type = %q, want %q", got, wantCT)
	}
}

func TestListNPAs(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// The keys come out of order on purpose: the page is in key order whatever the JSON's.
	e.mux.Handle("GET /v1/available-tns/npas/", answer(200, `{"npas":{
		"205":{"nxxs":"/v1/available-tns/npanxxs/?npa=205","tns":"/v1/available-tns/tns/?npa=205"},
		"201":{"nxxs":"/v1/available-tns/npanxxs/?npa=201","tns":"/v1/available-tns/tns/?npa=201"}},
		"links":{"next":"/v1/available-tns/npas/?limit=2&page=3","prev":"/v1/available-tns/npas/?limit=2&page=1"}}`))
	got, err := e.client.ListNPAs(context.Background(), v1.PageOptions{Limit: 2, Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := &v1.Page[string]{Items: []string{"201", "205"},
		Next: "/v1/available-tns/npas/?limit=2&page=3", Prev: "/v1/available-tns/npas/?limit=2&page=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	checkRequest(t, e, "GET", "/v1/available-tns/npas/?limit=2&page=2", "")
}

func TestListNPANXXs(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/available-tns/npanxxs/", answer(200, `{"npanxxs":{
		"206258":{"tns":"/v1/available-tns/tns/?npa=206&nxx=258"},
		"206743":{"tns":"/v1/available-tns/tns/?npa=206&nxx=743"}},"links":{}}`))
	got, err := e.client.ListNPANXXs(context.Background(), "206", v1.PageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := &v1.Page[v1.NPANXX]{Items: []v1.NPANXX{{NPA: "206", NXX: "258"}, {NPA: "206", NXX: "743"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	checkRequest(t, e, "GET", "/v1/available-tns/npanxxs/?npa=206", "")
}

func TestSearchNumbers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/available-tns/tns/", answer(200, `{"tns":{
		"12067439178":{"initial_cost":"1.00","monthly_cost":"1.25","state":"WA","ratecenter":"SEATTLE","billing_methods":["VPRI","METERED"]}},
		"links":{"next":"/v1/available-tns/tns/?npa=206&limit=1&page=2"}}`))
	q := v1.SearchQuery{NPA: "206", NXX: "743", State: "wa", RateCenter: "seattle"}
	got, err := e.client.SearchNumbers(context.Background(), q, v1.PageOptions{Limit: 1, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := &v1.Page[v1.AvailableNumber]{
		Items: []v1.AvailableNumber{{TN: "12067439178", InitialCost: money.MustParse("1.00"), MonthlyCost: money.MustParse("1.25"),
			State: "WA", RateCenter: "SEATTLE", BillingMethods: []string{"VPRI", "METERED"}}},
		Next: "/v1/available-tns/tns/?npa=206&limit=1&page=2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	// The query is sent in canonical order, blank values dropped: as it was signed.
	checkRequest(t, e, "GET", "/v1/available-tns/tns/?limit=1&npa=206&nxx=743&page=1&ratecenter=seattle&state=wa", "")
}

func TestListNumbers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/tns/", answer(200, `{"tns":{`+numberMember("12062092844")+`},"links":{}}`))
	got, err := e.client.ListNumbers(context.Background(), "206", v1.PageOptions{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	want := &v1.Page[v1.Number]{Items: []v1.Number{ownedNumber("12062092844")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	checkRequest(t, e, "GET", "/v1/tns/?limit=200&pattern=206", "")
}

func TestGetNumber(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/tns/{tn}", answer(200, `{"billing_method":"VPRI","routes":[{"type":"HOST","name":"pbx"},{"type":"SIP-REG","name":"sip-reg"}]}`))
	got, err := e.client.GetNumber(context.Background(), "12062092844")
	if err != nil {
		t.Fatal(err)
	}
	want := &v1.Number{TN: "12062092844", BillingMethod: "VPRI", Routes: []v1.RouteRef{{Name: "pbx", Type: "HOST"}, {Name: "sip-reg", Type: "SIP-REG"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("number (-want +got):\n%s", diff)
	}
	if got.PrimaryRoute() != "pbx" || got.FailoverRoute() != "sip-reg" {
		t.Errorf("routes = %q, %q", got.PrimaryRoute(), got.FailoverRoute())
	}
	checkRequest(t, e, "GET", "/v1/tns/12062092844", "")
}

func TestPurchaseNumber(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("PUT /v1/tns/{tn}", answer(201, ""))
	if err := e.client.PurchaseNumber(context.Background(), "12067439178", "METERED"); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, e, "PUT", "/v1/tns/12067439178", `{"billing_method":"METERED"}`)
}

func TestSetRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("PATCH /v1/tns/{tn}", answer(204, ""))
	if err := e.client.SetRoutes(context.Background(), "12067439178", "pbx-seattle", "sip-reg"); err != nil {
		t.Fatal(err)
	}
	checkRequest(t, e, "PATCH", "/v1/tns/12067439178", `{"routes":[{"name":"pbx-seattle"},{"name":"sip-reg"}]}`)
}

func TestListRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/routes/", answer(200, `{"routes":{
		"HOSTroute1":{"type":"HOST","value":"24.239.23.40:5060"},
		"sip-reg":{"type":"SIP-REG","value":null}},
		"links":{"next":"/v1/routes/?limit=10&page=2"}}`))
	got, err := e.client.ListRoutes(context.Background(), v1.PageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := &v1.Page[v1.Route]{
		Items: []v1.Route{{Name: "HOSTroute1", Type: "HOST", Value: "24.239.23.40:5060"}, {Name: "sip-reg", Type: "SIP-REG"}},
		Next:  "/v1/routes/?limit=10&page=2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	checkRequest(t, e, "GET", "/v1/routes/", "")
}

func TestCreateRoute(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("PUT /v1/routes/{name}", answer(201, ""))
	r := v1.Route{Name: "pbx backup/2", Type: "URI", Value: "sip:16476998778@215.122.69.152:5060;transport=tcp"}
	if err := e.client.CreateRoute(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	// The name is one path segment, escaped.
	checkRequest(t, e, "PUT", "/v1/routes/pbx%20backup%2F2", `{"type":"URI","value":"sip:16476998778@215.122.69.152:5060;transport=tcp"}`)
}

// TestEmptyList: a query that matches nothing answers "{}", an empty last page.
func TestEmptyList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/", answer(200, `{}`))
	ctx := context.Background()
	if p, err := e.client.ListNumbers(ctx, "999", v1.PageOptions{}); err != nil || len(p.Items) != 0 || p.HasNext() {
		t.Errorf("ListNumbers = %+v, %v; want an empty last page", p, err)
	}
	if p, err := e.client.SearchNumbers(ctx, v1.SearchQuery{TN: "999"}, v1.PageOptions{}); err != nil || len(p.Items) != 0 {
		t.Errorf("SearchNumbers = %+v, %v; want an empty page", p, err)
	}
	if got, err := e.client.AllRoutes(ctx); err != nil || len(got) != 0 {
		t.Errorf("AllRoutes = %v, %v; want none", got, err)
	}
	if _, err := e.client.LookupAvailable(ctx, "12065550100"); !errors.Is(err, v1.ErrNotFound) {
		t.Errorf("LookupAvailable = %v, want ErrNotFound", err)
	}
}

func TestLookupAvailable(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/available-tns/tns/", answer(200, `{"tns":{
		"12067439178":{"initial_cost":"1.00","monthly_cost":"1.25","state":"WA","ratecenter":"SEATTLE","billing_methods":["METERED"]}}}`))
	got, err := e.client.LookupAvailable(context.Background(), "12067439178")
	if err != nil {
		t.Fatal(err)
	}
	if got.TN != "12067439178" || got.MonthlyCost != money.MustParse("1.25") {
		t.Errorf("LookupAvailable = %+v", got)
	}
	checkRequest(t, e, "GET", "/v1/available-tns/tns/?limit=10&tn=12067439178", "")
}

// TestEndpointPathPrefix: paths resolve beneath the endpoint's path, with or without a
// trailing slash.
func TestEndpointPathPrefix(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{"/api/v1", "/api/v1/"} {
		e := setup(t)
		e.mux.Handle("GET /api/v1/tns/{tn}", answer(200, `{"billing_method":"METERED","routes":[]}`))
		c, err := v1.New(e.endpoint[:len(e.endpoint)-len("/v1")]+suffix, testAccess, testSecret,
			v1.WithClock(func() time.Time { return testNow }))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetNumber(context.Background(), "12062092844"); err != nil {
			t.Errorf("%s: %v", suffix, err)
		}
		checkRequest(t, e, "GET", "/api/v1/tns/12062092844", "")
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	e := setup(t, v1.WithUserAgent("flowroute-numbers/test"))
	e.mux.Handle("GET /v1/routes/", answer(200, `{}`))
	if _, err := e.client.ListRoutes(context.Background(), v1.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := e.requests()[0].Header.Get("User-Agent"); got != "flowroute-numbers/test" {
		t.Errorf("User-Agent = %q", got)
	}
}

// TestInputValidation: bad input fails before any request.
func TestInputValidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	c := e.client
	calls := map[string]func() error{
		"GetNumber short":       func() error { _, err := c.GetNumber(ctx, "1206209284"); return err },
		"GetNumber letters":     func() error { _, err := c.GetNumber(ctx, "1206209284x"); return err },
		"GetNumber no 1":        func() error { _, err := c.GetNumber(ctx, "22062092844"); return err },
		"GetNumber path":        func() error { _, err := c.GetNumber(ctx, "../routes/x"); return err },
		"Purchase bad tn":       func() error { return c.PurchaseNumber(ctx, "2067439178", "METERED") },
		"Purchase no method":    func() error { return c.PurchaseNumber(ctx, "12067439178", "") },
		"SetRoutes bad tn":      func() error { return c.SetRoutes(ctx, "1206743917", "a", "b") },
		"SetRoutes no failover": func() error { return c.SetRoutes(ctx, "12067439178", "a", "") },
		"CreateRoute no name":   func() error { return c.CreateRoute(ctx, v1.Route{Type: "HOST", Value: "1.2.3.4"}) },
		"CreateRoute dot-dot":   func() error { return c.CreateRoute(ctx, v1.Route{Name: "..", Type: "HOST", Value: "1.2.3.4"}) },
		"CreateRoute sip-reg":   func() error { return c.CreateRoute(ctx, v1.Route{Name: "x", Type: "SIP-REG", Value: "x"}) },
		"CreateRoute no value":  func() error { return c.CreateRoute(ctx, v1.Route{Name: "x", Type: "HOST"}) },
		"limit 201":             func() error { _, err := c.ListRoutes(ctx, v1.PageOptions{Limit: 201}); return err },
		"limit -1":              func() error { _, err := c.ListNPAs(ctx, v1.PageOptions{Limit: -1}); return err },
		"page -1":               func() error { _, err := c.ListNPAs(ctx, v1.PageOptions{Page: -1}); return err },
		"npanxx npa letters":    func() error { _, err := c.ListNPANXXs(ctx, "2a", v1.PageOptions{}); return err },
		"pattern letters":       func() error { _, err := c.ListNumbers(ctx, "206x", v1.PageOptions{}); return err },
		"search nxx no npa": func() error {
			_, err := c.SearchNumbers(ctx, v1.SearchQuery{NXX: "743"}, v1.PageOptions{})
			return err
		},
		"search npa 2 digits": func() error {
			_, err := c.SearchNumbers(ctx, v1.SearchQuery{NPA: "20"}, v1.PageOptions{})
			return err
		},
		"search state 3": func() error {
			_, err := c.SearchNumbers(ctx, v1.SearchQuery{State: "WAS"}, v1.PageOptions{})
			return err
		},
		"search state digits": func() error {
			_, err := c.SearchNumbers(ctx, v1.SearchQuery{State: "W1"}, v1.PageOptions{})
			return err
		},
		"search rc no state": func() error {
			_, err := c.SearchNumbers(ctx, v1.SearchQuery{RateCenter: "SEATTLE"}, v1.PageOptions{})
			return err
		},
		"search tn 12 digits":  func() error { _, err := c.AllAvailable(ctx, v1.SearchQuery{TN: "120674391781"}, 0); return err },
		"all available max -1": func() error { _, err := c.AllAvailable(ctx, v1.SearchQuery{}, -1); return err },
		"lookup bad tn":        func() error { _, err := c.LookupAvailable(ctx, "206"); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(e.requests()); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}
