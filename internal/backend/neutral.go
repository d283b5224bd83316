package backend

import (
	"errors"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
)

// kinds pairs each neutral error of package account with a client's sentinel of that kind.
// The clients import nothing of the tool, so their errors match their own sentinels; an
// adapter passes every error it returns through neutral, so that plan and apply test for
// account's.
type kinds [4]struct{ neutral, client error }

var (
	v1Errors = kinds{
		{account.ErrNotFound, v1.ErrNotFound}, {account.ErrConflict, v1.ErrConflict},
		{account.ErrOutcomeUnknown, v1.ErrOutcomeUnknown}, {account.ErrRateLimited, v1.ErrRateLimited},
	}
	v2Errors = kinds{
		{account.ErrNotFound, v2.ErrNotFound}, {account.ErrConflict, v2.ErrConflict},
		{account.ErrOutcomeUnknown, v2.ErrOutcomeUnknown}, {account.ErrRateLimited, v2.ErrRateLimited},
	}
)

// neutral returns err, a client's error, as an error that also matches (errors.Is) the account
// error of every kind it matches: a 404 account.ErrNotFound, a conflict account.ErrConflict, a
// lost answer account.ErrOutcomeUnknown, a 429 whose retries ran out account.ErrRateLimited.
// It keeps err's message, errors.As still finds the client's typed errors, and unwrapping it
// walks err's chain with each link made neutral the same way, so that a caller looking for
// the cause of an unknown outcome (apply's) finds the answer that was lost, as it would in
// err. An error of none of the kinds is returned as it is.
func (k *kinds) neutral(err error) error {
	if err == nil || !k.matches(err) {
		return err
	}
	switch err.(type) {
	case *neutralError, *neutralErrors:
		return err
	case interface{ Unwrap() []error }:
		return &neutralErrors{neutralError{err: err, k: k}}
	}
	return &neutralError{err: err, k: k}
}

// matches reports whether err is of one of the kinds.
func (k *kinds) matches(err error) bool {
	for _, p := range k {
		if errors.Is(err, p.client) {
			return true
		}
	}
	return false
}

// neutralError is a client's error seen through neutral; err wraps at most one error.
type neutralError struct {
	err error
	k   *kinds
}

func (e *neutralError) Error() string { return e.err.Error() }

// Is reports whether err matches target, or target is the account error of a kind err matches.
func (e *neutralError) Is(target error) bool {
	for _, p := range e.k {
		if target == p.neutral && errors.Is(e.err, p.client) {
			return true
		}
	}
	return errors.Is(e.err, target)
}

// As finds target in err's chain.
func (e *neutralError) As(target any) bool { return errors.As(e.err, target) }

// Unwrap is the error err wraps, made neutral.
func (e *neutralError) Unwrap() error { return e.k.neutral(errors.Unwrap(e.err)) }

// neutralErrors is a client's error that wraps several (errors.Join, fmt.Errorf with two %w)
// seen through neutral.
type neutralErrors struct{ neutralError }

// Unwrap is the errors err wraps, each made neutral.
func (e *neutralErrors) Unwrap() []error {
	errs := e.err.(interface{ Unwrap() []error }).Unwrap()
	out := make([]error, len(errs))
	for i, err := range errs {
		out[i] = e.k.neutral(err)
	}
	return out
}
