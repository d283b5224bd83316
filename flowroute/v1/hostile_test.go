package v1_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// The tests in this file play a misbehaving server: answers that are not what the endpoint
// returns, pages that never end, echoes of huge values and of credentials.

// TestSuccessWithoutAnswer: a 200 whose body is empty, white space or an error envelope is an
// error, never an empty list or a number with no data; v1's real "no results", {}, stays an
// empty page.
func TestSuccessWithoutAnswer(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "  \n\t ", `{"error":"Authentication failed."}`, `{"error":{"code":7}}`} {
		t.Run(fmt.Sprintf("%q", body), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.mux.Handle("/v1/", answer(200, body))
			ctx := context.Background()
			if got, err := e.client.AllNumbers(ctx, ""); err == nil {
				t.Errorf("AllNumbers = %v, nil; want an error", got)
			}
			if got, err := e.client.AllRoutes(ctx); err == nil {
				t.Errorf("AllRoutes = %v, nil; want an error", got)
			}
			if got, err := e.client.GetNumber(ctx, "12062092844"); err == nil {
				t.Errorf("GetNumber = %+v, nil; want an error", got)
			}
			if got, err := e.client.LookupAvailable(ctx, "12062092844"); err == nil || errors.Is(err, v1.ErrNotFound) {
				t.Errorf("LookupAvailable = %+v, %v; want an error that is not 'not for sale'", got, err)
			}
			if strings.Contains(body, "error") {
				err := e.client.PurchaseNumber(ctx, "12062092844", "METERED")
				if err == nil {
					t.Fatal("a purchase answered 200 with an error body counts as done")
				}
				if !errors.Is(err, v1.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "error") {
					t.Errorf("purchase = %v, want outcome unknown quoting the error", err)
				}
			}
		})
	}
}

// TestBadKeys: keys from the server that are not numbers (or NPAs, or route names) are
// refused with the key, never listed.
func TestBadKeys(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path, body string
		call       func(context.Context, *v1.Client) error
	}{
		{"GET /v1/tns/", `{"tns":{"../../x":{"billing_method":"METERED","routes":[]}}}`,
			func(ctx context.Context, c *v1.Client) error { _, err := c.AllNumbers(ctx, ""); return err }},
		{"GET /v1/tns/", `{"tns":{"2062092844":{"billing_method":"METERED","routes":[]}}}`,
			func(ctx context.Context, c *v1.Client) error { _, err := c.AllNumbers(ctx, ""); return err }},
		{"GET /v1/available-tns/tns/", `{"tns":{"../../x":{"initial_cost":"1.00","monthly_cost":"1.00","billing_methods":["METERED"]}}}`,
			func(ctx context.Context, c *v1.Client) error {
				_, err := c.AllAvailable(ctx, v1.SearchQuery{}, 0)
				return err
			}},
		{"GET /v1/available-tns/npas/", `{"npas":{"../":{}}}`,
			func(ctx context.Context, c *v1.Client) error { _, err := c.AllNPAs(ctx); return err }},
		{"GET /v1/routes/", `{"routes":{"..":{"type":"HOST","value":"1.2.3.4"}}}`,
			func(ctx context.Context, c *v1.Client) error { _, err := c.AllRoutes(ctx); return err }},
		{"GET /v1/routes/", `{"routes":{"a\u0000b":{"type":"HOST","value":"1.2.3.4"}}}`,
			func(ctx context.Context, c *v1.Client) error { _, err := c.AllRoutes(ctx); return err }},
	} {
		e := setup(t)
		e.mux.Handle(tt.path, answer(200, tt.body))
		err := tt.call(context.Background(), e.client)
		if err == nil || !strings.Contains(err.Error(), "from the server") {
			t.Errorf("%s %s: error = %v, want the bad key refused", tt.path, tt.body, err)
		}
	}
}

