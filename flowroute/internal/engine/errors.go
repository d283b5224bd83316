package engine

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The kinds of error a caller acts on without reading a status code. The clients export them
// as their own; the tool's adapters (internal/backend) make them match the neutral errors of
// package account too, which the engine does not import, so that the clients are a library
// that knows nothing of the tool.
var (
	// ErrNotFound matches an *APIError with status 404.
	ErrNotFound = errors.New("not found")
	// ErrConflict matches an *APIError with status 409.
	ErrConflict = errors.New("conflict")
	// ErrOutcomeUnknown matches an *OutcomeUnknownError: a write that may or may not have
	// been carried out.
	ErrOutcomeUnknown = errors.New("outcome unknown")
	// ErrRateLimited matches a *RateLimitError.
	ErrRateLimited = errors.New("rate limited")
)

// APIError is a response with a status outside 200..206.
type APIError struct {
	Status  int    // HTTP status code
	Method  string // request method
	Path    string // request path and query, relative to the host; never credentials
	Message string // the server's error message, or the body's first bytes when it is not JSON
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "no error message"
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, msg)
}

// Is makes errors.Is(err, ErrNotFound) true for a 404 and errors.Is(err, ErrConflict) for a 409.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrConflict:
		return e.Status == http.StatusConflict
	}
	return false
}

// RateLimitError is a 429 answer; RetryAfter is the server's Retry-After, zero when absent.
type RateLimitError struct {
	*APIError
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s (rate limited, retry after %s)", e.APIError.Error(), e.RetryAfter)
}

// Unwrap gives the APIError, so errors.As finds both.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// OutcomeUnknownError is a write whose request may have reached the server but whose answer
// was lost (a timeout, a connection closed after sending, a 5xx) or contradicts itself. The
// caller must read the account to learn what happened; the engine never repeats such a write
// by itself.
type OutcomeUnknownError struct {
	Method string
	Path   string
	Err    error // what went wrong: a network error, an *APIError with a 5xx status, ...
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s %s: outcome unknown, the request may have been carried out: %v", e.Method, e.Path, e.Err)
}

// Unwrap gives the underlying error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrOutcomeUnknown) true.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }
