package plan

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// unmanagedShown is how many unmanaged objects the renderers list before "… and N more".
const unmanagedShown = 20

// TextOptions tune the text renderer.
type TextOptions struct {
	Color bool // ANSI colours: green +, yellow ~ and warnings, red errors
}

// ANSI colours of the text renderer.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

type textWriter struct {
	w     *bufio.Writer
	color bool
}

func (t *textWriter) paint(color, s string) string {
	if !t.color {
		return s
	}
	return color + s + ansiReset
}

func (t *textWriter) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

// RenderText writes the plan for a person at a terminal: the changes grouped by kind, the cost
// of the purchases, the unmanaged objects, the diagnostics and a summary line, which is
// "No changes. The account matches the spec." when there is nothing to do.
func RenderText(w io.Writer, p *Plan, opts TextOptions) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opts.Color}
	if p.Account != nil {
		t.printf("Account: %s\n\n", clean(p.Account.String()))
	}
	groups := []struct {
		action Action
		title  string
	}{
		{CreateRoute, "Routes to create:"},
		{Purchase, "Numbers to purchase:"},
		{SetRoutes, "Numbers to update:"},
	}
	routed := purchaseRoutes(p)
	for _, g := range groups {
		changes := changesOf(p, g.action)
		if g.action == SetRoutes {
			changes = slices.DeleteFunc(changes, func(ch Change) bool { _, ok := routed[ch.Key]; return ok })
		}
		if len(changes) == 0 {
			continue
		}
		t.printf("%s\n", g.title)
		width := 0
		for _, ch := range changes {
			width = max(width, len(ch.Key))
		}
		for _, ch := range changes {
			t.change(ch, width)
			if sr, ok := routed[ch.Key]; ok && ch.Action == Purchase {
				for _, f := range []string{fieldPrimary, fieldFailover} {
					if before, after := sr.Before[f], sr.After[f]; before != after {
						t.printf("      %-15s %s\n", f+":", clean(after))
					}
				}
			}
		}
		t.printf("\n")
	}
	if p.Summary.NumbersToPurchase > 0 {
		t.printf("Cost of the purchases: %s one-time, %s per month.\n\n", p.Cost.Initial, p.Cost.Monthly)
	}
	if showUnmanaged(p) {
		t.unmanaged(p.Unmanaged)
	}
	for _, d := range p.Diagnostics {
		t.diagnostic(d)
	}
	if len(p.Diagnostics) > 0 {
		t.printf("\n")
	}
	t.printf("%s\n", t.paint(ansiBold, summaryLine(p)))
	if p.HasErrors() {
		t.printf("%s\n", t.paint(ansiRed, "The plan has errors and cannot be applied."))
	}
	return t.w.Flush()
}

func (t *textWriter) change(ch Change, width int) {
	switch ch.Action {
	case CreateRoute:
		t.printf("  %s %-*s  %-4s  %s\n", t.paint(ansiGreen, "+"), width, ch.Key, clean(ch.After[fieldType]), clean(ch.After[fieldValue]))
	case Purchase:
		cost := ""
		if ch.Cost != nil {
			cost = fmt.Sprintf("  %s one-time, %s per month", ch.Cost.Initial, ch.Cost.Monthly)
		}
		t.printf("  %s %-*s  %-7s%s\n", t.paint(ansiGreen, "+"), width, ch.Key, ch.After[fieldBillingMethod], cost)
	case SetRoutes:
		t.printf("  %s %s\n", t.paint(ansiYellow, "~"), ch.Key)
		for _, f := range []string{fieldPrimary, fieldFailover} {
			if before, after := ch.Before[f], ch.After[f]; before != after {
				t.printf("      %-15s %s -> %s\n", f+":", clean(orNone(before)), clean(after))
			}
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (t *textWriter) unmanaged(u Unmanaged) {
	t.printf("%s\n", t.paint(ansiYellow, "Unmanaged (on the account, not in the spec; never deleted):"))
	shown := 0
	list := func(title string, keys []string) {
		if len(keys) == 0 {
			return
		}
		t.printf("  %s (%d):\n", title, len(keys))
		for _, k := range keys {
			if shown == unmanagedShown {
				break
			}
			t.printf("    %s\n", clean(k))
			shown++
		}
	}
	list("routes", u.Routes)
	list("numbers", u.Numbers)
	if more := len(u.Routes) + len(u.Numbers) - shown; more > 0 {
		t.printf("    … and %d more\n", more)
	}
	t.printf("\n")
}

func (t *textWriter) diagnostic(d Diagnostic) {
	label := t.paint(ansiYellow, "Warning:")
	if d.Severity == Error {
		label = t.paint(ansiRed, "Error:")
	}
	where := ""
	if d.Pos.IsValid() {
		where = d.Pos.String() + ": "
	}
	t.printf("%s %s%s\n", label, where, d.Message)
	if d.Hint != "" {
		t.printf("  Hint: %s\n", d.Hint)
	}
}

// purchaseRoutes returns the set_routes changes of the numbers the plan purchases, by number.
// The text and Markdown plans show each on its purchase, so that a new number appears once;
// the JSON plan keeps both actions, which apply runs in turn.
func purchaseRoutes(p *Plan) map[string]Change {
	bought := map[string]bool{}
	for _, ch := range p.Changes {
		if ch.Action == Purchase {
			bought[ch.Key] = true
		}
	}
	routed := map[string]Change{}
	for _, ch := range p.Changes {
		if ch.Action == SetRoutes && bought[ch.Key] {
			routed[ch.Key] = ch
		}
	}
	return routed
}

// changesOf returns the changes of one action, in plan order.
func changesOf(p *Plan, a Action) []Change {
	var out []Change
	for _, ch := range p.Changes {
		if ch.Action == a {
			out = append(out, ch)
		}
	}
	return out
}

// showUnmanaged reports whether renderers list the unmanaged objects: when there are some and
// the policy does not say to ignore them.
func showUnmanaged(p *Plan) bool {
	return len(p.Unmanaged.Routes)+len(p.Unmanaged.Numbers) > 0 && p.Policy.Unmanaged != spec.UnmanagedIgnore
}

// summaryLine is "Plan: 1 route to create, 2 numbers to purchase, 3 numbers to update." (the
// updates of numbers other than those purchased) or
// "No changes. The account matches the spec."
func summaryLine(p *Plan) string {
	switch {
	case p.Empty() && p.HasErrors():
		return "No changes planned."
	case p.Empty():
		return "No changes. The account matches the spec."
	}
	s := p.Summary
	// A number purchased with its routes is counted once, as a purchase, as it is shown.
	return fmt.Sprintf("Plan: %s to create, %s to purchase, %s to update.",
		plural(s.RoutesToCreate, "route", "routes"),
		plural(s.NumbersToPurchase, "number", "numbers"),
		plural(s.NumbersToUpdate-len(purchaseRoutes(p)), "number", "numbers"))
}

// clean escapes the control characters of a value read from the account, so that it stays on
// one line and cannot drive the terminal.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
