package v1

import "github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"

// The errors of the client. Every failed request gives an error that errors.As finds as an
// *APIError (any status outside 200..206), a *RateLimitError (a 429 that outlasted the
// retries) or an *OutcomeUnknownError (a write whose answer was lost); test its kind with
// errors.Is and the sentinels below rather than with its status.
var (
	// ErrNotFound matches an *APIError with status 404, and a number LookupAvailable does not
	// find for sale.
	ErrNotFound = engine.ErrNotFound
	// ErrConflict matches an *APIError with status 409: a route name already taken.
	ErrConflict = engine.ErrConflict
	// ErrOutcomeUnknown matches an *OutcomeUnknownError: a write that may or may not have
	// been carried out. Read the account to learn which.
	ErrOutcomeUnknown = engine.ErrOutcomeUnknown
	// ErrRateLimited matches a *RateLimitError.
	ErrRateLimited = engine.ErrRateLimited
	// ErrListTooLong matches the error of a walk stopped by its bounds (WithWalkLimits): a
	// server that keeps announcing pages.
	ErrListTooLong = engine.ErrListTooLong
)

// APIError is an answer with a status outside 200..206. Its fields are Status (the HTTP
// status), Method, Path (the request path and query, never credentials) and Message (the
// server's error message, cut to a readable length, secrets redacted). A 404 matches
// ErrNotFound, a 409 ErrConflict.
type APIError = engine.APIError

// RateLimitError is a 429 answer that outlasted the retries: an *APIError and RetryAfter, the
// server's Retry-After (zero when absent). It matches ErrRateLimited.
type RateLimitError = engine.RateLimitError

// OutcomeUnknownError is a write whose request may have reached the server but whose answer
// was lost (a timeout, a connection closed after sending, a 5xx): Method, Path, and Err, what
// went wrong. It matches ErrOutcomeUnknown. The client never sends such a write again: read
// the account (GetNumber, AllRoutes) to learn whether it was carried out.
type OutcomeUnknownError = engine.OutcomeUnknownError
