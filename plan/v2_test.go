package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// v2Like are the capabilities of a backend like v2.
var v2Like = account.Capabilities{API: "v2", ChangeRoute: true, DeleteRoute: true, EdgeStrategy: true, ReleaseNumber: true,
	Alias: true, CNAMLookups: true, CNAM: true, E911: true, Messaging: true, BulkDetails: true, FailoverOptional: true}

var (
	yes, no = true, false
	hqAddr  = spec.E911Address{FirstName: "Chris", LastName: "Smith", StreetNumber: "1218", StreetName: "3rd Ave", City: "Seattle", State: "WA", Country: "US", Zip: "98101"}
)

// actions lists a plan's changes as "action key after", in order.
func actions(p *Plan) []string {
	var out []string
	for _, ch := range p.Changes {
		out = append(out, fmt.Sprint(ch.Action, " ", ch.Key, " ", ch.After))
	}
	return out
}

// v2Plan has one of every v2 action: a route update, an alias, CNAM lookups, a new CNAM record
// and its association, a new E911 address and an update of another, their associations, a
// callback, a purchase with fields, and, under policy.unmanaged: release, two releases (one
// with an E911 address disconnected first) and a route deletion.
func v2Plan() *Plan {
	desired := desiredSpec(
		map[string]spec.Route{"pbx": host},
		map[string]spec.Number{
			tnA:           {PrimaryRoute: "pbx", Alias: "front desk", CNAMLookups: &yes, CNAM: "ACME INC", E911: "hq"},
			tnB:           {E911: "annex", Messaging: &spec.Messaging{SMSCallback: "https://example.com/sms"}},
			"12065550199": {PrimaryRoute: "pbx", Alias: "new", E911: "hq"},
		})
	moved := hqAddr
	moved.StreetNumber = "1300"
	desired.E911Addresses = map[string]spec.E911Address{"hq": hqAddr, "annex": moved}
	desired.Policy.Unmanaged, desired.Policy.MaxReleases, desired.Policy.MaxRouteDeletes = spec.UnmanagedRelease, 2, 1
	current := &State{
		Spec: &spec.Spec{
			Routes: map[string]spec.Route{"pbx": {Type: spec.RouteHost, Value: "10.0.0.1"}, "old": backup},
			Numbers: map[string]spec.Number{
				tnA:           {PrimaryRoute: "sip-reg", CNAMLookups: &no},
				tnB:           {PrimaryRoute: "sip-reg", E911: "annex"},
				"13125550000": {PrimaryRoute: "old", E911: "annex"},
				"13125550001": {PrimaryRoute: "sip-reg"},
			},
			E911Addresses: map[string]spec.E911Address{"annex": hqAddr, "other": hqAddr},
		},
		MonthlyCost: map[string]money.Amount{"13125550000": money.MustParse("1.25")},
		E911Labels:  map[string]int{"annex": 1, "other": 1},
	}
	return ComputeState(desired, current, inventory(forSale("12065550199", "1.00", "1.25")), Options{Capabilities: v2Like})
}

func TestComputeV2Actions(t *testing.T) {
	t.Parallel()
	p := v2Plan()
	want := []string{
		"update_route pbx map[type:HOST value:24.239.23.40:5060]",
		"create_cnam ACME INC map[cnam:ACME INC]",
		"create_e911 hq map[city:Seattle country:US first_name:Chris last_name:Smith state:WA street_name:3rd Ave street_number:1218 zip:98101]",
		"update_e911 annex map[city:Seattle country:US first_name:Chris last_name:Smith state:WA street_name:3rd Ave street_number:1300 zip:98101]",
		"purchase 12065550199 map[]",
		"set_routes 12065550100 map[failover_route: primary_route:pbx]",
		"set_routes 12065550199 map[failover_route: primary_route:pbx]",
		"set_alias 12065550100 map[alias:front desk]",
		"set_alias 12065550199 map[alias:new]",
		"set_cnam_lookups 12065550100 map[cnam_lookups:true]",
		"set_cnam 12065550100 map[cnam:ACME INC]",
		"set_e911 12065550100 map[e911:hq]",
		"set_e911 12065550199 map[e911:hq]",
		"set_e911 13125550000 map[e911:]",
		"set_callback 12065550101 map[sms_callback:https://example.com/sms]",
		"release 13125550000 map[]",
		"release 13125550001 map[]",
		"delete_route old map[]",
	}
	if diff := cmp.Diff(want, actions(p)); diff != "" || p.HasErrors() {
		t.Errorf("changes (-want +got):\n%s\ndiagnostics %+v", diff, p.Diagnostics)
	}
	wantSummary := Summary{RoutesToCreate: 0, NumbersToPurchase: 1, NumbersToUpdate: 3, RoutesToUpdate: 1, CNAMsToCreate: 1, E911ToCreate: 1, E911ToUpdate: 1,
		NumbersToRelease: 2, RoutesToDelete: 1}
	if diff := cmp.Diff(wantSummary, p.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantReleases := &Releases{Numbers: []string{"13125550000", "13125550001"}, Routes: []string{"old"}, Monthly: money.MustParse("1.25"), UnknownCost: 1, Warning: ReleaseWarning}
	if diff := cmp.Diff(wantReleases, p.Releases); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Unmanaged{E911Addresses: []string{"other"}}, p.Unmanaged); diff != "" {
		t.Errorf("unmanaged (-want +got):\n%s", diff)
	}
}

