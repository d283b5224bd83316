package plan

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
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
	if p.HasErrors() {
		pf("> [!CAUTION]\n> The plan has errors and cannot be applied.\n\n")
	}
	routed := purchaseRoutes(p)
	rows := slices.DeleteFunc(slices.Clone(p.Changes), func(ch Change) bool {
		_, ok := routed[ch.Key]
		return ok && ch.Action == SetRoutes
	})
	if !p.Empty() {
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
			if sr, ok := routed[ch.Key]; ok && ch.Action == Purchase {
				for _, f := range []string{fieldPrimary, fieldFailover} {
					if before, after := sr.Before[f], sr.After[f]; before != after {
						cell += fmt.Sprintf("<br>%s: %s", f, code(after))
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
			if d.Severity == Error {
				label = "❌ **Error**"
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
		pf("<details><summary>Unmanaged: %s on the account, not in the spec (never deleted)</summary>\n\n",
			unmanagedPhrase(len(u.Numbers), len(u.Routes)))
		listed := 0
		for _, k := range append(append([]string(nil), u.Routes...), u.Numbers...) {
			if listed == markdownMaxListed {
				break
			}
			kind := "route"
			if listed >= len(u.Routes) {
				kind = "number"
			}
			pf("- %s %s\n", kind, code(k))
			listed++
		}
		if more := len(u.Routes) + len(u.Numbers) - listed; more > 0 {
			pf("- … and %d more\n", more)
		}
		pf("\n</details>\n")
	}
	return b.Flush()
}

func markdownSign(a Action) string {
	if a == SetRoutes {
		return "~"
	}
	return "+"
}

// markdownChange describes a change in one table cell.
func markdownChange(ch Change) string {
	switch ch.Action {
	case CreateRoute:
		return markdownText(ch.After[fieldType]) + " " + code(ch.After[fieldValue])
	case Purchase:
		s := markdownText(ch.After[fieldBillingMethod])
		if ch.Cost != nil {
			s += fmt.Sprintf(", %s one-time, %s per month", ch.Cost.Initial, ch.Cost.Monthly)
		}
		return s
	}
	var parts []string
	for _, f := range []string{fieldPrimary, fieldFailover} {
		if before, after := ch.Before[f], ch.After[f]; before != after {
			parts = append(parts, fmt.Sprintf("%s: %s → %s", f, code(orNone(before)), code(after)))
		}
	}
	return strings.Join(parts, "<br>")
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
