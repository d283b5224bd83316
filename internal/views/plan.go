package views

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// The formats of a plan, as --format names them.
const (
	FormatText     = "text"
	FormatJSON     = "json"
	FormatMarkdown = "markdown"
)

// Plan writes p in format: FormatJSON, FormatMarkdown, or else text, in colour when color is
// set.
func Plan(w io.Writer, p *plan.Plan, format string, color bool) error {
	switch format {
	case FormatJSON:
		return PlanJSON(w, p)
	case FormatMarkdown:
		return PlanMarkdown(w, p)
	}
	return PlanText(w, p, TextOptions{Color: color})
}

// unmanagedShown is how many unmanaged objects the text plan lists before "… and N more".
const unmanagedShown = 20

// info is the action's row of the table of actions; an action the table does not hold (a
// plan file's) is shown as a change ("~") of itself.
func info(a plan.Action) plan.ActionInfo {
	if i, ok := plan.Info(a); ok {
		return i
	}
	return plan.ActionInfo{Action: a, Sign: "~", Noun: string(a), Nouns: string(a), Verb: "to apply", Done: "applied"}
}

// plural is "1 route" or "3 routes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// count is n objects of the action's kind: "1 route", "2 E911 addresses".
func count(n int, in plan.ActionInfo) string { return plural(n, in.Noun, in.Nouns) }

// summaryKind is one count of a summary line: the first action of the table with its noun and
// verb, and whether the line shows it even at 0.
type summaryKind struct {
	info   plan.ActionInfo
	always bool
}

// summaryKinds are the counts of the summary lines, in their order: what the plan takes away
// first (sign "-"), then routes and numbers, then the other objects, each in the order of the
// table of actions; the updates of a number are one count, shown under the first of them. The
// route creations, purchases and number updates, the summary of every plan since v1, are shown
// even at 0.
var summaryKinds = func() []summaryKind {
	rank := func(in plan.ActionInfo) int {
		switch {
		case in.Sign == "-":
			return 0
		case in.Object == plan.RouteObject || in.Object == plan.NumberObject:
			return 1
		}
		return 2
	}
	rows := slices.Clone(plan.Actions())
	slices.SortStableFunc(rows, func(a, b plan.ActionInfo) int { return cmp.Compare(rank(a), rank(b)) })
	var kinds []summaryKind
	seen := map[[2]string]bool{}
	for _, in := range rows {
		if key := [2]string{in.Noun, in.Verb}; !seen[key] {
			seen[key] = true
			always := in.Action == plan.CreateRoute || in.Action == plan.Purchase || plan.IsNumberUpdate(in.Action)
			kinds = append(kinds, summaryKind{in, always})
		}
	}
	return kinds
}()

// summaryParts are the counts of s, each with its verb (word: the table's Verb for a plan,
// Done for an apply): "1 route to create".
func summaryParts(s plan.Summary, word func(plan.ActionInfo) string) []string {
	var parts []string
	for _, k := range summaryKinds {
		if n := s.Of(k.info.Action); n > 0 || k.always {
			parts = append(parts, count(n, k.info)+" "+word(k.info))
		}
	}
	return parts
}

// shownOnce is s with a number bought with its fields counted once, as a purchase, as the
// text and Markdown plans show it.
func shownOnce(s plan.Summary, changes []plan.Change) plan.Summary {
	s.NumbersToUpdate -= len(groupNumbers(changes).followUps)
	return s
}

// summaryLine is "Plan: 1 route to create, 2 numbers to purchase, 3 numbers to update." (the
// updates of numbers other than those purchased), led by the releases and route deletions and
// followed by the other kinds when there are some, or
// "No changes. The account matches the spec."
func summaryLine(p *plan.Plan) string {
	switch {
	case p.Empty() && p.HasErrors():
		return "No changes planned."
	case p.Empty():
		return "No changes. The account matches the spec."
	}
	parts := summaryParts(shownOnce(p.Summary, p.Changes), func(in plan.ActionInfo) string { return in.Verb })
	return "Plan: " + strings.Join(parts, ", ") + "."
}

