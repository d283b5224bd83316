package spec

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The fields of a number (and of defaults), in the order Write writes them.
var numberKeys = []string{"pool", "billing_method", "primary_route", "failover_route", "alias", "cnam_lookups", "cnam", "e911", "messaging"}

// messagingKeys are the fields of a number's messaging: its callback URLs (v2).
var messagingKeys = []string{"sms_callback", "mms_callback", "sms_dlr_callback", "mms_dlr_callback"}

// numberPosKeys are the keys under "numbers.TN." that Positions may hold.
var numberPosKeys = func() []string {
	keys := slices.Clone(numberKeys)
	for _, k := range messagingKeys {
		keys = append(keys, "messaging."+k)
	}
	return keys
}()

// field returns the string field of n that key names; nil for a key that is no string field.
func (n *Number) field(key string) *string {
	switch key {
	case "pool":
		return &n.Pool
	case "billing_method":
		return &n.BillingMethod
	case "primary_route":
		return &n.PrimaryRoute
	case "failover_route":
		return &n.FailoverRoute
	case "alias":
		return &n.Alias
	case "cnam":
		return &n.CNAM
	case "e911":
		return &n.E911
	}
	return nil
}

// field returns the field of m that key, one of messagingKeys, names; nil for any other key.
func (m *Messaging) field(key string) *string {
	switch key {
	case "sms_callback":
		return &m.SMSCallback
	case "mms_callback":
		return &m.MMSCallback
	case "sms_dlr_callback":
		return &m.SMSDLRCallback
	case "mms_dlr_callback":
		return &m.MMSDLRCallback
	}
	return nil
}

// numberFields reads the fields of a number (tn) or, with tn "", of the defaults of the file
// being read from the mapping n into num, and records where each field was written, by its key
// ("primary_route", "messaging.sms_callback"). It allocates nothing per number beyond the
// positions: a spec may hold half a million.
func (l *loader) numberFields(file string, n *yaml.Node, tn string, num *Number) {
	place := fieldPlace{l: l, tn: tn, pool: l.pool}
	what := place.what()
	for _, f := range l.mapping(file, n, what) {
		key, vp := f.key.Value, at(file, f.val)
		switch field := num.field(key); {
		case key == "pool" && tn == "":
			l.errorf(at(file, f.key), "write pool: on each member, so that a review shows which numbers a pool holds", "%s cannot set pool", what)
		case field != nil:
			v, ok := l.str(file, f, place.name(key))
			if !ok {
				continue
			}
			place.pos(key, vp)
			l.checkField(vp, place.name(key), key, v)
			*field = v
		case key == "cnam_lookups":
			if b, ok := l.boolean(vp, f.val, place.name(key)); ok {
				place.pos(key, vp)
				num.CNAMLookups = &b
			}
		case key == "messaging":
			place.pos(key, at(file, f.key))
			if m := l.messaging(file, f.val, place); m != (Messaging{}) {
				num.Messaging = &m
			}
		default:
			known := numberKeys
			if tn == "" {
				known = numberKeys[1:] // no pool in defaults or a pool's fields
			}
			l.unknown(file, f.key, what.String(), known...)
		}
	}
}

// fieldPlace says where the fields numberFields reads belong: a number (tn), a pool's number
// fields (pool), or a file's defaults.
type fieldPlace struct {
	l        *loader
	tn, pool string
}

// what names the mapping in messages.
func (p fieldPlace) what() label {
	switch {
	case p.tn != "":
		return label{"number ", p.tn}
	case p.pool != "":
		return label{"pool ", strconv.Quote(p.pool), " number"}
	}
	return label{"defaults"}
}

// name names one field in messages.
func (p fieldPlace) name(key string) label {
	switch {
	case p.tn != "":
		return label{"number ", p.tn, " ", key}
	case p.pool != "":
		return label{"pool ", strconv.Quote(p.pool), " number ", key}
	}
	return label{"defaults.", key}
}

// pos records where a field was written.
func (p fieldPlace) pos(key string, at Pos) {
	l := p.l
	switch {
	case p.tn != "":
		l.setPos("numbers."+p.tn+"."+key, at)
	case p.pool != "":
		l.s.Positions["pools."+p.pool+".number."+key] = at
	default:
		if l.cur.defPos == nil {
			l.cur.defPos = map[string]Pos{}
		}
		l.cur.defPos[key] = at
		if _, ok := l.s.Positions["defaults."+key]; !ok {
			l.s.Positions["defaults."+key] = at // the first file's, as PosOf has one place
		}
	}
}

