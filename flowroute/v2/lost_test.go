package v2

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// The write-safety tests. "lost" is a write the server carried out whose answer was lost (a
// 503 after the change, or a dropped connection). The client sends every write once: a lost
// answer is an error matching ErrOutcomeUnknown, never a second send, and never a read
// of the account to settle it (the caller, apply, does that).

// TestWritesSentOnce: every write whose answer is lost is sent once, read nothing after, and
// reports an error matching ErrOutcomeUnknown that names the request.
func TestWritesSentOnce(t *testing.T) {
	t.Parallel()
	yes := true
	for _, w := range []struct {
		pattern string // the endpoint whose answer is lost
		call    func(e *env, ids ids) error
	}{
		{"POST /v2/numbers/{tn}", func(e *env, _ ids) error {
			_, err := e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{CNAMLookups: &yes})
			return err
		}},
		{"DELETE /v2/numbers/{tn}", func(e *env, _ ids) error { return e.client.ReleaseNumber(ctx, owned) }},
		{"PATCH /v2/numbers/{tn}", func(e *env, _ ids) error {
			_, err := e.client.UpdateNumber(ctx, owned, NumberUpdate{CNAMLookups: &yes})
			return err
		}},
		{"POST /v2/routes", func(e *env, _ ids) error {
			_, err := e.client.CreateRoute(ctx, RouteInput{Alias: "new", Type: RouteHost, Value: "new.example.com"})
			return err
		}},
		{"PATCH /v2/routes/{id}", func(e *env, x ids) error {
			_, err := e.client.UpdateRoute(ctx, x.route, RouteInput{Value: "other.example.com"})
			return err
		}},
		{"DELETE /v2/routes/{id}", func(e *env, x ids) error { return e.client.DeleteRoute(ctx, x.route) }},
		{"PATCH /v2/numbers/{tn}/relationships/primary_route", func(e *env, x ids) error { return e.client.SetPrimaryRoute(ctx, owned, x.route) }},
		{"PATCH /v2/numbers/{tn}/relationships/failover_route", func(e *env, x ids) error { return e.client.SetFailoverRoute(ctx, owned, x.route) }},
		{"DELETE /v2/numbers/{tn}/relationships/primary_route", func(e *env, _ ids) error { return e.client.RemovePrimaryRoute(ctx, owned) }},
		{"DELETE /v2/numbers/{tn}/relationships/failover_route", func(e *env, _ ids) error { return e.client.RemoveFailoverRoute(ctx, owned) }},
		{"POST /v2/cnams", func(e *env, _ ids) error { _, err := e.client.CreateCNAM(ctx, "NEW NAME"); return err }},
		{"PATCH /v2/cnams/{id}", func(e *env, x ids) error { _, err := e.client.UpdateCNAM(ctx, x.pending, "OTHER NAME"); return err }},
		{"DELETE /v2/cnams/{id}", func(e *env, x ids) error { return e.client.DeleteCNAM(ctx, x.pending) }},
		{"PATCH /v2/numbers/{tn}/relationships/cnams/{id}", func(e *env, x ids) error {
			_, err := e.client.AssociateCNAM(ctx, owned, x.approved)
			return err
		}},
		{"DELETE /v2/numbers/{tn}/relationships/cnams", func(e *env, _ ids) error { return e.client.UnassociateCNAM(ctx, owned) }},
		{"POST /v2/e911s", func(e *env, _ ids) error { _, err := e.client.CreateE911(ctx, office); return err }},
		{"POST /v2/e911s/validate", func(e *env, _ ids) error { return e.client.ValidateE911(ctx, office) }},
		{"PATCH /v2/e911s/{id}", func(e *env, x ids) error {
			_, err := e.client.UpdateE911(ctx, x.e911, E911Fields{Zip: "98104"})
			return err
		}},
		{"DELETE /v2/e911s/{id}", func(e *env, x ids) error { return e.client.DeleteE911(ctx, x.e911) }},
		{"PATCH /v2/numbers/{tn}/relationships/e911s/{id}", func(e *env, x ids) error { return e.client.AssociateE911(ctx, owned, x.e911) }},
		{"DELETE /v2/numbers/{tn}/relationships/e911s", func(e *env, _ ids) error { return e.client.DisconnectE911(ctx, owned) }},
		{"POST /v2/numbers/{tn}/relationships/{rel}", func(e *env, _ ids) error {
			return e.client.SetCallback(ctx, owned, SMSCallback, "https://example.com/sms")
		}},
		{"DELETE /v2/numbers/{tn}/relationships/{rel}", func(e *env, _ ids) error { return e.client.RemoveCallback(ctx, owned, SMSCallback) }},
	} {
		for name, lose := range map[string]func(e *env) http.HandlerFunc{
			"503":  func(e *env) http.HandlerFunc { return e.lose(503) },
			"drop": func(e *env) http.HandlerFunc { return e.runThen(drop) },
		} {
			t.Run(w.pattern+" "+name, func(t *testing.T) {
				t.Parallel()
				e := setup(t)
				x := e.writeFixture(t)
				e.override(w.pattern, lose(e))
				e.requests()
				err := w.call(e, x)
				if !errors.Is(err, ErrOutcomeUnknown) {
					t.Fatalf("err = %v, want an unknown outcome", err)
				}
				method, _, _ := strings.Cut(w.pattern, " ")
				if !strings.Contains(err.Error(), method+" /v2/") {
					t.Errorf("err %q does not name the request", err)
				}
				if got := lines(e.requests()); len(got) != 1 || !strings.HasPrefix(got[0], method+" /v2/") {
					t.Errorf("requests %v, want the write once and nothing else", got)
				}
			})
		}
	}
}

