package sandbox

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestLimitAndPageChecks(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	for _, path := range []string{"/v1/available-tns/npas/", "/v1/available-tns/npanxxs/", "/v1/available-tns/tns/", "/v1/tns/", "/v1/routes/"} {
		for _, tt := range []struct {
			query  string
			status int
		}{
			{"limit=0", 500},
			{"limit=-1", 422},
			{"limit=201", 422},
			{"limit=ten", 422},
			{"page=0", 422},
			{"page=-1", 422},
			{"page=x", 422},
			{"limit=200", 200},
			{"limit=1&page=1", 200},
		} {
			r := c.do("GET", path+"?"+tt.query, "")
			if r.status != tt.status {
				t.Errorf("%s?%s: status %d, want %d", path, tt.query, r.status, tt.status)
			}
			if tt.status != 200 && !strings.HasPrefix(r.body, `{"error":"`) {
				t.Errorf("%s?%s: body %s, want an error message", path, tt.query, r.body)
			}
		}
	}
}

func TestSearchChecks(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	for _, q := range []string{
		"nxx=743",            // nxx needs npa
		"ratecenter=seattle", // ratecenter needs state
		"npa=20", "npa=2066", "npa=abc", "npa=206&nxx=74",
		"state=WAS", "state=W1",
		"tn=12a", "tn=120674391780",
	} {
		r := c.do("GET", "/v1/available-tns/tns/?"+q, "")
		if r.status != 422 || !strings.HasPrefix(r.body, `{"error":"`) {
			t.Errorf("%s: %d %s, want 422 with an error", q, r.status, r.body)
		}
	}
	for _, q := range []string{"npa=2a", "npa=2066"} {
		if r := c.do("GET", "/v1/available-tns/npanxxs/?"+q, ""); r.status != 422 {
			t.Errorf("npanxxs %s: %d, want 422", q, r.status)
		}
	}
	if r := c.do("GET", "/v1/tns/?pattern=2O6", ""); r.status != 422 {
		t.Errorf("tns pattern=2O6: %d, want 422", r.status)
	}
}

func TestSearchFindsTheDocumentedNumber(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	// The query of the shared signing vector, in the case the user typed.
	r := c.do("GET", "/v1/available-tns/tns/?tn=7439178&state=wa&ratecenter=seattle&npa=206&nxx=743&limit=1&page=1", "")
	r.want(t, 200, `{"tns":{"12067439178":{"initial_cost":"`+costOf(t, c, "12067439178")+`","monthly_cost":"1.25","state":"WA","ratecenter":"SEATTLE","billing_methods":`+methodsOf(t, c, "12067439178")+`}},"links":{}}`)
}

// costOf and methodsOf read a number's fields from an unfiltered search, so the test above
// checks the filters and the shape, not the seeded prices.
func costOf(t *testing.T, c *tc, tn string) string { return availableField(t, c, tn).InitialCost }
func methodsOf(t *testing.T, c *tc, tn string) string {
	return `["` + strings.Join(availableField(t, c, tn).BillingMethods, `","`) + `"]`
}
func availableField(t *testing.T, c *tc, tn string) availableJSON {
	t.Helper()
	var got struct{ TNs map[string]availableJSON }
	c.do("GET", "/v1/available-tns/tns/?tn="+tn, "").decode(t, &got)
	a, ok := got.TNs[tn]
	if !ok {
		t.Fatalf("%s not for sale", tn)
	}
	return a
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 3})
	type page struct {
		TNs   map[string]availableJSON
		Links links
	}
	var p page
	c.do("GET", "/v1/available-tns/tns/?state=Tx&ratecenter=austin&limit=200", "").decode(t, &p)
	if len(p.TNs) != 200 || p.Links.Next != "/v1/available-tns/tns/?ratecenter=austin&state=Tx&limit=200&page=2" {
		t.Fatalf("got %d numbers, links %+v", len(p.TNs), p.Links)
	}
	for tn, a := range p.TNs {
		if !strings.HasPrefix(tn, "1512") || a.State != "TX" || a.RateCenter != "AUSTIN" {
			t.Errorf("%s %+v does not match state=TX ratecenter=AUSTIN", tn, a)
		}
	}
	var q page
	c.do("GET", "/v1/available-tns/tns/?npa=617&nxx=227&limit=200", "").decode(t, &q)
	for tn := range q.TNs {
		if !strings.HasPrefix(tn, "1617227") {
			t.Errorf("%s does not match npa=617 nxx=227", tn)
		}
	}
	var r page
	c.do("GET", "/v1/available-tns/tns/?tn=9178&limit=200", "").decode(t, &r)
	if len(r.TNs) == 0 {
		t.Fatal("tn=9178 found nothing")
	}
	for tn := range r.TNs {
		if !strings.Contains(tn, "9178") {
			t.Errorf("%s does not contain 9178", tn)
		}
	}
	c.do("GET", "/v1/available-tns/tns/?npa=999", "").want(t, 200, `{}`)
	c.do("GET", "/v1/available-tns/tns/?state=ZZ&ratecenter=nowhere", "").want(t, 200, `{}`)
}

