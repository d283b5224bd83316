package views

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// TextOptions tune the text plan.
type TextOptions struct {
	Color bool // ANSI colours: green +, yellow ~ and warnings, red - and errors
}

// ANSI colours of the text plan.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// signColor is the colour of each sign of the table of actions.
var signColor = map[string]string{"+": ansiGreen, "~": ansiYellow, "-": ansiRed}

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

// sign is the action's sign, in its colour.
func (t *textWriter) sign(a plan.Action) string {
	s := info(a).Sign
	return t.paint(signColor[s], s)
}

// PlanText writes the plan for a person at a terminal: the releases first and loudly, then
// the changes grouped by kind, the cost of the purchases, the unmanaged objects, the
// diagnostics and a summary line, which is "No changes. The account matches the spec." when
// there is nothing to do.
func PlanText(w io.Writer, p *plan.Plan, opts TextOptions) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opts.Color}
	if p.Account != nil {
		t.printf("Account: %s\n\n", clean(p.Account.String()))
	}
	t.releases(p)
	groups := groupNumbers(p.Changes)
	t.changes(p, groups)
	t.numberUpdates(groups)
	if p.Summary.NumbersToPurchase > 0 {
		t.printf("Cost of the purchases: %s one-time, %s per month.\n\n", p.Cost.Initial, p.Cost.Monthly)
	}
	if showUnmanaged(p) {
		t.unmanaged(p)
	}
	for _, d := range p.Diagnostics {
		t.diagnostic(d)
	}
	if len(p.Diagnostics) > 0 {
		t.printf("\n")
	}
	t.printf("%s\n", t.paint(ansiBold, summaryLine(p)))
	if !p.Empty() && p.Digest != "" {
		t.printf("Plan digest: %s\n", p.Digest)
	}
	if p.HasErrors() {
		t.printf("%s\n", t.paint(ansiRed, "The plan has errors and cannot be applied."))
	}
	return t.w.Flush()
}

// changes writes a group for each action of the table other than the updates of numbers and
// what the releases show, titled "Routes to create:", in the table's order; a purchased
// number's fields under its purchase.
func (t *textWriter) changes(p *plan.Plan, groups numberGroups) {
	for _, in := range plan.Actions() {
		if in.Sign == "-" || plan.IsNumberUpdate(in.Action) {
			continue
		}
		changes := changesOf(p, in.Action)
		if len(changes) == 0 {
			continue
		}
		t.printf("%s\n", groupTitle(in))
		width := 0
		for _, ch := range changes {
			width = max(width, len(ch.Key))
		}
		for _, ch := range changes {
			t.change(ch, width)
			if ch.Action != plan.Purchase {
				continue
			}
			for _, f := range groups.followUps[ch.Key] {
				for _, l := range fieldLines(f) {
					t.printf("      %-15s %s\n", l.field+":", clean(orNone(l.after)))
				}
				t.note(f.Note)
			}
		}
		t.printf("\n")
	}
}

// groupTitle is a group's title: "Routes to create:".
func groupTitle(in plan.ActionInfo) string {
	return strings.ToUpper(in.Nouns[:1]) + in.Nouns[1:] + " " + in.Verb + ":"
}

// numberUpdates writes the updates of the numbers the account owns, each number once with
// every field that changes.
func (t *textWriter) numberUpdates(groups numberGroups) {
	if len(groups.updated) == 0 {
		return
	}
	t.printf("%s\n", groupTitle(info(plan.SetRoutes)))
	for _, tn := range groups.updated {
		t.printf("  %s %s\n", t.sign(plan.SetRoutes), tn)
		for _, ch := range groups.updates[tn] {
			t.fieldChanges(ch)
			t.note(ch.Note)
		}
	}
	t.printf("\n")
}

