package v2

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/account"
)

// The write-safety tests. "lost" is a write the server carried out whose answer was lost (a
// 503 after the change, or a dropped connection); "refused" is a 503 before any change. The
// request sequences show that a write is never sent again before a read of the account says
// it was not carried out.

func TestPurchaseLostSettledByReading(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]func(e *env) http.HandlerFunc{
		"503":  func(e *env) http.HandlerFunc { return e.lose(503) },
		"drop": func(e *env) http.HandlerFunc { return e.runThen(drop) },
	} {
		e := setup(t)
		e.fake.stock("12065550100")
		e.override("POST /v2/numbers/{tn}", h(e))
		res, err := e.client.PurchaseNumber(ctx, "12065550100", PurchaseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !res.Confirmed || res.Number.TN != "12065550100" || res.Number.PrimaryRouteID != "0" {
			t.Errorf("%s: %+v", name, res)
		}
		want := []string{"POST /v2/numbers/12065550100", "GET /v2/numbers/12065550100"}
		if diff := cmp.Diff(want, lines(e.requests())); diff != "" {
			t.Errorf("%s: requests (-want +got):\n%s", name, diff)
		}
	}
}

func TestPurchaseRefusedSentAgainAfterReading(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.stock("12065550100")
	e.override("POST /v2/numbers/{tn}", e.once(func(w http.ResponseWriter, r *http.Request) {
		apiErr(w, 503, "Service Unavailable", "offline")
	}))
	res, err := e.client.PurchaseNumber(ctx, "12065550100", PurchaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Confirmed || res.Number.TN != "12065550100" {
		t.Errorf("%+v", res)
	}
	want := []string{"POST /v2/numbers/12065550100", "GET /v2/numbers/12065550100", "POST /v2/numbers/12065550100"}
	if diff := cmp.Diff(want, lines(e.requests())); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestPurchaseUnsettled: when the reading fails too, the outcome stays unknown, and the
// purchase is not sent again.
func TestPurchaseUnsettled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.stock("12065550100")
	e.override("POST /v2/numbers/{tn}", e.lose(503))
	e.override("GET /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) { apiErr(w, 500, "", "down") })
	_, err := e.client.PurchaseNumber(ctx, "12065550100", PurchaseOptions{})
	if !errors.Is(err, account.ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	var posts int
	for _, l := range lines(e.requests()) {
		if strings.HasPrefix(l, "POST") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d purchases sent, want 1", posts)
	}
}

// TestPurchaseLostTwice: refused, read, sent again, refused again: the error says so, and
// there is no third send.
func TestPurchaseLostTwice(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.stock("12065550100")
	e.override("POST /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "", "offline") })
	_, err := e.client.PurchaseNumber(ctx, "12065550100", PurchaseOptions{})
	if !errors.Is(err, account.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "sent 2 times") {
		t.Fatalf("err = %v", err)
	}
	want := []string{"POST /v2/numbers/12065550100", "GET /v2/numbers/12065550100", "POST /v2/numbers/12065550100", "GET /v2/numbers/12065550100"}
	if diff := cmp.Diff(want, lines(e.requests())); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestReleaseSettled(t *testing.T) {
	t.Parallel()
	// lost: the number is gone, so the release is done; no second DELETE
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	e.override("DELETE /v2/numbers/{tn}", e.lose(503))
	if err := e.client.ReleaseNumber(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"DELETE /v2/numbers/12065550100", "GET /v2/numbers/12065550100"}, lines(e.requests())); diff != "" {
		t.Errorf("lost: (-want +got):\n%s", diff)
	}
	// refused: the read shows the number still owned, and only then is it released again
	e = setup(t)
	e.fake.addNumbers(12065550100, 1)
	e.override("DELETE /v2/numbers/{tn}", e.once(func(w http.ResponseWriter, r *http.Request) { apiErr(w, 502, "", "bad gateway") }))
	if err := e.client.ReleaseNumber(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	want := []string{"DELETE /v2/numbers/12065550100", "GET /v2/numbers/12065550100", "DELETE /v2/numbers/12065550100"}
	if diff := cmp.Diff(want, lines(e.requests())); diff != "" {
		t.Errorf("refused: (-want +got):\n%s", diff)
	}
}

// TestNoDeleteWithoutRead: in every sequence, a DELETE of a number follows the start or a
// read of that number.
func TestNoDeleteWithoutRead(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	e.override("DELETE /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "", "offline") })
	err := e.client.ReleaseNumber(ctx, "12065550100")
	if !errors.Is(err, account.ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	got := lines(e.requests())
	for i, l := range got {
		if strings.HasPrefix(l, "DELETE") && i > 0 && !strings.HasPrefix(got[i-1], "GET /v2/numbers/12065550100") {
			t.Errorf("DELETE without a read before it: %v", got)
		}
	}
}

func TestCreateRouteSettled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.override("POST /v2/routes", e.lose(504))
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "host", Value: "pbx.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "100001" || r.Alias != "pbx" {
		t.Errorf("route %+v", r)
	}
	if got := lines(e.requests()); got[0] != "POST /v2/routes" || slices.Contains(got[1:], "POST /v2/routes") {
		t.Errorf("requests %v", got)
	}
	// refused: no route with the alias, type and value, so it is sent again
	e = setup(t)
	e.override("POST /v2/routes", e.once(func(w http.ResponseWriter, r *http.Request) { apiErr(w, 500, "", "oops") }))
	if _, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "host", Value: "pbx.example.com"}); err != nil {
		t.Fatal(err)
	}
	var posts int
	for _, l := range writes(e.requests()) {
		if l.Method == "POST" {
			posts++
		}
	}
	if posts != 2 {
		t.Errorf("%d creates, want 2", posts)
	}
	routes, _ := e.client.AllRoutes(ctx)
	if len(routes) != 2 {
		t.Errorf("routes %+v", routes)
	}
}

// TestAssociationsSettled: a lost association is confirmed by reading the number.
func TestAssociationsSettled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "host", Value: "pbx.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.client.CreateE911(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.client.CreateCNAM(ctx, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	e.fake.mu.Lock()
	e.fake.cnams[c.ID].Approved = true
	e.fake.mu.Unlock()
	e.override("PATCH /v2/numbers/{tn}/relationships/{rel}", e.lose(503))
	e.override("PATCH /v2/numbers/{tn}/relationships/{rel}/{id}", e.lose(503))
	e.requests()
	if err := e.client.SetPrimaryRoute(ctx, "12065550100", r.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.client.AssociateE911(ctx, "12065550100", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.AssociateCNAM(ctx, "12065550100", c.ID); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"PATCH /v2/numbers/12065550100/relationships/primary_route", "GET /v2/numbers/12065550100",
		"PATCH /v2/numbers/12065550100/relationships/e911s/" + a.ID, "GET /v2/numbers/12065550100",
		"PATCH /v2/numbers/12065550100/relationships/cnams/" + c.ID, "GET /v2/numbers/12065550100",
	}
	if diff := cmp.Diff(want, lines(e.requests())); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	n, _ := e.client.GetNumber(ctx, "12065550100")
	if n.PrimaryRouteID != r.ID || n.E911ID != a.ID || n.CNAMID != c.ID {
		t.Errorf("number %+v", n)
	}
}

// TestOtherWritesSettled: the PATCHes and deletes of routes, CNAM records and E911 addresses
// are confirmed by reading; callbacks and validation, which cannot double, are sent again.
func TestOtherWritesSettled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	r, _ := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: "host", Value: "pbx.example.com"})
	a, _ := e.client.CreateE911(ctx, office)
	e.requests()
	for _, p := range []string{"PATCH /v2/routes/{id}", "DELETE /v2/routes/{id}", "PATCH /v2/numbers/{tn}", "PATCH /v2/e911s/{id}", "DELETE /v2/e911s/{id}", "POST /v2/cnams", "POST /v2/e911s"} {
		e.override(p, e.lose(503))
	}
	e.override("POST /v2/numbers/{tn}/relationships/{rel}", e.once(func(w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "", "offline") }))
	e.override("POST /v2/e911s/validate", e.once(func(w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "", "offline") }))
	if u, err := e.client.UpdateRoute(ctx, r.ID, RouteInput{Value: "new.example.com"}); err != nil || u.Value != "new.example.com" {
		t.Errorf("update route: %+v %v", u, err)
	}
	if err := e.client.DeleteRoute(ctx, r.ID); err != nil {
		t.Errorf("delete route: %v", err)
	}
	alias := "x"
	if n, err := e.client.UpdateNumber(ctx, "12065550100", NumberUpdate{Alias: &alias}); err != nil || n.Alias != "x" {
		t.Errorf("update number: %+v %v", n, err)
	}
	if u, err := e.client.UpdateE911(ctx, a.ID, E911Fields{Zip: "98104"}); err != nil || u.Zip != "98104" {
		t.Errorf("update e911: %+v %v", u, err)
	}
	if err := e.client.DeleteE911(ctx, a.ID); err != nil {
		t.Errorf("delete e911: %v", err)
	}
	if c, err := e.client.CreateCNAM(ctx, "Acme"); err != nil || c.Value != "ACME" {
		t.Errorf("create cnam: %+v %v", c, err)
	}
	if b, err := e.client.CreateE911(ctx, office); err != nil || b.Label != "Office" {
		t.Errorf("create e911: %+v %v", b, err)
	}
	if err := e.client.SetCallback(ctx, "12065550100", SMSCallback, "https://example.com/sms"); err != nil {
		t.Errorf("callback: %v", err)
	}
	if err := e.client.ValidateE911(ctx, office); err != nil {
		t.Errorf("validate: %v", err)
	}
	count := map[string]int{}
	for _, w := range writes(e.requests()) {
		count[w.Method+" "+w.URI]++
	}
	for k, n := range count {
		want := 1
		if strings.Contains(k, "callback") || strings.Contains(k, "validate") {
			want = 2
		}
		if n != want {
			t.Errorf("%s sent %d times, want %d", k, n, want)
		}
	}
}

