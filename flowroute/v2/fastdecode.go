package v2

import (
	"encoding/json"
)

// The fast path of the decoders. encoding/json reads a list page three times over (the
// document with data kept raw, data into resources with attributes kept raw, then each
// resource's attributes), checking the whole input before each pass and calling every flex
// field through reflection. fastDocument reads a document once, checking its syntax as it
// goes, into the same document and resources the general decoders produce, and keeps each
// resource's attribute members for numberAttrs.set. It gives up (ok false) on anything it is
// not sure to read exactly as encoding/json would: a syntax error, a member name with an
// escape or a byte above 0x7f, a member of the wrong JSON type, a value a flex type refuses,
// deep nesting, a repeated "included". parseDocument then reads the body as before, so
// results and errors are the same either way.

// member is one member of an object: its name and its raw value.
type member struct {
	name []byte
	raw  []byte
}

// maxFastDepth is the nesting the fast path reads; deeper documents take the general path,
// which has encoding/json's own limit.
const maxFastDepth = 64

// scanner reads JSON from b at off; any error sets bad.
type scanner struct {
	b   []byte
	off int
	bad bool
}

func (s *scanner) ws() {
	for s.off < len(s.b) {
		switch s.b[s.off] {
		case ' ', '\t', '\n', '\r':
			s.off++
		default:
			return
		}
	}
}

// peek is the next byte after white space, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.off >= len(s.b) {
		return 0
	}
	return s.b[s.off]
}

// expect consumes c after white space.
func (s *scanner) expect(c byte) bool {
	if s.peek() != c {
		s.bad = true
		return false
	}
	s.off++
	return true
}

// str reads a string and returns its raw bytes with the quotes; plain reports that it has no
// escape and only ASCII.
func (s *scanner) str() (raw []byte, plain bool) {
	if s.peek() != '"' {
		s.bad = true
		return nil, false
	}
	start := s.off
	s.off++
	plain = true
	for s.off < len(s.b) {
		c := s.b[s.off]
		switch {
		case c == '"':
			s.off++
			return s.b[start:s.off], plain
		case c == '\\':
			plain = false
			s.off++
			if s.off >= len(s.b) {
				s.bad = true
				return nil, false
			}
			switch s.b[s.off] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.off++
			case 'u':
				if s.off+5 > len(s.b) {
					s.bad = true
					return nil, false
				}
				for _, h := range s.b[s.off+1 : s.off+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						s.bad = true
						return nil, false
					}
				}
				s.off += 5
			default:
				s.bad = true
				return nil, false
			}
		case c < 0x20:
			s.bad = true
			return nil, false
		default:
			if c >= 0x80 {
				plain = false
			}
			s.off++
		}
	}
	s.bad = true
	return nil, false
}

// name reads a member name and the colon after it; only a plain name is taken. The name is
// a slice of the input, made a string only where it is kept.
func (s *scanner) name() []byte {
	raw, plain := s.str()
	if s.bad || !plain {
		s.bad = true
		return nil
	}
	if !s.expect(':') {
		return nil
	}
	return raw[1 : len(raw)-1]
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

// number reads a JSON number.
func (s *scanner) number() {
	b, i := s.b, s.off
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && digit(b[i]) {
			i++
		}
	default:
		s.bad = true
		return
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !digit(b[i]) {
			s.bad = true
			return
		}
		for i < len(b) && digit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !digit(b[i]) {
			s.bad = true
			return
		}
		for i < len(b) && digit(b[i]) {
			i++
		}
	}
	s.off = i
}

// value reads any value and returns its raw bytes.
func (s *scanner) value(depth int) []byte {
	if depth > maxFastDepth {
		s.bad = true
		return nil
	}
	c := s.peek()
	start := s.off
	switch {
	case c == '"':
		s.str()
	case c == '{':
		s.off++
		if s.peek() == '}' {
			s.off++
			break
		}
		for !s.bad {
			if _, _ = s.str(); s.bad || !s.expect(':') {
				break
			}
			s.value(depth + 1)
			if s.peek() == ',' {
				s.off++
				continue
			}
			s.expect('}')
			break
		}
	case c == '[':
		s.off++
		if s.peek() == ']' {
			s.off++
			break
		}
		for !s.bad {
			s.value(depth + 1)
			if s.peek() == ',' {
				s.off++
				continue
			}
			s.expect(']')
			break
		}
	case c == '-' || digit(c):
		s.number()
	default:
		s.literal()
	}
	if s.bad {
		return nil
	}
	return s.b[start:s.off]
}

