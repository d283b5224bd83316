package spec

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/money"
	"gopkg.in/yaml.v3"
)

// Pool is a standing declaration of numbers a team holds: "keep 20 Seattle numbers on the
// support PBX". Its members are the numbers whose entry says pool: NAME, so that the spec stays
// the record of which numbers a team holds; plan reports a pool short of Count (naming the
// numbers it would pick by Search), and `add --pool` pins them.
type Pool struct {
	// Count is how many members the pool should have.
	Count int `json:"count"`
	// Search says which numbers for sale may join the pool.
	Search PoolSearch `json:"search"`
	// Number holds the fields every member gets that it does not set itself (the members have
	// them after Load). Its Pool is never set.
	Number Number `json:"number,omitzero"`
}

// PoolSearch is how a pool picks more numbers: the criteria of `add`, as spec keys. Empty
// fields and nil costs are no filters; at least one field is set.
type PoolSearch struct {
	NPA        string `json:"npa,omitempty"`
	NXX        string `json:"nxx,omitempty"` // needs NPA
	State      string `json:"state,omitempty"`
	RateCenter string `json:"ratecenter,omitempty"` // needs State
	StartsWith string `json:"starts_with,omitempty"`
	Contains   string `json:"contains,omitempty"`
	// MaxSetupCost and MaxMonthlyCost bound what each number may cost.
	MaxSetupCost   *money.Amount `json:"max_setup_cost,omitempty"`
	MaxMonthlyCost *money.Amount `json:"max_monthly_cost,omitempty"`
}

// Members returns the members of each pool of s (its numbers whose entry says pool: NAME),
// sorted, by pool name.
func (s *Spec) Members() map[string][]string {
	m := map[string][]string{}
	for tn, n := range s.Numbers {
		if n.Pool != "" {
			m[n.Pool] = append(m[n.Pool], tn)
		}
	}
	for _, tns := range m {
		slices.Sort(tns)
	}
	return m
}

// Names reports whether s names tn, in numbers: or in retired:. A number the spec names is
// never unmanaged, and never picked again by add or a pool.
func (s *Spec) Names(tn string) bool {
	_, number := s.Numbers[tn]
	_, retired := s.Retired[tn]
	return number || retired
}

// The keys of a pool and of its search, in the order Write and the reference list them.
var (
	poolKeys       = []string{"count", "search", "number"}
	poolSearchKeys = []string{"npa", "nxx", "state", "ratecenter", "starts_with", "contains", "max_setup_cost", "max_monthly_cost"}
)

// text returns the text field of q that key names; nil for a cost or an unknown key.
func (q *PoolSearch) text(key string) *string {
	switch key {
	case "npa":
		return &q.NPA
	case "nxx":
		return &q.NXX
	case "state":
		return &q.State
	case "ratecenter":
		return &q.RateCenter
	case "starts_with":
		return &q.StartsWith
	case "contains":
		return &q.Contains
	}
	return nil
}

// cost returns the cost field of q that key names; nil for any other key.
func (q *PoolSearch) cost(key string) **money.Amount {
	switch key {
	case "max_setup_cost":
		return &q.MaxSetupCost
	case "max_monthly_cost":
		return &q.MaxMonthlyCost
	}
	return nil
}

// poolMap reads the pools section. A pool declared in two places is an error naming both.
func (l *loader) poolMap(file string, n *yaml.Node) {
	if l.s.Pools == nil {
		l.s.Pools = map[string]Pool{}
	}
	for _, e := range l.mapping(file, n, label{"pools"}, true) {
		name, kp := e.key.Value, at(file, e.key)
		prefix := "pools." + name
		if first, dup := l.s.Positions[prefix]; dup {
			l.errorf(kp, "", "pool %q is declared twice: here and at %s", name, first)
			continue
		}
		l.s.Positions[prefix] = kp
		if !validRouteName(name) {
			l.errorf(kp, "use letters, digits, '.', '_' and '-'", "pool name %q is not allowed", name)
		}
		var p Pool
		what := label{"pool ", strconv.Quote(name)}
		count, search := false, false
		for _, f := range l.mapping(file, e.val, what) {
			vp := at(file, f.val)
			switch f.key.Value {
			case "count":
				count = true
				v, ok := wholeValue(f.val)
				if !ok || v < 0 {
					l.errorf(vp, "how many numbers the pool should have, such as 20", "%s count must be a whole number 0 or more, not %s", what, describeValue(f.val))
					continue
				}
				p.Count = v
				l.s.Positions[prefix+".count"] = vp
			case "search":
				search = true
				l.s.Positions[prefix+".search"] = at(file, f.key)
				p.Search = l.poolSearch(file, f.val, name)
			case "number":
				l.s.Positions[prefix+".number"] = at(file, f.key)
				l.pool = name
				l.numberFields(file, f.val, "", &p.Number)
				l.pool = ""
			default:
				l.unknown(file, f.key, what.String(), poolKeys...)
			}
		}
		if !count {
			l.errorf(kp, "add count: how many numbers the pool should have", "%s has no count", what)
		}
		if !search {
			l.errorf(kp, `add search: the criteria more numbers are picked by, such as {npa: "206"}`, "%s has no search", what)
		}
		l.s.Pools[name] = p
	}
}

