package sandbox

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validateRouteName checks a route name: one or more of [A-Za-z0-9._-] (the docs say
// alphanumeric; the project's specs also allow '.', '_' and '-'), but not "." or "..", which
// as the last segment of PUT /v1/routes/{name} name a directory, not a route. The docs give
// no longest name; the HTTP server's limit on the request line bounds it.
func validateRouteName(name string) error {
	switch name {
	case "":
		return errors.New("Route name is required.")
	case ".", "..":
		return errors.New("Route name cannot be . or ..")
	}
	for _, c := range []byte(name) {
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return errors.New("Route name may contain only letters, digits, '.', '_' and '-'.")
		}
	}
	return nil
}

// validateNewRoute checks the name, type and value of a route to create.
func validateNewRoute(r Route) error {
	if err := validateRouteName(r.Name); err != nil {
		return err
	}
	return validateRouteValue(r.Type, r.Value)
}

// validateRouteValue checks that value fits the route type, as docs/flowroute-v1-api.md says:
// HOST an IP address or host name with an optional port, PSTN an 11-digit number
// 1NPANXXXXXX, URI sip: or sips: user@host[:port][;transport=udp|tcp|tls]. Where the docs are
// silent it takes what RFC 3261 allows in a SIP URI and no more, so that what the sandbox
// accepts the real server should accept too. Messages are the API's error text.
func validateRouteValue(typ, value string) error {
	switch typ {
	case "HOST":
		if !validHostValue(value) {
			return errors.New("HOST route value must be an IP address or host name, with an optional :port.")
		}
	case "PSTN":
		if !validTN(value) {
			return errors.New("PSTN route value must be an 11-digit E.164 number, 1NPANXXXXXX.")
		}
	case "URI":
		if !validSIPURI(value) {
			return errors.New("URI route value must be sip:user@host[:port][;transport=udp|tcp|tls] or sips:...")
		}
	default:
		return errors.New("Route type must be HOST, PSTN or URI.")
	}
	return nil
}

// validHostValue reports whether s is a HOST value: an IPv6 address alone, or what
// validHostPort accepts. A bare IPv6 address has no port: "2001:db8::1:5060" is an address.
func validHostValue(s string) bool {
	return validIPv6(s) || validHostPort(s)
}

// validIPv6 reports whether s is an IPv6 address without a zone, which names an interface
// of the machine that reads it and so means nothing to the carrier.
func validIPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

// validSIPURI reports whether s is sip: or sips: user@host[:port] with an optional
// ;transport=udp|tcp|tls parameter, all lower case as the docs write them. An IPv6 host is
// in brackets, as RFC 3261 requires.
func validSIPURI(s string) bool {
	rest, ok := strings.CutPrefix(s, "sip:")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "sips:"); !ok {
			return false
		}
	}
	rest, param, hasParam := strings.Cut(rest, ";")
	if hasParam {
		switch param {
		case "transport=udp", "transport=tcp", "transport=tls":
		default:
			return false
		}
	}
	user, host, ok := strings.Cut(rest, "@")
	return ok && validSIPUser(user) && validHostPort(host)
}

// validSIPUser reports whether u is the user part of a SIP URI as RFC 3261 defines it:
// letters, digits, -_.!~*'()&=+$,?/ and %XX escapes (';' would start a parameter).
func validSIPUser(u string) bool {
	if u == "" {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case isAlnum(c) || strings.IndexByte("-_.!~*'()&=+$,?/", c) >= 0:
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

// validHostPort reports whether s is an IPv4 address, a bracketed IPv6 address or a host
// name, with an optional :port from 1 to 65535.
func validHostPort(s string) bool {
	host, port, hasPort := s, "", false
	if rest, ok := strings.CutPrefix(s, "["); ok {
		var closed bool
		if host, port, closed = strings.Cut(rest, "]"); !closed || !validIPv6(host) {
			return false
		}
		if port != "" {
			if port, hasPort = strings.CutPrefix(port, ":"); !hasPort {
				return false
			}
		}
	} else {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			host, port, hasPort = s[:i], s[i+1:], true
		}
		if !validHost(host) {
			return false
		}
	}
	if hasPort {
		p, err := strconv.Atoi(port)
		if err != nil || !allDigits(port) || p < 1 || p > 65535 {
			return false
		}
	}
	return true
}

// validHost reports whether h is an IPv4 address or a DNS host name, which may end in a dot
// as RFC 3261 allows. A name whose last label is all digits must be an IPv4 address
// ("24.239.23.400" is not a host name).
func validHost(h string) bool {
	name := strings.TrimSuffix(h, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	if allDigits(labels[len(labels)-1]) {
		a, err := netip.ParseAddr(h)
		return err == nil && a.Is4()
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !isAlnum(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isAlnum(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// validateAlias checks a v2 route alias: any text without control characters. v2 names no
// limit, so none is set beyond the request size; v1's route names are a subset.
func validateAlias(alias string) error {
	if alias == "" {
		return errors.New("Route alias is required.")
	}
	if !utf8.ValidString(alias) || strings.IndexFunc(alias, unicode.IsControl) >= 0 {
		return errors.New("Route alias may not contain control characters.")
	}
	return nil
}

// validateV2RouteValue checks a v2 route value against its type, as the v2 doc's §9.20 says:
// host an IPv4 address or host name with an optional :port (a bracketed IPv6 address too),
// number exactly 11 digits, uri sip: or sips: user@host[:port] with optional
// ;transport=tcp|udp|tls and ;weight=N parameters, each at most once.
func validateV2RouteValue(typ, value string) error {
	switch typ {
	case typeHost:
		if !validHostPort(value) {
			return errors.New("host route value must be an IP address or host name, with an optional :port.")
		}
	case typeNumber:
		if len(value) != 11 || !allDigits(value) {
			return errors.New("number route value must be an 11-digit number in E.164 format, e.g. 16476998778.")
		}
	case typeURI:
		if !validV2SIPURI(value) {
			return errors.New("uri route value must be sip:user@host[:port][;transport=tcp|udp|tls][;weight=N] or sips:...")
		}
	default:
		return errors.New("route_type must be host, number or uri.")
	}
	return nil
}

// validV2SIPURI is validSIPURI with v2's ;weight=N parameter allowed too.
func validV2SIPURI(s string) bool {
	base, params, _ := strings.Cut(s, ";")
	seen := map[string]bool{}
	var transport string
	for _, p := range strings.Split(params, ";") {
		if params == "" {
			break
		}
		k, v, _ := strings.Cut(p, "=")
		if seen[k] {
			return false
		}
		seen[k] = true
		switch k {
		case "transport":
			transport = p
		case "weight":
			if !digitsUpTo(v, 5) {
				return false
			}
		default:
			return false
		}
	}
	if transport != "" {
		base += ";" + transport
	}
	return validSIPURI(base)
}

// validateStoredRoute checks a route read from the state file: what either face may create.
func validateStoredRoute(alias, typ, value string) error {
	if err := validateAlias(alias); err != nil {
		return err
	}
	v2err := validateV2RouteValue(typ, value)
	if v2err == nil || validateRouteValue(v1Type(typ), value) == nil && typ != typeSIPReg {
		return nil
	}
	return v2err
}
