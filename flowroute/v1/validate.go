package v1

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// validate checks q the way the server would, so that a bad search fails before any request:
// NPA and NXX are 3 digits and NXX needs NPA; State is 2 letters and RateCenter needs State;
// TN is up to 11 digits.
func (q SearchQuery) validate() error {
	var errs []error
	if q.NPA != "" && (len(q.NPA) != 3 || !isDigits(q.NPA)) {
		errs = append(errs, fmt.Errorf("NPA %q: want 3 digits", q.NPA))
	}
	if q.NXX != "" {
		if len(q.NXX) != 3 || !isDigits(q.NXX) {
			errs = append(errs, fmt.Errorf("NXX %q: want 3 digits", q.NXX))
		}
		if q.NPA == "" {
			errs = append(errs, errors.New("an NXX needs an NPA"))
		}
	}
	if q.State != "" && (len(q.State) != 2 || !isLetters(q.State)) {
		errs = append(errs, fmt.Errorf("state %q: want 2 letters", q.State))
	}
	if q.RateCenter != "" && q.State == "" {
		errs = append(errs, errors.New("a rate center needs a state"))
	}
	if q.TN != "" && (len(q.TN) > 11 || !isDigits(q.TN)) {
		errs = append(errs, fmt.Errorf("number %q: want up to 11 digits", q.TN))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("flowroute: bad search: %w", err)
	}
	return nil
}

// validate checks the page options against the range v1 accepts.
func (o PageOptions) validate() error {
	if o.Limit < 0 || o.Limit > MaxLimit {
		return fmt.Errorf("flowroute: limit %d: want 1 to %d", o.Limit, MaxLimit)
	}
	if o.Page < 0 {
		return fmt.Errorf("flowroute: page %d: want 1 or more", o.Page)
	}
	return nil
}

// validateTN checks that tn is an E.164 North American number, 1NPANXXXXXX.
func validateTN(tn string) error {
	if len(tn) != 11 || !isDigits(tn) || tn[0] != '1' {
		return fmt.Errorf("flowroute: number %q: want 11 digits, 1NPANXXXXXX", tn)
	}
	return nil
}

// routeTypes are the types of route an account can create; SIP-REG is built in.
var routeTypes = map[string]bool{"HOST": true, "PSTN": true, "URI": true}

// validateRoute checks what CreateRoute sends. The server checks the value itself.
func validateRoute(r Route) error {
	switch {
	case r.Name == "" || r.Name == "." || r.Name == "..":
		return fmt.Errorf("flowroute: route name %q: want a name", r.Name)
	case !routeTypes[r.Type]:
		return fmt.Errorf("flowroute: route %s: type %q: want HOST, PSTN or URI", r.Name, r.Type)
	case r.Value == "":
		return fmt.Errorf("flowroute: route %s: the value is required", r.Name)
	}
	return nil
}

// validRouteName reports whether a route name read from the server is one the client can
// name in a path and in a spec: not empty, not "." or "..", valid UTF-8 without control
// characters, at most 256 bytes.
func validRouteName(name string) bool {
	if name == "" || name == "." || name == ".." || len(name) > 256 || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