// Releasing is opt-in, bounded by the lower of policy.max_releases and --max-releases, and
// needs a backend that can release.
func TestComputeReleaseGuards(t *testing.T) {
	t.Parallel()
	current := onAccount(nil, map[string]spec.Number{tnA: {PrimaryRoute: "sip-reg"}, tnB: {PrimaryRoute: "sip-reg"}})
	for _, tt := range []struct {
		name      string
		unmanaged string
		max       int
		ceiling   *int
		caps      account.Capabilities
		releases  int
		err       string
	}{
		{"warn releases nothing", spec.UnmanagedWarn, 5, nil, v2Like, 0, ""},
		{"within the limit", spec.UnmanagedRelease, 2, nil, v2Like, 2, ""},
		{"default limit 0", spec.UnmanagedRelease, 0, nil, v2Like, 0, "the plan would release 2 numbers; policy.max_releases allows 0, so it releases none"},
		{"the flag lowers it", spec.UnmanagedRelease, 2, ptr(1), v2Like, 0, "the plan would release 2 numbers; --max-releases allows 1, so it releases none"},
		{"the flag cannot raise it", spec.UnmanagedRelease, 1, ptr(5), v2Like, 0, "the plan would release 2 numbers; policy.max_releases allows 1, so it releases none"},
		{"v1 cannot release", spec.UnmanagedRelease, 2, nil, v1Like, 0, "policy.unmanaged is release, and v1 cannot release numbers (2 numbers not in the spec)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			desired := desiredSpec(nil, map[string]spec.Number{})
			desired.Policy.Unmanaged, desired.Policy.MaxReleases = tt.unmanaged, tt.max
			p := Compute(desired, current, nil, Options{Capabilities: tt.caps, Limits: Limits{MaxReleases: tt.ceiling}})
			errs := errorsOf(p)
			if tt.err == "" && len(errs) != 0 || tt.err != "" && (len(errs) != 1 || errs[0] != tt.err) || p.Summary.NumbersToRelease != tt.releases {
				t.Errorf("errors %q, releases %d; want %q, %d", errs, p.Summary.NumbersToRelease, tt.err, tt.releases)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A CNAM record awaiting approval is in progress: no change, a note. A rejected one is an error.
// An approved one is associated.
func TestComputeCNAMStates(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {CNAM: "ACME INC"}, tnB: {CNAM: "ACME INC"}})
	for _, tt := range []struct {
		name    string
		status  account.CNAMStatus
		pending bool // tnA already presents it, pending
		changes []string
		sev     Severity
		msg     string
	}{
		{"approved", account.CNAMApproved, false, []string{"set_cnam 12065550100 map[cnam:ACME INC]", "set_cnam 12065550101 map[cnam:ACME INC]"}, "", ""},
		{"pending", account.CNAMPending, false, nil, Note, `CNAM "ACME INC" awaits Flowroute's approval: numbers 12065550100 and 12065550101 will present it once it is approved (in progress, not an error)`},
		{"pending and associated", account.CNAMPending, true, nil, Note, `CNAM "ACME INC" awaits Flowroute's approval: numbers 12065550100 and 12065550101 will present it once it is approved (in progress, not an error)`},
		{"rejected", account.CNAMRejected, false, nil, Error, `number 12065550100 is to present CNAM "ACME INC", and Flowroute rejected that record`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := &State{Spec: onAccount(nil, map[string]spec.Number{tnA: {}, tnB: {}}), CNAMs: map[string]account.CNAM{"ACME INC": {ID: "1", Value: "ACME INC", Status: tt.status}},
				CNAMPending: map[string]bool{}}
			if tt.pending {
				st.Numbers[tnA] = spec.Number{CNAM: "ACME INC"}
				st.CNAMPending[tnA] = true
			}
			p := ComputeState(desired, st, nil, Options{Capabilities: v2Like})
			if diff := cmp.Diff(tt.changes, actions(p)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if tt.msg != "" && (len(p.Diagnostics) == 0 || p.Diagnostics[0].Severity != tt.sev || p.Diagnostics[0].Message != tt.msg) {
				t.Errorf("diagnostics %+v, want a %s %q", p.Diagnostics, tt.sev, tt.msg)
			}
		})
	}
}

// Where numbers may have no failover route, a purchase or an update leaves an unset failover
// unset; elsewhere it is sip-reg.
func TestComputeFailoverDefault(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: {PrimaryRoute: "pbx"}})
	inv := inventory(forSale(tnA, "1.00", "1.25", "METERED"))
	v1 := Compute(desired, onAccount(map[string]spec.Route{"pbx": host}, nil), inv, Options{Capabilities: v1Like})
	v2 := Compute(desired, onAccount(map[string]spec.Route{"pbx": host}, nil), inv, Options{Capabilities: v2Like})
	if got := v1.Changes[1].After["failover_route"]; got != "sip-reg" {
		t.Errorf("v1: failover %q, want sip-reg", got)
	}
	if got, ok := v2.Changes[1].After["failover_route"]; !ok || got != "" {
		t.Errorf("v2: failover %q, want none", got)
	}
	// An owned v2 number with no failover and the spec not managing it: nothing to do.
	owned := Compute(desired, onAccount(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: {PrimaryRoute: "pbx"}}), nil, Options{Capabilities: v2Like})
	if !owned.Empty() {
		t.Errorf("v2 owned: changes %+v, want none", owned.Changes)
	}
}

