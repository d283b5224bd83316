package v2

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/front"
)

var ctx = context.Background()

func TestNew(t *testing.T) {
	t.Parallel()
	for _, bad := range []struct{ endpoint, access, secret string }{
		{"http://api.example.com/v2", "a", "s"}, // plain http off loopback
		{"https://u:p@api.example.com/v2", "a", "s"},
		{"", "", "s"},
		{"", "a", ""},
	} {
		if _, err := New(bad.endpoint, bad.access, bad.secret); err == nil {
			t.Errorf("New(%q, %q, %q): no error", bad.endpoint, bad.access, bad.secret)
		} else if strings.Contains(err.Error(), "p@") {
			t.Errorf("error shows the URL's password: %v", err)
		}
	}
	c, err := New("", testAccess, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint() != DefaultEndpoint+"/" {
		t.Errorf("endpoint %q", c.Endpoint())
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c)} {
		if strings.Contains(s, testSecret) || strings.Contains(s, testAccess) {
			t.Errorf("the client prints a key: %s", s)
		}
	}
}

// TestHeaders: Basic auth with the key pair, the JSON:API media type both ways, and no body
// (and so no Content-Type) where the SDKs send none.
func TestHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateRoute(ctx, RouteInput{Alias: "a", Type: RouteHost, Value: "h.example.com"}); err != nil {
		t.Fatal(err)
	}
	rs := e.requests()
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(testAccess+":"+testSecret))
	for _, r := range rs {
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("%s %s: Authorization %q", r.Method, r.URI, got)
		}
		if got := r.Header.Get("Accept"); got != "application/vnd.api+json" {
			t.Errorf("%s %s: Accept %q", r.Method, r.URI, got)
		}
	}
	if rs[0].Body != "" || rs[0].Header.Get("Content-Type") != "" {
		t.Errorf("a purchase without options sends %q (%q)", rs[0].Body, rs[0].Header.Get("Content-Type"))
	}
	if got := rs[1].Header.Get("Content-Type"); got != "application/vnd.api+json" {
		t.Errorf("route create Content-Type %q", got)
	}
}

