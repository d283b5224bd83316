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

// RenderText writes the plan for a person at a terminal: the releases first and loudly, then
// the changes grouped by kind, the cost of the purchases, the unmanaged objects, the
// diagnostics and a summary line, which is "No changes. The account matches the spec." when
// there is nothing to do.
func RenderText(w io.Writer, p *Plan, opts TextOptions) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opts.Color}
	if p.Account != nil {
		t.printf("Account: %s\n\n", clean(p.Account.String()))
	}
	t.releases(p)
	groups := []struct {
		action Action
		title  string
	}{
		{CreateRoute, "Routes to create:"},
		{UpdateRoute, "Routes to update:"},
		{CreateCNAM, "CNAM records to create:"},
		{CreateE911, "E911 addresses to create:"},
		{UpdateE911, "E911 addresses to update:"},
		{Purchase, "Numbers to purchase:"},
	}
	v := viewOf(p)
	for _, g := range groups {
		changes := changesOf(p, g.action)
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
			if ch.Action == Purchase {
				for _, f := range v.followUps[ch.Key] {
					for _, l := range fieldLines(f) {
						t.printf("      %-15s %s\n", l.field+":", clean(orNone(l.after)))
					}
					t.note(f.Note)
				}
			}
		}
		t.printf("\n")
	}
	if len(v.updates) > 0 {
		t.printf("Numbers to update:\n")
		for _, tn := range v.updated {
			t.printf("  %s %s\n", t.paint(ansiYellow, "~"), tn)
			for _, ch := range v.updates[tn] {
				for _, l := range fieldLines(ch) {
					t.printf("      %-15s %s -> %s\n", l.field+":", clean(orNone(l.before)), clean(orNone(l.after)))
				}
				t.note(ch.Note)
			}
		}
		t.printf("\n")
	}
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

func (t *textWriter) note(note string) {
	if note != "" {
		t.printf("      (%s)\n", clean(note))
	}
}

// releases writes the plan's releases and route deletions, in red, with the monthly cost they
// stop and the warning that a released number may be gone for good.
func (t *textWriter) releases(p *Plan) {
	r := ReleasesOf(p.Changes)
	if r == nil {
		return
	}
	loud := func(s string) string { return t.paint(ansiBold+ansiRed, s) }
	if len(r.Numbers) > 0 {
		t.printf("%s\n", loud(fmt.Sprintf("!!! %s to RELEASE (%s):", plural(len(r.Numbers), "number", "numbers"), releaseCostPhrase(r))))
		for _, ch := range changesOf(p, Release) {
			cost := "monthly cost unknown"
			if ch.Cost != nil {
				cost = ch.Cost.Monthly.String() + " per month"
			}
			t.printf("  %s %s  %s\n", t.paint(ansiRed, "-"), ch.Key, cost)
			t.note(ch.Note)
		}
		t.printf("  %s\n", loud(ReleaseWarning))
	}
	if len(r.Routes) > 0 {
		t.printf("%s\n", loud(fmt.Sprintf("!!! %s to DELETE (no number uses them):", plural(len(r.Routes), "route", "routes"))))
		for _, ch := range changesOf(p, DeleteRoute) {
			t.printf("  %s %s  %s  %s\n", t.paint(ansiRed, "-"), clean(ch.Key), clean(ch.Before[fieldType]), clean(ch.Before[fieldValue]))
		}
	}
	t.printf("\n")
}

// releaseCostPhrase says what the releases stop costing: "stops 2.50 per month", with the
// numbers whose cost is unknown.
func releaseCostPhrase(r *Releases) string {
	s := "stops " + r.Monthly.String() + " per month"
	if r.UnknownCost > 0 {
		s += fmt.Sprintf(", and the cost of %s unknown", plural(r.UnknownCost, "number", "numbers"))
	}
	return s
}

func (t *textWriter) change(ch Change, width int) {
	switch ch.Action {
	case CreateRoute:
		t.printf("  %s %-*s  %-4s  %s\n", t.paint(ansiGreen, "+"), width, ch.Key, clean(ch.After[fieldType]), clean(ch.After[fieldValue]))
		if es := ch.After[fieldEdgeStrategy]; es != "" {
			t.printf("      %-15s %s\n", fieldEdgeStrategy+":", clean(es))
		}
	case Purchase:
		cost := ""
		if ch.Cost != nil {
			cost = fmt.Sprintf("  %s one-time, %s per month", ch.Cost.Initial, ch.Cost.Monthly)
		}
		t.printf("  %s %-*s  %-7s%s\n", t.paint(ansiGreen, "+"), width, ch.Key, ch.After[fieldBillingMethod], cost)
	case CreateCNAM:
		t.printf("  %s %q\n", t.paint(ansiGreen, "+"), ch.Key)
		t.note(ch.Note)
	case CreateE911:
		t.printf("  %s %-*s  %s\n", t.paint(ansiGreen, "+"), width, clean(ch.Key), clean(addressPhrase(E911AddressOf(ch))))
	default: // update_route, update_e911
		t.printf("  %s %s%s\n", t.paint(ansiYellow, "~"), clean(ch.Key), affectsPhrase(ch, " (", ")"))
		for _, l := range fieldLines(ch) {
			t.printf("      %-15s %s -> %s\n", l.field+":", clean(orNone(l.before)), clean(orNone(l.after)))
		}
	}
}

