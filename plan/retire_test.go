package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// retiringSpec is a spec that retired 12065550199 on 2026-12-03 (held 30 days: released from
// 2027-01-02), with more in policy.
func retiringSpec(t *testing.T, policy string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("numbers.yaml", []byte(`routes:
  pbx: {type: HOST, value: "1.2.3.4"}
numbers:
  "12065550100": {primary_route: pbx}
retired:
  "12065550199": {since: 2026-12-03, reason: customer left}
policy:
  max_releases: 1
`+policy))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// heldAccount owns both numbers; the retired one still has its routes, alias, CNAM, E911
// address and a callback.
func heldAccount() *State {
	return &State{Spec: &spec.Spec{
		Routes: map[string]spec.Route{"pbx": {Type: spec.RouteHost, Value: "1.2.3.4"}},
		Numbers: map[string]spec.Number{
			"12065550100": {PrimaryRoute: "pbx"},
			"12065550199": {PrimaryRoute: "pbx", FailoverRoute: "pbx", Alias: "Acme", CNAM: "ACME", E911: "hq",
				Messaging: &spec.Messaging{SMSCallback: "https://acme.example/sms"}},
		},
		E911Addresses: map[string]spec.E911Address{"hq": {}},
	}}
}

func day(s string) spec.Date {
	d, err := spec.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func planned(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, string(c.Action)+" "+c.Key+" "+fieldsPhrase(c.After))
	}
	return out
}

func fieldsPhrase(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ",")
}

func diagnosticsOf(p *Plan) []string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, string(d.Severity)+": "+d.Message)
	}
	return out
}

func TestRetiredNumberIsHeldThenReleased(t *testing.T) {
	t.Parallel()
	desired := retiringSpec(t, "")
	held := []string{
		"set_routes 12065550199 failover_route=sip-reg,primary_route=sip-reg",
		"set_alias 12065550199 alias=",
		"set_cnam 12065550199 cnam=",
		"set_callback 12065550199 sms_callback=",
	}
	for _, tt := range []struct {
		today   string
		changes []string
		diags   []string
	}{
		{"2026-12-03", held, []string{"note: number 12065550199 is retired 2026-12-03 (customer left): held until 2027-01-02, then released"}},
		{"2027-01-01", held, []string{"note: number 12065550199 is retired 2026-12-03 (customer left): held until 2027-01-02, then released"}},
		// The first plan on or after the day releases it, its E911 address disconnected first;
		// nothing else is planned for it.
		{"2027-01-02", []string{"set_e911 12065550199 e911=", "release 12065550199 "}, nil},
		{"2027-06-30", []string{"set_e911 12065550199 e911=", "release 12065550199 "}, nil},
	} {
		p := ComputeState(desired, heldAccount(), nil, Options{Capabilities: v2Like, Today: day(tt.today)})
		if diff := cmp.Diff(tt.changes, planned(p)); diff != "" {
			t.Errorf("%s: changes (-want +got):\n%s", tt.today, diff)
		}
		if diff := cmp.Diff(tt.diags, diagnosticsOf(p)); diff != "" {
			t.Errorf("%s: diagnostics (-want +got):\n%s", tt.today, diff)
		}
		if p.Unmanaged.Numbers != nil {
			t.Errorf("%s: a retired number is listed as unmanaged: %v", tt.today, p.Unmanaged.Numbers)
		}
	}

	p := ComputeState(desired, heldAccount(), nil, Options{Capabilities: v2Like, Today: day("2027-01-02")})
	rel := p.Changes[1]
	if !rel.Retired.Equal(day("2026-12-03")) || rel.Note != "retired 2026-12-03 (customer left), held 30 days until 2027-01-02; its E911 address hq is disconnected first" {
		t.Errorf("release = %+v", rel)
	}
	if p.Releases == nil || !cmp.Equal(p.Releases.Numbers, []string{"12065550199"}) || p.HasErrors() {
		t.Errorf("the plan's releases %+v, errors %v", p.Releases, errorsOf(p))
	}

	// Without a day, nothing is released.
	if p := ComputeState(desired, heldAccount(), nil, Options{Capabilities: v2Like}); len(p.Changes) != len(held) {
		t.Errorf("with no day: %v", planned(p))
	}
}