// boolean reads a YAML boolean, refusing a string or anything else with a hint.
func (l *loader) boolean(vp Pos, n *yaml.Node, name label) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		hint := ""
		if v := strings.ToLower(n.Value); n.ShortTag() == "!!str" && (v == "true" || v == "false") {
			hint = "write " + v + " without quotes"
		}
		l.errorf(vp, hint, "%s must be true or false, not %s", name, describeValue(n))
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		l.errorf(vp, "", "%s must be true or false, not %s", name, n.Value)
		return false, false
	}
	return b, true
}

// messaging reads a number's messaging callbacks, each checked, with warnings for those
// Flowroute cannot reach.
func (l *loader) messaging(file string, n *yaml.Node, place fieldPlace) Messaging {
	var m Messaging
	for _, c := range l.mapping(file, n, place.name("messaging")) {
		field := m.field(c.key.Value)
		if field == nil {
			l.unknown(file, c.key, place.what().String()+" messaging", messagingKeys...)
			continue
		}
		label := place.name("messaging." + c.key.Value)
		v, ok := l.str(file, c, label)
		if !ok {
			continue
		}
		cp := at(file, c.val)
		place.pos("messaging."+c.key.Value, cp)
		if problem, hint := checkCallback(v); problem != "" {
			l.errorf(cp, hint, "%s %q %s", label, redactURL(v), problem)
		}
		for _, w := range callbackWarnings(v) {
			l.warnf(cp, w.hint, "%s %s", label, w.problem)
		}
		*field = v
	}
	return m
}

// checkField checks the value of a string field of a number or of defaults (what names it);
// whether a route or E911 address is declared is checked once all files are read.
func (l *loader) checkField(p Pos, what label, key, v string) {
	switch {
	case key == "billing_method":
		l.checkBilling(p, v)
	case key == "pool" && v == "":
		l.errorf(p, "leave it out for a number in no pool", "%s is empty", what)
	case v == "":
		l.errorf(p, "leave the field out to keep what the account has", "%s is empty", what)
	case key == "cnam":
		if problem, hint := checkCNAM(v); problem != "" {
			l.errorf(p, hint, "%s %q %s", what, v, problem)
		}
	case key == "alias" && !printable(v):
		l.errorf(p, "", "%s %q has a control character", what, v)
	case key == "alias" && utf8.RuneCountInString(v) > MaxAlias:
		l.errorf(p, fmt.Sprintf("shorten it to %d characters", MaxAlias), "%s has %d characters; Flowroute accepts an alias of at most %d", what, utf8.RuneCountInString(v), MaxAlias)
	}
}

// MaxAlias is the most characters a number's alias may have (v2 API §3.5 and §9.18).
const MaxAlias = 64

// MaxCNAM is the most characters a caller-ID name (CNAM) may have.
const MaxCNAM = 15

// cnamPunct are the characters besides letters, digits and spaces that a CNAM may hold.
const cnamPunct = `-_.,@+&'/"`

// checkCNAM says what is wrong with a caller-ID name, by Flowroute's storage rules: at most 15
// characters, at least one letter, and only letters, digits, spaces and - _ . , @ + & ' / ".
// Flowroute also refuses curse words, phone numbers and misleading names, which no offline
// check can tell.
func checkCNAM(v string) (problem, hint string) {
	letter := false
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9' || r == ' ' || strings.ContainsRune(cnamPunct, r):
		default:
			return fmt.Sprintf("has %q, which a caller-ID name cannot hold", r), `use letters, digits, spaces and - _ . , @ + & ' / "`
		}
	}
	if n := utf8.RuneCountInString(v); n > MaxCNAM {
		return fmt.Sprintf("has %d characters, more than the %d of a caller-ID name", n, MaxCNAM), ""
	}
	if !letter {
		return "has no letter; a caller-ID name needs one", ""
	}
	return "", ""
}

