package backend

import (
	"errors"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// The v1 errors match the neutral errors plan and apply test for, and keep their own chain.
func TestNeutralErrors(t *testing.T) {
	t.Parallel()
	api := func(status int) *v1.APIError {
		return &v1.APIError{Status: status, Method: "PUT", Path: "/v1/routes/pbx", Message: "m"}
	}
	for _, tc := range []struct {
		name string
		err  error
		kind error
	}{
		{"404", api(404), account.ErrNotFound},
		{"409", api(409), account.ErrConflict},
		{"lost", &v1.OutcomeUnknownError{Method: "PUT", Path: "/v1/tns/1", Err: api(502)}, account.ErrOutcomeUnknown},
		{"429", &v1.RateLimitError{APIError: api(429)}, account.ErrRateLimited},
		{"422", api(422), nil},
	} {
		got := neutral(tc.err)
		for _, k := range []error{account.ErrNotFound, account.ErrConflict, account.ErrOutcomeUnknown, account.ErrRateLimited} {
			if errors.Is(got, k) != (k == tc.kind) {
				t.Errorf("%s: errors.Is(%v, %v) = %v", tc.name, got, k, !(k == tc.kind))
			}
		}
		var apiErr *v1.APIError
		if !errors.As(got, &apiErr) || got.Error() != tc.err.Error() {
			t.Errorf("%s: %v lost its *APIError or its message", tc.name, got)
		}
	}
	if neutral(nil) != nil {
		t.Error("neutral(nil) is not nil")
	}
}