// TestSameKeyDifferentData: a number on two pages with different data is an error naming it,
// not whichever page came first.
func TestSameKeyDifferentData(t *testing.T) {
	t.Parallel()
	_, members := manyNumbers(450)
	changed := strings.Replace(members[199], "METERED", "VPRI", 1) // the last of page 1
	e := setup(t)
	p := &pager{key: "tns", path: "/v1/tns/", items: members, onPage: func(page int, items []string) []string {
		if page == 2 {
			// The number shows up again, changed, at the top of page 2.
			return append(append(append([]string{}, items[:200]...), changed), items[200:]...)
		}
		return items
	}}
	e.mux.Handle("GET /v1/tns/", p)
	_, err := e.client.AllNumbers(context.Background(), "")
	tn := strings.Split(members[199], `"`)[1]
	if err == nil || !strings.Contains(err.Error(), tn) || !strings.Contains(err.Error(), "different data") {
		t.Errorf("error = %v, want one naming %s on two pages with different data", err, tn)
	}
}

// endless serves a list that never ends: every page holds limit new numbers and a next link.
func endless(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	var b strings.Builder
	b.WriteString(`{"tns":{`)
	for i := range limit {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(numberMember(fmt.Sprintf("1%010d", 2_000_000_000+page*limit+i)))
	}
	fmt.Fprintf(&b, `},"links":{"next":"/v1/tns/?limit=%d&page=%d"}}`, limit, page+1)
	reply(w, 200, b.String())
}

// TestEndlessPages: a server that keeps producing new items is stopped at the walk's bounds,
// pages or items, with an error naming the endpoint.
func TestEndlessPages(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pages, items int
		want         string
	}{
		{pages: 30, want: "30 pages"},
		{items: 1000, want: "more than 1000 items"},
	} {
		e := setup(t, v1.WithWalkLimits(tt.pages, tt.items))
		e.mux.HandleFunc("GET /v1/tns/", endless)
		_, err := e.client.AllNumbers(context.Background(), "")
		if err == nil || !strings.Contains(err.Error(), "GET /v1/tns/") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("limits %d pages, %d items: error = %v, want one naming the endpoint and %q", tt.pages, tt.items, err, tt.want)
		}
		if n := len(e.requests()); n > 30+2*v1.DefaultParallelism {
			t.Errorf("%d requests for a walk bounded to 30 pages", n)
		}
	}
}

// TestEndlessTinyPagesDefaultBounds: a server whose pages never end, each holding one new
// number, is stopped by the default bounds after the pages that 250,000 numbers need at 200 a
// page, 1,251: at the default 20 requests a second, about a minute, well within two. The
// error names the endpoint, the next link the server sent and how to raise the bound.
func TestEndlessTinyPagesDefaultBounds(t *testing.T) {
	t.Parallel()
	e := setup(t, v1.WithWalkLimitHint("raise --max-account-numbers"))
	e.mux.HandleFunc("GET /v1/tns/", func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		reply(w, 200, fmt.Sprintf(`{"tns":{%s},"links":{"next":"/v1/tns/?limit=200&page=%d"}}`,
			numberMember(fmt.Sprintf("1%010d", 2_000_000_000+page)), page+1))
	})
	_, err := e.client.AllNumbers(context.Background(), "")
	if !errors.Is(err, v1.ErrListTooLong) {
		t.Fatalf("error = %v, want ErrListTooLong", err)
	}
	for _, want := range []string{"GET /v1/tns/", "1251 pages", `next "/v1/tns/?limit=200&page=1252"`, "raise --max-account-numbers"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
	}
	const atDefaultRate = 2 * 60 * v1.DefaultRateLimit // the requests of two minutes
	if n := len(e.requests()); n > 1251+2*v1.DefaultParallelism || n > atDefaultRate {
		t.Errorf("%d requests before stopping, want at most %d", n, 1251+2*v1.DefaultParallelism)
	}
}

