package backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

var neutrals = []error{account.ErrNotFound, account.ErrConflict, account.ErrOutcomeUnknown, account.ErrRateLimited}

// The clients' errors, made neutral, match the account errors plan and apply test for, and
// keep their message, their own sentinels and their typed errors.
func TestNeutralErrors(t *testing.T) {
	t.Parallel()
	api := func(status int) *v1.APIError {
		return &v1.APIError{Status: status, Method: "PUT", Path: "/v1/routes/pbx", Message: "m"}
	}
	for _, tc := range []struct {
		name string
		err  error
		kind error
		own  error // the client's sentinel it matches
	}{
		{"404", api(404), account.ErrNotFound, v1.ErrNotFound},
		{"409", api(409), account.ErrConflict, v1.ErrConflict},
		{"lost", &v1.OutcomeUnknownError{Method: "PUT", Path: "/v1/tns/1", Err: api(502)}, account.ErrOutcomeUnknown, v1.ErrOutcomeUnknown},
		{"429", &v1.RateLimitError{APIError: api(429)}, account.ErrRateLimited, v1.ErrRateLimited},
		{"wrapped", fmt.Errorf("flowroute: reading: %w", api(404)), account.ErrNotFound, v1.ErrNotFound},
		{"joined", fmt.Errorf("%w; %w", api(422), &v1.OutcomeUnknownError{Err: api(503)}), account.ErrOutcomeUnknown, v1.ErrOutcomeUnknown},
		{"422", api(422), nil, nil},
	} {
		for _, k := range []*kinds{&v1Errors, &v2Errors} {
			got := k.neutral(tc.err)
			for _, n := range neutrals {
				if errors.Is(got, n) != (n == tc.kind) {
					t.Errorf("%s: errors.Is(%v, %v) = %v", tc.name, got, n, !(n == tc.kind))
				}
			}
			if tc.own != nil && !errors.Is(got, tc.own) {
				t.Errorf("%s: %v no longer matches the client's %v", tc.name, got, tc.own)
			}
			var apiErr *v1.APIError
			if !errors.As(got, &apiErr) || got.Error() != tc.err.Error() {
				t.Errorf("%s: %v lost its *APIError or its message", tc.name, got)
			}
			if k.neutral(got) != got {
				t.Errorf("%s: made neutral twice", tc.name)
			}
		}
	}
	if v1Errors.neutral(nil) != nil {
		t.Error("neutral(nil) is not nil")
	}
}

// TestNeutralChain: a neutral error unwraps into the client error's chain, link by link, each
// link with the same message and matching the account errors of the kinds it matches: so
// that apply, going down the chain of a lost write while it matches
// account.ErrOutcomeUnknown, reaches the answer that was lost, and reports it.
func TestNeutralChain(t *testing.T) {
	t.Parallel()
	lost := &v2.APIError{Status: 503, Method: "DELETE", Path: "/v2/numbers/12065550100/relationships/failover_route", Message: "offline"}
	for _, err := range []error{
		&v2.OutcomeUnknownError{Method: "DELETE", Path: lost.Path, Err: lost},
		fmt.Errorf("setting routes: %w", &v2.OutcomeUnknownError{Err: lost}),
		fmt.Errorf("%w; %w", &v2.APIError{Status: 422}, fmt.Errorf("failover: %w", &v2.OutcomeUnknownError{Err: lost})),
	} {
		sameChain(t, v2Errors.neutral(err), err)
	}
}

// sameChain walks got and want, the client's error, together.
func sameChain(t *testing.T, got, want error) {
	t.Helper()
	for ; want != nil; got, want = errors.Unwrap(got), errors.Unwrap(want) {
		if got == nil || got.Error() != want.Error() {
			t.Fatalf("%v unwraps to %v, want %v", got, got, want)
		}
		for _, p := range v2Errors {
			if errors.Is(got, p.neutral) != errors.Is(want, p.client) {
				t.Errorf("%v: errors.Is(%v) = %v, unlike the client's error", got, p.neutral, !errors.Is(want, p.client))
			}
		}
		if w, ok := want.(interface{ Unwrap() []error }); ok {
			g, ok := got.(interface{ Unwrap() []error })
			if !ok || len(g.Unwrap()) != len(w.Unwrap()) {
				t.Fatalf("%v does not unwrap into the errors %v wraps", got, want)
			}
			for i, w := range w.Unwrap() {
				sameChain(t, g.Unwrap()[i], w)
			}
			return
		}
	}
	if got != nil {
		t.Errorf("%v unwraps further than the client's error", got)
	}
}

// TestAdapterErrors: what each adapter returns for a 404, a conflict, a lost write and a 429
// that lasts matches the account error of its kind.
func TestAdapterErrors(t *testing.T) {
	t.Parallel()
	answer := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			w.Write([]byte(body))
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/tns/{tn}", answer(404, `{"error":"Not Found"}`))
	mux.Handle("PUT /v1/routes/{name}", answer(409, `{"error":"Route name already exists."}`))
	mux.Handle("PATCH /v1/tns/{tn}", answer(500, `{}`))
	mux.Handle("GET /v1/routes/", answer(429, `{}`))
	mux.Handle("GET /v2/numbers/{tn}", answer(404, `{"errors":[{"detail":"Could not find that resource on your account.","status":404}]}`))
	mux.Handle("POST /v2/routes", answer(422, `{"errors":[{"detail":"Route alias already exists.","status":422}]}`))
	mux.Handle("PATCH /v2/numbers/{tn}", answer(500, `{}`))
	mux.Handle("GET /v2/routes", answer(429, `{}`))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c1, err := v1.New(srv.URL+"/v1", testAccess, testSecret, v1.WithRateLimit(0, 0), v1.WithRetry(v1.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := v2.New(srv.URL+"/v2", testAccess, testSecret, v2.WithRateLimit(0, 0), v2.WithRetry(v2.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	route := account.Route{Name: "pbx", Route: spec.Route{Type: spec.RouteHost, Value: "10.0.0.1"}}
	ctx := context.Background()
	b1, b2 := NewV1(c1), NewV2(c2)
	for _, tc := range []struct {
		what    string
		v1, v2  func() error
		neutral error
	}{
		{"a 404", func() error { _, err := b1.Number(ctx, "12065550100"); return err },
			func() error { _, err := b2.Number(ctx, "12065550100"); return err }, account.ErrNotFound},
		{"a conflict", func() error { _, err := b1.CreateRoute(ctx, route); return err },
			func() error { _, err := b2.CreateRoute(ctx, route); return err }, account.ErrConflict},
		{"a lost write", func() error { return b1.SetRoutes(ctx, "12065550100", "pbx", "pbx") },
			func() error { return b2.SetAlias(ctx, "12065550100", "front desk") }, account.ErrOutcomeUnknown},
		{"a lasting 429", func() error { _, err := b1.Routes(ctx); return err },
			func() error { _, err := b2.Routes(ctx); return err }, account.ErrRateLimited},
	} {
		for api, call := range map[string]func() error{"v1": tc.v1, "v2": tc.v2} {
			if err := call(); !errors.Is(err, tc.neutral) {
				t.Errorf("%s: %s: %v does not match %v", api, tc.what, err, tc.neutral)
			}
		}
	}
}
