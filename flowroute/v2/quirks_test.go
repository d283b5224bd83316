package v2

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// serve answers pattern with the doc example file, with status.
func (e *env) serve(pattern, file string, status int) {
	b := readDoc(e.t, file)
	e.override(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(status)
		w.Write(b)
	})
}

// TestDocExamplesOverTheWire: every example answer of the doc, served as it is, decodes
// through the client's methods (the decoder tests check the fields in detail).
func TestDocExamplesOverTheWire(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.serve("GET /v2/numbers/available", "available.json", 200)
	e.serve("GET /v2/numbers/available/areacodes", "areacodes.json", 200)
	e.serve("GET /v2/numbers/available/exchanges", "exchanges.json", 200)
	e.serve("GET /v2/numbers", "numbers.json", 200)
	e.serve("GET /v2/numbers/{tn}", "number.json", 200)
	e.serve("PATCH /v2/numbers/{tn}", "number-patch.json", 200)
	e.serve("POST /v2.1/numbers/details", "details-v21.json", 200)
	e.serve("GET /v2/routes", "routes.json", 200)
	e.serve("POST /v2/routes", "route-create.json", 201)
	e.serve("GET /v2/routes/edge_strategies", "edge-strategies.json", 200)
	e.serve("GET /v2/cnams", "cnams.json", 200)
	e.serve("POST /v2/cnams", "cnam-create.json", 201)
	e.serve("GET /v2/cnams/{id}", "cnam-get.json", 200)
	e.serve("PATCH /v2/numbers/{tn}/relationships/cnams/{id}", "cnam-associate.json", 202)
	e.serve("DELETE /v2/numbers/{tn}/relationships/cnams", "cnam-unassociate.json", 202)
	e.serve("GET /v2/e911s", "e911s.json", 200)
	e.serve("POST /v2/e911s", "e911-create.json", 201)
	e.serve("GET /v2/e911s/{id}", "e911-create.json", 200)
	e.serve("GET /v2/e911s/{id}/relationships/numbers", "e911-numbers.json", 200)

	check := func(what string, ok bool, err error) {
		t.Helper()
		if err != nil || !ok {
			t.Errorf("%s: ok %v, err %v", what, ok, err)
		}
	}
	av, err := e.client.SearchAvailable(ctx, AvailableQuery{StartsWith: "646"}, PageOptions{Limit: 3})
	check("available", err == nil && len(av.Items) == 3 && av.Items[2].SetupCost.String() == "3.99" && av.NextOffset == 3, err)
	ac, err := e.client.AreaCodes(ctx, "3.25", PageOptions{Limit: 3})
	check("areacodes", err == nil && ac.Items[0] == "201", err)
	ex, err := e.client.Exchanges(ctx, ExchangeQuery{AreaCode: "347"}, PageOptions{Limit: 3})
	check("exchanges", err == nil && ex.Items[2] == "347331", err)
	ns, err := e.client.ListNumbers(ctx, NumberQuery{StartsWith: "201"}, PageOptions{Limit: 3})
	check("numbers", err == nil && len(ns.Items) == 2 && !ns.HasNext() && ns.Items[0].Alias == "", err)
	n, err := e.client.GetNumber(ctx, "16502390214")
	check("number", err == nil && n.PrimaryRouteID == "0" && n.FailoverRouteID == "", err)
	alias := "NYC Number"
	n, err = e.client.UpdateNumber(ctx, "16463451234", NumberUpdate{Alias: &alias})
	check("patch", err == nil && n.Alias == "My NYC number" && n.FailoverRouteID == "83834" && n.CNAM != nil && n.E911 != nil, err)
	ds, err := e.client.NumberDetails(ctx, []string{"12064201234", "12064621234"})
	check("details", err == nil && len(ds) == 2 && ds[0].FailoverRouteID == "48112", err)
	rs, err := e.client.ListRoutes(ctx, "", PageOptions{Limit: 2})
	check("routes", err == nil && rs.Items[0].Type == "sip-reg" && rs.Items[0].Value == "", err)
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "new route", Type: "host", Value: "il775u.sonsofodin.com"})
	check("route create without /v2", err == nil && r.ID == "98396", err)
	es, err := e.client.EdgeStrategies(ctx)
	check("edge strategies", err == nil && es[0].ID == "4", err)
	cs, err := e.client.ListCNAMs(ctx, CNAMQuery{}, PageOptions{})
	check("cnams", err == nil && len(cs.Items) == 2, err)
	c, err := e.client.CreateCNAM(ctx, "FR H5K8")
	check("cnam create", err == nil && c.ID == "23454" && !c.IsApproved, err)
	c, err = e.client.GetCNAM(ctx, "17604")
	check("cnam get", err == nil && len(c.Numbers) == 1, err)
	a, err := e.client.AssociateCNAM(ctx, "12062011682", "17604")
	check("cnam associate, integer id", err == nil && a.ID == "17604" && a.DateCreated != "", err)
	err = e.client.UnassociateCNAM(ctx, "12062011682")
	check("cnam unassociate, null id", true, err)
	ad, err := e.client.ListE911s(ctx, E911Query{}, PageOptions{Limit: 2})
	check("e911s", err == nil && ad.Items[0].Country == "USA" && ad.NextOffset == 2, err)
	addr, err := e.client.CreateE911(ctx, office)
	check("e911 create", err == nil && addr.ID == "21301" && addr.AddressType == "", err)
	addr, err = e.client.GetE911(ctx, "21301")
	check("e911 get", err == nil && addr.Zip == "98101", err)
	en, err := e.client.E911Numbers(ctx, "20155", PageOptions{})
	check("e911 numbers by value, not id", err == nil && en.Items[0].TN == "12065014377", err)
}

