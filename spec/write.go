package spec

import (
	"bufio"
	"fmt"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Write writes s as tidy, deterministic YAML that Load reads back to the same spec, in the
// canonical layout that `fmt` keeps: header as comment lines at the top, then version (when
// set), defaults (when any), routes, numbers and E911 addresses sorted, one line each in flow
// style, number keys quoted, no padding. The built-in route is left out, as it cannot be
// declared. Policy is written only when it differs from the defaults, and then only the fields
// that differ; a zero Policy (as in a state read from the account) counts as the defaults.
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
	routes := maps.Clone(s.Routes)
	delete(routes, BuiltinRoute)
	entries := writeSection(bw, "routes", routes, quote, routeFieldsOf) +
		writeSection(bw, "pools", s.Pools, quote, poolFieldsOf) +
		writeSection(bw, "numbers", s.Numbers, doubleQuote, func(_ string, n Number) []string { return numberFieldsOf(n) }) +
		writeSection(bw, "retired", s.Retired, doubleQuote, func(_ string, r Retired) []string { return retiredFields(r) }) +
		writeSection(bw, "e911_addresses", s.E911Addresses, quote, e911FieldsOf)
	if !writePolicy(bw, s.Policy) && s.Version == 0 && s.Defaults == (Defaults{}) && entries == 0 {
		bw.WriteString("numbers: {}\n") // a spec that declares nothing is empty, and not loaded
	}
	return bw.Flush()
}

// writeSection writes the section name, when m has entries, with a line for each, sorted by
// key: its key as keyOf writes it and the flow mapping of the fields that fields gives ("key:
// value"). It returns how many entries it wrote.
func writeSection[V any](w *bufio.Writer, name string, m map[string]V, keyOf func(string) string, fields func(string, V) []string) int {
	if len(m) == 0 {
		return 0
	}
	w.WriteString(name + ":\n")
	for _, key := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(w, "  %s: {%s}\n", keyOf(key), strings.Join(fields(key, m[key]), ", "))
	}
	return len(m)
}

// routeFieldsOf is the fields of route r.
func routeFieldsOf(_ string, r Route) []string {
	fields := []string{"type: " + quote(r.Type), "value: " + quote(r.Value)}
	if allDigits(r.EdgeStrategy) {
		fields = append(fields, "edge_strategy: "+r.EdgeStrategy)
	} else if r.EdgeStrategy != "" {
		fields = append(fields, "edge_strategy: "+quote(r.EdgeStrategy))
	}
	return fields
}

// e911FieldsOf is the fields of the E911 address a that are set, in e911Keys order.
func e911FieldsOf(_ string, a E911Address) []string {
	var fields []string
	for _, key := range e911Keys {
		if v := *a.field(key); v != "" {
			fields = append(fields, key+": "+quote(v))
		}
	}
	return fields
}

// writePolicy writes the fields of p that differ from the defaults, and nothing when none
// does; a zero field counts as the default, as in a zero Policy. It reports whether it wrote.
func writePolicy(w *bufio.Writer, p Policy) bool {
	lines := policyLines(p)
	if len(lines) == 0 {
		return false
	}
	w.WriteString("policy:\n")
	for _, line := range lines {
		w.WriteString("  " + line + "\n")
	}
	return true
}

// policyLines are the fields of p that differ from the defaults, as "key: value".
func policyLines(p Policy) []string {
	var lines []string
	if p.Unmanaged != "" && p.Unmanaged != UnmanagedWarn {
		lines = append(lines, "unmanaged: "+quote(p.Unmanaged))
	}
	// A zero policy (one built in code) leaves max_purchases at 0, which means the default.
	if !reflect.ValueOf(p).IsZero() && p.MaxPurchases != DefaultMaxPurchases {
		lines = append(lines, fmt.Sprintf("max_purchases: %d", p.MaxPurchases))
	}
	for _, a := range []struct {
		key string
		v   *money.Amount
	}{{"max_monthly_cost", p.MaxMonthlyCost}, {"max_setup_cost", p.MaxSetupCost}} {
		if a.v != nil {
			lines = append(lines, a.key+": "+doubleQuote(a.v.String()))
		}
	}
	updates := -1
	if p.MaxUpdates != nil {
		updates = *p.MaxUpdates
	}
	for _, n := range []struct {
		key        string
		v, unset   int
		defaultsTo int
	}{
		{"max_releases", p.MaxReleases, 0, 0},
		{"max_updates", updates, -1, -1},
		{"max_update_percent", p.MaxUpdatePercent, 0, DefaultMaxUpdatePercent},
		{"max_route_deletes", p.MaxRouteDeletes, 0, 0},
	} {
		if n.v != n.unset && n.v != n.defaultsTo {
			lines = append(lines, fmt.Sprintf("%s: %d", n.key, n.v))
		}
	}
	if len(p.Acknowledge) > 0 {
		quoted := make([]string, len(p.Acknowledge))
		for i, d := range p.Acknowledge {
			quoted[i] = doubleQuote(d)
		}
		lines = append(lines, "acknowledge: ["+strings.Join(quoted, ", ")+"]")
	}
	return append(lines, retirePolicyLines(p)...)
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

// doubleQuote writes s as a YAML double-quoted scalar, escaped as yaml.v3 escapes it, so that
// fmt, which writes through yaml.v3, leaves it as it is: printable ASCII as itself but " and \
// escaped, printable Unicode as itself, the rest as \t, \xXX, \uXXXX and the like. Invalid
// UTF-8 becomes U+FFFD, as YAML text cannot hold it.
func doubleQuote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return yamlDoubleQuote(strings.ToValidUTF8(s, "\uFFFD"))
		}
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// yamlDoubleQuote is doubleQuote by yaml.v3 itself, for a string that is not all printable ASCII.
func yamlDoubleQuote(s string) string {
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Value: s})
	if err != nil { // yaml.v3 writes any valid UTF-8
		panic(err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// Canonical is the order of the keys of each part of a spec in the canonical layout that fmt
// writes: the order the README's reference lists them in, the lists the loader checks keys
// against.
var Canonical = struct {
	Top, Route, Number, Messaging, E911, Policy, Pool, PoolSearch, Retired []string
}{
	Top:   []string{"version", "defaults", "routes", "pools", "numbers", "retired", "e911_addresses", "policy"},
	Route: routeKeys, Number: numberKeys, Messaging: messagingKeys, E911: e911Keys, Policy: policyKeys,
	Pool: poolKeys, PoolSearch: poolSearchKeys, Retired: retiredKeys,
}
