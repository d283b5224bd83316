package spec

import (
	"cmp"
	"slices"
	"strings"
)

// Error is one problem in a spec: where it is, what is wrong and, when one helps, how to fix it.
type Error struct {
	Pos     Pos
	Message string
	Hint    string // optional, e.g. `write 12065550100, not +1 206-555-0100`
}

// Error formats the problem as "file:line:col: message (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	if p := e.Pos.String(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Errors is every problem Load found, sorted by file, line and column. Load returns it as its
// error, so that a user fixes everything in one go.
type Errors []*Error

// Error is one line per problem.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// sorted orders the problems by file, line, column and message, so that output is
// deterministic, and drops repeats: a bad value that many numbers share through an alias is
// one problem, at the one place to fix it.
func (es Errors) sorted() Errors {
	slices.SortFunc(es, func(a, b *Error) int {
		return cmp.Or(
			a.Pos.Compare(b.Pos),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Hint, b.Hint),
		)
	})
	return slices.CompactFunc(es, func(a, b *Error) bool { return *a == *b })
}
