package views

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Markdown limits: a pull-request comment holds at most 65,536 characters, so long lists fold
// into <details> and stop after a while.
const (
	markdownOpenChanges = 20  // more changes than this fold the table
	markdownMaxChanges  = 200 // rows of the table at most
	markdownMaxListed   = 100 // unmanaged objects listed at most
)

type markdownWriter struct{ w *bufio.Writer }

func (m markdownWriter) printf(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

// PlanMarkdown writes the plan for a pull-request comment or a GitHub step summary: the
// summary line, the releases, a table of the changes, the cost, the diagnostics and the
// unmanaged objects.
func PlanMarkdown(w io.Writer, p *plan.Plan) error {
	m := markdownWriter{bufio.NewWriter(w)}
	m.printf("### Flowroute plan\n\n")
	if p.Account != nil {
		m.printf("Account: %s %s, access key %s\n\n", markdownText(p.Account.API), code(p.Account.Endpoint), code(p.Account.KeyFingerprint))
	}
	m.printf("**%s**\n\n", summaryLine(p))
	if p.Digest != "" {
		m.printf("Plan digest: %s\n\n", code(p.Digest))
	}
	if p.HasErrors() {
		m.printf("> [!CAUTION]\n> The plan has errors and cannot be applied.\n\n")
	}
	m.releases(p)
	m.table(p)
	if p.Summary.NumbersToPurchase > 0 {
		m.printf("**Cost of the purchases:** %s one-time, %s per month.\n\n", p.Cost.Initial, p.Cost.Monthly)
	}
	m.diagnostics(p.Diagnostics)
	if showUnmanaged(p) {
		m.unmanaged(p)
	}
	return m.w.Flush()
}

// releases writes the releases and route deletions in a caution block, first, so that nobody
// misses them.
func (m markdownWriter) releases(p *plan.Plan) {
	r := plan.ReleasesOf(p.Changes)
	if r == nil {
		return
	}
	m.printf("> [!CAUTION]\n")
	if len(r.Numbers) > 0 {
		m.printf("> **This plan releases %s** (%s). %s\n>\n", plural(len(r.Numbers), "number", "numbers"), releaseCostPhrase(r), plan.ReleaseWarning)
		for i, ch := range changesOf(p, plan.Release) {
			if i == markdownMaxChanges {
				m.printf("> - … and %d more\n", len(r.Numbers)-i)
				break
			}
			cost := monthlyCost(ch)
			if ch.Note != "" {
				cost += "; " + markdownText(ch.Note)
			}
			m.printf("> - release %s: %s\n", code(ch.Key), cost)
		}
	}
	if len(r.Routes) > 0 {
		if len(r.Numbers) > 0 {
			m.printf(">\n")
		}
		m.printf("> **This plan deletes %s** that no number uses:\n>\n", plural(len(r.Routes), "route", "routes"))
		for _, ch := range changesOf(p, plan.DeleteRoute) {
			m.printf("> - delete route %s (%s %s)\n", code(ch.Key), markdownText(ch.Before["type"]), code(ch.Before["value"]))
		}
	}
	m.printf("\n")
}

// table writes the changes other than the releases, one row each, a purchased number's fields
// in its purchase's row; folded when long.
func (m markdownWriter) table(p *plan.Plan) {
	groups := groupNumbers(p.Changes)
	var rows []plan.Change
	for i := range p.Changes {
		ch := &p.Changes[i]
		if !groups.hidden[ch] && info(ch.Action).Sign != "-" {
			rows = append(rows, *ch)
		}
	}
	if len(rows) == 0 {
		return
	}
	fold := len(rows) > markdownOpenChanges
	if fold {
		m.printf("<details><summary>%s</summary>\n\n", plural(len(rows), "change", "changes"))
	}
	m.printf("| | Action | Object | Change |\n|---|---|---|---|\n")
	for i, ch := range rows {
		if i == markdownMaxChanges {
			m.printf("| | | | … and %d more |\n", len(rows)-i)
			break
		}
		cell := markdownChange(ch)
		if ch.Action == plan.Purchase {
			for _, f := range groups.followUps[ch.Key] {
				for _, l := range fieldLines(f) {
					cell += fmt.Sprintf("<br>%s: %s", l.field, code(orNone(l.after)))
				}
			}
		}
		m.printf("| %s | %s | %s | %s |\n", info(ch.Action).Sign, strings.ReplaceAll(string(ch.Action), "_", " "), code(ch.Key), cell)
	}
	m.printf("\n")
	if fold {
		m.printf("</details>\n\n")
	}
}

// markdownChange describes a change in one table cell.
func markdownChange(ch plan.Change) string {
	var s string
	switch ch.Action {
	case plan.CreateRoute:
		s = markdownText(ch.After["type"]) + " " + code(ch.After["value"])
		if es := ch.After["edge_strategy"]; es != "" {
			s += "<br>edge_strategy: " + code(es)
		}
	case plan.Purchase:
		s = markdownText(ch.After["billing_method"])
		if ch.Cost != nil {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s one-time, %s per month", ch.Cost.Initial, ch.Cost.Monthly)
		}
	case plan.CreateCNAM:
		s = code(ch.Key)
	case plan.CreateE911:
		s = markdownText(addressPhrase(plan.E911AddressOf(ch)))
	default:
		s = markdownFields(ch)
	}
	if ch.Note != "" {
		s += "<br>(" + markdownText(ch.Note) + ")"
	}
	return s
}

// markdownFields are the fields a change changes, "before → after", and the numbers a change
// of a shared object affects.
func markdownFields(ch plan.Change) string {
	var parts []string
	for _, l := range fieldLines(ch) {
		parts = append(parts, fmt.Sprintf("%s: %s → %s", l.field, code(orNone(l.before)), code(orNone(l.after))))
	}
	if a := affectsPhrase(ch, "**", "**"); a != "" {
		parts = append(parts, a)
	}
	return strings.Join(parts, "<br>")
}

func (m markdownWriter) diagnostics(diags []plan.Diagnostic) {
	if len(diags) == 0 {
		return
	}
	m.printf("#### Diagnostics\n\n")
	for _, d := range diags {
		label := "⚠️ **Warning**"
		switch d.Severity {
		case plan.Error:
			label = "❌ **Error**"
		case plan.Note:
			label = "ℹ️ **Note**"
		}
		where := ""
		if d.Pos.IsValid() {
			where = " " + code(d.Pos.String())
		}
		m.printf("- %s%s: %s\n", label, where, markdownText(d.Message))
		if d.Hint != "" {
			m.printf("  <br>Hint: %s\n", markdownText(d.Hint))
		}
	}
	m.printf("\n")
}

// unmanaged lists the unmanaged objects, folded, up to markdownMaxListed.
func (m markdownWriter) unmanaged(p *plan.Plan) {
	u := p.Unmanaged
	kept := "never deleted"
	if p.Policy.Unmanaged == spec.UnmanagedRelease {
		kept = "kept"
	}
	m.printf("<details><summary>Unmanaged: %s on the account, not in the spec (%s)</summary>\n\n",
		u.Phrase(), kept)
	listed := 0
	for _, l := range []struct {
		kind string
		keys []string
	}{{"route", u.Routes}, {"number", u.Numbers}, {"E911 address", u.E911Addresses}} {
		for _, k := range l.keys {
			if listed == markdownMaxListed {
				break
			}
			m.printf("- %s %s\n", l.kind, code(k))
			listed++
		}
	}
	if more := len(u.Routes) + len(u.Numbers) + len(u.E911Addresses) - listed; more > 0 {
		m.printf("- … and %d more\n", more)
	}
	m.printf("\n</details>\n")
}

// code puts s in a code span that a table cell cannot break out of.
func code(s string) string {
	s = strings.NewReplacer("`", "'", "|", `\|`).Replace(clean(s))
	return "`" + s + "`"
}

// markdownText makes s safe in a table cell or a list item: no line breaks, no pipes, no HTML.
func markdownText(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(clean(s))
}
