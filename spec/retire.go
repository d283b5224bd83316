package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Retired is a number being let go, deliberately and reviewably: `flowroute-numbers retire`
// moves its entry from numbers: to retired:. Until Policy.HoldDays have passed since Since it
// is held (its routes on the parking route, its alias, CNAM and callbacks cleared, its E911
// address kept); then the first plan releases it, within policy.max_releases. Moving the entry
// back to numbers: before then keeps the number.
type Retired struct {
	// Since is the day the number was retired.
	Since Date `json:"since"`
	// Reason says why, for the review and the plan.
	Reason string `json:"reason,omitempty"`
}

// ReleaseDay is the first day a number retired on since is released: since plus the policy's
// hold days.
func (p Policy) ReleaseDay(since Date) Date { return since.AddDays(p.HoldDays()) }

// retiredKeys are the keys of a retired entry.
var retiredKeys = []string{"since", "reason"}

// MaxRetireDays bounds policy.retire_days: ten years.
const MaxRetireDays = 3650

// retiredMap reads the retired section: numbers being let go, each with the day it was retired.
func (l *loader) retiredMap(file string, n *yaml.Node) {
	if l.s.Retired == nil {
		l.s.Retired = map[string]Retired{}
	}
	for _, e := range l.mapping(file, n, label{"retired"}, true) {
		tn, kp := e.key.Value, at(file, e.key)
		if msg, hint := checkTN(tn); msg != "" {
			l.errorf(kp, hint, "retired number %q %s", tn, msg)
		}
		prefix := "retired." + tn
		if first, dup := l.s.Positions[prefix]; dup {
			l.errorf(kp, "", "retired number %s is listed twice: here and at %s", tn, first)
			continue
		}
		l.s.Positions[prefix] = kp
		var r Retired
		what := label{"retired number ", tn}
		since := false // written, valid or not
		for _, f := range l.mapping(file, e.val, what) {
			vp := at(file, f.val)
			switch f.key.Value {
			case "since":
				since = true
				if d, ok := l.date(file, f, label{"retired number ", tn, " since"}); ok {
					r.Since = d
					l.s.Positions[prefix+".since"] = vp
				}
			case "reason":
				v, ok := l.str(file, f, label{"retired number ", tn, " reason"})
				switch {
				case !ok:
				case v == "":
					l.errorf(vp, "leave it out, or say why the number goes", "retired number %s reason is empty", tn)
				case !printable(v):
					l.errorf(vp, "keep the reason on one line", "retired number %s reason has a control character", tn)
				default:
					r.Reason = v
					l.s.Positions[prefix+".reason"] = vp
				}
			default:
				l.unknown(file, f.key, what.String(), retiredKeys...)
			}
		}
		if !since {
			l.errorf(kp, "add since: the day it was retired, such as 2026-12-03 (flowroute-numbers retire writes it)", "retired number %s has no since", tn)
		}
		l.s.Retired[tn] = r
	}
}

// date reads a day: YAML's timestamp 2026-12-03 as it is written, or the string "2026-12-03".
func (l *loader) date(file string, e entry, what label) (Date, bool) {
	v := e.val
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!timestamp" && v.ShortTag() != "!!str" {
		l.errorf(at(file, v), "write the day as 2026-12-03", "%s must be a day, not %s", what, describe(v))
		return Date{}, false
	}
	d, err := ParseDate(v.Value)
	if err != nil {
		l.errorf(at(file, v), "write the day alone, as YYYY-MM-DD: 2026-12-03", "%s %q is not a day of the calendar written YYYY-MM-DD", what, v.Value)
		return Date{}, false
	}
	return d, true
}

// retirePolicy reads policy.retire_days and policy.parking_route.
func (l *loader) retirePolicy(file string, e entry) {
	p := &l.s.Policy
	switch key := e.key.Value; key {
	case "retire_days":
		if v, ok := l.whole(file, e, "policy."+key, 1, MaxRetireDays, "the days a retired number is held before its release"); ok {
			p.RetireDays = v
		}
	case "parking_route":
		v, ok := l.str(file, e, label{"policy.parking_route"})
		if !ok || !l.once(file, e, "policy.parking_route") {
			return
		}
		if v == "" {
			l.errorf(at(file, e.val), "leave it out for the built-in route sip-reg", "policy.parking_route is empty")
			return
		}
		p.ParkingRoute = v
	}
}

// checkRetired reports, once every file is read, a number both in numbers and retired.
// (checkRefs checks that the parking route is declared.)
func (l *loader) checkRetired() {
	s := l.s
	for tn := range s.Retired {
		if _, ok := s.Numbers[tn]; ok {
			l.errorf(s.Positions["retired."+tn], "keep it in numbers: to keep the number, or delete it there to let it go",
				"number %s is both in numbers (at %s) and retired", tn, s.Positions["numbers."+tn])
		}
	}
}

// retiredFields are the set fields of r as "key: value", in retiredKeys order.
func retiredFields(r Retired) []string {
	var fields []string
	if !r.Since.IsZero() {
		fields = append(fields, "since: "+r.Since.String())
	}
	if r.Reason != "" {
		fields = append(fields, "reason: "+quote(r.Reason))
	}
	return fields
}

// retirePolicyLines are the policy's retirement fields that differ from the defaults.
func retirePolicyLines(p Policy) []string {
	var lines []string
	if p.RetireDays != 0 && p.RetireDays != DefaultRetireDays {
		lines = append(lines, fmt.Sprintf("retire_days: %d", p.RetireDays))
	}
	if p.ParkingRoute != "" && p.ParkingRoute != BuiltinRoute {
		lines = append(lines, "parking_route: "+quote(p.ParkingRoute))
	}
	return lines
}

// retiredSchema is the schema of a retired entry.
func retiredSchema() object {
	return object{
		"type":     "object",
		"required": []string{"since"},
		"properties": object{
			"since": object{
				"description": "The day the number was retired, YYYY-MM-DD.",
				"type":        "string",
				"pattern":     `^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$`,
			},
			"reason": object{"description": "Why, for the review.", "type": "string", "pattern": printablePattern},
		},
		"additionalProperties": false,
	}
}
