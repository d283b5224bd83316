package plan

import (
	"fmt"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// retired plans the spec's retired numbers. A retired number the account owns is held: its
// routes on the parking route (policy.parking_route), its alias, CNAM and messaging callbacks
// cleared, its E911 address kept; a note says until when. On or after its release day (the day
// it was retired plus policy.retire_days) the plan releases it instead, its E911 address
// disconnected first, as a release of a retired number (Change.Retired): within
// policy.max_releases, without policy.unmanaged: release. A backend that cannot release holds
// it for good, and a warning says so. A retired number the account does not own needs nothing.
func (c *computer) retired() {
	pol := c.desired.Policy
	for _, tn := range sortedKeys(c.desired.Retired) {
		r := c.desired.Retired[tn]
		pos := c.desired.PosOf("retired", tn)
		have, owned := c.current.Numbers[tn]
		if !owned {
			c.diag(Note, tn, pos, "delete its entry from retired:",
				"retired number %s is not on the account (released, or never bought): nothing to hold", tn)
			continue
		}
		c.managed++ // the spec manages it, as retired: holding it counts as updating it
		day := pol.ReleaseDay(r.Since)
		why := "retired " + r.Since.String()
		if r.Reason != "" {
			why += " (" + r.Reason + ")"
		}
		switch {
		case !c.caps.ReleaseNumber:
			c.diag(Warning, tn, pos,
				fmt.Sprintf("use --api v2 to release it on or after %s, or move its entry back to numbers: to keep it", day),
				"number %s is %s: %s cannot release numbers, so it is held for good", tn, why, c.api())
		case c.today.IsZero() || c.today.Before(day):
			hint := "move its entry back to numbers: before then to keep it"
			if c.p.Policy.MaxReleases == 0 {
				hint += "; policy.max_releases is 0, which will refuse the release: raise it by then"
			}
			msg := fmt.Sprintf("number %s is %s: held until %s, then released", tn, why, day)
			if c.st.CallbacksUnknown && c.caps.Messaging {
				msg += " (the server does not say which messaging callbacks it has: any it has stay until the release)"
			}
			c.diag(Note, tn, pos, hint, "%s", msg)
		default:
			c.releaseNumber(tn, pos, r.Since, fmt.Sprintf("%s, held %s until %s", why, plural(pol.HoldDays(), "day", "days"), day))
			continue
		}
		c.hold(tn, have, pos, fmt.Sprintf("%s: held until %s", why, day))
	}
}

// hold plans what holding tn takes: its routes on the parking route, its alias, CNAM and
// messaging callbacks cleared (an empty value is a clear), each where the backend has them.
func (c *computer) hold(tn string, have spec.Number, pos spec.Pos, note string) {
	park := c.desired.Policy.Parking()
	if have.PrimaryRoute != park || have.FailoverRoute != park {
		c.add(Change{Action: SetRoutes, Key: tn, Pos: pos, Note: note,
			Before: map[string]string{fieldPrimary: have.PrimaryRoute, fieldFailover: have.FailoverRoute},
			After:  map[string]string{fieldPrimary: park, fieldFailover: park}})
	}
	clear := func(can bool, a Action, field, value string) {
		if can && value != "" {
			c.add(Change{Action: a, Key: tn, Pos: pos, Before: map[string]string{field: value}, After: map[string]string{field: ""}})
		}
	}
	clear(c.caps.Alias, SetAlias, fieldAlias, have.Alias)
	clear(c.caps.CNAM, SetCNAM, fieldCNAM, have.CNAM)
	if m := have.Messaging; c.caps.Messaging && m != nil {
		before, after := map[string]string{}, map[string]string{}
		for _, f := range callbackFields(*m) {
			if f[1] != "" {
				before[f[0]], after[f[0]] = f[1], ""
			}
		}
		if len(after) > 0 {
			c.add(Change{Action: SetCallback, Key: tn, Pos: pos, Before: before, After: after})
		}
	}
}

// joinNote joins two parts of a change's note, either of which may be empty.
func joinNote(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}