// checkCallback says what is wrong with a messaging callback URL: it must be an absolute
// http or https URL with a host, without spaces, and every % followed by two hex digits.
func checkCallback(v string) (problem, hint string) {
	const example = "write an absolute URL such as https://example.com/sms"
	if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
		return "is not an absolute http:// or https:// URL", example
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c <= ' ' || c == 0x7f:
			return "has a space or control character", "write a space as %20"
		case c >= 0x80:
			return "has a character outside ASCII", "percent-encode it"
		case c == '%' && (i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2])):
			return "has a % not followed by two hex digits", "write a % as %25"
		}
	}
	authority := v[strings.Index(v, "//")+2:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	if host := authority[strings.LastIndexByte(authority, '@')+1:]; strings.Count(host, ":") > 1 && !strings.HasPrefix(host, "[") {
		return "has an IPv6 host without [ ]", "write https://[2001:db8::1]/sms"
	}
	u, err := url.Parse(v)
	if err != nil {
		return "is not a valid URL", example
	}
	if u.Host == "" {
		return "has no host", example
	}
	if problem, _ := checkHost(u.Host); problem != "" {
		return fmt.Sprintf("has host %q, which is not an IP address or host name with an optional port", u.Host), ""
	}
	return "", ""
}

// warning is a problem that does not stop a spec from loading, and what to do about it.
type warning struct{ problem, hint string }

// callbackWarnings says what makes a valid callback URL a likely mistake: a password in it
// (user:password@), which Flowroute stores and shows in plain text, and a host that Flowroute's
// servers cannot reach: localhost, or a loopback, link-local or private address. The problems
// never quote the URL, which may hold a password.
func callbackWarnings(v string) []warning {
	u, err := url.Parse(v)
	if err != nil {
		return nil
	}
	var ws []warning
	if _, set := u.User.Password(); set {
		ws = append(ws, warning{"has a password (user:password@), which Flowroute stores and shows in plain text",
			"leave the password out of the URL"})
	}
	host, what := u.Hostname(), ""
	if h := strings.ToLower(strings.TrimSuffix(host, ".")); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		what = "the name of this machine"
	} else if a, err := netip.ParseAddr(host); err == nil {
		switch a = a.Unmap(); {
		case a.IsLoopback():
			what = "a loopback address"
		case a.IsLinkLocalUnicast():
			what = "a link-local address"
		case a.IsPrivate():
			what = "a private address"
		}
	}
	if what != "" {
		ws = append(ws, warning{fmt.Sprintf("points at %s, %s, which Flowroute's servers cannot reach", host, what),
			"give a public address or host name of the endpoint"})
	}
	return ws
}

// redactURL returns the URL v with the password of its user:password@, if any, replaced by
// xxxxx, for messages.
func redactURL(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return v
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndexByte(authority, '@')
	colon := strings.IndexByte(authority[:max(at, 0)], ':')
	if at < 0 || colon < 0 {
		return v
	}
	return scheme + "://" + rest[:colon+1] + "xxxxx" + rest[at:]
}

// printable reports whether s holds no control character.
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// edgeStrategy reads a route's edge_strategy: the id of a v2 edge strategy (PoP), a
// whole number 0 or more, written as a number or a string of digits.
func (l *loader) edgeStrategy(file string, f entry, name string) (string, bool) {
	if n, ok := wholeValue(f.val); ok && n >= 0 {
		return strconv.Itoa(n), true
	}
	if f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!str" && allDigits(f.val.Value) {
		return f.val.Value, true
	}
	l.errorf(at(file, f.val), "the edge strategies and their ids are listed by GET /v2/routes/edge_strategies",
		"route %q edge_strategy must be the id of an edge strategy, a whole number such as 4, not %s", name, describeValue(f.val))
	return "", false
}

// The keys of an E911 address, those it must have, and those of free text, which Flowroute
// takes up to MaxE911Field characters long (state, country and zip have shorter forms).
var (
	e911Keys     = []string{"first_name", "last_name", "street_number", "street_name", "address_type", "address_type_number", "city", "state", "country", "zip"}
	e911Required = []string{"first_name", "last_name", "street_number", "street_name", "city", "state", "country", "zip"}
	e911Text     = []string{"first_name", "last_name", "street_number", "street_name", "city"}
)

// MaxE911Field is the most characters Flowroute accepts in a field of an E911 address, and in
// its label, which is the name of the address in a spec.
const MaxE911Field = 100

