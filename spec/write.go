package spec

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Write writes s as tidy, deterministic YAML that Load reads back to the same spec: header as
// comment lines at the top, then version (when set), defaults (when any), routes and numbers
// sorted, one line each in flow style, number keys quoted. The built-in route is left out, as
// it cannot be declared. Policy is written only when it differs from the defaults, and then
// only the fields that differ; a zero Policy (as in a state read from the account) counts as
// the defaults.
func Write(w io.Writer, s *Spec, header string) error {
	bw := bufio.NewWriter(w)
	if header != "" {
		for line := range strings.SplitSeq(strings.TrimRight(header, "\n"), "\n") {
			if line = strings.TrimRight(line, " \r"); line == "" {
				bw.WriteString("#\n")
			} else {
				bw.WriteString("# " + line + "\n")
			}
		}
	}
	if s.Version != 0 {
		fmt.Fprintf(bw, "version: %d\n", s.Version)
	}
	if d := s.Defaults; d != (Defaults{}) {
		bw.WriteString("defaults:\n")
		writeField(bw, "billing_method", d.BillingMethod)
		writeField(bw, "primary_route", d.PrimaryRoute)
		writeField(bw, "failover_route", d.FailoverRoute)
	}

	names := make([]string, 0, len(s.Routes))
	width := 0
	for name := range s.Routes {
		if name != BuiltinRoute {
			names = append(names, name)
			width = max(width, len(quote(name)))
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		bw.WriteString("routes:\n")
		for _, name := range names {
			r := s.Routes[name]
			key := quote(name) + ":"
			fmt.Fprintf(bw, "  %-*s {type: %s, value: %s}\n", width+1, key, quote(r.Type), quote(r.Value))
		}
	}

	if len(s.Numbers) > 0 {
		tns := make([]string, 0, len(s.Numbers))
		for tn := range s.Numbers {
			tns = append(tns, tn)
		}
		slices.Sort(tns)
		bw.WriteString("numbers:\n")
		var fields []string
		for _, tn := range tns {
			n := s.Numbers[tn]
			fields = fields[:0]
			for _, f := range [...]struct{ key, val string }{
				{"billing_method", n.BillingMethod},
				{"primary_route", n.PrimaryRoute},
				{"failover_route", n.FailoverRoute},
			} {
				if f.val != "" {
					fields = append(fields, f.key+": "+quote(f.val))
				}
			}
			fmt.Fprintf(bw, "  %s: {%s}\n", doubleQuote(tn), strings.Join(fields, ", "))
		}
	}

	if !writePolicy(bw, s.Policy) && s.Version == 0 && s.Defaults == (Defaults{}) && len(names) == 0 && len(s.Numbers) == 0 {
		bw.WriteString("numbers: {}\n") // a spec that declares nothing is empty, and not loaded
	}
	return bw.Flush()
}

// writePolicy writes the fields of p that differ from the defaults, and nothing when none
// does; a zero field counts as the default, as in a zero Policy. It reports whether it wrote.
func writePolicy(w *bufio.Writer, p Policy) bool {
	var lines []string
	if p.Unmanaged != "" && p.Unmanaged != UnmanagedWarn {
		lines = append(lines, "unmanaged: "+quote(p.Unmanaged))
	}
	zero := p.Unmanaged == "" && p.MaxPurchases == 0 && p.MaxMonthlyCost == nil && p.MaxSetupCost == nil &&
		p.MaxReleases == 0 && p.MaxUpdates == nil && p.MaxUpdatePercent == 0
	if !zero && p.MaxPurchases != DefaultMaxPurchases {
		lines = append(lines, fmt.Sprintf("max_purchases: %d", p.MaxPurchases))
	}
	if p.MaxMonthlyCost != nil {
		lines = append(lines, "max_monthly_cost: "+doubleQuote(p.MaxMonthlyCost.String()))
	}
	if p.MaxSetupCost != nil {
		lines = append(lines, "max_setup_cost: "+doubleQuote(p.MaxSetupCost.String()))
	}
	if p.MaxReleases != 0 {
		lines = append(lines, fmt.Sprintf("max_releases: %d", p.MaxReleases))
	}
	if p.MaxUpdates != nil {
		lines = append(lines, fmt.Sprintf("max_updates: %d", *p.MaxUpdates))
	}
	if p.MaxUpdatePercent != 0 && p.MaxUpdatePercent != DefaultMaxUpdatePercent {
		lines = append(lines, fmt.Sprintf("max_update_percent: %d", p.MaxUpdatePercent))
	}
	if len(lines) == 0 {
		return false
	}
	w.WriteString("policy:\n")
	for _, line := range lines {
		w.WriteString("  " + line + "\n")
	}
	return true
}

func writeField(w *bufio.Writer, key, val string) {
	if val != "" {
		w.WriteString("  " + key + ": " + quote(val) + "\n")
	}
}

// quote returns s as a YAML scalar: plain when it is a simple word that YAML reads as a
// string (METERED, pbx-seattle), double-quoted otherwise ("24.239.23.40:5060", "true").
func quote(s string) string {
	if plain(s) {
		return s
	}
	return doubleQuote(s)
}

func plain(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
		return false
	}
	return true
}

// doubleQuote writes s as a YAML double-quoted scalar. YAML's escapes differ from Go's, so
// every character outside printable ASCII is written as \uXXXX or \UXXXXXXXX; invalid UTF-8
// becomes U+FFFD, as YAML text cannot hold it.
func doubleQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case r <= 0xffff:
			b.WriteString(`\u` + fmt.Sprintf("%04x", r))
		default:
			b.WriteString(`\U` + fmt.Sprintf("%08x", r))
		}
	}
	b.WriteByte('"')
	return b.String()
}