// poolSearch reads a pool's search, checking each criterion as add checks its flag.
func (l *loader) poolSearch(file string, n *yaml.Node, pool string) PoolSearch {
	var q PoolSearch
	prefix := "pools." + pool + ".search."
	what := func(key string) label { return label{"pool ", strconv.Quote(pool), " search.", key} }
	written := 0
	for _, f := range l.mapping(file, n, label{"pool ", strconv.Quote(pool), " search"}) {
		key, vp, ok := f.key.Value, at(file, f.val), false
		written++
		if c := q.cost(key); c != nil {
			if a, ok := l.amount(file, f, what(key).String()); ok {
				*c = a
				l.s.Positions[prefix+key] = vp
			}
			continue
		}
		field := q.text(key)
		if field == nil {
			l.unknown(file, f.key, "pool "+strconv.Quote(pool)+" search", poolSearchKeys...)
			continue
		}
		var v string
		if (key == "npa" || key == "nxx") && f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!int" {
			v = f.val.Value // 206 as written: an area code or exchange never starts with 0
		} else if v, ok = l.str(file, f, what(key)); !ok {
			continue
		}
		if problem, hint := checkCriterion(key, v); problem != "" {
			l.errorf(vp, hint, "%s %q %s", what(key), v, problem)
			continue
		}
		*field = v
		l.s.Positions[prefix+key] = vp
	}
	if written == 0 {
		l.errorf(l.s.Positions["pools."+pool+".search"], `name npa, state, starts_with or contains, such as {npa: "206"}`, "pool %q search has no criteria", pool)
		return q
	}
	for _, key := range poolSearchKeys { // each criterion without the one it needs
		if need := SearchNeeds(key); need != "" && *q.text(key) != "" && *q.text(need) == "" {
			l.errorf(l.s.Positions[prefix+key], "add "+need, "pool %q search.%s needs %s", pool, key, need)
		}
	}
	if q.StartsWith != "" && q.NPA != "" {
		l.errorf(l.s.Positions[prefix+"starts_with"], "give starts_with or npa (and nxx), not both", "pool %q search sets both starts_with and npa", pool)
	}
	return q
}

// SearchWant says what the value v of the search criterion key (npa, nxx, state, ratecenter,
// starts_with, contains) must be, such as "3 digits", when v is not of the shape any search
// takes; "" when it is. It is the one rule of those shapes, for a pool's search and for the
// flags of add and search (package pick); a pool's search is held to a little more
// (checkCriterion).
func SearchWant(key, v string) string {
	switch key {
	case "npa", "nxx":
		if len(v) != 3 || !allDigits(v) {
			return "3 digits"
		}
	case "state":
		if len(v) != 2 || strings.Trim(strings.ToUpper(v), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return "2 letters"
		}
	case "starts_with", "contains":
		if len(v) > 11 || !allDigits(v) {
			return "up to 11 digits"
		}
	}
	return ""
}

// SearchNeeds is the search criterion that key cannot be given without: npa for nxx, state
// for ratecenter; "" for any other key.
func SearchNeeds(key string) string {
	switch key {
	case "nxx":
		return "npa"
	case "ratecenter":
		return "state"
	}
	return ""
}

// checkCriterion says what is wrong with the value of a pool's search criterion key, or "":
// what SearchWant says, and, as a spec writes a search the way the inventory holds numbers,
// an NPA or NXX that no number has, a starts_with without the country code and a rate center
// that is empty or holds a control character. An NPA or NXX written as a number (206) is read
// as its digits.
func checkCriterion(key, v string) (problem, hint string) {
	want := SearchWant(key, v)
	switch {
	case key == "state" && want != "":
		return "is not a 2-letter state or province code", "such as WA"
	case want != "":
		return "is not " + want, ""
	case (key == "npa" || key == "nxx") && v[0] < '2':
		return "cannot start with 0 or 1", ""
	case key == "ratecenter" && (v == "" || !printable(v)):
		return "is not a rate center name", "such as SEATTLE"
	case key == "starts_with" && v[0] != '1':
		return "does not start with the country code 1", "write 1" + v
	}
	return "", ""
}

// checkPools reports, once every file is read, a member that names no pool, with a
// suggestion. (checkRefs checks the routes and E911 address that a pool's fields name.)
func (l *loader) checkPools() {
	s := l.s
	names := slices.Sorted(maps.Keys(s.Pools))
	for tn, n := range s.Numbers { // the errors are sorted: no need to sort the numbers
		pool := n.Pool
		if _, ok := s.Pools[pool]; pool == "" || ok {
			continue
		}
		hint := "declare it under pools"
		if sug := suggest(pool, names); sug != "" {
			hint = fmt.Sprintf("did you mean %q?", sug)
		}
		l.errorf(s.Positions["numbers."+tn+".pool"], hint, "number %s pool %q is not a declared pool", tn, pool)
	}
}