func TestSearchPagesAreInNumericalOrder(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 4, InventorySize: 500})
	var all []string
	next := "/v1/available-tns/tns/?limit=37"
	for next != "" {
		var p struct {
			TNs   map[string]availableJSON
			Links links
		}
		c.do("GET", next, "").decode(t, &p)
		keys := slices.Sorted(maps.Keys(p.TNs))
		if len(all) > 0 && len(keys) > 0 && keys[0] <= all[len(all)-1] {
			t.Fatalf("page %s starts at %s, after %s", next, keys[0], all[len(all)-1])
		}
		all = append(all, keys...)
		next = p.Links.Next
	}
	if len(all) != 500 {
		t.Errorf("walked %d numbers, want 500", len(all))
	}
}

func TestNPAsAndNPANXXs(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 5})
	c.do("GET", "/v1/available-tns/npas/?limit=2", "").want(t, 200,
		`{"npas":{"202":{"nxxs":"/v1/available-tns/npanxxs/?npa=202","tns":"/v1/available-tns/tns/?npa=202"},`+
			`"206":{"nxxs":"/v1/available-tns/npanxxs/?npa=206","tns":"/v1/available-tns/tns/?npa=206"}},`+
			`"links":{"next":"/v1/available-tns/npas/?limit=2&page=2"}}`)
	var npas struct{ NPAs map[string]any }
	c.do("GET", "/v1/available-tns/npas/?limit=200", "").decode(t, &npas)
	if len(npas.NPAs) < 20 {
		t.Errorf("%d NPAs, want at least 20", len(npas.NPAs))
	}
	for _, ca := range []string{"416", "514", "604", "647"} {
		if _, ok := npas.NPAs[ca]; !ok {
			t.Errorf("Canadian NPA %s missing", ca)
		}
	}
	c.do("GET", "/v1/available-tns/npanxxs/?npa=585&limit=1&page=2", "").want(t, 200,
		`{"npanxxs":{"585232":{"tns":"/v1/available-tns/tns/?npa=585&nxx=232"}},`+
			`"links":{"prev":"/v1/available-tns/npanxxs/?npa=585&limit=1&page=1","next":"/v1/available-tns/npanxxs/?npa=585&limit=1&page=3"}}`)
	var partial struct{ NPANXXs map[string]any }
	c.do("GET", "/v1/available-tns/npanxxs/?npa=1&limit=200", "").decode(t, &partial)
	for nn := range partial.NPANXXs {
		if !strings.Contains(nn[:3], "1") {
			t.Errorf("npa=1 gave %s", nn)
		}
	}
	if _, ok := partial.NPANXXs["212226"]; !ok {
		t.Error("npa=1 misses 212226")
	}
	c.do("GET", "/v1/available-tns/npanxxs/?npa=999", "").want(t, 200, `{}`)
}

