package spec

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// checkTN says what is wrong with a telephone number, or "" when it is 1NPANXXXXXX with NPA
// and NXX starting 2-9. hint suggests the right spelling when the digits are there.
func checkTN(s string) (problem, hint string) {
	if len(s) == 11 && s[0] == '1' && allDigits(s) {
		switch {
		case s[1] < '2':
			return fmt.Sprintf("has area code %s, which cannot start with 0 or 1", s[1:4]), ""
		case s[4] < '2':
			return fmt.Sprintf("has exchange %s, which cannot start with 0 or 1", s[4:7]), ""
		}
		return "", ""
	}
	var d strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		}
	}
	digits := d.String()
	if len(digits) == 10 {
		digits = "1" + digits
	}
	if validTN(digits) && digits != s {
		hint = fmt.Sprintf("write %s, not %s", digits, s)
	}
	switch {
	case allDigits(s) && len(s) == 11:
		return "does not start with the country code 1", ""
	case allDigits(s):
		return fmt.Sprintf("has %d digits, not the 11 of 1NPANXXXXXX", len(s)), hint
	}
	return "is not an E.164 number of 11 digits 1NPANXXXXXX", hint
}

// validTN reports whether s is 1NPANXXXXXX with NPA and NXX starting 2-9.
func validTN(s string) bool {
	return len(s) == 11 && s[0] == '1' && allDigits(s) && s[1] >= '2' && s[4] >= '2'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (l *loader) checkBilling(p Pos, v string) {
	switch v {
	case BillingVPRI, BillingMetered:
		return
	}
	hint := ""
	if u := strings.ToUpper(v); u == BillingVPRI || u == BillingMetered {
		hint = "write " + u
	}
	l.errorf(p, hint, "billing method %q is not VPRI or METERED", v)
}

// checkRouteName reports a route name that cannot be used: it must be a URL path segment.
func (l *loader) checkRouteName(p Pos, name string) {
	switch {
	case name == BuiltinRoute:
		l.errorf(p, "reference sip-reg in numbers without declaring it", "route %q is the built-in route and cannot be declared", name)
	case name == "." || name == "..":
		l.errorf(p, "in the route's URL . and .. would name a directory", "route name %q is not allowed", name)
	case !validRouteName(name):
		l.errorf(p, "use letters, digits, '.', '_' and '-'", "route name %q is not allowed", name)
	}
}

func validRouteName(name string) bool {
	if name == "" || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkRoute reports an unknown route type or a value that does not fit the type.
func (l *loader) checkRoute(name string, r Route, typePos, valuePos Pos) {
	var problem, hint string
	switch r.Type {
	case RouteHost:
		problem, hint = checkHost(r.Value)
	case RoutePSTN:
		if problem, hint = checkTN(r.Value); problem != "" && hint == "" {
			hint = "a PSTN route forwards to an 11-digit number such as 12065550100"
		}
	case RouteURI:
		problem, hint = checkURI(r.Value)
	default:
		hint := "write HOST, PSTN or URI"
		if u := strings.ToUpper(r.Type); u == RouteHost || u == RoutePSTN || u == RouteURI {
			hint = "write " + u
		} else if u == "SIP-REG" {
			hint = "only the built-in route sip-reg has type SIP-REG; reference it without declaring it"
		}
		l.errorf(typePos, hint, "route %q has type %q, not HOST, PSTN or URI", name, r.Type)
		return
	}
	if problem != "" {
		l.errorf(valuePos, hint, "route %q: %s value %q %s", name, r.Type, r.Value, problem)
	}
}

// zoneProblem is what is wrong with an IPv6 address with a %zone: the zone names an
// interface of the machine that reads it, which means nothing to the carrier.
const zoneProblem = "has an IPv6 zone, which means nothing to the carrier"

// checkHost says what is wrong with a HOST value: an IPv4 or IPv6 address or a host name,
// with an optional port; an IPv6 address with a port is written [addr]:port.
func checkHost(v string) (problem, hint string) {
	host, port, hasPort := v, "", false
	switch {
	case strings.HasPrefix(v, "sip:") || strings.HasPrefix(v, "sips:"):
		return "is a SIP URI", "use type: URI"
	case strings.HasPrefix(v, "["):
		end := strings.IndexByte(v, ']')
		if end < 0 {
			return "has a [ without ]", "write an IPv6 address with a port as [2001:db8::1]:5060"
		}
		host, port = v[1:end], v[end+1:]
		if port != "" {
			if port, hasPort = strings.CutPrefix(port, ":"); !hasPort {
				return "has text after ]", "write an IPv6 address with a port as [2001:db8::1]:5060"
			}
		}
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() {
			return "has no IPv6 address in [ ]", ""
		} else if a.Zone() != "" {
			return zoneProblem, ""
		}
	case strings.Count(v, ":") > 1:
		if a, err := netip.ParseAddr(v); err != nil || !a.Is6() {
			return "is not an IPv6 address", "write an IPv6 address with a port as [2001:db8::1]:5060"
		} else if a.Zone() != "" {
			return zoneProblem, ""
		}
		return "", ""
	default:
		host, port, hasPort = strings.Cut(v, ":")
		if p := checkHostName(host); p != "" {
			return p, ""
		}
	}
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || !allDigits(port) || n < 1 || n > 65535 {
			return fmt.Sprintf("has port %q, not a number 1-65535", port), ""
		}
	}
	return "", ""
}

// checkHostName says what is wrong with an IPv4 address or DNS host name. A name may end in
// the root's dot, as RFC 3261 allows; an address may not.
func checkHostName(h string) string {
	if h == "" {
		return "has no host"
	}
	numeric := true
	for i := 0; i < len(h); i++ {
		if h[i] != '.' && (h[i] < '0' || h[i] > '9') {
			numeric = false
		}
	}
	if numeric {
		if a, err := netip.ParseAddr(h); err != nil || !a.Is4() {
			return "is not a valid IPv4 address"
		}
		return ""
	}
	name := strings.TrimSuffix(h, ".")
	if len(name) > 253 {
		return "has a host name longer than 253 characters"
	}
	labels := strings.Split(name, ".")
	for _, label := range labels {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "is not an IP address or host name"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return "is not an IP address or host name"
			}
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return "is not an IP address or host name"
	}
	return ""
}

