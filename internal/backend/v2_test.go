package backend

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/front"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

func TestV2Capabilities(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := NewV2(e.client)
	want := account.Capabilities{API: "v2", ChangeRoute: true, DeleteRoute: true, EdgeStrategy: true, ReleaseNumber: true,
		Alias: true, CNAMLookups: true, CNAM: true, E911: true, Messaging: true, BulkDetails: true, FailoverOptional: true, SearchStartsWith: true}
	if diff := cmp.Diff(want, b.Capabilities()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	e.override("POST /v2.1/numbers/details", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Could not find that resource on your account.")
	})
	if ok, err := e.client.ProbeBulkDetails(ctx); ok || err != nil {
		t.Fatal(ok, err)
	}
	if b.Capabilities().BulkDetails {
		t.Error("BulkDetails after the server said it has none")
	}
}

func TestV2Routes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := NewV2(e.client)
	e.addNumbers(12065550100, 1)
	pstn, err := b.CreateRoute(ctx, account.Route{Name: "cell", Route: spec.Route{Type: spec.RoutePSTN, Value: "16476998778"}})
	if err != nil {
		t.Fatal(err)
	}
	if pstn.ID == "" || pstn.Name != "cell" || pstn.Type != spec.RoutePSTN {
		t.Errorf("created %+v", pstn)
	}
	if got := e.requests()[0].Body; !strings.Contains(got, `"route_type":"number"`) {
		t.Errorf("body %s", got)
	}
	pbx, err := b.CreateRoute(ctx, account.Route{Name: "pbx", Route: spec.Route{Type: spec.RouteHost, Value: "10.0.0.1:5060", EdgeStrategy: "4"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateRoute(ctx, account.Route{Name: "pbx", Route: spec.Route{Type: spec.RouteURI, Value: "sip:a@b.example.com"}}); !errors.Is(err, account.ErrConflict) {
		t.Errorf("name taken: %v", err)
	}
	rs, err := b.Routes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []account.Route{
		{ID: "0", Name: "sip-reg", Route: spec.Route{Type: "SIP-REG"}},
		{ID: pstn.ID, Name: "cell", Route: spec.Route{Type: "PSTN", Value: "16476998778"}},
		{ID: pbx.ID, Name: "pbx", Route: spec.Route{Type: "HOST", Value: "10.0.0.1:5060", EdgeStrategy: "4"}},
	}
	if diff := cmp.Diff(want, rs); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}

	// SetRoutes by name: the ids go on the wire, the two routes at once; failover "" removes
	// the failover
	e.requests()
	if err := b.SetRoutes(ctx, "12065550100", "pbx", "cell"); err != nil {
		t.Fatal(err)
	}
	n, err := b.Number(ctx, "12065550100")
	if err != nil {
		t.Fatal(err)
	}
	if n.PrimaryRoute != "pbx" || n.FailoverRoute != "cell" || !n.Detailed {
		t.Errorf("number %+v", n)
	}
	if err := b.SetRoutes(ctx, "12065550100", "sip-reg", ""); err != nil {
		t.Fatal(err)
	}
	got := front.Lines(front.Writes(e.requests()))
	wantReqs := []string{
		"PATCH /v2/numbers/12065550100/relationships/failover_route", "PATCH /v2/numbers/12065550100/relationships/primary_route",
		"DELETE /v2/numbers/12065550100/relationships/failover_route", "PATCH /v2/numbers/12065550100/relationships/primary_route",
	}
	if len(got) == 4 { // in flight together: either order
		slices.Sort(got[:2])
		slices.Sort(got[2:])
	}
	if diff := cmp.Diff(wantReqs, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if err := b.SetRoutes(ctx, "12065550100", "nope", ""); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("unknown route: %v", err)
	}
	if w := front.Writes(e.requests()); len(w) != 0 {
		t.Errorf("an unknown route sent %v", front.Lines(w))
	}

	// update and delete by name; a route in use is a conflict
	if err := b.UpdateRoute(ctx, account.Route{Name: "pbx", Route: spec.Route{Type: spec.RouteURI, Value: "sip:pbx@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetRoutes(ctx, "12065550100", "pbx", ""); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteRoute(ctx, account.Route{Name: "pbx"}); !errors.Is(err, account.ErrConflict) {
		t.Errorf("deleting a route in use: %v", err)
	}
	if err := b.DeleteRoute(ctx, account.Route{Name: "cell"}); err != nil {
		t.Fatal(err)
	}
	rs, _ = b.Routes(ctx)
	if len(rs) != 2 || rs[1].Type != "URI" || rs[1].Value != "sip:pbx@example.com" {
		t.Errorf("routes %+v", rs)
	}
}

func TestV2Numbers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := NewV2(e.client)
	e.addNumbers(12065550100, 4)
	if err := b.SetAlias(ctx, "12065550101", "front desk"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetCNAMLookups(ctx, "12065550101", false); err != nil {
		t.Fatal(err)
	}
	ns, err := b.Numbers(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 4 || ns[1].Alias != "front desk" || *ns[1].CNAMLookups || !*ns[0].CNAMLookups || ns[0].Detailed || ns[0].PrimaryRoute != "" {
		t.Errorf("numbers %+v", ns)
	}
	ds, err := b.Details(ctx, []string{"12065550101", "12065550102"})
	if err != nil || len(ds) != 2 || ds[0].PrimaryRoute != "sip-reg" || ds[0].Alias != "front desk" || !ds[0].Detailed {
		t.Errorf("details %+v %v", ds, err)
	}
	if _, err := b.Number(ctx, "12065559999"); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("unknown number: %v", err)
	}

	o, err := b.Lookup(ctx, forSale)
	if err != nil || o.TN != forSale || o.MonthlyCost.String() == "0.00" || len(o.BillingMethods) != 0 {
		t.Errorf("lookup %+v %v", o, err)
	}
	if _, err := b.Lookup(ctx, "12065559999"); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("lookup of a number not for sale: %v", err)
	}
	e.requests()
	offers, err := b.Search(ctx, account.SearchQuery{NPA: "206", NXX: "209"}, 0)
	if err != nil || len(offers) == 0 || !slices.ContainsFunc(offers, func(o account.Offer) bool { return o.TN == forSale }) {
		t.Errorf("search %+v %v", offers, err)
	}
	for _, o := range offers { // v2 answers "wa", "seattle"; offers read as v1's do
		if o.State != strings.ToUpper(o.State) || o.RateCenter != strings.ToUpper(o.RateCenter) || o.State == "" || !strings.HasPrefix(o.TN, "1206209") {
			t.Errorf("offer %s: state %q, rate center %q: want upper case, and the exchange asked for", o.TN, o.State, o.RateCenter)
		}
	}
	if got := front.Lines(e.requests()); !slices.Contains(got, "GET /v2/numbers/available?limit=3&starts_with=1206209") {
		t.Errorf("search requests %v", got)
	}
	if _, err := b.Search(ctx, account.SearchQuery{NXX: "209"}, 0); err == nil {
		t.Error("NXX without NPA: no error")
	}

	if err := b.Purchase(ctx, forSale, spec.BillingMetered); err == nil || !strings.Contains(err.Error(), "no billing methods") {
		t.Errorf("billing method: %v", err)
	}
	if err := b.Purchase(ctx, forSale, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Purchase(ctx, forSale, ""); !errors.Is(err, account.ErrConflict) {
		t.Errorf("buying twice: %v", err)
	}
	if err := b.Release(ctx, forSale); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Number(ctx, forSale); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("after release: %v", err)
	}
}

// TestV2Warn: a purchase answered 207 succeeds, and the warning goes to Warn.
func TestV2Warn(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.override("POST /v2/numbers/{tn}", e.front.RunThen(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMultiStatus)
		w.Write([]byte(`{"errors":[{"detail":"Message Provision API unavailable","status":207}]}`))
	}))
	b := NewV2(e.client)
	var warned []string
	b.Warn = func(msg string) { warned = append(warned, msg) }
	if err := b.Purchase(ctx, forSale, ""); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "Message Provision API unavailable") {
		t.Errorf("warnings %q", warned)
	}
}