func TestNumberListPagination(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1})
	for _, tn := range []string{"13125550100", "12065550100", "12065550102", "12065550101"} {
		if err := s.AddOwnedNumber(Number{TN: tn}); err != nil {
			t.Fatal(err)
		}
	}
	entry := func(tn string) string {
		return `"` + tn + `":{"billing_method":"METERED","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"SIP-REG","name":"sip-reg"}],"detail":"/v1/tns/` + tn + `"}`
	}
	c.do("GET", "/v1/tns/?pattern=206&limit=1", "").want(t, 200,
		`{"tns":{`+entry("12065550100")+`},"links":{"next":"/v1/tns/?pattern=206&limit=1&page=2"}}`)
	c.do("GET", "/v1/tns/?limit=1&pattern=206&page=2", "").want(t, 200,
		`{"tns":{`+entry("12065550101")+`},"links":{"prev":"/v1/tns/?pattern=206&limit=1&page=1","next":"/v1/tns/?pattern=206&limit=1&page=3"}}`)
	c.do("GET", "/v1/tns/?pattern=206&limit=1&page=3", "").want(t, 200,
		`{"tns":{`+entry("12065550102")+`},"links":{"prev":"/v1/tns/?pattern=206&limit=1&page=2"}}`)
	c.do("GET", "/v1/tns/?pattern=206&limit=1&page=4", "").want(t, 200, `{}`)
	c.do("GET", "/v1/tns/?pattern=9999", "").want(t, 200, `{}`)
	c.do("GET", "/v1/tns/", "").want(t, 200,
		`{"tns":{`+entry("12065550100")+`,`+entry("12065550101")+`,`+entry("12065550102")+`,`+entry("13125550100")+`},"links":{}}`)
	c.do("GET", "/v1/tns/?limit=3&page=2", "").want(t, 200,
		`{"tns":{`+entry("13125550100")+`},"links":{"prev":"/v1/tns/?limit=3&page=1"}}`)
}

func TestPurchase(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1})
	const tn = "12067439178"
	c.do("PUT", "/v1/tns/"+tn, `{"billing_method":"METERED"}`).want(t, 201, "")
	c.do("GET", "/v1/tns/"+tn, "").want(t, 200,
		`{"billing_method":"METERED","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"SIP-REG","name":"sip-reg"}]}`)
	c.do("GET", "/v1/available-tns/tns/?tn="+tn, "").want(t, 200, `{}`)
	notAvailable := `{"error":"Business Logic Error: The TN is not available for purchase."}`
	c.do("PUT", "/v1/tns/"+tn, `{"billing_method":"METERED"}`).want(t, 422, notAvailable)
	c.do("PUT", "/v1/tns/19999999999", `{"billing_method":"METERED"}`).want(t, 422, notAvailable)
	c.do("PUT", "/v1/tns/12", `{"billing_method":"METERED"}`).want(t, 422, notAvailable)

	// A number that allows METERED only refuses VPRI; one that allows both takes it.
	var meteredOnly, both string
	for _, a := range s.st.inventory {
		switch {
		case a.sold:
		case a.meteredOnly && meteredOnly == "":
			meteredOnly = a.tn
		case !a.meteredOnly && both == "":
			both = a.tn
		}
	}
	r := c.do("PUT", "/v1/tns/"+meteredOnly, `{"billing_method":"VPRI"}`)
	if r.status != 422 || !strings.Contains(r.body, "Billing method") {
		t.Errorf("VPRI on a METERED-only number: %d %s", r.status, r.body)
	}
	c.do("PUT", "/v1/tns/"+both, `{"billing_method":"PREPAID"}`).want(t, 422,
		`{"error":"Business Logic Error: Billing method \"PREPAID\" is not available for this TN; it allows VPRI, METERED."}`)
	c.do("PUT", "/v1/tns/"+both, `{"billing_method":`).want(t, 400,
		`{"error":"Request body must be JSON: {\"billing_method\": \"METERED\"}."}`)
	c.do("PUT", "/v1/tns/"+both, `{"billing_method":"VPRI"}`).want(t, 201, "")
	c.do("GET", "/v1/tns/"+both, "").want(t, 200,
		`{"billing_method":"VPRI","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"SIP-REG","name":"sip-reg"}]}`)
}

