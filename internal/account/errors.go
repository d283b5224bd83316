package account

import "errors"

// The neutral errors every backend's errors match with errors.Is, so that plan and apply
// decide what to do without knowing which API answered.
var (
	// ErrNotFound: the object (a number, a route, an inventory number) does not exist, or is
	// not for sale.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write clashes with what the account holds (a route name or alias
	// already taken, a number already owned).
	ErrConflict = errors.New("conflict")
	// ErrOutcomeUnknown: a write was sent and no answer says whether it was carried out.
	// Only reading the account settles it; sending it again blindly may double it.
	ErrOutcomeUnknown = errors.New("outcome unknown")
	// ErrRateLimited: the server asked us to slow down and the retries ran out.
	ErrRateLimited = errors.New("rate limited")
	// ErrNotSupported: the server has no endpoint for the read or write asked for.
	ErrNotSupported = errors.New("not supported by the server")
)