// checkURI says what is wrong with a URI value: sip: or sips:, user@host[:port], and an
// optional ;transport=udp|tcp|tls, in lower case as the API docs write them. The user part
// and the host are as RFC 3261 has them: no password, and an IPv6 host in brackets.
func checkURI(v string) (problem, hint string) {
	const example = "write sip:user@host[:port][;transport=udp|tcp|tls]"
	rest, ok := strings.CutPrefix(v, "sip:")
	if !ok {
		if rest, ok = strings.CutPrefix(v, "sips:"); !ok {
			return "does not start with sip: or sips:", example
		}
	}
	rest, params, hasParams := strings.Cut(rest, ";")
	if hasParams {
		if problem, hint := checkURIParams(params); problem != "" {
			return problem, hint
		}
	}
	user, hostport, ok := strings.Cut(rest, "@")
	if !ok || user == "" {
		return "has no user@ before the host", example
	}
	if problem, hint := checkURIUser(user); problem != "" {
		return problem, hint
	}
	if !strings.HasPrefix(hostport, "[") && strings.Count(hostport, ":") > 1 {
		return "has an IPv6 host without [ ]", "write sip:user@[2001:db8::1]:5060"
	}
	return checkHost(hostport)
}

// checkURIParams says what is wrong with the parameters of a URI value (after its ";"): the
// one allowed is transport=udp, tcp or tls.
func checkURIParams(params string) (problem, hint string) {
	if t, ok := strings.CutPrefix(params, "transport="); ok && (t == "udp" || t == "tcp" || t == "tls") {
		return "", ""
	}
	if l := strings.ToLower(params); l != params && (l == "transport=udp" || l == "transport=tcp" || l == "transport=tls") {
		hint = "write " + l
	}
	return fmt.Sprintf("has parameter %q, not transport=udp, tcp or tls", params), hint
}

// checkURIUser says what is wrong with the user part of a URI value: the characters RFC 3261
// allows there, % escapes, and no password.
func checkURIUser(user string) (problem, hint string) {
	for i := 0; i < len(user); i++ {
		c := user[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()&=+$,?/", c) >= 0:
		case c == '%' && i+2 < len(user) && isHex(user[i+1]) && isHex(user[i+2]):
			i += 2
		case c == '%':
			return fmt.Sprintf("has a user part %q with a %% not followed by two hex digits", user), "write a space as %20 and a % as %25"
		case c == ':':
			return fmt.Sprintf("has a user part %q with a password or a ':'", user), "a route's URI is sip:user@host, without a password"
		default:
			return fmt.Sprintf("has a user part %q with a character not allowed in a SIP URI", user), ""
		}
	}
	return "", ""
}

// maxSuggestWork bounds the comparisons checkRefs makes to suggest declared routes for
// undeclared names: each costs an edit distance, and a spec with thousands of routes and
// thousands of undeclared names would otherwise take minutes. A few typos stay well under it.
const maxSuggestWork = 20_000

