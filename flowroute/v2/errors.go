package v2

import (
	"errors"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"
)

// The errors of the client. Every failed request gives an error that errors.As finds as an
// *APIError (any status outside 200..206), a *RateLimitError (a 429 that outlasted the
// retries) or an *OutcomeUnknownError (a write whose answer was lost); test its kind with
// errors.Is and the sentinels below rather than with its status, since v2 answers some kinds
// with several statuses (an alias taken is a 422, a route in use a 403: both ErrConflict).
var (
	// ErrNotFound matches an answer that the object does not exist (404), and a number that
	// is not for sale.
	ErrNotFound = engine.ErrNotFound
	// ErrConflict matches an answer that the write clashes with the account: an alias or a
	// CNAM value already taken, a route or an E911 address still in use, the same address
	// created twice, a number the account already owns.
	ErrConflict = engine.ErrConflict
	// ErrOutcomeUnknown matches an *OutcomeUnknownError: a write that may or may not have
	// been carried out. Read the account to learn which.
	ErrOutcomeUnknown = engine.ErrOutcomeUnknown
	// ErrRateLimited matches a *RateLimitError.
	ErrRateLimited = engine.ErrRateLimited
	// ErrListTooLong matches the error of a walk stopped by its bounds (WithWalkLimits): a
	// server that keeps announcing pages.
	ErrListTooLong = engine.ErrListTooLong
	// ErrPagination matches the error of a walk over pages that do not fit together: a next
	// link that skips items.
	ErrPagination = errors.New("flowroute v2: pagination")
)

// APIError is an answer with a status outside 200..206. Its fields are Status (the HTTP
// status), Method, Path (the request path and query, never credentials) and Message (the
// server's error details, cut to a readable length, secrets redacted).
type APIError = engine.APIError

// RateLimitError is a 429 answer that outlasted the retries: an *APIError and RetryAfter, the
// server's Retry-After (zero when absent). It matches ErrRateLimited.
type RateLimitError = engine.RateLimitError

// OutcomeUnknownError is a write whose request may have reached the server but whose answer
// was lost (a timeout, a connection closed after sending, a 5xx): Method, Path, and Err, what
// went wrong. It matches ErrOutcomeUnknown. The client never sends such a write again: read
// the account to learn whether it was carried out.
type OutcomeUnknownError = engine.OutcomeUnknownError
