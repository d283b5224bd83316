package pick

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// Marker starts the provenance comment above each number add pins, after the "# ".
const Marker = "flowroute-numbers add"

// Args writes the criteria as add's flags, in a fixed order, values quoted where a shell
// would split them: the billing method only when it is a criterion of its own (BillingFrom
// is ""), the order only when it is not ByMonthly; for a pool's criteria, --pool NAME alone.
func (c Criteria) Args() []string {
	c = c.normal()
	if c.Pool != "" {
		return []string{"--pool", Quote(c.Pool)}
	}
	var a []string
	for f := NPA; f <= BillingMethod; f++ {
		if v := c.Value(f); v != "" && (f != BillingMethod || c.BillingFrom == "") {
			a = append(a, f.Flag(), Quote(v))
		}
	}
	if c.Order != ByMonthly {
		a = append(a, "--sort", c.Order.String())
	}
	return a
}

// Comment is the provenance comment for o, chosen by c, without its "# ": the marker, the
// criteria as flags, and where the number is and what it cost then, such as
// "flowroute-numbers add --npa 206 (SEATTLE, WA; setup 0.00, monthly 1.00)". Recorded reads
// the criteria back.
func Comment(c Criteria, o account.Offer) string {
	place := strings.Trim(oneLine(o.RateCenter)+", "+oneLine(o.State), ", ")
	if place != "" {
		place += "; "
	}
	return strings.Join(append([]string{Marker}, c.Args()...), " ") +
		fmt.Sprintf(" (%ssetup %s, monthly %s)", place, o.SetupCost, o.MonthlyCost)
}

// oneLine keeps server text on one line of a comment.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Quote quotes an argument that a shell or Recorded would split, as Args does, so that a
// command suggested beside a recorded one reads the same.
func Quote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'();#\\") {
		return strconv.Quote(s)
	}
	return s
}

// Recorded reads back the criteria from the comment lines above a number (each starting
// with "#"): the flags of the first line that starts with "# "+Marker, up to the "(". ok is
// false when there is no such line, or it cannot be read, or it records criteria that Check
// refuses. The billing method is read as recorded, where one was.
func Recorded(comment string) (c Criteria, ok bool) {
	for _, line := range strings.Split(comment, "\n") {
		rest, found := strings.CutPrefix(strings.TrimSpace(line), "# "+Marker)
		if !found {
			continue
		}
		args, ok := splitArgs(rest)
		if !ok || len(args)%2 != 0 {
			return Criteria{}, false
		}
		for i := 0; i < len(args); i += 2 {
			if !c.set(args[i], args[i+1]) {
				return Criteria{}, false
			}
		}
		if c.Check() != nil {
			return Criteria{}, false
		}
		return c.normal(), true
	}
	return Criteria{}, false
}

// set sets the criterion of the flag to v, and reports whether it could.
func (c *Criteria) set(flag, v string) bool {
	if flag == "--pool" {
		c.Pool = v
		return v != ""
	}
	if flag == "--sort" {
		o, err := ParseOrder(v)
		c.Order = o
		return err == nil
	}
	f := NPA
	for f <= BillingMethod && f.Flag() != flag {
		f++
	}
	if p := c.text(f); p != nil {
		*p = v
		return true
	}
	if p := c.cost(f); p != nil {
		a, err := money.Parse(v)
		*p = &a
		return err == nil
	}
	return false
}

// splitArgs splits s at blanks, reading double-quoted Go strings as one argument, up to an
// unquoted "(" or the end.
func splitArgs(s string) ([]string, bool) {
	var args []string
	for {
		s = strings.TrimLeft(s, " \t")
		switch {
		case s == "" || s[0] == '(':
			return args, true
		case s[0] == '"':
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, false
			}
			v, _ := strconv.Unquote(q)
			args, s = append(args, v), s[len(q):]
		default:
			end := strings.IndexAny(s, " \t(")
			if end < 0 {
				end = len(s)
			}
			args, s = append(args, s[:end]), s[end:]
		}
	}
}