func TestSetRoutes(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	const tn = "12062092844"
	c.do("PUT", "/v1/routes/pbx-seattle", `{"type":"HOST","value":"24.239.23.40:5060"}`).want(t, 201, "")
	c.do("PUT", "/v1/routes/office-cell", `{"type":"PSTN","value":"16476998778"}`).want(t, 201, "")
	c.do("PUT", "/v1/tns/"+tn, `{"billing_method":"METERED"}`).want(t, 201, "")
	c.do("PATCH", "/v1/tns/"+tn, `{"routes":[{"name":"pbx-seattle"},{"name":"office-cell"}]}`).want(t, 204, "")
	c.do("GET", "/v1/tns/"+tn, "").want(t, 200,
		`{"billing_method":"METERED","routes":[{"type":"HOST","name":"pbx-seattle"},{"type":"PSTN","name":"office-cell"}]}`)
	c.do("GET", "/v1/tns/", "").want(t, 200,
		`{"tns":{"`+tn+`":{"billing_method":"METERED","routes":[{"type":"HOST","name":"pbx-seattle"},{"type":"PSTN","name":"office-cell"}],"detail":"/v1/tns/`+tn+`"}},"links":{}}`)

	for _, tt := range []struct {
		tn, body string
		status   int
	}{
		{tn, `{"routes":[{"name":"pbx-seattle"}]}`, 400},
		{tn, `{"routes":[{"name":"a"},{"name":"b"},{"name":"c"}]}`, 400},
		{tn, `{"routes":`, 400},
		{tn, ``, 400},
		{tn, `{"routes":[{"name":"pbx-seattle"},{"name":"nope"}]}`, 404},
		{"12067439178", `{"routes":[{"name":"sip-reg"},{"name":"sip-reg"}]}`, 404}, // not owned
		{"abc", `{"routes":[{"name":"sip-reg"},{"name":"sip-reg"}]}`, 404},
	} {
		r := c.do("PATCH", "/v1/tns/"+tt.tn, tt.body)
		if r.status != tt.status || !strings.HasPrefix(r.body, `{"error":"`) {
			t.Errorf("PATCH %s %s: %d %s, want %d with an error", tt.tn, tt.body, r.status, r.body, tt.status)
		}
	}
	c.do("PATCH", "/v1/tns/"+tn, `{"routes":[{"name":"sip-reg"},{"name":"pbx-seattle"}]}`).want(t, 204, "")
	c.do("GET", "/v1/tns/"+tn, "").want(t, 200,
		`{"billing_method":"METERED","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"HOST","name":"pbx-seattle"}]}`)
}

func TestGetNumberNotFound(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	for _, tn := range []string{"12067439178", "206743917", "abc", "1206743917x"} {
		c.do("GET", "/v1/tns/"+tn, "").want(t, 404, `{"error":"TN not found."}`)
	}
}

