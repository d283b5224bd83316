package v1_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// fakeClock is shared by a sandbox and a client: the client's waits move it forward instead
// of sleeping, so Retry-After and backoffs cost no real time, and the sandbox's rate limit
// sees the time pass.
type fakeClock struct{ offset atomic.Int64 }

var sandboxEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func (c *fakeClock) now() time.Time { return sandboxEpoch.Add(time.Duration(c.offset.Load())) }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.offset.Add(int64(d))
	return ctx.Err()
}

// startSandbox serves a memory-only sandbox with a small inventory, and returns it with a
// client that retries up to 8 times on the fake clock.
func startSandbox(t *testing.T, opts ...v1.Option) (*sandbox.Server, *v1.Client) {
	t.Helper()
	clock := &fakeClock{}
	sb, endpoint := sandboxtest.NewServer(t, sandbox.Options{Seed: 7, InventorySize: 600, Now: clock.now})
	base := []v1.Option{
		v1.WithClock(clock.now),
		v1.WithSleep(clock.sleep),
		v1.WithRateLimit(0, 0),
		v1.WithRetry(v1.RetryPolicy{MaxAttempts: 8, MinBackoff: 10 * time.Millisecond, MaxBackoff: time.Second}),
	}
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return sb, c
}

// TestSandboxRoundTrip drives every endpoint against the sandbox: browse, buy, route, read back.
func TestSandboxRoundTrip(t *testing.T) {
	t.Parallel()
	_, c := startSandbox(t)
	ctx := context.Background()

	npas, err := c.AllNPAs(ctx)
	if err != nil || len(npas) == 0 {
		t.Fatalf("AllNPAs = %v, %v", npas, err)
	}
	npanxxs, err := c.AllNPANXXs(ctx, npas[0])
	if err != nil || len(npanxxs) == 0 || npanxxs[0].NPA != npas[0] {
		t.Fatalf("AllNPANXXs(%s) = %v, %v", npas[0], npanxxs, err)
	}
	all, err := c.AllAvailable(ctx, v1.SearchQuery{}, 0)
	if err != nil || len(all) != 600 {
		t.Fatalf("AllAvailable = %d numbers, %v; want the whole inventory of 600", len(all), err)
	}
	page, err := c.SearchNumbers(ctx, v1.SearchQuery{NPA: npanxxs[0].NPA, NXX: npanxxs[0].NXX}, v1.PageOptions{Limit: 5})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("SearchNumbers = %+v, %v", page, err)
	}
	avail := page.Items[0]
	if found, err := c.LookupAvailable(ctx, avail.TN); err != nil || !cmp.Equal(*found, avail) {
		t.Fatalf("LookupAvailable(%s) = %+v, %v; want %+v", avail.TN, found, err, avail)
	}

	route := v1.Route{Name: "pbx-seattle", Type: "HOST", Value: "24.239.23.40:5060"}
	if err := c.CreateRoute(ctx, route); err != nil {
		t.Fatal(err)
	}
	var apiErr *v1.APIError
	if err := c.CreateRoute(ctx, route); !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict {
		t.Errorf("creating the route again = %v, want 409", err)
	}
	method := "METERED"
	if !avail.Allows(method) {
		method = avail.BillingMethods[0]
	}
	if err := c.PurchaseNumber(ctx, avail.TN, method); err != nil {
		t.Fatal(err)
	}
	if err := c.PurchaseNumber(ctx, avail.TN, method); !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnprocessableEntity {
		t.Errorf("buying it again = %v, want 422", err)
	}
	if _, err := c.LookupAvailable(ctx, avail.TN); !errors.Is(err, v1.ErrNotFound) {
		t.Errorf("LookupAvailable after purchase = %v, want ErrNotFound", err)
	}
	if err := c.SetRoutes(ctx, avail.TN, "pbx-seattle", "sip-reg"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetRoutes(ctx, avail.TN, "no-such-route", "sip-reg"); !errors.Is(err, v1.ErrNotFound) {
		t.Errorf("SetRoutes to an unknown route = %v, want ErrNotFound", err)
	}
	n, err := c.GetNumber(ctx, avail.TN)
	if err != nil {
		t.Fatal(err)
	}
	if n.TN != avail.TN || n.BillingMethod != method || n.PrimaryRoute() != "pbx-seattle" || n.FailoverRoute() != "sip-reg" {
		t.Errorf("GetNumber = %+v", n)
	}
	if _, err := c.GetNumber(ctx, "19999999999"); !errors.Is(err, v1.ErrNotFound) {
		t.Errorf("GetNumber of a number not owned = %v, want ErrNotFound", err)
	}
	nums, err := c.AllNumbers(ctx, "")
	if err != nil || len(nums) != 1 || nums[0].TN != avail.TN {
		t.Errorf("AllNumbers = %+v, %v", nums, err)
	}
	routes, err := c.AllRoutes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []v1.Route{route, {Name: "sip-reg", Type: "SIP-REG"}}
	if diff := cmp.Diff(want, routes); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
}

// TestSandboxBadCredentials: a wrong secret gives the 401, and the error does not show it.
func TestSandboxBadCredentials(t *testing.T) {
	t.Parallel()
	_, endpoint := sandboxtest.NewServer(t, sandbox.Options{InventorySize: 10})
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, "wrong-secret-"+testSecret)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AllRoutes(context.Background())
	var apiErr *v1.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized || apiErr.Message != "Authentication failed." {
		t.Errorf("error = %v, want 401 Authentication failed.", err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("error shows the secret: %v", err)
	}
}