func TestRetiredReleaseCountsAgainstMaxReleasesOnly(t *testing.T) {
	t.Parallel()
	// policy.unmanaged is warn: a retired number's release needs max_releases, nothing more.
	// max_releases 0 refuses it, and keeps it off the unmanaged list: it stays retired.
	desired := retiringSpec(t, "")
	desired.Policy.MaxReleases = 0
	p := ComputeState(desired, heldAccount(), nil, Options{Capabilities: v2Like, Today: day("2027-01-02")})
	if got := errorsOf(p); len(got) != 1 || !strings.HasPrefix(got[0], "the plan would release 1 number; policy.max_releases allows 0") {
		t.Errorf("errors = %v", got)
	}
	if len(p.Changes) != 0 || p.Unmanaged.Numbers != nil {
		t.Errorf("changes %v, unmanaged %v; want none", planned(p), p.Unmanaged.Numbers)
	}
	// The ceiling set outside the spec binds too.
	zero := 0
	p = ComputeState(retiringSpec(t, ""), heldAccount(), nil, Options{Capabilities: v2Like, Today: day("2027-01-02"), Limits: Limits{MaxReleases: &zero}})
	if got := errorsOf(p); len(got) != 1 || !strings.Contains(got[0], "--max-releases allows 0") {
		t.Errorf("with --max-releases 0: %v", got)
	}

	// The typed mark, not the words, decides: the same release unmarked needs unmanaged: release.
	p = ComputeState(retiringSpec(t, ""), heldAccount(), nil, Options{Capabilities: v2Like, Today: day("2027-01-02")})
	pol := p.Policy
	if vs := Blocking(CheckPolicy(TallyOf(p.Changes), p.Managed, pol, Limits{}, p.Digest)); len(vs) != 0 {
		t.Errorf("a retired number's release: %v", vs)
	}
	for i := range p.Changes {
		p.Changes[i].Retired = spec.Date{}
	}
	vs := Blocking(CheckPolicy(TallyOf(p.Changes), p.Managed, pol, Limits{}, ""))
	if len(vs) != 1 || vs[0].Field != "unmanaged" {
		t.Errorf("an unmarked release: %v, want the unmanaged violation", vs)
	}
}

