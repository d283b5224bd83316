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
// comment lines at the top, then version (when set), defaults (when any), routes, numbers and
// E911 addresses sorted, one line each in flow style, number keys quoted. The built-in route is left out, as
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
		for _, f := range numberFieldsOf(Number(d)) {
			bw.WriteString("  " + f + "\n")
		}
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
			edge := ""
			if r.EdgeStrategy != "" {
				edge = ", edge_strategy: " + quote(r.EdgeStrategy)
				if allDigits(r.EdgeStrategy) {
					edge = ", edge_strategy: " + r.EdgeStrategy
				}
			}
			fmt.Fprintf(bw, "  %-*s {type: %s, value: %s%s}\n", width+1, key, quote(r.Type), quote(r.Value), edge)
		}
	}

	if len(s.Numbers) > 0 {
		tns := make([]string, 0, len(s.Numbers))
		for tn := range s.Numbers {
			tns = append(tns, tn)
		}
		slices.Sort(tns)
		bw.WriteString("numbers:\n")
		for _, tn := range tns {
			fmt.Fprintf(bw, "  %s: {%s}\n", doubleQuote(tn), strings.Join(numberFieldsOf(s.Numbers[tn]), ", "))
		}
	}

	if len(s.E911Addresses) > 0 {
		names := make([]string, 0, len(s.E911Addresses))
		for name := range s.E911Addresses {
			names = append(names, name)
		}
		slices.Sort(names)
		bw.WriteString("e911_addresses:\n")
		for _, name := range names {
			a := s.E911Addresses[name]
			var fields []string
			for _, key := range e911Keys {
				if v := *a.field(key); v != "" {
					fields = append(fields, key+": "+quote(v))
				}
			}
			fmt.Fprintf(bw, "  %s: {%s}\n", quote(name), strings.Join(fields, ", "))
		}
	}

	writePools(bw, s)
	writeRetired(bw, s)
	if !writePolicy(bw, s.Policy) && s.Version == 0 && s.Defaults == (Defaults{}) && len(names) == 0 && len(s.Numbers) == 0 &&
		len(s.E911Addresses) == 0 && len(s.Pools) == 0 && len(s.Retired) == 0 {
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
		p.MaxReleases == 0 && p.MaxUpdates == nil && p.MaxUpdatePercent == 0 && p.MaxRouteDeletes == 0 && len(p.Acknowledge) == 0 &&
		p.RetireDays == 0 && p.ParkingRoute == ""
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
	if p.MaxRouteDeletes != 0 {
		lines = append(lines, fmt.Sprintf("max_route_deletes: %d", p.MaxRouteDeletes))
	}
	if len(p.Acknowledge) > 0 {
		quoted := make([]string, len(p.Acknowledge))
		for i, d := range p.Acknowledge {
			quoted[i] = doubleQuote(d)
		}
		lines = append(lines, "acknowledge: ["+strings.Join(quoted, ", ")+"]")
	}
	lines = append(lines, retirePolicyLines(p)...)
	if len(lines) == 0 {
		return false
	}
	w.WriteString("policy:\n")
	for _, line := range lines {
		w.WriteString("  " + line + "\n")
	}
	return true
}

// numberFieldsOf is the fields of n that are set, as "key: value" in numberKeys order, the
// messaging callbacks as one flow mapping.
func numberFieldsOf(n Number) []string {
	var fields []string
	for _, key := range numberKeys {
		switch {
		case n.field(key) != nil:
			if v := *n.field(key); v != "" {
				fields = append(fields, key+": "+quote(v))
			}
		case key == "cnam_lookups" && n.CNAMLookups != nil:
			fields = append(fields, fmt.Sprintf("%s: %t", key, *n.CNAMLookups))
		case key == "messaging" && n.Messaging != nil:
			var urls []string
			for _, k := range messagingKeys {
				if v := *n.Messaging.field(k); v != "" {
					urls = append(urls, k+": "+quote(v))
				}
			}
			if len(urls) > 0 {
				fields = append(fields, key+": {"+strings.Join(urls, ", ")+"}")
			}
		}
	}
	return fields
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