// TestCreateRouteLongName: the docs set no longest route name, so the sandbox sets none.
func TestCreateRouteLongName(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1, InventorySize: 10})
	long := strings.Repeat("r", 1000)
	c.do("PUT", "/v1/routes/"+long, `{"type":"HOST","value":"10.0.0.1"}`).want(t, 201, "")
	c.do("GET", "/v1/routes/", "").want(t, 200,
		`{"routes":{"`+long+`":{"type":"HOST","value":"10.0.0.1"},"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
}

func TestCreateRoute(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	valid := map[string]string{
		"h1":      `{"type":"HOST","value":"24.239.23.40:5060"}`,
		"h2":      `{"type":"HOST","value":"24.239.23.40"}`,
		"h3":      `{"type":"HOST","value":"pbx.example.com"}`,
		"h4":      `{"type":"HOST","value":"pbx.example.com:5080"}`,
		"h5":      `{"type":"HOST","value":"[2001:db8::1]:5060"}`,
		"p1":      `{"type":"PSTN","value":"16476998778"}`,
		"u1":      `{"type":"URI","value":"sip:16476998778@215.122.69.152:5060;transport=tcp"}`,
		"u2":      `{"type":"URI","value":"sips:alice@pbx.example.com"}`,
		"u3":      `{"type":"URI","value":"sip:bob@pbx.example.com;transport=udp"}`,
		"u4":      `{"type":"URI","value":"sip:bob@10.0.0.1;transport=tls"}`,
		"A_b.c-9": `{"type":"HOST","value":"10.1.2.3"}`,
	}
	for name, body := range valid {
		c.do("PUT", "/v1/routes/"+name, body).want(t, 201, "")
	}
	invalid := []string{
		`{"type":"HOST","value":""}`,
		`{"type":"HOST","value":"24.239.23.400"}`,
		`{"type":"HOST","value":"24.239.23.40:0"}`,
		`{"type":"HOST","value":"24.239.23.40:65536"}`,
		`{"type":"HOST","value":"pbx.example.com:"}`,
		`{"type":"HOST","value":"-pbx.example.com"}`,
		`{"type":"HOST","value":"pbx example.com"}`,
		`{"type":"PSTN","value":"6476998778"}`,
		`{"type":"PSTN","value":"+16476998778"}`,
		`{"type":"URI","value":"16476998778@215.122.69.152"}`,
		`{"type":"URI","value":"sip:215.122.69.152"}`,
		`{"type":"URI","value":"sip:@215.122.69.152"}`,
		`{"type":"URI","value":"sip:a@215.122.69.152;transport=sctp"}`,
		`{"type":"URI","value":"sip:a@215.122.69.152;transport=UDP"}`,
		`{"type":"URI","value":"http://example.com"}`,
		`{"type":"SIP-REG","value":""}`,
		`{"type":"host","value":"10.0.0.1"}`,
		`{}`,
	}
	for i, body := range invalid {
		r := c.do("PUT", "/v1/routes/bad"+string(rune('a'+i)), body)
		if r.status != 422 || !strings.HasPrefix(r.body, `{"error":"`) {
			t.Errorf("%s: %d %s, want 422 with an error", body, r.status, r.body)
		}
	}
	for _, name := range []string{"bad%20name", ".", ".."} {
		if r := c.do("PUT", "/v1/routes/"+name, `{"type":"HOST","value":"10.0.0.1"}`); r.status != 422 {
			t.Errorf("name %q: %d, want 422", name, r.status)
		}
	}
	c.do("PUT", "/v1/routes/new", `{"type":"HOST",`).want(t, 400, `{}`)
	c.do("PUT", "/v1/routes/new", `{"type":"HOST","value":5060}`).want(t, 400, `{}`)
	exists := `{"error":"Route name already exists."}`
	c.do("PUT", "/v1/routes/h1", `{"type":"PSTN","value":"16476998778"}`).want(t, 409, exists)
	c.do("PUT", "/v1/routes/h1", `{"type":"HOST","value":"24.239.23.40:5060"}`).want(t, 409, exists)
	c.do("PUT", "/v1/routes/sip-reg", `{"type":"HOST","value":"1.2.3.4"}`).want(t, 409, exists)

	c.do("GET", "/v1/routes/?limit=3", "").want(t, 200,
		`{"routes":{"A_b.c-9":{"type":"HOST","value":"10.1.2.3"},"h1":{"type":"HOST","value":"24.239.23.40:5060"},"h2":{"type":"HOST","value":"24.239.23.40"}},`+
			`"links":{"next":"/v1/routes/?limit=3&page=2"}}`)
	c.do("GET", "/v1/routes/?limit=3&page=3", "").want(t, 200,
		`{"routes":{"p1":{"type":"PSTN","value":"16476998778"},"sip-reg":{"type":"SIP-REG","value":null},"u1":{"type":"URI","value":"sip:16476998778@215.122.69.152:5060;transport=tcp"}},`+
			`"links":{"prev":"/v1/routes/?limit=3&page=2","next":"/v1/routes/?limit=3&page=4"}}`)
	var last struct {
		Routes map[string]any
		Links  links
	}
	c.do("GET", "/v1/routes/?limit=3&page=4", "").decode(t, &last)
	if len(last.Routes) != 3 || last.Links != (links{Prev: "/v1/routes/?limit=3&page=3"}) {
		t.Errorf("last page: %d routes, links %+v", len(last.Routes), last.Links)
	}
	c.do("GET", "/v1/routes/?limit=3&page=5", "").want(t, 200, `{}`)
}