// numberGroups is how the text and Markdown plans group the changes of numbers: a purchased
// number's changes under its purchase, a released number's under its release, and every other
// number's under one entry per number, so that each number appears once.
type numberGroups struct {
	followUps map[string][]plan.Change // purchased number -> its other changes
	updates   map[string][]plan.Change // owned number -> its changes
	updated   []string                 // the keys of updates, sorted
	hidden    map[*plan.Change]bool    // changes shown with another (a purchase's, a release's)
}

// groupNumbers groups changes; hidden holds pointers into changes.
func groupNumbers(changes []plan.Change) numberGroups {
	g := numberGroups{followUps: map[string][]plan.Change{}, updates: map[string][]plan.Change{}, hidden: map[*plan.Change]bool{}}
	bought, released := map[string]bool{}, map[string]bool{}
	for _, ch := range changes {
		switch ch.Action {
		case plan.Purchase:
			bought[ch.Key] = true
		case plan.Release:
			released[ch.Key] = true
		}
	}
	for i := range changes {
		ch := &changes[i]
		if !plan.IsNumberUpdate(ch.Action) {
			continue
		}
		switch {
		case released[ch.Key]:
			g.hidden[ch] = true
		case bought[ch.Key]:
			g.followUps[ch.Key] = append(g.followUps[ch.Key], *ch)
			g.hidden[ch] = true
		default:
			if _, ok := g.updates[ch.Key]; !ok {
				g.updated = append(g.updated, ch.Key)
			}
			g.updates[ch.Key] = append(g.updates[ch.Key], *ch)
		}
	}
	slices.Sort(g.updated)
	return g
}

// changesOf returns the changes of one action, in plan order.
func changesOf(p *plan.Plan, a plan.Action) []plan.Change {
	var out []plan.Change
	for _, ch := range p.Changes {
		if ch.Action == a {
			out = append(out, ch)
		}
	}
	return out
}

// fieldLine is one field a change changes.
type fieldLine struct{ field, before, after string }

// fieldOrder is the order fields are shown in; others follow, sorted.
var fieldOrder = []string{"type", "value", "edge_strategy", "primary_route", "failover_route", "alias", "cnam_lookups", "cnam", "e911",
	"sms_callback", "mms_callback", "sms_dlr_callback", "mms_dlr_callback",
	"first_name", "last_name", "street_number", "street_name", "address_type", "address_type_number", "city", "state", "country", "zip"}

// fieldLines are the fields of ch whose value changes, in fieldOrder.
func fieldLines(ch plan.Change) []fieldLine {
	keys := slices.Sorted(maps.Keys(ch.After))
	place := func(k string) int {
		if i := slices.Index(fieldOrder, k); i >= 0 {
			return i
		}
		return len(fieldOrder)
	}
	slices.SortStableFunc(keys, func(a, b string) int { return place(a) - place(b) })
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

// affectsPhrase says how many numbers a change of a shared object changes with it, "affects
// 33 numbers" between before and after, or "" for a change of one object.
func affectsPhrase(ch plan.Change, before, after string) string {
	if info(ch.Action).Counts != plan.CountsReach {
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

// releaseCostPhrase says what the releases stop costing: "stops 2.50 per month", with the
// numbers whose cost is unknown.
func releaseCostPhrase(r *plan.Releases) string {
	s := "stops " + r.Monthly.String() + " per month"
	if r.UnknownCost > 0 {
		s += fmt.Sprintf(", and the cost of %s unknown", plural(r.UnknownCost, "number", "numbers"))
	}
	return s
}

// monthlyCost is a released number's monthly cost: "1.25 per month", or "monthly cost unknown".
func monthlyCost(ch plan.Change) string {
	if ch.Cost == nil {
		return "monthly cost unknown"
	}
	return ch.Cost.Monthly.String() + " per month"
}

// showUnmanaged reports whether the plans list the unmanaged objects: when there are some and
// the policy does not say to ignore them.
func showUnmanaged(p *plan.Plan) bool {
	u := p.Unmanaged
	return len(u.Routes)+len(u.Numbers)+len(u.E911Addresses) > 0 && p.Policy.Unmanaged != spec.UnmanagedIgnore
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
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
