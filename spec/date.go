package spec

import (
	"fmt"
	"time"
)

// Date is a day of the calendar, without a time of day or a zone: the day a number was
// retired (retired.TN.since), and the day the tool takes as today. The zero Date is no day.
type Date struct {
	t time.Time // midnight UTC of the day; the zero time for the zero Date
}

// dateLayout is how a Date is written: 2026-12-03.
const dateLayout = time.DateOnly

// NewDate is the day y-m-d; a day past the end of its month runs into the next, as time.Date
// has it.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf is the day t falls on in t's own zone.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate reads a day written YYYY-MM-DD, such as 2026-12-03, refusing any other form and a
// day the calendar does not have (2026-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		return Date{}, fmt.Errorf("%q is not a day written YYYY-MM-DD, such as 2026-12-03", s)
	}
	return Date{t}, nil
}

// IsZero reports whether d is no day.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String writes the day as YYYY-MM-DD; "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// AddDays is the day n days after d (before it, for a negative n).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Compare orders days: -1 when d is before e, 0 when they are the same day, +1 after.
func (d Date) Compare(e Date) int { return d.t.Compare(e.t) }

// Equal reports whether d and e are the same day (go-cmp compares Dates with it).
func (d Date) Equal(e Date) bool { return d.Compare(e) == 0 }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// MarshalText writes the day as YYYY-MM-DD (JSON: a string).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a day written YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