// TestWriteRefusedOnce: a write the server refuses before doing anything (a 503) is not sent
// again either; only the account can tell it from a lost answer.
func TestWriteRefusedOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.writeFixture(t)
	e.override("DELETE /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "", "offline") })
	e.requests()
	if err := e.client.ReleaseNumber(ctx, owned); !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "503") {
		t.Errorf("err = %v", err)
	}
	if got := lines(e.requests()); len(got) != 1 {
		t.Errorf("requests %v, want the release once", got)
	}
	if _, err := e.client.GetNumber(ctx, owned); err != nil {
		t.Errorf("the number is gone: %v", err)
	}
}

// TestRateLimitedWrite: a 429 is retried for a write too (the server did nothing), waiting the
// Retry-After; a 429 that lasts is an error matching ErrRateLimited.
func TestRateLimitedWrite(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.override("POST /v2/numbers/{tn}", e.once(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		apiErr(w, 429, "Too Many Requests", "slow down")
	}))
	if _, err := e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{}); err != nil {
		t.Fatal(err)
	}
	if e.sleeps[0].Seconds() != 2 {
		t.Errorf("waited %v", e.sleeps)
	}
	e.override("GET /v2/routes", func(w http.ResponseWriter, r *http.Request) { apiErr(w, 429, "Too Many Requests", "slow down") })
	if _, err := e.client.AllRoutes(ctx); !errors.Is(err, ErrRateLimited) {
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
	e.override("POST /v2/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:1/steal", http.StatusTemporaryRedirect)
	})
	_, err := e.client.PurchaseNumber(ctx, forSale, PurchaseOptions{})
	if status(err) != 307 {
		t.Errorf("err = %v", err)
	}
}

// ids are the objects writeFixture made.
type ids struct{ route, pending, approved, e911 string }

// writeFixture gives the account what every write of TestWritesSentOnce needs: the number
// owned, with a callback, a route, a pending and an approved CNAM record, and an E911 address.
func (e *env) writeFixture(t *testing.T) ids {
	t.Helper()
	e.fake.addNumbers(12065550100, 1)
	r, err := e.client.CreateRoute(ctx, RouteInput{Alias: "pbx", Type: RouteHost, Value: "pbx.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := e.client.CreateCNAM(ctx, "PENDING NAME")
	if err != nil {
		t.Fatal(err)
	}
	approved, err := e.client.CreateCNAM(ctx, "APPROVED NAME")
	if err != nil {
		t.Fatal(err)
	}
	e.approve(approved.ID)
	a, err := e.client.CreateE911(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetCallback(ctx, owned, SMSCallback, "https://example.com/old"); err != nil {
		t.Fatal(err)
	}
	return ids{route: r.ID, pending: pending.ID, approved: approved.ID, e911: a.ID}
}