// TestErrorShapes: every error body of the doc, served with its status, gives an error that
// names the request, carries the server's words, and matches the neutral error it stands for.
func TestErrorShapes(t *testing.T) {
	t.Parallel()
	data := readDoc(t, "errors.jsonl")
	sc := bufio.NewScanner(bytes.NewReader(data))
	want := []struct {
		status int
		text   string
		is     error
	}{
		{401, "Unauthorized: Authentication failed.", nil},
		{403, "ActionNotAuthorizedError", nil},
		{404, "Could not find that resource on your account.", ErrNotFound},
		{405, "Method Not Allowed: The method is not allowed for the requested URL.", nil},
		{400, "Client Error: Could not geocode this address.", nil},
		{422, "zip: ZIP code must be at least 4 and at most 7 digits long", nil},
	}
	for i := 0; sc.Scan(); i++ {
		body := append([]byte(nil), sc.Bytes()...)
		w := want[i]
		e := setup(t)
		e.override("GET /v2/e911s/{id}", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(w.status)
			rw.Write(body)
		})
		_, err := e.client.GetE911(ctx, "21301")
		if status(err) != w.status || !strings.Contains(err.Error(), w.text) || !strings.Contains(err.Error(), "GET /v2/e911s/21301") {
			t.Errorf("%d: %v", w.status, err)
		}
		if w.is != nil && !errors.Is(err, w.is) {
			t.Errorf("%d: %v does not match %v", w.status, err, w.is)
		}
	}
	// a body that is no envelope, and none at all
	e := setup(t)
	e.override("GET /v2/e911s/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		w.Write([]byte("<html>Bad Gateway</html>"))
	})
	if _, err := e.client.GetE911(ctx, "1"); status(err) != 502 || !strings.Contains(err.Error(), "<html>Bad Gateway</html>") {
		t.Errorf("html: %v", err)
	}
}

// TestUndecodableAnswers: a success whose body is not the document is an error naming the
// request, not a panic or a zero value.
func TestUndecodableAnswers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, p := range []string{"GET /v2/numbers/{tn}", "GET /v2/routes", "GET /v2/cnams/{id}"} {
		e.override(p, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":"nope"}`)) })
	}
	if _, err := e.client.GetNumber(ctx, "12065550100"); err == nil || !strings.Contains(err.Error(), "GET /numbers/12065550100: decoding the answer") {
		t.Errorf("number: %v", err)
	}
	if _, err := e.client.AllRoutes(ctx); err == nil || !strings.Contains(err.Error(), "want a list") {
		t.Errorf("routes: %v", err)
	}
	if _, err := e.client.GetCNAM(ctx, "1"); err == nil {
		t.Error("cnam: no error")
	}
}

// TestEngineNoDocumentWording: a write the server acknowledged with an empty or non-JSON body
// was carried out; the client reads the account for what it made (call tells such an answer
// by engine.ErrNoDocument). A read with an empty body stays an error.
func TestEngineNoDocumentWording(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, p := range []string{"POST /v2/numbers/{tn}", "POST /v2/routes"} {
		e.override(p, e.runThen(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) }))
	}
	e.override("PATCH /v2/routes/{id}", e.runThen(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("OK")) }))
	res, err := e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{})
	if err != nil || res.Number.PrimaryRouteID != "0" {
		t.Errorf("purchase: %+v %v", res, err)
	}
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "host", Value: "pbx.example.com"})
	if err != nil || r.ID == "" || r.Alias != "pbx" {
		t.Fatalf("create route: %+v %v", r, err)
	}
	u, err := e.client.UpdateRoute(ctx, r.ID, RouteInput{Value: "new.example.com"})
	if err != nil || u.Value != "new.example.com" {
		t.Errorf("update route: %+v %v", u, err)
	}
	// acknowledged without the number: it is read back, as the account has it
	e.override("PATCH /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	alias := "x"
	e.requests()
	if n, err := e.client.UpdateNumber(ctx, forSale, NumberUpdate{Alias: &alias}); err != nil || n.TN != forSale || n.Alias != "" {
		t.Errorf("update number: %+v %v", n, err)
	}
	if diff := cmp.Diff([]string{"PATCH /v2/numbers/" + forSale, "GET /v2/numbers/" + forSale}, lines(e.requests())); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	e.override("GET /v2/e911s/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	if _, err := e.client.GetE911(ctx, "1"); err == nil || !strings.Contains(err.Error(), "empty body") {
		t.Errorf("empty read: %v", err)
	}
}