// object reads an object member by member, calling f with each name (f reads the value).
// null reads as no members; isNull reports it.
func (s *scanner) object(f func(name []byte)) (isNull bool) {
	if s.null() {
		return true
	}
	if !s.expect('{') {
		return false
	}
	if s.peek() == '}' {
		s.off++
		return false
	}
	for !s.bad {
		name := s.name()
		if s.bad {
			return false
		}
		f(name)
		if s.bad {
			return false
		}
		if s.peek() == ',' {
			s.off++
			continue
		}
		s.expect('}')
		break
	}
	return false
}

// literal reads true, false or null.
func (s *scanner) literal() {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.b)-s.off >= len(lit) && string(s.b[s.off:s.off+len(lit)]) == lit {
			s.off += len(lit)
			return
		}
	}
	s.bad = true
}

// null consumes a null literal if one is next.
func (s *scanner) null() bool {
	if s.peek() == 'n' && len(s.b)-s.off >= 4 && string(s.b[s.off:s.off+4]) == "null" {
		s.off += 4
		return true
	}
	return false
}

// is reports whether name is the field name want as encoding/json matches names: exactly, or
// ASCII case-insensitively (names here are plain ASCII).
func is(name []byte, want string) bool {
	if string(name) == want {
		return true
	}
	if len(name) != len(want) {
		return false
	}
	for i := range len(name) {
		a, b := name[i], want[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// flex reads a value into a flex type through its UnmarshalJSON, as encoding/json would.
func (s *scanner) flex(u json.Unmarshaler) {
	raw := s.value(1)
	if s.bad {
		return
	}
	if u.UnmarshalJSON(raw) != nil {
		s.bad = true
	}
}

// links reads a links object into l, as encoding/json decodes into a links struct (members
// merge into what l holds).
func (s *scanner) links(l *links) {
	if s.peek() != '{' && s.peek() != 'n' {
		s.bad = true
		return
	}
	s.object(func(name []byte) {
		switch {
		case is(name, "self"):
			s.flex(&l.Self)
		case is(name, "next"):
			s.flex(&l.Next)
		case is(name, "last"):
			s.flex(&l.Last)
		case is(name, "related"):
			s.flex(&l.Related)
		default:
			s.value(1)
		}
	})
}

// resource reads one resource object into r.
func (s *scanner) resource(r *resource) {
	s.object(func(name []byte) {
		switch {
		case is(name, "type"):
			s.flex(&r.Type)
		case is(name, "id"):
			s.flex(&r.ID)
		case is(name, "links"):
			s.links(&r.Links)
		case is(name, "attributes"):
			// json.RawMessage: the last one wins.
			r.members = nil
			s.ws()
			start := s.off
			if s.null() {
				r.Attributes = s.b[start:s.off]
				return
			}
			if s.peek() != '{' {
				s.bad = true
				return
			}
			ms := make([]member, 0, 8)
			s.object(func(name []byte) {
				ms = append(ms, member{name, s.value(2)})
			})
			r.Attributes, r.members = s.b[start:s.off], ms
		case is(name, "relationships"):
			// a map: members merge into it, null empties it
			if s.peek() != '{' && s.peek() != 'n' {
				s.bad = true
				return
			}
			if s.null() {
				r.Relationships = nil
				return
			}
			if r.Relationships == nil {
				r.Relationships = map[string]json.RawMessage{}
			}
			s.object(func(name []byte) {
				r.Relationships[string(name)] = s.value(2)
			})
		default:
			s.value(1)
		}
	})
}

// resources reads a list of resources; null items are nil.
func (s *scanner) resources() []*resource {
	if !s.expect('[') {
		return nil
	}
	out := []*resource{}
	if s.peek() == ']' {
		s.off++
		return out
	}
	for !s.bad {
		if s.null() {
			out = append(out, nil)
		} else if s.peek() == '{' {
			r := &resource{}
			s.resource(r)
			out = append(out, r)
		} else {
			s.bad = true
			break
		}
		if s.peek() == ',' {
			s.off++
			continue
		}
		s.expect(']')
		break
	}
	return out
}

// fastDocument reads body (not empty, not null) as parseDocument does; ok false means it
// could not, and the general path must.
func fastDocument(body []byte) (d *document, ok bool) {
	s := &scanner{b: body}
	d = &document{}
	var sawIncluded bool
	if s.peek() != '{' {
		return nil, false
	}
	s.object(func(name []byte) {
		switch {
		case is(name, "data"):
			// json.RawMessage: the last one wins.
			d.list, d.single = nil, nil
			s.ws()
			start := s.off
			switch s.peek() {
			case '[':
				d.list = s.resources()
			case '{':
				d.single = &resource{}
				s.resource(d.single)
			case 'n':
				if !s.null() {
					s.bad = true
				}
			default:
				s.bad = true
			}
			d.Data = s.b[start:s.off]
		case is(name, "included"):
			if sawIncluded {
				s.bad = true
				return
			}
			sawIncluded = true
			if s.null() {
				return
			}
			d.Included = s.resources()
		case is(name, "links"):
			s.links(&d.Links)
		default:
			s.value(1)
		}
	})
	if s.bad {
		return nil, false
	}
	if s.ws(); s.off != len(body) {
		return nil, false
	}
	d.fast = true
	return d, true
}

// set reads one attribute member as encoding/json would into the struct; names it does not
// know are skipped.
func (a *numberAttrs) set(m member) error {
	var u json.Unmarshaler
	switch n := m.name; {
	case is(n, "value"):
		u = &a.Value
	case is(n, "alias"):
		u = &a.Alias
	case is(n, "cnam_lookups_enabled"):
		u = &a.CNAMLookups
	case is(n, "number_type"):
		u = &a.NumberType
	case is(n, "rate_center"):
		u = &a.RateCenter
	case is(n, "state"):
		u = &a.State
	case is(n, "messaging_enabled"):
		u = &a.MessagingEnabled
	case is(n, "monthly_cost"):
		// a pointer: null leaves it nil, a value fills it (the one there, if any)
		if string(m.raw) == "null" {
			a.MonthlyCost = nil
			return nil
		}
		if a.MonthlyCost == nil {
			a.MonthlyCost = new(flexMoney)
		}
		u = a.MonthlyCost
	case is(n, "setup_cost"):
		u = &a.SetupCost
	default:
		return nil
	}
	return u.UnmarshalJSON(m.raw)
}

// memberSetter is an attributes struct the fast path fills from members.
type memberSetter interface{ set(member) error }

// set reads one attribute member of a route, as numberAttrs.set does.
func (a *routeAttrs) set(m member) error {
	var u *flexString
	switch n := m.name; {
	case is(n, "alias"):
		u = &a.Alias
	case is(n, "route_type"):
		u = &a.RouteType
	case is(n, "value"):
		u = &a.Value
	case is(n, "edge_strategy_id"):
		u = &a.EdgeStrategyID
	case is(n, "edge_strategy"):
		u = &a.EdgeStrategy
	default:
		return nil
	}
	return u.UnmarshalJSON(m.raw)
}

// fastLinkage reads a relationship's ids as relatedAll does with encoding/json: data null,
// one linkage object or a list of them (null items skipped, empty ids left out). ok false
// means it could not, and relatedAll must.
func fastLinkage(raw []byte) (ids []string, ok bool) {
	s := &scanner{b: raw}
	var data []byte
	switch s.peek() {
	case 'n', '{':
	default:
		return nil, false
	}
	s.object(func(name []byte) {
		v := s.value(1)
		if is(name, "data") {
			data = v // json.RawMessage: the last one wins
		}
	})
	if s.ws(); s.bad || s.off != len(raw) {
		return nil, false
	}
	// one reads a linkage object's id.
	one := func(s *scanner) (id string) {
		s.object(func(name []byte) {
			if !is(name, "id") {
				s.value(1)
				return
			}
			var f flexString
			s.flex(&f)
			id = string(f)
		})
		return id
	}
	if len(data) == 0 || string(data) == "null" {
		return nil, true
	}
	d := &scanner{b: data}
	switch data[0] {
	case '{':
		if id := one(d); !d.bad && id != "" {
			return []string{id}, true
		}
		return nil, !d.bad
	case '[':
		d.off++
		if d.peek() == ']' {
			return nil, true
		}
		for !d.bad {
			switch d.peek() {
			case 'n':
				d.literal()
			case '{':
				if id := one(d); id != "" {
					ids = append(ids, id)
				}
			default:
				return nil, false
			}
			if d.peek() == ',' {
				d.off++
				continue
			}
			d.expect(']')
			break
		}
		return ids, !d.bad
	}
	return nil, false
}