// fillFromPools gives each member the fields of its pool that it does not set itself; the
// defaults of its file fill what is left.
func (l *loader) fillFromPools() {
	s := l.s
	if len(s.Pools) == 0 {
		return
	}
	for tn, n := range s.Numbers {
		if p, ok := s.Pools[n.Pool]; ok && n.Pool != "" {
			if filled, any := Defaults(p.Number).fill(n); any {
				s.Numbers[tn] = filled
			}
		}
	}
}

// poolFieldsOf is the fields of pool p: its count, search and, when any, its members' fields,
// each a flow mapping.
func poolFieldsOf(_ string, p Pool) []string {
	var search []string
	for _, key := range poolSearchKeys {
		if t := p.Search.text(key); t != nil && *t != "" {
			search = append(search, key+": "+doubleQuote(*t))
		} else if c := p.Search.cost(key); c != nil && *c != nil {
			search = append(search, key+": "+doubleQuote((*c).String()))
		}
	}
	fields := []string{fmt.Sprintf("count: %d", p.Count), "search: {" + strings.Join(search, ", ") + "}"}
	if n := numberFieldsOf(p.Number); len(n) > 0 {
		fields = append(fields, "number: {"+strings.Join(n, ", ")+"}")
	}
	return fields
}

// poolSchemas adds to the schema s what pools and retirement add to a spec: the pools and
// retired sections, a number's pool, and the policy's retire_days and parking_route. A pool's
// fields are those of defaults.
func poolSchemas(s object) {
	props := s["properties"].(object)
	digits := func(desc string, n int, first string) object {
		return object{"description": desc, "type": []string{"string", "integer"},
			"pattern": fmt.Sprintf("^%s[0-9]{%d}$", first, n-1), "minimum": 200, "maximum": 999}
	}
	text := func(desc, pattern string) object {
		return object{"description": desc, "type": "string", "pattern": pattern}
	}
	search := object{
		"npa":              digits("Area code, 3 digits.", 3, "[2-9]"),
		"nxx":              digits("Exchange, 3 digits (needs npa).", 3, "[2-9]"),
		"state":            text("State or province, 2 letters.", "^[A-Za-z]{2}$"),
		"ratecenter":       text("Rate center (needs state).", printablePattern),
		"starts_with":      text("v2: digits the number starts with, such as 1206 (not with npa).", "^1[0-9]{0,10}$"),
		"contains":         text("Digits the number contains.", "^[0-9]{1,11}$"),
		"max_setup_cost":   amountSchema("The most each number may cost once."),
		"max_monthly_cost": amountSchema("The most each number may cost a month."),
	}
	fields := props["defaults"].(object)["properties"]
	props["pools"] = object{
		"description": "Pools of numbers, keyed by name: how many numbers a team holds, how to pick more, and the fields every member gets. Members are the numbers whose entry says pool: NAME.",
		"type":        []string{"object", "null"},
		"propertyNames": object{
			"pattern": routeNamePattern,
			"not":     object{"enum": []string{".", ".."}},
		},
		"additionalProperties": object{
			"type":     "object",
			"required": []string{"count", "search"},
			"properties": object{
				"count": wholeSchema("How many members the pool should have.", 0, -1, -1),
				"search": object{
					"description":          "The criteria more numbers are picked by, as add takes them; at least one.",
					"type":                 "object",
					"minProperties":        1,
					"properties":           search,
					"additionalProperties": false,
					"dependentRequired":    object{"nxx": []string{"npa"}, "ratecenter": []string{"state"}},
					"not":                  object{"required": []string{"starts_with", "npa"}},
				},
				"number": object{
					"description":          "Fields every member gets that it does not set itself.",
					"type":                 []string{"object", "null"},
					"properties":           fields,
					"additionalProperties": false,
				},
			},
			"additionalProperties": false,
		},
	}
	props["retired"] = object{
		"description":          "Numbers being let go, keyed by number: held on the parking route, then released once policy.retire_days have passed since the day each was retired.",
		"type":                 []string{"object", "null"},
		"propertyNames":        object{"pattern": numberPattern},
		"additionalProperties": retiredSchema(),
	}
	number := s["$defs"].(object)["number"].(object)
	numberProps := object{"pool": object{
		"description": "The pool the number is a member of, an entry of pools: it gets the pool's fields that it does not set itself.",
		"type":        "string",
		"pattern":     routeNamePattern,
	}}
	for k, v := range number["properties"].(object) {
		numberProps[k] = v
	}
	number["properties"] = numberProps
	policy := props["policy"].(object)["properties"].(object)
	policy["retire_days"] = wholeSchema("How many days a retired number is held before its release.", 1, MaxRetireDays, DefaultRetireDays)
	policy["parking_route"] = object{
		"description": "The route a retired number's calls go to while it is held: a declared route, or sip-reg (default).",
		"type":        "string",
		"pattern":     routeNamePattern,
		"default":     BuiltinRoute,
	}
}