// AddressTypes are the values of an E911 address's address_type, which Flowroute reads in any
// case.
var AddressTypes = []string{"Apartment", "Basement", "Building", "Department", "Floor", "Front", "Key", "Lobby", "Lot", "Lower",
	"Office", "Penthouse", "Pier", "Rear", "Room", "Side", "Slip", "Space", "Stop", "Suite", "Trailer", "Unit", "Upper"}

// States are the two-letter codes of an E911 address's state, by country: the US states, DC
// and the inhabited territories, and the Canadian provinces and territories.
var States = map[string][]string{
	"US": {"AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI", "IA", "ID", "IL", "IN", "KS", "KY",
		"LA", "MA", "MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK",
		"OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY"},
	"CA": {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"},
}

// Zip patterns by country: a US ZIP or ZIP+4, a Canadian postal code A1A 1A1.
const (
	zipPatternUS = `^[0-9]{5}(?:-[0-9]{4})?$`
	zipPatternCA = `^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$`
)

// Fields returns the address's fields by spec name, in the spec's order, empty ones included.
func (a E911Address) Fields() [][2]string {
	out := make([][2]string, len(e911Keys))
	for i, key := range e911Keys {
		out[i] = [2]string{key, *a.field(key)}
	}
	return out
}

// Differs returns, in the spec's order, the fields a sets (a desired address: an empty field is
// not managed) whose value differs from have's, letter case aside, since Flowroute stores some
// fields upper-cased. Plan changes an address by them, and apply knows a change landed when
// none is left.
func (a E911Address) Differs(have E911Address) []string {
	var out []string
	for _, key := range e911Keys {
		if want := *a.field(key); want != "" && !strings.EqualFold(want, *have.field(key)) {
			out = append(out, key)
		}
	}
	return out
}

// E911AddressOf is the address whose fields, by spec name, are those of m.
func E911AddressOf(m map[string]string) E911Address {
	var a E911Address
	for _, key := range e911Keys {
		*a.field(key) = m[key]
	}
	return a
}

// field returns the field of a that key, one of e911Keys, names.
func (a *E911Address) field(key string) *string {
	switch key {
	case "first_name":
		return &a.FirstName
	case "last_name":
		return &a.LastName
	case "street_number":
		return &a.StreetNumber
	case "street_name":
		return &a.StreetName
	case "address_type":
		return &a.AddressType
	case "address_type_number":
		return &a.AddressTypeNumber
	case "city":
		return &a.City
	case "state":
		return &a.State
	case "country":
		return &a.Country
	case "zip":
		return &a.Zip
	}
	return nil
}

// e911Map reads the e911_addresses section: emergency addresses keyed by a name that numbers
// and defaults refer to. The same name declared in two places is an error naming both.
func (l *loader) e911Map(file string, n *yaml.Node) {
	if l.s.E911Addresses == nil {
		l.s.E911Addresses = map[string]E911Address{}
	}
	for _, e := range l.mapping(file, n, label{"e911_addresses"}, true) {
		name, kp := e.key.Value, at(file, e.key)
		prefix := "e911_addresses." + name
		if first, dup := l.s.Positions[prefix]; dup {
			l.errorf(kp, "", "E911 address %q is declared twice: here and at %s", name, first)
			continue
		}
		l.s.Positions[prefix] = kp
		if name == "" || !printable(name) {
			l.errorf(kp, "", "E911 address name %q is not allowed", name)
		} else if n := utf8.RuneCountInString(name); n > MaxE911Field {
			l.errorf(kp, fmt.Sprintf("shorten it to %d characters: the name is the address's label at Flowroute", MaxE911Field), "E911 address name has %d characters; Flowroute accepts a label of at most %d", n, MaxE911Field)
		}
		what := "E911 address " + strconv.Quote(name)
		var a E911Address
		written := map[string]Pos{}  // the fields with a valid value
		present := map[string]bool{} // the fields written, valid or not
		for _, f := range l.mapping(file, e.val, label{what}) {
			key := f.key.Value
			field := a.field(key)
			if field == nil {
				l.unknown(file, f.key, what, e911Keys...)
				continue
			}
			present[key] = true
			v, ok := "", false
			if (key == "street_number" || key == "address_type_number") && f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!int" {
				v, ok = f.val.Value, true // a number as written: 1218
			} else {
				v, ok = l.str(file, f, label{what, " ", key})
			}
			if !ok {
				continue
			}
			vp := at(file, f.val)
			written[key] = vp
			l.s.Positions[prefix+"."+key] = vp
			if strings.TrimSpace(v) == "" {
				l.errorf(vp, "", "%s %s is empty", what, key)
				delete(written, key)
				continue
			}
			if n := utf8.RuneCountInString(v); n > MaxE911Field && slices.Contains(e911Text, key) {
				l.errorf(vp, fmt.Sprintf("shorten it to %d characters", MaxE911Field), "%s %s has %d characters; Flowroute accepts at most %d", what, key, n, MaxE911Field)
			}
			*field = v
		}
		for _, key := range e911Required {
			if !present[key] {
				l.errorf(kp, "", "%s has no %s", what, key)
			}
		}
		l.checkE911(what, a, written, present)
		l.s.E911Addresses[name] = a
	}
}