// checkRefs reports route references (in each file's defaults, in numbers, in pools' number
// fields and in policy.parking_route) to routes that are neither declared nor the built-in
// route. It runs before defaults are applied, so that a bad reference in defaults is reported
// once, where it is written.
func (l *loader) checkRefs() {
	s := l.s
	var bad []ref
	declared := func(name string) bool {
		_, ok := s.Routes[name]
		return ok || name == BuiltinRoute || name == "" // "" is not managed (an empty name written was reported already)
	}
	for _, f := range l.fileStates {
		for _, d := range [...]struct{ key, name string }{
			{"primary_route", f.Defaults.PrimaryRoute},
			{"failover_route", f.Defaults.FailoverRoute},
		} {
			if !declared(d.name) {
				bad = append(bad, ref{pos: f.defPos[d.key], what: "defaults." + d.key, name: d.name})
			}
		}
	}
	for tn, n := range s.Numbers {
		for _, d := range [...]struct{ key, name string }{{"primary_route", n.PrimaryRoute}, {"failover_route", n.FailoverRoute}} {
			if !declared(d.name) {
				bad = append(bad, ref{pos: s.Positions["numbers."+tn+"."+d.key], what: d.key, name: d.name})
			}
		}
	}
	for name, p := range s.Pools {
		for _, d := range [...]struct{ key, name string }{{"primary_route", p.Number.PrimaryRoute}, {"failover_route", p.Number.FailoverRoute}} {
			if !declared(d.name) {
				bad = append(bad, ref{pos: s.Positions["pools."+name+".number."+d.key], what: fmt.Sprintf("pool %q number %s", name, d.key), name: d.name})
			}
		}
	}
	if r := s.Policy.ParkingRoute; !declared(r) {
		bad = append(bad, ref{pos: s.Positions["policy.parking_route"], what: "policy.parking_route", name: r,
			hint: "declare it under routes, or leave parking_route out for the built-in route sip-reg"})
	}
	if len(bad) > 0 {
		l.reportRefs(bad, l.routeNames(), "declare it under routes, or use the built-in route sip-reg", "route")
	}
	l.checkE911Refs()
}

// ref is a reference to a name that is not declared: where it is written, what names it in
// messages, and, when not the usual one, the hint to give when no declared name is close.
type ref struct {
	pos              Pos
	what, name, hint string
}

// reportRefs reports each reference in bad to a name that is not a declared kind (such as
// "route"), suggesting the closest of names, which are sorted; else hint, or the ref's own.
func (l *loader) reportRefs(bad []ref, names []string, hint, kind string) {
	sugs := map[string]string{} // by undeclared name, each looked for once
	for _, r := range bad {
		sugs[r.name] = ""
	}
	if len(sugs)*len(names) <= maxSuggestWork {
		for name := range sugs {
			sugs[name] = suggest(name, names)
		}
	}
	for _, r := range bad {
		h := cmp.Or(r.hint, hint)
		if sug := sugs[r.name]; sug != "" {
			h = fmt.Sprintf("did you mean %q?", sug)
		}
		l.errorf(r.pos, h, "%s %q is not a declared %s", r.what, r.name, kind)
	}
}

// checkE911Refs reports an e911 field (of a number, of a file's defaults or of a pool's number
// fields) that names no entry of e911_addresses, suggesting a close name.
func (l *loader) checkE911Refs() {
	s := l.s
	var bad []ref
	declared := func(name string) bool {
		_, ok := s.E911Addresses[name]
		return ok || name == ""
	}
	for _, f := range l.fileStates {
		if !declared(f.Defaults.E911) {
			bad = append(bad, ref{pos: f.defPos["e911"], what: "defaults.e911", name: f.Defaults.E911})
		}
	}
	for tn, n := range s.Numbers {
		if !declared(n.E911) {
			bad = append(bad, ref{pos: s.Positions["numbers."+tn+".e911"], what: "number " + tn + " e911", name: n.E911})
		}
	}
	for name, p := range s.Pools {
		if !declared(p.Number.E911) {
			bad = append(bad, ref{pos: s.Positions["pools."+name+".number.e911"], what: fmt.Sprintf("pool %q number e911", name), name: p.Number.E911})
		}
	}
	if len(bad) == 0 {
		return
	}
	l.reportRefs(bad, slices.Sorted(maps.Keys(s.E911Addresses)), "declare it under e911_addresses", "E911 address")
}

// routeNames is the declared route names and the built-in one, sorted, for suggestions.
func (l *loader) routeNames() []string {
	names := []string{BuiltinRoute}
	for name := range l.s.Routes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// suggest returns the candidate closest to s when it is close enough to be a likely typo.
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := distance(strings.ToLower(s), strings.ToLower(c)); d < bestD && d <= max(1, len(c)/3) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein edit distance between a and b, in bytes.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30 // names that long are no typos worth the work
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
