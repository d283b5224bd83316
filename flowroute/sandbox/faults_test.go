package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

func TestFailRateAnswers500BeforeDoingAnything(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1, Faults: Faults{FailRate: 1}})
	c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1"}`).want(t, 500, `{"error":"Internal Server Error"}`)
	s.SetFaults(Faults{})
	c.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
	if a := s.Audit(); len(a) != 1 || a[0].Status != 500 || a[0].Note != noteFailed {
		t.Errorf("audit %+v", a)
	}
}

func TestFaultsAreReproducibleFromTheSeed(t *testing.T) {
	t.Parallel()
	run := func(seed int64) string {
		_, c := start(t, Options{Seed: seed, Faults: Faults{FailRate: 0.5}})
		out := ""
		for range 30 {
			out += fmt.Sprint(c.do("GET", "/v1/tns/", "").status/100, "")
		}
		return out
	}
	a, b := run(11), run(11)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if a == run(12) {
		t.Errorf("another seed, same faults: %s", a)
	}
	var ok, failed bool
	for _, ch := range a {
		ok, failed = ok || ch == '2', failed || ch == '5'
	}
	if !ok || !failed {
		t.Errorf("fail rate 0.5 gave %s", a)
	}
}

func TestDropRateClosesTheConnection(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1, Faults: Faults{DropRate: 1}})
	if r, err := c.try(context.Background(), "PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1"}`); err == nil {
		t.Fatalf("got a response %d %s, want a closed connection", r.status, r.body)
	}
	s.SetFaults(Faults{})
	c.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
	if a := s.Audit(); len(a) != 1 || a[0].Status != 0 || a[0].Note != noteDropped {
		t.Errorf("audit %+v", a)
	}
}

func TestLostResponseDoesTheWrite(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1, Faults: Faults{LostResponseRate: 1}})
	// Reads are answered.
	c.do("GET", "/v1/tns/", "").want(t, 200, `{}`)
	if r, err := c.try(context.Background(), "PUT", "/v1/tns/12067439178", `{"billing_method":"METERED"}`); err == nil {
		t.Fatalf("got a response %d %s, want a closed connection", r.status, r.body)
	}
	c.do("GET", "/v1/tns/12067439178", "").want(t, 200,
		`{"billing_method":"METERED","routes":[{"type":"SIP-REG","name":"sip-reg"},{"type":"SIP-REG","name":"sip-reg"}]}`)
	if a := s.Audit(); len(a) != 1 || a[0].Status != 201 || a[0].Note != noteLost {
		t.Errorf("audit %+v", a)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	// The clock is fixed, so the bucket never refills: two requests pass, the rest are limited.
	s, c := start(t, Options{Seed: 1, Faults: Faults{RateLimit: 2}})
	c.do("GET", "/v1/tns/", "").want(t, 200, `{}`)
	c.do("GET", "/v1/tns/", "").want(t, 200, `{}`)
	r := c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1"}`)
	r.want(t, 429, `{"error":"Too many requests."}`)
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	if a := s.Audit(); len(a) != 1 || a[0].Status != 429 {
		t.Errorf("audit %+v", a)
	}
	s.SetFaults(Faults{})
	c.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
}

func TestLatencyStopsWhenTheClientGoesAway(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 1, InventorySize: 100, Now: fixedNow, Faults: Faults{Latency: time.Hour, Jitter: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c := &tc{t: t, base: ts.URL, access: DefaultAccessKey, secret: DefaultSecretKey}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.try(ctx, "PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1"}`)
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the request succeeded despite an hour of latency")
	}
	// The handler notices the closed connection and records the request; wait for it
	// (bounded by the test's own timeout, not by a timed assertion).
	for len(s.Audit()) == 0 {
		time.Sleep(time.Millisecond)
	}
	if a := s.Audit(); a[0].Status != 0 || a[0].Note != noteCanceled {
		t.Errorf("audit %+v", a)
	}
}

func TestFaultsValidate(t *testing.T) {
	t.Parallel()
	for _, f := range []Faults{{FailRate: -0.1}, {DropRate: 1.5}, {LostResponseRate: 2}, {RateLimit: -1}, {Latency: -time.Second}} {
		if _, err := New(Options{InventorySize: 100, Faults: f}); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1, InventorySize: 1000, StatePath: t.TempDir() + "/state.json"})
	var tns []string
	for _, a := range s.st.inventory[:40] {
		tns = append(tns, a.tn)
	}
	var wg sync.WaitGroup
	for i, tn := range tns {
		wg.Go(func() {
			if r := c.do("PUT", "/v1/tns/"+tn, `{"billing_method":"METERED"}`); r.status != 201 {
				t.Errorf("purchase %s: %d %s", tn, r.status, r.body)
			}
			if r := c.do("PUT", fmt.Sprintf("/v1/routes/r%d", i), `{"type":"PSTN","value":"16476998778"}`); r.status != 201 {
				t.Errorf("route %d: %d %s", i, r.status, r.body)
			}
			c.do("GET", "/v1/tns/?limit=5", "")
			c.do("GET", "/v1/available-tns/tns/?limit=5", "")
			if r := c.do("PATCH", "/v1/tns/"+tn, fmt.Sprintf(`{"routes":[{"name":"r%d"},{"name":"sip-reg"}]}`, i)); r.status != 204 {
				t.Errorf("set routes %s: %d %s", tn, r.status, r.body)
			}
		})
	}
	wg.Wait()
	var page struct {
		TNs map[string]struct{ Routes []v1.RouteRef }
	}
	c.do("GET", "/v1/tns/?limit=200", "").decode(t, &page)
	if len(page.TNs) != len(tns) {
		t.Errorf("%d numbers owned, want %d", len(page.TNs), len(tns))
	}
	if n := len(s.Audit()); n != 3*len(tns) {
		t.Errorf("%d audit entries, want %d", n, 3*len(tns))
	}
}