// seedNumbers puts n numbers on the sandbox account and returns them as the client reads them.
func seedNumbers(tb testing.TB, sb *sandbox.Server, n int) []v1.Number {
	tb.Helper()
	want := make([]v1.Number, 0, n)
	for i := range n {
		num := v1.Number{TN: fmt.Sprintf("1206%07d", 2_000_000+i*7)}
		if err := sb.AddOwnedNumber(sandbox.Number{TN: num.TN}); err != nil {
			tb.Fatal(err)
		}
		want = append(want, v1.Number{TN: num.TN, BillingMethod: "METERED",
			Routes: []v1.RouteRef{{Name: "sip-reg", Type: "SIP-REG"}, {Name: "sip-reg", Type: "SIP-REG"}}})
	}
	return want
}

// TestSandboxReadsThroughFaults: reads get through every kind of injected fault, with the
// same result as without faults.
func TestSandboxReadsThroughFaults(t *testing.T) {
	t.Parallel()
	faults := map[string]sandbox.Faults{
		"fail":       {FailRate: 0.3},
		"drop":       {DropRate: 0.3},
		"rate limit": {RateLimit: 5},
		"lost":       {LostResponseRate: 1}, // writes only: reads are not affected
		"all":        {FailRate: 0.15, DropRate: 0.15, RateLimit: 10},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var failed failedAttempts
			// Without keep-alives, the transport cannot replay a dropped GET by itself on a
			// fresh connection: every drop reaches the client's own retries.
			tr := &http.Transport{DisableKeepAlives: true}
			sb, c := startSandbox(t, v1.WithLogger(slog.New(&failed)), v1.WithHTTPClient(&http.Client{Transport: tr}))
			want := seedNumbers(t, sb, 3000)
			sb.SetFaults(f)
			got, err := c.AllNumbers(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
			if _, err := c.AllAvailable(context.Background(), v1.SearchQuery{}, 0); err != nil {
				t.Errorf("AllAvailable: %v", err)
			}
			if n := failed.n.Load(); (n > 0) != (name != "lost") {
				t.Errorf("%d attempts failed: the faults did not play out as meant", n)
			}
		})
	}
}

// failedAttempts is a slog.Handler that counts the attempts logged without a 200.
type failedAttempts struct{ n atomic.Int32 }

func (h *failedAttempts) Enabled(context.Context, slog.Level) bool { return true }
func (h *failedAttempts) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *failedAttempts) WithGroup(string) slog.Handler            { return h }

// Handle counts an attempt that did not answer 200, except the requests the page walker
// cancels itself once it knows the last page.
func (h *failedAttempts) Handle(_ context.Context, r slog.Record) error {
	failed, cancelled := false, false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "status":
			failed = a.Value.Int64() != http.StatusOK
		case "error":
			cancelled = strings.Contains(a.Value.String(), context.Canceled.Error())
		}
		return true
	})
	if failed && !cancelled {
		h.n.Add(1)
	}
	return nil
}

// TestSandboxLostPurchase: the sandbox buys the number and then loses the answer. The client
// says the outcome is unknown, does not send the purchase again, and the account shows it.
func TestSandboxLostPurchase(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]sandbox.Faults{
		"lost response": {LostResponseRate: 1},
		"500":           {FailRate: 1},
		"dropped":       {DropRate: 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb, c := startSandbox(t)
			ctx := context.Background()
			avail, err := c.AllAvailable(ctx, v1.SearchQuery{}, 1)
			if err != nil {
				t.Fatal(err)
			}
			tn := avail[0].TN
			sb.SetFaults(f)
			err = c.PurchaseNumber(ctx, tn, avail[0].BillingMethods[0])
			var ou *v1.OutcomeUnknownError
			if !errors.As(err, &ou) || ou.Method != "PUT" || ou.Path != "/v1/tns/"+tn {
				t.Fatalf("error = %v, want outcome unknown for PUT /v1/tns/%s", err, tn)
			}
			puts := 0
			for _, a := range sb.Audit() {
				if a.Method == "PUT" && a.Path == "/v1/tns/"+tn {
					puts++
				}
			}
			if puts != 1 {
				t.Errorf("the sandbox got the purchase %d times, want once: %+v", puts, sb.Audit())
			}
			sb.SetFaults(sandbox.Faults{})
			_, err = c.GetNumber(ctx, tn)
			if bought := err == nil; bought != (name == "lost response") {
				t.Errorf("GetNumber after the fault = %v; the number should be owned only when the response was lost", err)
			}
		})
	}
}

// TestSandboxWritesThroughRateLimit: a rate-limited write is refused before it is done, so
// the client retries it, and each write is done once.
func TestSandboxWritesThroughRateLimit(t *testing.T) {
	t.Parallel()
	sb, c := startSandbox(t, v1.WithParallelism(8))
	sb.SetFaults(sandbox.Faults{RateLimit: 2})
	ctx := context.Background()
	const n = 12
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- c.CreateRoute(ctx, v1.Route{Name: fmt.Sprintf("r%02d", i), Type: "PSTN", Value: "16476998778"})
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	done := map[string]int{}
	for _, a := range sb.Audit() {
		if a.Status == http.StatusCreated {
			done[a.Path]++
		}
	}
	if len(done) != n {
		t.Errorf("%d routes created, want %d: %v", len(done), n, done)
	}
	for p, k := range done {
		if k != 1 {
			t.Errorf("%s created %d times", p, k)
		}
	}
	routes, err := c.AllRoutes(ctx)
	if err != nil || len(routes) != n+1 {
		t.Errorf("AllRoutes = %d routes, %v; want %d", len(routes), err, n+1)
	}
}
