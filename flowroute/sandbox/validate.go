package sandbox

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"flowroute-numbers/flowroute"
)

// maxRouteName is the longest route name the sandbox accepts.
const maxRouteName = 64

// validateRouteName checks a route name: 1 to 64 of [A-Za-z0-9._-] (the docs say
// alphanumeric; the project's specs also allow '.', '_' and '-').
func validateRouteName(name string) error {
	if name == "" || len(name) > maxRouteName {
		return fmt.Errorf("Route name must be 1 to %d characters.", maxRouteName)
	}
	for _, c := range []byte(name) {
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return errors.New("Route name may contain only letters, digits, '.', '_' and '-'.")
		}
	}
	return nil
}

// validateNewRoute checks the name, type and value of a route to create.
func validateNewRoute(r flowroute.Route) error {
	if err := validateRouteName(r.Name); err != nil {
		return err
	}
	return validateRouteValue(r.Type, r.Value)
}

// validateRouteValue checks that value fits the route type, as flowroute-v1-api.md says:
// HOST an IP address or host name with an optional port, PSTN an 11-digit number, URI
// sip: or sips: user@host[:port][;transport=udp|tcp|tls]. Messages are the API's error text.
func validateRouteValue(typ, value string) error {
	switch typ {
	case "HOST":
		if !validHostPort(value) {
			return errors.New("HOST route value must be an IP address or host name, with an optional :port.")
		}
	case "PSTN":
		if len(value) != 11 || !allDigits(value) {
			return errors.New("PSTN route value must be an 11-digit E.164 number.")
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

// validSIPURI reports whether s is sip: or sips: user@host[:port] with an optional
// ;transport=udp|tcp|tls parameter.
func validSIPURI(s string) bool {
	var rest string
	switch {
	case strings.HasPrefix(s, "sip:"):
		rest = s[len("sip:"):]
	case strings.HasPrefix(s, "sips:"):
		rest = s[len("sips:"):]
	default:
		return false
	}
	rest, param, hasParam := strings.Cut(rest, ";")
	if hasParam {
		k, v, ok := strings.Cut(param, "=")
		if !ok || !strings.EqualFold(k, "transport") {
			return false
		}
		switch strings.ToLower(v) {
		case "udp", "tcp", "tls":
		default:
			return false
		}
	}
	user, host, ok := strings.Cut(rest, "@")
	if !ok || user == "" || strings.ContainsAny(user, "@ \t<>\"") {
		return false
	}
	return validHostPort(host)
}

// validHostPort reports whether s is an IPv4 address, a bracketed IPv6 address or a host
// name, with an optional :port from 1 to 65535.
func validHostPort(s string) bool {
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return false
		}
		host, port = s[1:end], s[end+1:]
		if port != "" {
			if port[0] != ':' {
				return false
			}
			port = port[1:]
			if port == "" {
				return false
			}
		}
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() {
			return false
		}
	} else {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			host, port = s[:i], s[i+1:]
			if port == "" {
				return false
			}
		}
		if !validHost(host) {
			return false
		}
	}
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || !allDigits(port) || p < 1 || p > 65535 {
			return false
		}
	}
	return true
}

// validHost reports whether h is an IPv4 address or a DNS host name. A name whose last label
// is all digits must be an IPv4 address ("24.239.23.400" is not a host name).
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
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

func isAlnum(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