// fieldChanges writes the fields the change changes, "before -> after".
func (t *textWriter) fieldChanges(ch plan.Change) {
	for _, l := range fieldLines(ch) {
		t.printf("      %-15s %s -> %s\n", l.field+":", clean(orNone(l.before)), clean(orNone(l.after)))
	}
}

func (t *textWriter) note(note string) {
	if note != "" {
		t.printf("      (%s)\n", clean(note))
	}
}

// releases writes the plan's releases and route deletions, in red, with the monthly cost they
// stop and the warning that a released number may be gone for good.
func (t *textWriter) releases(p *plan.Plan) {
	r := plan.ReleasesOf(p.Changes)
	if r == nil {
		return
	}
	loud := func(s string) string { return t.paint(ansiBold+ansiRed, s) }
	if len(r.Numbers) > 0 {
		t.printf("%s\n", loud(fmt.Sprintf("!!! %s to RELEASE (%s):", plural(len(r.Numbers), "number", "numbers"), releaseCostPhrase(r))))
		for _, ch := range changesOf(p, plan.Release) {
			t.printf("  %s %s  %s\n", t.sign(ch.Action), ch.Key, monthlyCost(ch))
			t.note(ch.Note)
		}
		t.printf("  %s\n", loud(plan.ReleaseWarning))
	}
	if len(r.Routes) > 0 {
		t.printf("%s\n", loud(fmt.Sprintf("!!! %s to DELETE (no number uses them):", plural(len(r.Routes), "route", "routes"))))
		for _, ch := range changesOf(p, plan.DeleteRoute) {
			t.printf("  %s %s  %s  %s\n", t.sign(ch.Action), clean(ch.Key), clean(ch.Before["type"]), clean(ch.Before["value"]))
		}
	}
	t.printf("\n")
}

// change writes one change of a group: its sign, its key and what it makes.
func (t *textWriter) change(ch plan.Change, width int) {
	sign := t.sign(ch.Action)
	switch ch.Action {
	case plan.CreateRoute:
		t.printf("  %s %-*s  %-4s  %s\n", sign, width, ch.Key, clean(ch.After["type"]), clean(ch.After["value"]))
		if es := ch.After["edge_strategy"]; es != "" {
			t.printf("      %-15s %s\n", "edge_strategy:", clean(es))
		}
	case plan.Purchase:
		cost := ""
		if ch.Cost != nil {
			cost = fmt.Sprintf("  %s one-time, %s per month", ch.Cost.Initial, ch.Cost.Monthly)
		}
		t.printf("  %s %-*s  %-7s%s\n", sign, width, ch.Key, ch.After["billing_method"], cost)
	case plan.CreateCNAM:
		t.printf("  %s %q\n", sign, ch.Key)
		t.note(ch.Note)
	case plan.CreateE911:
		t.printf("  %s %-*s  %s\n", sign, width, clean(ch.Key), clean(addressPhrase(plan.E911AddressOf(ch))))
	default: // update_route, update_e911
		t.printf("  %s %s%s\n", sign, clean(ch.Key), affectsPhrase(ch, " (", ")"))
		t.fieldChanges(ch)
	}
}

func (t *textWriter) unmanaged(p *plan.Plan) {
	u := p.Unmanaged
	title := "Unmanaged (on the account, not in the spec; never deleted):"
	if p.Policy.Unmanaged == spec.UnmanagedRelease {
		title = "Unmanaged (on the account, not in the spec; kept):"
	}
	t.printf("%s\n", t.paint(ansiYellow, title))
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
	list("E911 addresses", u.E911Addresses)
	if more := len(u.Routes) + len(u.Numbers) + len(u.E911Addresses) - shown; more > 0 {
		t.printf("    … and %d more\n", more)
	}
	t.printf("\n")
}

func (t *textWriter) diagnostic(d plan.Diagnostic) {
	label := t.paint(ansiYellow, "Warning:")
	switch d.Severity {
	case plan.Error:
		label = t.paint(ansiRed, "Error:")
	case plan.Note:
		label = "Note:"
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
