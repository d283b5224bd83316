// Package money holds Amount, the exact decimal of the prices the Flowroute clients return.
// Flowroute sends costs as decimal strings ("1.25"); adding them as float64 would drift, so
// amounts are integers of 1/10000.
package money

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Scale is the number of Amount units in one currency unit: four decimal places are kept,
// enough for per-minute rates as well as monthly prices.
const Scale = 10000

// Amount is a non-negative or negative decimal amount in units of 1/Scale. The zero value is 0.00.
// It marshals to JSON and YAML as a decimal string such as "1.25".
type Amount int64

// Parse reads a decimal such as "1", "1.5", "1.25" or "0.0035". More than four decimal
// places, signs other than a leading '-', exponents and empty strings are errors.
func Parse(s string) (Amount, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || len(frac) > 4 || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%q is not a decimal amount such as \"1.25\"", orig)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/Scale-1 {
		return 0, fmt.Errorf("%q is too large", orig)
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	}
	a := Amount(w*Scale + f)
	if neg {
		a = -a
	}
	return a, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MustParse is Parse for constants in tests and seed data; it panics on a malformed amount.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// String formats the amount with at least two decimal places: "1.00", "1.25", "0.0035".
func (a Amount) String() string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	frac := fmt.Sprintf("%04d", int64(a)%Scale)
	frac = strings.TrimRight(frac[2:], "0")
	return fmt.Sprintf("%s%d.%02d%s", sign, int64(a)/Scale, (int64(a)%Scale)/100, frac)
}

// MarshalJSON writes the amount as a JSON string, as Flowroute does.
func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// UnmarshalJSON accepts a JSON string ("1.25") or, to stay robust, a bare JSON number (1.25).
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText and UnmarshalText let YAML and flag parsers use the decimal form.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses the decimal form.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