// checkE911 checks an E911 address offline, as far as Flowroute's documentation allows: the
// address type, the state of the country, the country and the form of the zip. Whether the
// address exists is for Flowroute to say when the address is created.
func (l *loader) checkE911(what string, a E911Address, written map[string]Pos, present map[string]bool) {
	if p, ok := written["address_type"]; ok {
		if !slices.ContainsFunc(AddressTypes, func(t string) bool { return strings.EqualFold(t, a.AddressType) }) {
			hint := "write one of " + strings.Join(AddressTypes, ", ")
			if s := suggest(a.AddressType, AddressTypes); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			l.errorf(p, hint, "%s address_type %q is not a type Flowroute knows", what, a.AddressType)
		}
		if _, ok := written["address_type_number"]; !ok && !present["address_type_number"] {
			l.errorf(p, "add the apartment, suite or unit number", "%s has an address_type but no address_type_number", what)
		}
	} else if p, ok := written["address_type_number"]; ok && !present["address_type"] {
		l.errorf(p, "add address_type, such as Suite", "%s has an address_type_number but no address_type", what)
	}
	cp, hasCountry := written["country"]
	states, known := States[a.Country]
	if hasCountry && !known {
		hint := "write US or CA"
		switch strings.ToUpper(a.Country) {
		case "US", "USA", "UNITED STATES":
			hint = "write US"
		case "CA", "CAN", "CANADA":
			hint = "write CA"
		}
		l.errorf(cp, hint, "%s country %q is not US or CA, the countries Flowroute serves", what, a.Country)
	}
	if p, ok := written["state"]; ok && known && !slices.Contains(states, a.State) {
		hint := fmt.Sprintf("write the two-letter code of a state of %s, such as %s", a.Country, map[string]string{"US": "WA", "CA": "ON"}[a.Country])
		if u := strings.ToUpper(a.State); slices.Contains(states, u) {
			hint = "write " + u
		}
		l.errorf(p, hint, "%s state %q is not a state of %s", what, a.State, a.Country)
	}
	if p, ok := written["zip"]; ok && known {
		switch {
		case a.Country == "US" && !validZipUS(a.Zip):
			l.errorf(p, "write 5 digits, or ZIP+4 such as 98104-1234", "%s zip %q is not a US ZIP code", what, a.Zip)
		case a.Country == "CA" && !validZipCA(a.Zip):
			hint := "write a letter, digit, letter, space, digit, letter, digit, such as M4C 5K7"
			if validZipCA(strings.ToUpper(a.Zip)) {
				hint = "write " + strings.ToUpper(a.Zip)
			}
			l.errorf(p, hint, "%s zip %q is not a Canadian postal code", what, a.Zip)
		}
	}
}

func validZipUS(z string) bool {
	d, plus4, four := strings.Cut(z, "-")
	return len(d) == 5 && allDigits(d) && (!four || len(plus4) == 4 && allDigits(plus4))
}

func validZipCA(z string) bool {
	if len(z) == 7 && z[3] == ' ' {
		z = z[:3] + z[4:]
	}
	if len(z) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		c := z[i]
		if i%2 == 0 && (c < 'A' || c > 'Z') || i%2 == 1 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