// The hint of a field only v2 manages says to use --api v2; e911_addresses on v1 is one error.
func TestComputeV2FieldsOnV1(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {Alias: "desk"}})
	desired.E911Addresses = map[string]spec.E911Address{"hq": hqAddr}
	p := Compute(desired, onAccount(nil, map[string]spec.Number{tnA: {}}), nil, Options{Capabilities: v1Like})
	want := []string{"the spec declares e911_addresses, which v1 cannot manage", "number 12065550100 sets alias, which v1 cannot manage"}
	if diff := cmp.Diff(want, errorsOf(p)); diff != "" || len(p.Changes) != 0 {
		t.Errorf("errors (-want +got):\n%s\nchanges %+v", diff, p.Changes)
	}
	for _, d := range p.Diagnostics {
		if !strings.Contains(d.Hint, "--api v2") {
			t.Errorf("hint %q does not say to use --api v2", d.Hint)
		}
	}
}

// Two account addresses with the spec entry's label cannot be told apart: an error, and no
// association with either.
func TestComputeE911DuplicateLabel(t *testing.T) {
	t.Parallel()
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {E911: "hq"}})
	desired.E911Addresses = map[string]spec.E911Address{"hq": hqAddr}
	st := &State{Spec: &spec.Spec{Numbers: map[string]spec.Number{tnA: {}}, E911Addresses: map[string]spec.E911Address{"hq": hqAddr}},
		E911Labels: map[string]int{"hq": 2}}
	p := ComputeState(desired, st, nil, Options{Capabilities: v2Like})
	if got := errorsOf(p); len(got) != 1 || !strings.Contains(got[0], `2 E911 addresses labelled "hq"`) || len(p.Changes) != 0 {
		t.Errorf("errors %q, changes %+v", got, p.Changes)
	}
}

// Make on a backend whose list lacks the details reads only the managed numbers', and, under
// policy.unmanaged: release within the limit, the numbers to release (for their E911).
func TestMakeReadsReleasedNumbersDetails(t *testing.T) {
	t.Parallel()
	r := sampleAccount()
	caps := v2Like
	caps.BulkDetails = false
	r.caps = &caps
	desired := desiredSpec(nil, map[string]spec.Number{tnA: {Alias: "desk"}})
	desired.Policy.Unmanaged, desired.Policy.MaxReleases = spec.UnmanagedRelease, 2
	if _, _, err := Make(t.Context(), r, desired, Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{tnA, tnB, tnC}, r.details, cmpSorted); diff != "" {
		t.Errorf("details read (-want +got):\n%s", diff)
	}
}
