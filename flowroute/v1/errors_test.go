package v1_test

import (
	"context"
	"errors"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// TestErrorKinds: the v1 client's errors match the sentinel of their kind, so that callers
// need no status codes.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.Handle("GET /v1/tns/{tn}", answer(404, `{"error":"Not Found"}`))
	e.mux.Handle("PUT /v1/routes/{name}", answer(409, `{"error":"Route name already exists."}`))
	e.mux.Handle("PATCH /v1/tns/{tn}", answer(500, `{}`))
	e.mux.Handle("GET /v1/routes/", answer(429, `{}`))
	ctx := context.Background()
	if _, err := e.client.GetNumber(ctx, "12062092844"); !errors.Is(err, v1.ErrNotFound) {
		t.Errorf("404 = %v, want v1.ErrNotFound", err)
	}
	if err := e.client.CreateRoute(ctx, v1.Route{Name: "pbx", Type: "HOST", Value: "1.2.3.4"}); !errors.Is(err, v1.ErrConflict) || errors.Is(err, v1.ErrOutcomeUnknown) {
		t.Errorf("409 = %v, want v1.ErrConflict", err)
	}
	if err := e.client.SetRoutes(ctx, "12062092844", "a", "b"); !errors.Is(err, v1.ErrOutcomeUnknown) || errors.Is(err, v1.ErrConflict) {
		t.Errorf("500 on a write = %v, want v1.ErrOutcomeUnknown", err)
	}
	if _, err := e.client.AllRoutes(ctx); !errors.Is(err, v1.ErrRateLimited) {
		t.Errorf("429 = %v, want v1.ErrRateLimited", err)
	}
}
