package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// The spec's validator (spec/validate.go) is the tool's own check of a route and this
// package's (validate.go) is the server's, as docs/flowroute-v1-api.md describes it. They are
// written apart on purpose, and these tests hold them to the same verdict: a route the spec
// accepts must not be refused at apply time, and a route the spec refuses should be one the
// server would refuse too.

// routeCase is a route and the verdict both validators must reach. specOnly, when set, says
// why the spec refuses a value the server accepts.
type routeCase struct {
	typ, value string
	ok         bool
	specOnly   string
}

// nanpOnly is why the spec refuses PSTN numbers the server takes: the API checks the form
// 1NPANXXXXXX, while the spec also knows that no area code or exchange starts with 0 or 1,
// so such a number is a typo that would forward calls nowhere.
const nanpOnly = "NANP assigns no area code or exchange starting with 0 or 1"

var routeCases = []routeCase{
	// HOST: IPv4, with and without a port.
	{"HOST", "24.239.23.40", true, ""},
	{"HOST", "24.239.23.40:5060", true, ""},
	{"HOST", "24.239.23.40:0", false, ""},
	{"HOST", "24.239.23.40:1", true, ""},
	{"HOST", "24.239.23.40:65535", true, ""},
	{"HOST", "24.239.23.40:65536", false, ""},
	{"HOST", "24.239.23.40:", false, ""},
	{"HOST", "24.239.23.40:+5060", false, ""},
	{"HOST", "24.239.23.40:sip", false, ""},
	{"HOST", "24.239.23.400", false, ""},
	{"HOST", "24.239.23", false, ""},
	{"HOST", "024.239.23.40", false, ""},
	{"HOST", "24.239.23.40.", false, ""},
	// HOST: IPv6, bare or in brackets with a port.
	{"HOST", "2001:db8::1", true, ""},
	{"HOST", "::1", true, ""},
	{"HOST", "2001:db8::1:5060", true, ""}, // bare: all of it is the address
	{"HOST", "[2001:db8::1]", true, ""},
	{"HOST", "[2001:db8::1]:5060", true, ""},
	{"HOST", "[2001:db8::1]:65536", false, ""},
	{"HOST", "[2001:db8::1]:", false, ""},
	{"HOST", "[2001:db8::1]5060", false, ""},
	{"HOST", "[2001:db8::1:5060", false, ""},
	{"HOST", "[24.239.23.40]:5060", false, ""},
	{"HOST", "[::ffff:24.239.23.40]", true, ""},
	{"HOST", "fe80::1%eth0", false, ""},
	{"HOST", "[fe80::1%eth0]:5060", false, ""},
	{"HOST", "2001:db8::g", false, ""},
	// HOST: names.
	{"HOST", "pbx.example.com", true, ""},
	{"HOST", "pbx.example.com:5080", true, ""},
	{"HOST", "PBX-1.Example.COM", true, ""},
	{"HOST", "pbx", true, ""},
	{"HOST", "xn--bcher-kva.example", true, ""},
	{"HOST", "pbx.example.com.", true, ""}, // RFC 3261 allows the root's dot
	{"HOST", "pbx.example.com.:5060", true, ""},
	{"HOST", "pbx.example.com..", false, ""},
	{"HOST", ".example.com", false, ""},
	{"HOST", ".", false, ""},
	{"HOST", "pbx_1.example.com", false, ""},
	{"HOST", "-pbx.example.com", false, ""},
	{"HOST", "pbx-.example.com", false, ""},
	{"HOST", "pbx..example.com", false, ""},
	{"HOST", "example.123", false, ""},
	{"HOST", "123", false, ""},
	{"HOST", strings.Repeat("a", 63) + ".example.com", true, ""},
	{"HOST", strings.Repeat("a", 64) + ".example.com", false, ""},
	{"HOST", strings.Repeat("abcdefghi.", 25) + "com", true, ""},   // 253
	{"HOST", strings.Repeat("abcdefghi.", 25) + "comm", false, ""}, // 254
	{"HOST", strings.Repeat("abcdefghi.", 25) + "com.", true, ""},  // 253 and the root
	{"HOST", "bücher.example", false, ""},
	{"HOST", "pbx example.com", false, ""},
	{"HOST", " pbx.example.com", false, ""},
	{"HOST", "pbx.example.com ", false, ""},
	{"HOST", "", false, ""},
	{"HOST", "sip:pbx.example.com", false, ""},
	{"HOST", "pbx.example.com/path", false, ""},
	// PSTN: 11 digits, 1NPANXXXXXX.
	{"PSTN", "16476998778", true, ""},
	{"PSTN", "+16476998778", false, ""},
	{"PSTN", "6476998778", false, ""},
	{"PSTN", "164769987780", false, ""},
	{"PSTN", "26476998778", false, ""},
	{"PSTN", "11476998778", false, nanpOnly},
	{"PSTN", "16471998778", false, nanpOnly},
	{"PSTN", "1 647 699 8778", false, ""},
	{"PSTN", "1647699877x", false, ""},
	{"PSTN", "１6476998778", false, ""}, // a fullwidth digit
	{"PSTN", "", false, ""},
	// URI: sip: or sips: user@host[:port][;transport=udp|tcp|tls].
	{"URI", "sip:16476998778@215.122.69.152:5060;transport=tcp", true, ""},
	{"URI", "sip:alice@pbx.example.com", true, ""},
	{"URI", "sips:alice@pbx.example.com", true, ""},
	{"URI", "sip:alice@pbx.example.com;transport=udp", true, ""},
	{"URI", "sip:alice@pbx.example.com;transport=tls", true, ""},
	{"URI", "sip:alice@[2001:db8::1]:5060", true, ""},
	{"URI", "sip:alice.o'neil+1@pbx.example.com", true, ""},
	{"URI", "sip:alice%20b@pbx.example.com", true, ""},
	{"URI", "SIP:alice@pbx.example.com", false, ""},
	{"URI", "Sips:alice@pbx.example.com", false, ""},
	{"URI", "sip:alice@pbx.example.com;transport=TLS", false, ""},
	{"URI", "sip:alice@pbx.example.com;Transport=udp", false, ""},
	{"URI", "sip:alice@pbx.example.com;transport=sctp", false, ""},
	{"URI", "sip:alice@pbx.example.com;transport=", false, ""},
	{"URI", "sip:alice@pbx.example.com;transport=udp;lr", false, ""},
	{"URI", "sip:alice@pbx.example.com;lr", false, ""},
	{"URI", "sip:alice@pbx.example.com;", false, ""},
	{"URI", "sip:pbx.example.com", false, ""},
	{"URI", "sip:@pbx.example.com", false, ""},
	{"URI", "sip:alice@", false, ""},
	{"URI", "sip:alice@bob@pbx.example.com", false, ""},
	{"URI", "sip:alice:secret@pbx.example.com", false, ""},
	{"URI", "sip:al ice@pbx.example.com", false, ""},
	{"URI", "sip:jürgen@pbx.example.com", false, ""},
	{"URI", "sip:alice#1@pbx.example.com", false, ""},
	{"URI", "sip:alice@2001:db8::1", false, ""},
	{"URI", "sip:alice@pbx.example.com.", true, ""},
	{"URI", "sip:alice%2@pbx.example.com", false, ""},
	{"URI", "sip:alice%zz@pbx.example.com", false, ""},
	{"URI", "sip:alice@[fe80::1%25eth0]", false, ""},
	{"URI", "sip:alice@pbx.example.com:65536", false, ""},
	{"URI", "sip:alice@pbx_1.example.com", false, ""},
	{"URI", "sip:alice@pbx.example.com ", false, ""},
	{"URI", "sip:alice@pbx.example.com?subject=x", false, ""},
	{"URI", "<sip:alice@pbx.example.com>", false, ""},
	{"URI", "tel:+16476998778", false, ""},
	{"URI", "alice@pbx.example.com", false, ""},
	{"URI", "", false, ""},
	// Types.
	{"host", "24.239.23.40", false, ""},
	{"SIP-REG", "", false, ""},
	{"", "24.239.23.40", false, ""},
}

// nameCases are route names and whether both validators allow them.
var nameCases = []struct {
	name string
	ok   bool
}{
	{"pbx", true},
	{"a", true},
	{"A_b.c-9", true},
	{"HOSTroute1", true},
	{"..a", true},
	{"-", true},
	{"SIP-REG", true}, // names are case-sensitive: only sip-reg is built in
	{strings.Repeat("r", 65), true},
	{strings.Repeat("r", 1000), true},
	{"", false},
	{".", false},
	{"..", false},
	{"sip-reg", false},
	{"bad name", false},
	{"a/b", false},
	{"a%2Fb", false},
	{"a?b", false},
	{"ünïcode", false},
	{"tab\there", false},
}

// specFor is a minimal spec declaring one route, every string double-quoted for YAML.
func specFor(name, typ, value string) []byte {
	return fmt.Appendf(nil, "routes: {%s: {type: %s, value: %s}}\n",
		strconv.Quote(name), strconv.Quote(typ), strconv.Quote(value))
}

// verdicts returns whether the spec and a new sandbox account accept the route.
func verdicts(t *testing.T, s *Server, r Route) (specErr, sandboxErr error) {
	t.Helper()
	_, specErr = spec.Parse("agreement.yaml", specFor(r.Name, r.Type, r.Value))
	return specErr, s.AddRoute(r)
}

// newAccount is a sandbox with a small inventory, for AddRoute: the sandbox's validators
// and its refusal of a name that exists, such as sip-reg.
func newAccount(t *testing.T) *Server {
	t.Helper()
	s, err := New(Options{Seed: 1, InventorySize: 10})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRouteValuesAgreeWithSpec: each route value gets the verdict of its case from both.
func TestRouteValuesAgreeWithSpec(t *testing.T) {
	t.Parallel()
	s := newAccount(t)
	for i, c := range routeCases {
		r := Route{Name: fmt.Sprintf("r%d", i), Type: c.typ, Value: c.value}
		specErr, sandboxErr := verdicts(t, s, r)
		wantSandbox := c.ok || c.specOnly != ""
		if (specErr == nil) != c.ok || (sandboxErr == nil) != wantSandbox {
			t.Errorf("%s %.80q: spec error %v, sandbox error %v; want spec ok %t, sandbox ok %t",
				c.typ, c.value, specErr, sandboxErr, c.ok, wantSandbox)
		}
	}
}

// TestRouteNamesAgreeWithSpec: each route name gets the verdict of its case from both.
func TestRouteNamesAgreeWithSpec(t *testing.T) {
	t.Parallel()
	s := newAccount(t)
	for _, c := range nameCases {
		r := Route{Name: c.name, Type: "HOST", Value: "24.239.23.40:5060"}
		specErr, sandboxErr := verdicts(t, s, r)
		if (specErr == nil) != c.ok || (sandboxErr == nil) != c.ok {
			t.Errorf("name %.80q: spec error %v, sandbox error %v; want ok %t", c.name, specErr, sandboxErr, c.ok)
		}
	}
}
