package plan

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Markdown limits: a pull-request comment holds at most 65,536 characters, so long lists fold
// into <details> and stop after a while.
const (
	markdownOpenChanges = 20  // more changes than this fold the table
	markdownMaxChanges  = 200 // rows of the table at most
	markdownMaxListed   = 100 // unmanaged objects listed at most
)

// RenderMarkdown writes the plan for a pull-request comment or a GitHub step summary: the
// summary line, a table of the changes, the cost, the diagnostics and the unmanaged objects.
func RenderMarkdown(w io.Writer, p *Plan) error {
	b := bufio.NewWriter(w)
	pf := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	pf("### Flowroute plan\n\n")
	if p.Account != nil {
		pf("Account: %s %s, access key %s\n\n", markdownText(p.Account.API), code(p.Account.Endpoint), code(p.Account.KeyFingerprint))
	}
	pf("**%s**\n\n", summaryLine(p))
	if p.Digest != "" {
		pf("Plan digest: %s\n\n", code(p.Digest))
	}
	if p.HasErrors() {
		pf("> [!CAUTION]\n> The plan has errors and cannot be applied.\n\n")
	}
	if r := ReleasesOf(p.Changes); r != nil {
		pf("> [!CAUTION]\n")
		if len(r.Numbers) > 0 {
			pf("> **This plan releases %s** (%s). %s\n>\n", plural(len(r.Numbers), "number", "numbers"), releaseCostPhrase(r), ReleaseWarning)
			for i, ch := range changesOf(p, Release) {
				if i == markdownMaxChanges {
					pf("> - … and %d more\n", len(r.Numbers)-i)
					break
				}
				cost := "monthly cost unknown"
				if ch.Cost != nil {
					cost = ch.Cost.Monthly.String() + " per month"
				}
				if ch.Note != "" {
					cost += "; " + markdownText(ch.Note)
				}
				pf("> - release %s: %s\n", code(ch.Key), cost)
			}
		}
		if len(r.Routes) > 0 {
			if len(r.Numbers) > 0 {
				pf(">\n")
			}
			pf("> **This plan deletes %s** that no number uses:\n>\n", plural(len(r.Routes), "route", "routes"))
			for _, ch := range changesOf(p, DeleteRoute) {
				pf("> - delete route %s (%s %s)\n", code(ch.Key), markdownText(ch.Before[fieldType]), code(ch.Before[fieldValue]))
			}
		}
		pf("\n")
	}
	v := viewOf(p)
	var rows []Change
	for i := range p.Changes {
		ch := &p.Changes[i]
		if !v.hidden[ch] && ch.Action != Release && ch.Action != DeleteRoute {
			rows = append(rows, *ch)
		}
	}
	if len(rows) > 0 {
		fold := len(rows) > markdownOpenChanges
		if fold {
			pf("<details><summary>%s</summary>\n\n", plural(len(rows), "change", "changes"))
		}
		pf("| | Action | Object | Change |\n|---|---|---|---|\n")
		for i, ch := range rows {
			if i == markdownMaxChanges {
				pf("| | | | … and %d more |\n", len(rows)-i)
				break
			}
			cell := markdownChange(ch)
			if ch.Action == Purchase {
				for _, f := range v.followUps[ch.Key] {
					for _, l := range fieldLines(f) {
						cell += fmt.Sprintf("<br>%s: %s", l.field, code(orNone(l.after)))
					}
				}
			}
			pf("| %s | %s | %s | %s |\n", markdownSign(ch.Action), strings.ReplaceAll(string(ch.Action), "_", " "), code(ch.Key), cell)
		}
		pf("\n")
		if fold {
			pf("</details>\n\n")
		}
	}
	if p.Summary.NumbersToPurchase > 0 {
		pf("**Cost of the purchases:** %s one-time, %s per month.\n\n", p.Cost.Initial, p.Cost.Monthly)
	}
	if len(p.Diagnostics) > 0 {
		pf("#### Diagnostics\n\n")
		for _, d := range p.Diagnostics {
			label := "⚠️ **Warning**"
			switch d.Severity {
			case Error:
				label = "❌ **Error**"
			case Note:
				label = "ℹ️ **Note**"
			}
			where := ""
			if d.Pos.IsValid() {
				where = " " + code(d.Pos.String())
			}
			pf("- %s%s: %s\n", label, where, markdownText(d.Message))
			if d.Hint != "" {
				pf("  <br>Hint: %s\n", markdownText(d.Hint))
			}
		}
		pf("\n")
	}
	if showUnmanaged(p) {
		u := p.Unmanaged
		kept := "never deleted"
		if p.Policy.Unmanaged == spec.UnmanagedRelease {
			kept = "kept"
		}
		pf("<details><summary>Unmanaged: %s on the account, not in the spec (%s)</summary>\n\n",
			unmanagedPhrase(len(u.Numbers), len(u.Routes), len(u.E911Addresses)), kept)
		listed := 0
		for _, l := range []struct {
			kind string
			keys []string
		}{{"route", u.Routes}, {"number", u.Numbers}, {"E911 address", u.E911Addresses}} {
			for _, k := range l.keys {
				if listed == markdownMaxListed {
					break
				}
				pf("- %s %s\n", l.kind, code(k))
				listed++
			}
		}
		if more := len(u.Routes) + len(u.Numbers) + len(u.E911Addresses) - listed; more > 0 {
			pf("- … and %d more\n", more)
		}
		pf("\n</details>\n")
	}
	return b.Flush()
}

func markdownSign(a Action) string {
	if info, ok := Info(a); ok {
		return info.Sign
	}
	return "~"
}

// markdownChange describes a change in one table cell.
func markdownChange(ch Change) string {
	var s string
	switch ch.Action {
	case CreateRoute:
		s = markdownText(ch.After[fieldType]) + " " + code(ch.After[fieldValue])
		if es := ch.After[fieldEdgeStrategy]; es != "" {
			s += "<br>edge_strategy: " + code(es)
		}
	case Purchase:
		s = markdownText(ch.After[fieldBillingMethod])
		if ch.Cost != nil {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s one-time, %s per month", ch.Cost.Initial, ch.Cost.Monthly)
		}
	case CreateCNAM:
		s = code(ch.Key)
	case CreateE911:
		s = markdownText(addressPhrase(E911AddressOf(ch)))
	default:
		var parts []string
		for _, l := range fieldLines(ch) {
			parts = append(parts, fmt.Sprintf("%s: %s → %s", l.field, code(orNone(l.before)), code(orNone(l.after))))
		}
		if a := affectsPhrase(ch, "**", "**"); a != "" {
			parts = append(parts, a)
		}
		s = strings.Join(parts, "<br>")
	}
	if ch.Note != "" {
		s += "<br>(" + markdownText(ch.Note) + ")"
	}
	return s
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