// TestHugeAnswer: an answer longer than the bound is an error saying so, not a silent cut.
func TestHugeAnswer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /v1/routes/", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		io.WriteString(w, `{"routes":{"a":{"type":"HOST","value":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range 40 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"}}}`)
	})
	_, err := e.client.AllRoutes(context.Background())
	if err == nil || !strings.Contains(err.Error(), "longer than 32 MiB") {
		t.Errorf("error = %v, want the answer refused as too long", err)
	}
}

// TestHugeParallelism: a huge parallelism is clamped; the walk still reads every page.
func TestHugeParallelism(t *testing.T) {
	t.Parallel()
	want, members := manyNumbers(2345)
	for _, par := range []int{math.MaxInt, math.MaxInt / 2, 1 << 40} {
		e := setup(t, v1.WithParallelism(par))
		e.mux.Handle("GET /v1/tns/", &pager{key: "tns", path: "/v1/tns/", items: members})
		got, err := e.client.AllNumbers(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("parallelism %d: %d numbers, want %d", par, len(got), len(want))
		}
		if p := v1.Parallelism(e.client); p < 1 || p > 64 {
			t.Errorf("parallelism %d gives Parallelism() %d, want 1..64", par, p)
		}
	}
}

// TestHugeEcho: an error quoting a huge value, from an error body, a bad key or a bad price,
// is cut to a readable length and says how much was cut.
func TestHugeEcho(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("9", 3<<20)
	for name, tt := range map[string]struct {
		status int
		body   string
	}{
		"error body":     {422, `{"error":"bad value ` + huge + `"}`},
		"not json":       {502, huge},
		"key":            {200, `{"tns":{"` + huge + `":{"billing_method":"METERED","routes":[]}}}`},
		"price":          {200, `{"tns":{"12065550100":{"initial_cost":"` + huge + `","monthly_cost":"1.00","billing_methods":["METERED"]}}}`},
		"error in a 200": {200, `{"error":"` + huge + `"}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, v1.WithRetry(v1.RetryPolicy{MaxAttempts: 1}))
			e.mux.Handle("/v1/", answer(tt.status, tt.body))
			_, err := e.client.AllAvailable(context.Background(), v1.SearchQuery{}, 0)
			if err == nil {
				t.Fatal("no error")
			}
			if len(err.Error()) > 1024 || !strings.Contains(err.Error(), "bytes cut)") {
				t.Errorf("error of %d bytes, want at most 1024 saying what was cut: %.300s", len(err.Error()), err)
			}
		})
	}
}

// TestEchoedCredentials: a server that echoes the Authorization header it got, or the
// signature inside it, gets them redacted from every error.
func TestEchoedCredentials(t *testing.T) {
	t.Parallel()
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			_, pass, _ := r.BasicAuth()
			reply(w, status, fmt.Sprintf(`{"error":"bad request: Authorization: %s; signature %s, upper %s; %s"}`,
				auth, pass, strings.ToUpper(pass), strings.TrimPrefix(auth, "Basic ")))
		}
	}
	for _, status := range []int{401, 500, 200} {
		e := setup(t, v1.WithRetry(v1.RetryPolicy{MaxAttempts: 1}))
		e.mux.Handle("/v1/", echo(status))
		ctx := context.Background()
		_, rerr := e.client.AllRoutes(ctx)
		werr := e.client.PurchaseNumber(ctx, "12062092844", "METERED")
		for _, err := range []error{rerr, werr} {
			if err == nil {
				t.Fatalf("status %d: no error", status)
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("status %d: error = %v, want the echo redacted", status, err)
			}
			for _, r := range e.requests() {
				auth := r.Header.Get("Authorization")
				_, pass, _ := (&http.Request{Header: r.Header}).BasicAuth()
				for _, secret := range []string{auth, strings.TrimPrefix(auth, "Basic "), pass, strings.ToUpper(pass)} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("status %d: error shows %q: %v", status, secret, err)
					}
				}
			}
		}
	}
}

// TestRateLimitNotFailure: with the default retry policy, a server that answers 429 five
// times before it serves the request is waited out; the 429s do not use up the attempts
// meant for errors.
func TestRateLimitNotFailure(t *testing.T) {
	t.Parallel()
	e := setup(t, v1.WithRetry(v1.DefaultRetryPolicy))
	slow := answer(429, `{"error":"Too many requests"}`)
	e.mux.Handle("GET /v1/tns/{tn}", sequence(slow, slow, slow, slow, slow, answer(200, `{"billing_method":"METERED","routes":[]}`)))
	if _, err := e.client.GetNumber(context.Background(), "12062092844"); err != nil {
		t.Fatalf("error = %v, want the read to get through the 429s", err)
	}
	if n := len(e.requests()); n != 6 {
		t.Errorf("%d attempts, want 6", n)
	}
}