func TestV2CNAMAndE911(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := NewV2(e.client)
	e.addNumbers(12065550100, 1)
	c, err := b.CreateCNAM(ctx, "Acme Inc")
	if err != nil || c.Value != "ACME INC" || c.Status != account.CNAMPending {
		t.Fatalf("create %+v %v", c, err)
	}
	e.approve(c.ID)
	cs, err := b.CNAMs(ctx)
	if err != nil || len(cs) != 1 || cs[0].Status != account.CNAMApproved {
		t.Errorf("cnams %+v %v", cs, err)
	}
	if err := b.AssociateCNAM(ctx, "12065550100", c.ID); err != nil {
		t.Fatal(err)
	}
	// the CNAM value comes from included, or else from the record
	n, err := b.Number(ctx, "12065550100")
	if err != nil || n.CNAM != "ACME INC" || n.CNAMPending {
		t.Errorf("number %+v %v", n, err)
	}
	e.override("GET /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":{"type":"number","id":"12065550100","attributes":{"value":"12065550100"},"relationships":{"primary_route":{"data":{"type":"route","id":"0"}},"cnam_preset":{"data":{"type":"cnam","id":` + c.ID + `}}}}}`))
	})
	b2 := NewV2(e.client)
	if n, err := b2.Number(ctx, "12065550100"); err != nil || n.CNAM != "ACME INC" || n.PrimaryRoute != "sip-reg" {
		t.Errorf("without included: %+v %v", n, err)
	}
	if err := b.AssociateCNAM(ctx, "12065550100", ""); err != nil {
		t.Fatal(err)
	}

	addr := spec.E911Address{FirstName: "Chris", LastName: "Smith", StreetNumber: "1218", StreetName: "3rd Ave", City: "Seattle", State: "WA", Country: "US", Zip: "98101"}
	if _, err := b.CreateE911(ctx, account.E911Address{E911Address: addr}); err == nil {
		t.Error("an address without a name was created")
	}
	a, err := b.CreateE911(ctx, account.E911Address{Name: "hq", E911Address: addr})
	if err != nil || a.ID == "" || a.E911Address != addr || a.Name != "hq" {
		t.Fatalf("create %+v %v", a, err)
	}
	if got := e.requests(); !strings.Contains(got[len(got)-1].Body, `"label":"hq"`) {
		t.Errorf("label: %s", got[len(got)-1].Body)
	}
	a.Zip = "98104"
	if err := b.UpdateE911(ctx, a); err != nil {
		t.Fatal(err)
	}
	as, err := b.E911Addresses(ctx)
	if err != nil || len(as) != 1 || as[0].Zip != "98104" {
		t.Errorf("addresses %+v %v", as, err)
	}
	if err := b.AssociateE911(ctx, "12065550100", a.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.AssociateE911(ctx, "12065550100", ""); err != nil {
		t.Fatal(err)
	}
	if err := b.SetCallbacks(ctx, "12065550100", spec.Messaging{SMSCallback: "https://example.com/sms", MMSDLRCallback: "https://example.com/dlr"}); err != nil {
		t.Fatal(err)
	}
	got := front.Lines(front.Writes(e.requests()))
	for _, w := range []string{"PATCH /v2/numbers/12065550100/relationships/e911s/" + a.ID, "DELETE /v2/numbers/12065550100/relationships/e911s",
		"POST /v2/numbers/12065550100/relationships/sms_callback", "POST /v2/numbers/12065550100/relationships/mms_dlr_callback"} {
		if !slices.Contains(got, w) {
			t.Errorf("no %s in %v", w, got)
		}
	}
	if len(got) != 5 { // the E911 PATCH, associate, disconnect, two callbacks
		t.Errorf("writes %v", got)
	}
	m, err := b.Callbacks(ctx, "12065550100")
	if want := (spec.Messaging{SMSCallback: "https://example.com/sms", MMSDLRCallback: "https://example.com/dlr"}); err != nil || m != want {
		t.Errorf("callbacks %+v %v, want %+v", m, err, want)
	}
}

// TestV2UnknownRouteID: a route id no list shows keeps its id as its name, and the routes
// are read once for it, not once per number.
func TestV2UnknownRouteID(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.override("POST /v2.1/numbers/details", func(w http.ResponseWriter, r *http.Request) {
		var data []any
		for _, tn := range []string{"12065550100", "12065550101", "12065550102"} {
			data = append(data, map[string]any{"type": "number", "id": tn, "attributes": map[string]any{"value": tn},
				"relationships": map[string]any{"voice_primary_route": map[string]any{"data": map[string]any{"type": "route", "id": "0"}},
					"voice_failover_route": map[string]any{"data": map[string]any{"type": "route", "id": "424242"}}}})
		}
		writeJSON(w, 200, map[string]any{"data": data})
	})
	b := NewV2(e.client)
	ds, err := b.Details(ctx, []string{"12065550100", "12065550101", "12065550102"})
	if err != nil || len(ds) != 3 || ds[2].FailoverRoute != "424242" || ds[2].PrimaryRoute != "sip-reg" {
		t.Fatalf("%+v %v", ds, err)
	}
	var walks int
	for _, l := range front.Lines(e.requests()) {
		if l == "GET /v2/routes?limit=3" {
			walks++
		}
	}
	if walks != 1 {
		t.Errorf("%d walks of the routes, want 1", walks)
	}
}

// renameBehind renames route "office" to "old-office" and creates another "office" past the
// backend, as another writer would, and returns the new route's id.
func renameBehind(t *testing.T, e *env, oldID string) string {
	t.Helper()
	if _, err := e.client.UpdateRoute(ctx, oldID, v2.RouteInput{Alias: "old-office"}); err != nil {
		t.Fatal(err)
	}
	nr, err := e.client.CreateRoute(ctx, v2.RouteInput{Alias: "office", Type: v2.RouteHost, Value: "10.0.0.2"})
	if err != nil {
		t.Fatal(err)
	}
	return nr.ID
}

// TestV2SetRoutesTrustsTheCache: SetRoutes by name sends the ids the cache has and reads
// nothing, not even when another writer renamed the route the cache knows as "office" and
// created a new "office": the number ends on the old route, and a read of the number (as the
// plan after apply reads it) names that route "old-office", so the difference is reported
// there. Once the routes are read again, "office" is the new route.
func TestV2SetRoutesTrustsTheCache(t *testing.T) {
	t.Parallel()
	for _, rel := range []string{"primary", "failover"} {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			e, b, old := withOffice(t)
			if _, err := b.Routes(ctx); err != nil {
				t.Fatal(err)
			}
			newID := renameBehind(t, e, old.ID)
			e.requests()
			primary, failover := "office", ""
			if rel == "failover" {
				primary, failover = "sip-reg", "office"
			}
			if err := b.SetRoutes(ctx, "12065550100", primary, failover); err != nil {
				t.Fatal(err)
			}
			for _, r := range e.requests() {
				if r.Method == http.MethodGet {
					t.Errorf("SetRoutes read %s", r.URI)
				}
			}
			n, err := b.Number(ctx, "12065550100")
			if err != nil {
				t.Fatal(err)
			}
			got := n.PrimaryRoute
			if rel == "failover" {
				got = n.FailoverRoute
			}
			if got != "old-office" {
				t.Errorf("%s route %q, want old-office: the route the stale cache named office", rel, got)
			}
			if _, err := b.Routes(ctx); err != nil {
				t.Fatal(err)
			}
			if err := b.SetRoutes(ctx, "12065550100", primary, failover); err != nil {
				t.Fatal(err)
			}
			m, err := e.client.GetNumber(ctx, "12065550100")
			if err != nil {
				t.Fatal(err)
			}
			if id := map[string]string{"primary": m.PrimaryRouteID, "failover": m.FailoverRouteID}[rel]; id != newID {
				t.Errorf("after reading the routes: %s route id %s, want %s (office now)", rel, id, newID)
			}
		})
	}
}

// TestV2SetRoutesCost: SetRoutes by name with a cache that knows the routes is the two
// writes, and nothing else.
func TestV2SetRoutesCost(t *testing.T) {
	t.Parallel()
	e, b, _ := withOffice(t)
	e.requests()
	for _, primary := range []string{"office", "sip-reg"} {
		if err := b.SetRoutes(ctx, "12065550100", primary, ""); err != nil {
			t.Fatal(err)
		}
		got := front.Lines(e.requests())
		slices.Sort(got)
		want := []string{"DELETE /v2/numbers/12065550100/relationships/failover_route", "PATCH /v2/numbers/12065550100/relationships/primary_route"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: requests (-want +got):\n%s", primary, diff)
		}
	}
}

// TestV2SetRoutesAtOnce: the primary and the failover route are set by two requests in
// flight together; when one fails, SetRoutes returns its error, and a lost answer makes the
// error an unknown outcome.
func TestV2SetRoutesAtOnce(t *testing.T) {
	t.Parallel()
	e, b, _ := withOffice(t)
	var arrived sync.WaitGroup // each of the two waits (a while, at most) for the other
	arrived.Add(2)
	together := make(chan struct{})
	go func() { arrived.Wait(); close(together) }()
	var alone atomic.Int32
	var meeting atomic.Bool // only the first SetRoutes meets
	meeting.Store(true)
	meet := func(w http.ResponseWriter, r *http.Request) {
		if meeting.Load() {
			arrived.Done()
			select {
			case <-together:
			case <-time.After(10 * time.Second):
				alone.Add(1)
			}
		}
		e.sb.ServeHTTP(w, r)
	}
	e.override("PATCH /v2/numbers/{tn}/relationships/primary_route", meet)
	e.override("PATCH /v2/numbers/{tn}/relationships/failover_route", meet)
	if err := b.SetRoutes(ctx, "12065550100", "office", "office"); err != nil {
		t.Fatal(err)
	}
	if alone.Load() != 0 {
		t.Error("the two routes were not set at once")
	}
	meeting.Store(false)

	e.override("DELETE /v2/numbers/{tn}/relationships/failover_route", e.lose(503))
	err := b.SetRoutes(ctx, "12065550100", "sip-reg", "")
	if !errors.Is(err, account.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "failover_route") {
		t.Errorf("failover lost: %v", err)
	}
	n, err := e.client.GetNumber(ctx, "12065550100")
	if err != nil || n.PrimaryRouteID != "0" || n.FailoverRouteID != "" {
		t.Errorf("number %+v %v: the primary set, the failover removed before its answer was lost", n, err)
	}
}

// TestV2RouteEditsKeepCache: a rename through UpdateRoute and a create under the old
// alias leave the cache right without reading the routes; an update by name goes by the
// cache; a delete by name after a rename behind the backend's back deletes the route named so
// now.
func TestV2RouteEditsKeepCache(t *testing.T) {
	t.Parallel()
	e, b, old := withOffice(t)
	if err := b.UpdateRoute(ctx, account.Route{ID: old.ID, Name: "old-office", Route: spec.Route{Type: spec.RouteHost, Value: "10.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	nr, err := b.CreateRoute(ctx, account.Route{Name: "office", Route: spec.Route{Type: spec.RouteHost, Value: "10.0.0.2"}})
	if err != nil {
		t.Fatal(err)
	}
	e.requests()
	if err := b.SetRoutes(ctx, "12065550100", "office", "old-office"); err != nil {
		t.Fatal(err)
	}
	if err := b.UpdateRoute(ctx, account.Route{Name: "old-office", Route: spec.Route{Type: spec.RouteHost, Value: "10.0.0.3"}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range front.Lines(e.requests()) {
		if strings.HasPrefix(l, "GET ") {
			t.Errorf("read %s with a cache the backend's own edits kept right", l)
		}
	}
	n, err := e.client.GetNumber(ctx, "12065550100")
	if err != nil || n.PrimaryRouteID != nr.ID || n.FailoverRouteID != old.ID || len(n.Routes) != 2 || n.Routes[1].Value != "10.0.0.3" {
		t.Errorf("number %+v %v, want primary %s, failover %s of value 10.0.0.3", n, err, nr.ID, old.ID)
	}

	// rename behind the backend: "office" (nr) becomes "spare", "old-office" becomes "office"
	if err := b.SetRoutes(ctx, "12065550100", "sip-reg", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.UpdateRoute(ctx, nr.ID, v2.RouteInput{Alias: "spare"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.UpdateRoute(ctx, old.ID, v2.RouteInput{Alias: "office"}); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteRoute(ctx, account.Route{Name: "office"}); err != nil {
		t.Fatal(err)
	}
	rs, err := b.Routes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[1].ID != nr.ID || rs[1].Name != "spare" {
		t.Errorf("routes after deleting office: %+v, want sip-reg and %s (spare)", rs, nr.ID)
	}
}

// TestV2EdgeStrategies: the PoPs by id and name, for the plan's check of edge_strategy.
func TestV2EdgeStrategies(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var lister account.EdgeStrategyLister = NewV2(e.client)
	es, err := lister.EdgeStrategies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]account.EdgeStrategy{{ID: "4", Name: "US-East-VA"}, {ID: "7", Name: "US-West-OR"}}, es); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := front.Lines(e.requests()); len(got) != 1 || got[0] != "GET /v2/routes/edge_strategies" {
		t.Errorf("requests %v", got)
	}
}