func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	for _, path := range []string{"/v1/", "/v1/nope", "/v2x/numbers", "/", "/v1/tns/12067439178/routes", "/v1/available-tns/"} {
		c.do("GET", path, "").want(t, 404, `{"error":"Not found."}`)
	}
	for _, tt := range []struct{ method, path, allow string }{
		{"POST", "/v1/tns/", "GET"},
		{"DELETE", "/v1/tns/12067439178", "GET, PUT, PATCH"},
		{"GET", "/v1/routes/sip-reg", "PUT"},
		{"PUT", "/v1/available-tns/npas/", "GET"},
	} {
		r := c.do(tt.method, tt.path, "")
		r.want(t, 405, `{"error":"Method not allowed."}`)
		if got := r.header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Seed: 1})
	r := c.do("PUT", "/v1/routes/big", `{"type":"HOST","value":"`+strings.Repeat("a", MaxBodySize)+`"}`)
	r.want(t, 413, `{"error":"Request body too large."}`)
}

func TestAddOwnedNumber(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1})
	if err := s.AddRoute(Route{Name: "pbx", Type: "HOST", Value: "10.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddOwnedNumber(Number{TN: "12067439178", BillingMethod: "VPRI", Primary: "pbx", Failover: "sip-reg"}); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/v1/available-tns/tns/?tn=12067439178", "").want(t, 200, `{}`)
	c.do("GET", "/v1/tns/12067439178", "").want(t, 200,
		`{"billing_method":"VPRI","routes":[{"type":"HOST","name":"pbx"},{"type":"SIP-REG","name":"sip-reg"}]}`)

	for _, tt := range []struct {
		name string
		err  error
	}{
		{"duplicate route", s.AddRoute(Route{Name: "pbx", Type: "HOST", Value: "10.0.0.2"})},
		{"sip-reg route", s.AddRoute(Route{Name: "sip-reg", Type: "HOST", Value: "10.0.0.2"})},
		{"bad route value", s.AddRoute(Route{Name: "x", Type: "PSTN", Value: "12"})},
		{"owned twice", s.AddOwnedNumber(Number{TN: "12067439178"})},
		{"malformed", s.AddOwnedNumber(Number{TN: "2067439178"})},
		{"unknown route", s.AddOwnedNumber(Number{TN: "12065550100", Primary: "a", Failover: "sip-reg"})},
		{"unknown failover", s.AddOwnedNumber(Number{TN: "12065550100", Primary: "pbx", Failover: "b"})},
		{"billing", s.AddOwnedNumber(Number{TN: "12065550100", BillingMethod: "FREE"})},
	} {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestInventoryIsSeeded(t *testing.T) {
	t.Parallel()
	a, err := generateInventory(7, DefaultInventorySize)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generateInventory(7, DefaultInventorySize)
	if !slices.Equal(a, b) {
		t.Error("same seed, different inventory")
	}
	c, _ := generateInventory(8, DefaultInventorySize)
	if slices.Equal(a, c) {
		t.Error("another seed gives the same inventory")
	}
	if len(a) != DefaultInventorySize {
		t.Errorf("%d numbers, want %d", len(a), DefaultInventorySize)
	}
	costs, methods := map[string]bool{}, map[bool]bool{}
	for i, n := range a {
		if !validTN(n.tn) || n.tn[4] < '2' {
			t.Errorf("malformed %s", n.tn)
		}
		if i > 0 && a[i-1].tn >= n.tn {
			t.Errorf("not in strict numerical order at %s", n.tn)
		}
		costs[n.initialCost+"/"+n.monthlyCost] = true
		methods[n.meteredOnly] = true
	}
	if len(costs) < 3 || len(methods) != 2 {
		t.Errorf("costs %v and billing methods %v lack variety", costs, methods)
	}
	for _, tn := range pinnedNumbers {
		if _, ok := slices.BinarySearchFunc(a, tn, func(x available, tn string) int { return compareTN(x.tn, tn) }); !ok {
			t.Errorf("pinned %s missing", tn)
		}
	}
	prefixes, npas, states := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, rc := range rateCenters {
		npas[rc.npa], states[rc.state] = true, true
		for _, nxx := range rc.nxxs {
			if prefixes[rc.npa+nxx] {
				t.Errorf("exchange %s%s listed twice", rc.npa, nxx)
			}
			prefixes[rc.npa+nxx] = true
		}
	}
	if len(npas) < 20 || !states["ON"] {
		t.Errorf("%d NPAs, states %v: want at least 20 NPAs and Canada", len(npas), states)
	}
	if _, err := generateInventory(1, MaxInventorySize+1); err == nil {
		t.Error("an inventory larger than the maximum is accepted")
	}
}