func TestRetiredNumberOnV1IsHeldForGood(t *testing.T) {
	t.Parallel()
	desired := retiringSpec(t, "  parking_route: pbx\n")
	current := &State{Spec: &spec.Spec{
		Routes:  map[string]spec.Route{"pbx": {Type: spec.RouteHost, Value: "1.2.3.4"}},
		Numbers: map[string]spec.Number{"12065550100": {BillingMethod: "METERED", PrimaryRoute: "pbx", FailoverRoute: "sip-reg"}, "12065550199": {BillingMethod: "METERED", PrimaryRoute: "sip-reg", FailoverRoute: "sip-reg"}},
	}}
	p := ComputeState(desired, current, nil, Options{Capabilities: v1Like, Today: day("2030-01-01")})
	if diff := cmp.Diff([]string{"set_routes 12065550199 failover_route=pbx,primary_route=pbx"}, planned(p)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	want := []string{"warning: number 12065550199 is retired 2026-12-03 (customer left): v1 cannot release numbers, so it is held for good"}
	if diff := cmp.Diff(want, diagnosticsOf(p)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if d := p.Diagnostics[0]; d.Pos.Line != 6 || !strings.Contains(d.Hint, "on or after 2027-01-02") {
		t.Errorf("diagnostic at %v, hint %q", d.Pos, d.Hint)
	}
}

func TestRetiredNumberMovedBackIsKept(t *testing.T) {
	t.Parallel()
	// Moved back to numbers: before its day, it is a number like any other: its routes come
	// back, nothing is released. Deleted from the spec altogether, it is unmanaged: kept.
	s, err := spec.Parse("numbers.yaml", []byte(`routes:
  pbx: {type: HOST, value: "1.2.3.4"}
numbers:
  "12065550100": {primary_route: pbx}
  "12065550199": {primary_route: pbx, failover_route: pbx}
policy:
  max_releases: 5
`))
	if err != nil {
		t.Fatal(err)
	}
	current := heldAccount()
	current.Numbers["12065550199"] = spec.Number{PrimaryRoute: "sip-reg", FailoverRoute: "sip-reg", E911: "hq"}
	p := ComputeState(s, current, nil, Options{Capabilities: v2Like, Today: day("2027-06-01")})
	if diff := cmp.Diff([]string{"set_routes 12065550199 failover_route=pbx,primary_route=pbx"}, planned(p)); diff != "" {
		t.Errorf("moved back (-want +got):\n%s", diff)
	}
	delete(s.Numbers, "12065550199")
	p = ComputeState(s, current, nil, Options{Capabilities: v2Like, Today: day("2027-06-01")})
	if len(p.Changes) != 0 || !cmp.Equal(p.Unmanaged.Numbers, []string{"12065550199"}) {
		t.Errorf("deleted from the spec: changes %v, unmanaged %v", planned(p), p.Unmanaged.Numbers)
	}
}

func TestRetiredNumberNotOwned(t *testing.T) {
	t.Parallel()
	current := heldAccount()
	delete(current.Numbers, "12065550199")
	p := ComputeState(retiringSpec(t, ""), current, nil, Options{Capabilities: v2Like, Today: day("2027-06-01")})
	want := []string{"note: retired number 12065550199 is not on the account (released, or never bought): nothing to hold"}
	if diff := cmp.Diff(want, diagnosticsOf(p)); diff != "" || len(p.Changes) != 0 {
		t.Errorf("diagnostics (-want +got):\n%s\nchanges %v", diff, planned(p))
	}
}

func TestHeldNumberNeedsNothingOnceHeld(t *testing.T) {
	t.Parallel()
	current := heldAccount()
	current.Numbers["12065550199"] = spec.Number{PrimaryRoute: "sip-reg", FailoverRoute: "sip-reg", E911: "hq", Messaging: &spec.Messaging{}}
	p := ComputeState(retiringSpec(t, ""), current, nil, Options{Capabilities: v2Like, Today: day("2026-12-10")})
	if len(p.Changes) != 0 {
		t.Errorf("a number held already: %v", planned(p))
	}
	if got := p.Diagnostics[0].Hint; got != "move its entry back to numbers: before then to keep it" {
		t.Errorf("hint %q", got)
	}
	// A policy that would refuse the release says so while the number is held.
	desired := retiringSpec(t, "")
	desired.Policy.MaxReleases = 0
	p = ComputeState(desired, current, nil, Options{Capabilities: v2Like, Today: day("2026-12-10")})
	if got := p.Diagnostics[0].Hint; !strings.Contains(got, "policy.max_releases is 0") {
		t.Errorf("hint %q", got)
	}
}

func TestReleaseDayFollowsRetireDays(t *testing.T) {
	t.Parallel()
	desired := retiringSpec(t, "  retire_days: 1\n")
	p := ComputeState(desired, heldAccount(), nil, Options{Capabilities: v2Like, Today: spec.NewDate(2026, time.December, 4)})
	if got := planned(p); len(got) != 2 || got[1] != "release 12065550199 " {
		t.Errorf("a day after, with retire_days 1: %v", got)
	}
}

// A plan file keeps the spec's pools and retired numbers, and the mark of a retired number's
// release, which the plan's digest covers.
func TestPlanFileKeepsRetirementAndPools(t *testing.T) {
	t.Parallel()
	desired := retiringSpec(t, "  retire_days: 7\n")
	desired.Pools = map[string]spec.Pool{"p": {Count: 2, Search: spec.PoolSearch{NPA: "206"}, Number: spec.Number{PrimaryRoute: "pbx"}}}
	p := ComputeState(desired, heldAccount(), nil, Options{Capabilities: v2Like, Today: day("2027-01-02")})
	path := t.TempDir() + "/plan.json"
	if err := (&File{Spec: desired, Plan: p}).Save(path, testKey); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(desired.Retired, got.Spec.Retired); diff != "" || !cmp.Equal(desired.Pools, got.Spec.Pools) || got.Spec.Policy.RetireDays != 7 {
		t.Errorf("the saved spec lost retirement or pools (-want +got):\n%s%+v", diff, got.Spec)
	}
	rel := got.Plan.Changes[len(got.Plan.Changes)-1]
	if rel.Action != Release || !rel.Retired.Equal(day("2026-12-03")) || got.Plan.Digest != p.Digest {
		t.Errorf("release %+v, digest %s, want %s", rel, got.Plan.Digest, p.Digest)
	}
	unmarked := append([]Change(nil), p.Changes...)
	unmarked[len(unmarked)-1].Retired = spec.Date{}
	if PlanDigest(unmarked, nil) == PlanDigest(p.Changes, nil) {
		t.Error("the digest does not cover the mark of a retired number's release")
	}
}

// A held number is managed by the spec: it counts among the managed numbers that
// max_update_percent is a share of, as its hold counts as an update.
func TestRetiredNumbersAreManaged(t *testing.T) {
	t.Parallel()
	p := ComputeState(retiringSpec(t, ""), heldAccount(), nil, Options{Capabilities: v2Like, Today: day("2026-12-10")})
	if p.Managed != 2 {
		t.Errorf("managed = %d, want 2 (the number kept and the one held)", p.Managed)
	}
}