// TestRateLimitedWrite: a 429 is retried for a write too (the server did nothing), waiting the
// Retry-After; a 429 that lasts is an error matching account.ErrRateLimited.
func TestRateLimitedWrite(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.stock("12065550100")
	e.override("POST /v2/numbers/{tn}", e.once(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		apiErr(w, 429, "Too Many Requests", "slow down")
	}))
	if _, err := e.client.PurchaseNumber(ctx, "12065550100", PurchaseOptions{}); err != nil {
		t.Fatal(err)
	}
	if e.sleeps[0].Seconds() != 2 {
		t.Errorf("waited %v", e.sleeps)
	}
	e.override("GET /v2/routes", func(w http.ResponseWriter, r *http.Request) { apiErr(w, 429, "Too Many Requests", "slow down") })
	if _, err := e.client.AllRoutes(ctx); !errors.Is(err, account.ErrRateLimited) {
		t.Errorf("lasting 429: %v", err)
	}
}

// TestReadsRetried: a GET that meets a 5xx or a dropped connection is tried again.
func TestReadsRetried(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.addNumbers(12065550100, 1)
	e.override("GET /v2/numbers/{tn}", e.once(drop))
	if _, err := e.client.GetNumber(ctx, "12065550100"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// TestRedirectRefused: a 3xx is the answer, never followed with the credentials.
func TestRedirectRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.fake.stock("12065550100")
	e.override("POST /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:1/steal", http.StatusTemporaryRedirect)
	})
	_, err := e.client.PurchaseNumber(ctx, "12065550100", PurchaseOptions{})
	if status(err) != 307 {
		t.Errorf("err = %v", err)
	}
}