// TestUnauthorized: a 401 is final, and its error names the endpoint and the server's words
// without the secret.
func TestUnauthorized(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c, err := New(e.url+"/v2", testAccess, "wrong-"+testSecret, WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetNumber(ctx, "12065550100")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || !strings.Contains(err.Error(), "Unauthorized: Authentication failed.") || !strings.Contains(err.Error(), "/v2/numbers/12065550100") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("the error shows the secret: %v", err)
	}
	if n := len(e.requests()); n != 1 {
		t.Errorf("%d requests, want 1: a 401 is not retried", n)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for name, err := range map[string]error{
		"tn":       func() error { _, err := e.client.GetNumber(ctx, "+1 206 555 0100"); return err }(),
		"short tn": e.client.ReleaseNumber(ctx, "2065550100"),
		"route id": e.client.DeleteRoute(ctx, "../numbers"),
		"route 0":  e.client.DeleteRoute(ctx, "0"),
		"update 0": func() error { _, err := e.client.UpdateRoute(ctx, "0", RouteInput{Value: "x"}); return err }(),
		"edge": func() error {
			_, err := e.client.CreateRoute(ctx, RouteInput{Alias: "a", Type: "host", Value: "h", EdgeStrategyID: "x"})
			return err
		}(),
		"no alias":  func() error { _, err := e.client.CreateRoute(ctx, RouteInput{Type: "host", Value: "h"}); return err }(),
		"callback":  e.client.SetCallback(ctx, "12065550100", "voice_callback", "https://example.com/"),
		"cb url":    e.client.SetCallback(ctx, "12065550100", SMSCallback, "example.com/x"),
		"cnam":      func() error { _, err := e.client.CreateCNAM(ctx, ""); return err }(),
		"page":      func() error { _, err := e.client.ListNumbers(ctx, NumberQuery{}, PageOptions{Limit: -1}); return err }(),
		"bulk tn":   func() error { _, err := e.client.NumberDetails(ctx, []string{"x"}); return err }(),
		"negative":  func() error { _, err := e.client.AllAvailable(ctx, AvailableQuery{}, -1); return err }(),
		"e911 id":   e.client.AssociateE911(ctx, "12065550100", ""),
		"cnam id":   func() error { _, err := e.client.AssociateCNAM(ctx, "12065550100", "a b"); return err }(),
		"get cnam":  func() error { _, err := e.client.GetCNAM(ctx, ""); return err }(),
		"e911 nums": func() error { _, err := e.client.E911Numbers(ctx, "x", PageOptions{}); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if rs := e.requests(); len(rs) != 0 {
		t.Errorf("bad input was sent: %v", lines(rs))
	}
}

func TestInventory(t *testing.T) {
	t.Parallel()
	e := setup(t)
	p, err := e.client.SearchAvailable(ctx, AvailableQuery{StartsWith: "+1206", Contains: "20", EndsWith: "4", RateCenter: "seattle", State: "wa", NumberType: "longcode", OrderBy: "monthly_cost,asc"}, PageOptions{Limit: 2, Offset: 0})
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(e.requests()); got[0] != "GET /v2/numbers/available?contains=20&ends_with=4&limit=2&number_type=longcode&order_by=monthly_cost%2Casc&rate_center=seattle&starts_with=1206&state=wa" {
		t.Errorf("request %s", got[0])
	}
	if len(p.Items) == 0 || p.Items[0].TN != forSale || p.Items[0].State != "wa" || p.Items[0].RateCenter != "seattle" || p.Items[0].MonthlyCost.String() == "0.00" {
		t.Errorf("page %+v", p)
	}
	all, err := e.client.AllAvailable(ctx, AvailableQuery{StartsWith: "1206"}, 0)
	if err != nil || len(all) < 2 {
		t.Fatalf("AllAvailable: %d, %v", len(all), err)
	}
	for i, n := range all {
		if !strings.HasPrefix(n.TN, "1206") || i > 0 && all[i-1].TN >= n.TN {
			t.Errorf("AllAvailable 1206: %s after %s", n.TN, all[max(i-1, 0)].TN)
		}
	}
	some, err := e.client.AllAvailable(ctx, AvailableQuery{}, 2)
	if err != nil || len(some) != 2 {
		t.Fatalf("AllAvailable max 2: %d, %v", len(some), err)
	}
	// (a walk may leave requests for pages past the end on the wire: look for the one wanted)
	if got := lines(e.requests()); !contains(got, "GET /v2/numbers/available?limit=2") {
		t.Errorf("a search for 2 asks for %v", got)
	}
	codes, err := e.client.AllAreaCodes(ctx, "3.25")
	if err != nil || !slices.Contains(codes, "206") || !slices.IsSorted(codes) {
		t.Errorf("area codes %v %v", codes, err)
	}
	if got := lines(e.requests()); !contains(got, "GET /v2/numbers/available/areacodes?limit=3&max_setup_cost=3.25") {
		t.Errorf("request %v", got)
	}
	ex, err := e.client.Exchanges(ctx, ExchangeQuery{AreaCode: "206"}, PageOptions{})
	if err != nil || len(ex.Items) == 0 || !slices.Contains(ex.Items, "206209") {
		t.Errorf("exchanges %+v %v", ex, err)
	}
	all2, err := e.client.AllExchanges(ctx, ExchangeQuery{})
	if err != nil || !slices.Contains(all2, "206209") || len(all2) <= len(ex.Items) {
		t.Errorf("all exchanges %v %v", all2, err)
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 10)
	var pages []int
	ns, err := e.client.AllNumbers(ctx, NumberQuery{}, func(p, n int) { pages = append(pages, p, n) })
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 10 || ns[0].TN != "12065550100" || ns[9].TN != "12065550109" || ns[0].Detailed {
		t.Errorf("numbers %+v", ns)
	}
	if diff := cmp.Diff([]int{1, 3, 2, 6, 3, 9, 4, 10}, pages); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	// Offsets come from the first page's size; the host of the links is never used.
	got := lines(e.requests())
	if got[0] != "GET /v2/numbers?limit=3" || !contains(got, "GET /v2/numbers?limit=3&offset=9") {
		t.Errorf("requests %v", got)
	}
	p, err := e.client.ListNumbers(ctx, NumberQuery{StartsWith: "1206", Contains: "55", EndsWith: "1", Alias: "Home Phone"}, PageOptions{Limit: 5, Offset: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(e.requests()); !contains(got, "GET /v2/numbers?alias=Home+Phone&contains=55&ends_with=1&limit=5&offset=5&starts_with=1206") {
		t.Errorf("request %s", got)
	}
	if len(p.Items) != 0 {
		t.Errorf("alias filter: %+v", p.Items)
	}
	n, err := e.client.GetNumber(ctx, "12065550101")
	if err != nil {
		t.Fatal(err)
	}
	if !n.Detailed || n.PrimaryRouteID != "0" || len(n.Routes) != 1 || n.Routes[0].Alias != "sip-reg" {
		t.Errorf("details %+v", n)
	}
	if _, err := e.client.GetNumber(ctx, "12065559999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown number: %v", err)
	}
}

// writes keeps the requests that are not GETs: a walk may leave GETs for pages past the end
// on the wire after it returns, which would land among later requests.
var writes = front.Writes

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func TestPurchase(t *testing.T) {
	t.Parallel()
	e := setup(t)
	yes := true
	res, err := e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{CNAMLookups: &yes, MessagingEnabled: &yes, MessagingCallbackURL: "https://example.com/sms"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Number.TN != forSale || res.Number.PrimaryRouteID != "0" || res.Warning != "" {
		t.Errorf("result %+v", res)
	}
	rs := e.requests()
	if len(rs) != 1 || rs[0].Method != "POST" || rs[0].URI != "/v2/numbers/"+forSale ||
		strings.TrimSpace(rs[0].Body) != `{"cnam_lookups_enabled":true,"messaging_callback_url":"https://example.com/sms","messaging_enabled":true}` {
		t.Errorf("requests %+v", rs)
	}
	// already owned: the server's 404, told apart by reading the number
	_, err = e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{})
	if !errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) {
		t.Errorf("buying an owned number: %v", err)
	}
	_, err = e.client.PurchaseNumber(ctx, "12065559999", PurchaseOptions{})
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "not for sale") {
		t.Errorf("buying a number not for sale: %v", err)
	}
}

// TestPurchaseStatuses: 200 (the SDK READMEs) and 201 (the docs) both succeed; 207 is a
// success with a warning, and the number is read back since the answer is not decoded.
func TestPurchaseStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 201, 207} {
		e := setup(t)
		e.override("POST /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) {
			e.fake.addNumbers(16502390214, 1) // the doc's number: bought
			w.WriteHeader(status)
			w.Write(readDoc(t, "purchase.json"))
		})
		res, err := e.client.PurchaseNumber(ctx, "16502390214", PurchaseOptions{})
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		if res.Number.TN != "16502390214" || res.Number.PrimaryRouteID != "0" {
			t.Errorf("%d: %+v", status, res)
		}
		got := lines(e.requests())
		switch status {
		case 207:
			if !strings.Contains(res.Warning, "messaging provisioning failed") || len(got) != 2 || got[1] != "GET /v2/numbers/16502390214" {
				t.Errorf("207: warning %q, requests %v", res.Warning, got)
			}
		default:
			if res.Warning != "" || len(got) != 1 || res.Number.RateCenter != "millbrae" {
				t.Errorf("%d: warning %q, requests %v, %+v", status, res.Warning, got, res.Number)
			}
		}
	}
}

func TestReleaseAndUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	alias, no := "NYC Number", false
	n, err := e.client.UpdateNumber(ctx, "12065550100", NumberUpdate{Alias: &alias, CNAMLookups: &no})
	if err != nil {
		t.Fatal(err)
	}
	if n.Alias != alias || n.CNAMLookups {
		t.Errorf("after the PATCH %+v", n)
	}
	rs := e.requests()
	if rs[0].Method != "PATCH" || strings.TrimSpace(rs[0].Body) != `{"alias":"NYC Number","cnam_lookups_enabled":false,"type":"number"}` {
		t.Errorf("PATCH %+v", rs[0])
	}
	if err := e.client.ReleaseNumber(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	if got := lines(e.requests()); len(got) != 1 || got[0] != "DELETE /v2/numbers/12065550100" {
		t.Errorf("release %v", got)
	}
	if err := e.client.ReleaseNumber(ctx, "12065550100"); !errors.Is(err, ErrNotFound) {
		t.Errorf("releasing a number not owned: %v", err)
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "HOST", Value: "24.239.23.40:5060", EdgeStrategyID: "4"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Route{ID: r.ID, Alias: "pbx", Type: "host", Value: "24.239.23.40:5060", EdgeStrategyID: "4"}); *r != want || checkID("route", r.ID) != nil || r.ID == "0" {
		t.Errorf("created %+v, want %+v", *r, want)
	}
	if got := strings.TrimSpace(e.requests()[0].Body); got != `{"data":{"attributes":{"alias":"pbx","edge_strategy_id":4,"route_type":"host","value":"24.239.23.40:5060"},"type":"route"}}` {
		t.Errorf("create body %s", got)
	}
	_, err = e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "number", Value: "12065551212"})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "Route alias already exists.") {
		t.Errorf("duplicate alias: %v", err)
	}
	for i := range 4 {
		if _, err := e.client.CreateRoute(ctx, RouteInput{Alias: fmt.Sprint("r", i), Type: "uri", Value: "sip:a@b.example.com"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.client.AllRoutes(ctx)
	if err != nil || len(all) != 6 || all[0] != (Route{ID: "0", Alias: "sip-reg", Type: "sip-reg"}) || all[5].Alias != "r3" {
		t.Errorf("routes %+v %v", all, err)
	}
	p, err := e.client.ListRoutes(ctx, "uri", PageOptions{Limit: 2})
	if err != nil || len(p.Items) != 2 || p.NextOffset != 2 {
		t.Errorf("uri page %+v %v", p, err)
	}
	u, err := e.client.UpdateRoute(ctx, r.ID, RouteInput{Value: "pbx.example.com"})
	if err != nil || u.Value != "pbx.example.com" || u.Alias != "pbx" {
		t.Errorf("update %+v %v", u, err)
	}
	e.requests()
	// in use: 403, a conflict
	e.fake.addNumbers(12065550100, 1)
	if err := e.client.SetPrimaryRoute(ctx, "12065550100", r.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetFailoverRoute(ctx, "12065550100", r.ID); err != nil {
		t.Fatal(err)
	}
	rs := writes(e.requests())
	if strings.TrimSpace(rs[0].Body) != `{"data":{"id":"`+r.ID+`","type":"route"}}` || rs[1].URI != "/v2/numbers/12065550100/relationships/failover_route" {
		t.Errorf("relationship requests %+v", rs)
	}
	if err := e.client.DeleteRoute(ctx, r.ID); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "still associated") {
		t.Errorf("deleting a route in use: %v", err)
	}
	if err := e.client.RemovePrimaryRoute(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	if err := e.client.RemoveFailoverRoute(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	n, _ := e.client.GetNumber(ctx, "12065550100")
	if n.PrimaryRouteID != "0" || n.FailoverRouteID != "" {
		t.Errorf("after removing: %+v", n)
	}
	if err := e.client.DeleteRoute(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.client.DeleteRoute(ctx, r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a deleted route: %v", err)
	}
	es, err := e.client.EdgeStrategies(ctx)
	if err != nil || len(es) != 2 || es[0].ID != "4" || es[0].Name != "US-East-VA" {
		t.Errorf("edge strategies %+v %v", es, err)
	}
}

func TestCallbacks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	for _, ct := range []CallbackType{SMSCallback, MMSCallback, SMSDLRCallback, MMSDLRCallback} {
		if err := e.client.SetCallback(ctx, "12065550100", ct, "https://example.com/"+string(ct)); err != nil {
			t.Fatal(err)
		}
	}
	rs := e.requests()
	if len(rs) != 4 || rs[2].URI != "/v2/numbers/12065550100/relationships/sms_dlr_callback" || strings.TrimSpace(rs[0].Body) != `{"data":{"attributes":{"callback_url":"https://example.com/sms_callback"}}}` {
		t.Errorf("requests %+v", rs)
	}
	cb, err := e.client.GetCallback(ctx, "12065550100", MMSCallback)
	if err != nil || *cb != (Callback{URL: "https://example.com/mms_callback", Product: "mms_callback", APIVersion: "v2.1"}) {
		t.Errorf("get %+v %v", cb, err)
	}
	if err := e.client.RemoveCallback(ctx, "12065550100", MMSCallback); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetCallback(ctx, "12065550100", MMSCallback); !errors.Is(err, ErrNotFound) {
		t.Errorf("after remove: %v", err)
	}
}

func TestCNAM(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	c, err := e.client.CreateCNAM(ctx, "Bob Law")
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != "BOB LAW" || c.IsApproved {
		t.Errorf("created %+v", c)
	}
	if got := strings.TrimSpace(e.requests()[0].Body); got != `{"value":"Bob Law"}` {
		t.Errorf("create body %s", got)
	}
	if _, err := e.client.CreateCNAM(ctx, "bob law"); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate value: %v", err)
	}
	u, err := e.client.UpdateCNAM(ctx, c.ID, "Bob Laws")
	if err != nil || u.Value != "BOB LAWS" {
		t.Errorf("update %+v %v", u, err)
	}
	if _, err := e.client.AssociateCNAM(ctx, "12065550100", c.ID); status(err) != 422 {
		t.Errorf("associating a pending record: %v", err)
	}
	e.approve(c.ID)
	e.requests()
	a, err := e.client.AssociateCNAM(ctx, "12065550100", c.ID)
	if _, perr := time.Parse(time.RFC1123, a.DateCreated); err != nil || a.ID != c.ID || perr != nil {
		t.Errorf("associate %+v %v", a, err)
	}
	if got := lines(e.requests()); !contains(got, "PATCH /v2/numbers/12065550100/relationships/cnams/"+c.ID) {
		t.Errorf("associate request %v", got)
	}
	g, err := e.client.GetCNAM(ctx, c.ID)
	if err != nil || !g.IsApproved {
		t.Errorf("get %+v %v", g, err)
	}
	yes := true
	p, err := e.client.ListCNAMs(ctx, CNAMQuery{Value: "bob", IsApproved: &yes}, PageOptions{})
	if err != nil || len(p.Items) != 1 {
		t.Errorf("list %+v %v", p, err)
	}
	if got := lines(e.requests()); !contains(got, "GET /v2/cnams?is_approved=true&value=bob") {
		t.Errorf("list request %v", got)
	}
	if err := e.client.UnassociateCNAM(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	if err := e.client.DeleteCNAM(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetCNAM(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

var office = E911Fields{Label: "Office", FirstName: "Chris", LastName: "Smith", StreetNumber: "1218", StreetName: "3rd Ave",
	AddressType: "Suite", AddressTypeNumber: "600", City: "Seattle", State: "WA", Country: "US", Zip: "98101"}

func TestE911(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	if err := e.client.ValidateE911(ctx, office); err != nil {
		t.Fatal(err)
	}
	bad := office
	bad.Zip = "9"
	err := e.client.ValidateE911(ctx, bad)
	if status(err) != 422 || !strings.Contains(err.Error(), "zip: ZIP code must be") {
		t.Errorf("zip: %v", err)
	}
	bad = office
	bad.StreetName = "Nowhere Rd" // the sandbox cannot geocode it
	if err := e.client.ValidateE911(ctx, bad); status(err) != 400 || !strings.Contains(err.Error(), "Could not geocode") {
		t.Errorf("geocode: %v", err)
	}
	a, err := e.client.CreateE911(ctx, office)
	if err != nil || a.E911Fields != office {
		t.Fatalf("create %+v %v", a, err)
	}
	rs := e.requests()
	if got := strings.TrimSpace(rs[len(rs)-1].Body); got != `{"data":{"attributes":{"address_type":"Suite","address_type_number":"600","city":"Seattle","country":"US","first_name":"Chris","label":"Office","last_name":"Smith","state":"WA","street_name":"3rd Ave","street_number":"1218","zip":"98101"},"type":"e911"}}` {
		t.Errorf("create body %s", got)
	}
	// The same address again is a duplicate, which Flowroute refuses (the Node SDK expects
	// the 403); labels need not be unique, so another address may carry the same one.
	if _, err := e.client.CreateE911(ctx, office); status(err) != 403 || !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "Duplicate address.") {
		t.Errorf("the same address again: %v, want 403 Duplicate address., a conflict", err)
	}
	annex := office
	annex.AddressTypeNumber = "700"
	b, err := e.client.CreateE911(ctx, annex) // labels need not be unique
	if err != nil {
		t.Fatal(err)
	}
	all, err := e.client.AllE911s(ctx, E911Query{})
	if err != nil || len(all) != 2 || all[0].ID != a.ID { // the server lists newest first; the result is by id
		t.Errorf("all %+v %v", all, err)
	}
	u, err := e.client.UpdateE911(ctx, b.ID, E911Fields{LastName: "Wiley"})
	if err != nil || u.LastName != "Wiley" || u.FirstName != "Chris" {
		t.Errorf("update %+v %v", u, err)
	}
	if err := e.client.AssociateE911(ctx, "12065550100", a.ID); err != nil {
		t.Fatal(err)
	}
	ns, err := e.client.AllE911Numbers(ctx, a.ID)
	if err != nil || len(ns) != 1 || ns[0].TN != "12065550100" {
		t.Errorf("numbers %+v %v", ns, err)
	}
	if err := e.client.DeleteE911(ctx, a.ID); !errors.Is(err, ErrConflict) {
		t.Errorf("deleting an address in use: %v", err)
	}
	if err := e.client.DisconnectE911(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	if err := e.client.DeleteE911(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetE911(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	got := lines(e.requests())
	for _, want := range []string{"PATCH /v2/numbers/12065550100/relationships/e911s/" + a.ID, "DELETE /v2/numbers/12065550100/relationships/e911s", "GET /v2/e911s/" + a.ID + "/relationships/numbers?limit=3"} {
		if !contains(got, want) {
			t.Errorf("no %s in %v", want, got)
		}
	}
}

// TestDocumentedDefaults: the defaults the documentation of the constants states are the
// client's.
func TestDocumentedDefaults(t *testing.T) {
	t.Parallel()
	p := DefaultRetryPolicy
	if DefaultParallelism != 8 || DefaultRateLimit != 20 || DefaultBurst != 10 || DefaultTimeout != 30*time.Second ||
		DefaultMaxPages != 10_000 || DefaultMaxItems != 250_000 || DefaultBulkSize != 100 ||
		p.MaxAttempts != 4 || p.MinBackoff != 250*time.Millisecond || p.MaxBackoff != 10*time.Second || p.RateLimitAttempts != 20 || p.RateLimitWait != 5*time.Minute {
		t.Errorf("defaults changed: update the documentation of DefaultParallelism and DefaultRetryPolicy")
	}
}
