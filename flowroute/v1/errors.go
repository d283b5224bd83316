package v1

import "github.com/flowroute-numbers/flowroute-numbers/flowroute/internal/engine"

// ErrNotFound matches (errors.Is) an *APIError with status 404. It is account.ErrNotFound.
var ErrNotFound = engine.ErrNotFound

// ErrOutcomeUnknown matches (errors.Is) an *OutcomeUnknownError: a write that may or may not
// have been carried out. It is account.ErrOutcomeUnknown.
var ErrOutcomeUnknown = engine.ErrOutcomeUnknown

// APIError is a response with a status outside 200..206. A 404 matches ErrNotFound, a 409
// account.ErrConflict.
type APIError = engine.APIError

// RateLimitError is a 429 answer; RetryAfter is the server's Retry-After, zero when absent. It
// matches account.ErrRateLimited.
type RateLimitError = engine.RateLimitError

// OutcomeUnknownError is a write whose request may have reached the server but whose answer
// was lost (a timeout, a connection closed after sending, a 5xx). The caller must read the
// account to learn what happened; the client never repeats such a write by itself.
type OutcomeUnknownError = engine.OutcomeUnknownError

// ErrListTooLong matches (errors.Is) the error of a walk stopped by its bounds
// (WithWalkLimits): a server that keeps announcing pages.
var ErrListTooLong = engine.ErrListTooLong