// affectsPhrase says how many numbers a change of a shared object changes with it, "affects
// 33 numbers" between before and after, or "" for a change of one object.
func affectsPhrase(ch Change, before, after string) string {
	if info, _ := Info(ch.Action); info.Counts != CountsReach {
		return ""
	}
	return before + "affects " + plural(len(ch.Affected), "number", "numbers") + after
}

// addressPhrase is an address on one line: "Chris Smith, 1218 3rd Ave Suite 400, Seattle WA 98101 US".
func addressPhrase(a spec.E911Address) string {
	street := strings.Join(strings.Fields(strings.Join([]string{a.StreetNumber, a.StreetName, a.AddressType, a.AddressTypeNumber}, " ")), " ")
	return strings.Join(strings.Fields(a.FirstName+" "+a.LastName), " ") + ", " + street + ", " +
		strings.Join(strings.Fields(strings.Join([]string{a.City, a.State, a.Zip, a.Country}, " ")), " ")
}

// fieldLine is one field a change changes.
type fieldLine struct{ field, before, after string }

// fieldOrder is the order fields are shown in; others follow, sorted.
var fieldOrder = []string{fieldType, fieldValue, fieldEdgeStrategy, fieldPrimary, fieldFailover, fieldAlias, fieldCNAMLookups, fieldCNAM, fieldE911,
	"sms_callback", "mms_callback", "sms_dlr_callback", "mms_dlr_callback",
	"first_name", "last_name", "street_number", "street_name", "address_type", "address_type_number", "city", "state", "country", "zip"}

// fieldLines are the fields of ch whose value changes, in fieldOrder.
func fieldLines(ch Change) []fieldLine {
	keys := sortedKeys(ch.After)
	slices.SortStableFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(fieldOrder, a), slices.Index(fieldOrder, b)
		if ia < 0 {
			ia = len(fieldOrder)
		}
		if ib < 0 {
			ib = len(fieldOrder)
		}
		return ia - ib
	})
	var out []fieldLine
	for _, k := range keys {
		before, after := ch.Before[k], ch.After[k]
		if ch.Before != nil && before == after {
			continue
		}
		out = append(out, fieldLine{k, before, after})
	}
	return out
}

// view is how the text and Markdown plans group the changes of numbers: a purchased number's
// changes under its purchase, a released number's under its release, and every other number's
// under one entry per number, so that each number appears once.
type view struct {
	followUps map[string][]Change // purchased number -> its other changes
	updates   map[string][]Change // owned number -> its changes
	updated   []string            // the keys of updates, sorted
	hidden    map[*Change]bool    // changes shown with another (a purchase's, a release's)
}

func viewOf(p *Plan) view {
	v := view{followUps: map[string][]Change{}, updates: map[string][]Change{}, hidden: map[*Change]bool{}}
	bought, released := map[string]bool{}, map[string]bool{}
	for _, ch := range p.Changes {
		switch ch.Action {
		case Purchase:
			bought[ch.Key] = true
		case Release:
			released[ch.Key] = true
		}
	}
	for i := range p.Changes {
		ch := &p.Changes[i]
		if !IsNumberUpdate(ch.Action) {
			continue
		}
		switch {
		case released[ch.Key]:
			v.hidden[ch] = true
		case bought[ch.Key]:
			v.followUps[ch.Key] = append(v.followUps[ch.Key], *ch)
			v.hidden[ch] = true
		default:
			if _, ok := v.updates[ch.Key]; !ok {
				v.updated = append(v.updated, ch.Key)
			}
			v.updates[ch.Key] = append(v.updates[ch.Key], *ch)
		}
	}
	slices.Sort(v.updated)
	return v
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (t *textWriter) unmanaged(p *Plan) {
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

func (t *textWriter) diagnostic(d Diagnostic) {
	label := t.paint(ansiYellow, "Warning:")
	switch d.Severity {
	case Error:
		label = t.paint(ansiRed, "Error:")
	case Note:
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
	u := p.Unmanaged
	return len(u.Routes)+len(u.Numbers)+len(u.E911Addresses) > 0 && p.Policy.Unmanaged != spec.UnmanagedIgnore
}

// summaryLine is "Plan: 1 route to create, 2 numbers to purchase, 3 numbers to update." (the
// updates of numbers other than those purchased), led by the releases and route deletions and
// followed by the other kinds when there are some, or
// "No changes. The account matches the spec."
func summaryLine(p *Plan) string {
	switch {
	case p.Empty() && p.HasErrors():
		return "No changes planned."
	case p.Empty():
		return "No changes. The account matches the spec."
	}
	s := p.Summary
	var parts []string
	some := func(n int, one, many, what string) {
		if n > 0 {
			parts = append(parts, plural(n, one, many)+" "+what)
		}
	}
	some(s.NumbersToRelease, "number", "numbers", "to RELEASE")
	some(s.RoutesToDelete, "route", "routes", "to delete")
	parts = append(parts, plural(s.RoutesToCreate, "route", "routes")+" to create")
	some(s.RoutesToUpdate, "route", "routes", "to update")
	// A number purchased with its fields is counted once, as a purchase, as it is shown.
	parts = append(parts, plural(s.NumbersToPurchase, "number", "numbers")+" to purchase",
		plural(s.NumbersToUpdate-len(viewOf(p).followUps), "number", "numbers")+" to update")
	some(s.CNAMsToCreate, "CNAM record", "CNAM records", "to create")
	some(s.E911ToCreate, "E911 address", "E911 addresses", "to create")
	some(s.E911ToUpdate, "E911 address", "E911 addresses", "to update")
	return "Plan: " + strings.Join(parts, ", ") + "."
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
