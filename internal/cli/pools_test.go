package cli

import (
	"cmp"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// poolNPA is the area code with the most numbers for sale in inv, and those numbers in the
// order a pool takes them: the cheapest a month, then to set up, then the lowest number.
func poolNPA(inv []v1.AvailableNumber) (string, []v1.AvailableNumber) {
	by := map[string][]v1.AvailableNumber{}
	for _, a := range inv {
		if a.Allows(spec.BillingMetered) {
			by[a.TN[1:4]] = append(by[a.TN[1:4]], a)
		}
	}
	npa := ""
	for k, v := range by {
		if len(v) > len(by[npa]) || len(v) == len(by[npa]) && k < npa {
			npa = k
		}
	}
	m := by[npa]
	slices.SortFunc(m, func(a, b v1.AvailableNumber) int {
		return cmp.Or(cmp.Compare(a.MonthlyCost, b.MonthlyCost), cmp.Compare(a.InitialCost, b.InitialCost), strings.Compare(a.TN, b.TN))
	})
	return npa, m
}

// planJSON plans the spec and returns the plan as JSON reads it.
func planJSON(t *testing.T, state string, args ...string) (*plan.Plan, string) {
	t.Helper()
	stdout, stderr, code := sandboxCLI(t, state, nil, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("plan exit %d: %s\n%s", code, stderr, stdout)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, stdout)
	}
	return &p, stdout
}

// exported is the account as export writes it, loaded.
func exported(t *testing.T, state string, api ...string) *spec.Spec {
	t.Helper()
	stdout, stderr, code := sandboxCLI(t, state, nil, append(api, "export")...)
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	s, err := spec.Parse("exported.yaml", []byte(stdout))
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	return s
}

// A pool of 5 with 2 members: plan names the 3 numbers add --pool pins, add pins exactly
// those, apply buys all 5 with the pool's fields, and the plan after is "No changes.".
func TestPoolFillsAndApplies(t *testing.T) {
	t.Parallel()
	for _, api := range []string{APIv1, APIv2} {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			state, inv := addSandbox(t, 300)
			npa, forSale := poolNPA(inv)
			if len(forSale) < 5 {
				t.Fatalf("the inventory has %d numbers in its largest area code, want 5", len(forSale))
			}
			// The members are the two most expensive: the picks are the three cheapest.
			m1, m2 := forSale[len(forSale)-1].TN, forSale[len(forSale)-2].TN
			fields := "{primary_route: pbx}"
			if api == APIv2 {
				fields = "{primary_route: pbx, alias: Support}"
			}
			file := writeSpec(t, `defaults:
  billing_method: METERED
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
pools:
  support:
    count: 5
    search: {npa: "`+npa+`"}
    number: `+fields+`
numbers:
  "`+m1+`": {pool: support}
  "`+m2+`": {pool: support}
`)
			flags := []string{"--api", api}
			p, _ := planJSON(t, state, append(flags, "plan", "-f", file)...)
			var warning plan.Diagnostic
			for _, d := range p.Diagnostics {
				if d.Key == "support" {
					warning = d
				}
			}
			picks := []string{forSale[0].TN, forSale[1].TN, forSale[2].TN}
			for _, tn := range picks {
				if !strings.Contains(warning.Message, tn) {
					t.Errorf("the pool's warning does not name %s: %+v", tn, warning)
				}
			}
			if warning.Severity != plan.Warning || !strings.HasPrefix(warning.Message, "pool support has 2 of its 5 numbers: add --pool would pick 3 numbers: ") ||
				!strings.Contains(warning.Hint, "flowroute-numbers add --pool support") {
				t.Errorf("warning %+v", warning)
			}

			stdout, stderr, code := sandboxCLI(t, state, nil, append(flags, "add", "-f", file, "--pool", "support")...)
			if code != 0 {
				t.Fatalf("add --pool exit %d: %s", code, stderr)
			}
			data, _ := os.ReadFile(file)
			if got := addedTNs(string(data)); !slices.Equal(got, append([]string{m1, m2}, picks...)) {
				t.Errorf("add --pool pinned %v, want %v:\n%s", got[2:], picks, data)
			}
			if !strings.Contains(string(data), "  # flowroute-numbers add --pool support (") ||
				!strings.Contains(string(data), `"`+picks[2]+`": {pool: support}`) || !strings.Contains(stdout, "Added 3 numbers to pool support in "+file) {
				t.Errorf("the entries:\n%s\nstdout:\n%s", data, stdout)
			}
			// Full now: nothing more to add.
			if stdout, _, code := sandboxCLI(t, state, nil, append(flags, "add", "-f", file, "--all-pools")...); code != 0 || !strings.Contains(stdout, "Pool support has 5 of its 5 numbers: nothing to add.") {
				t.Errorf("add --all-pools on a full pool: exit %d\n%s", code, stdout)
			}

			stdout, stderr, code = sandboxCLI(t, state, nil, append(flags, "apply", "-f", file, "--auto-approve")...)
			if code != 0 || !strings.Contains(stdout, "Verified: the account matches the spec.") {
				t.Fatalf("apply exit %d: %s\n%s", code, stderr, stdout)
			}
			acct := exported(t, state, flags...)
			for _, tn := range append([]string{m1, m2}, picks...) {
				n, ok := acct.Numbers[tn]
				if !ok || n.PrimaryRoute != "pbx" || api == APIv2 && n.Alias != "Support" {
					t.Errorf("the account has %s as %+v (owned %t), want the pool's fields", tn, n, ok)
				}
			}
			stdout, _, _ = sandboxCLI(t, state, nil, append(flags, "plan", "-f", file)...)
			if !strings.Contains(stdout, "No changes.") {
				t.Errorf("the plan after apply:\n%s", stdout)
			}
		})
	}
}

// A retired number is held at once (parked, its alias cleared), released by the first plan on
// or after its day within policy.max_releases, and a number moved back before then is kept.
func TestRetireHoldsThenReleases(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 100)
	a, b, keep := inv[0].TN, inv[1].TN, inv[2].TN
	file := writeSpec(t, `routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
e911_addresses:
  hq: {first_name: Chris, last_name: Smith, street_number: "1218", street_name: 3rd Ave, city: Seattle, state: WA, country: US, zip: "98101"}
numbers:
  # the front desk
  "`+a+`": {primary_route: pbx, alias: Front desk, cnam: ACME, e911: hq, messaging: {sms_callback: "https://acme.example/sms"}}
  "`+b+`": {primary_route: pbx, failover_route: pbx, alias: Back office}
  "`+keep+`": {primary_route: pbx}
policy:
  max_releases: 1
`)
	v2 := []string{"--api", "v2", "--today"}
	apply := func(day string) string {
		t.Helper()
		stdout, stderr, code := sandboxCLI(t, state, nil, append(v2, day, "apply", "-f", file, "--auto-approve")...)
		if code != 0 {
			t.Fatalf("apply on %s: exit %d: %s\n%s", day, code, stderr, stdout)
		}
		return stdout
	}
	apply("2026-12-01")

	stdout, stderr, code := sandboxCLI(t, state, nil, "--today", "2026-12-03", "--api", "v2", "retire", "-f", file, a, b, "--reason", "customer left")
	if code != 0 {
		t.Fatalf("retire exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(file)
	want := "retired:\n  # the front desk\n  # before retirement: \"" + a + "\": {primary_route: pbx, alias: Front desk, cnam: ACME, e911: hq, messaging: {sms_callback: \"https://acme.example/sms\"}}\n" +
		"  \"" + a + "\": {since: 2026-12-03, reason: \"customer left\"}\n"
	if !strings.Contains(string(data), want) || strings.Contains(string(data), "  \""+a+"\": {primary_route") ||
		!strings.Contains(stdout, "The first plan on or after 2027-01-02 (policy.retire_days 30) releases them. Until then, moving an entry back to numbers: keeps the number.") ||
		!strings.Contains(stderr, "policy.max_releases is 1 and the spec retires 2 numbers") {
		t.Errorf("the file after retire:\n%s\nstdout:\n%s\nstderr:\n%s", data, stdout, stderr)
	}

	// Held at once: parked on sip-reg, the alias, CNAM and callback cleared, the E911
	// address kept.
	apply("2026-12-03")
	acct := exported(t, state, "--api", "v2")
	for _, tn := range []string{a, b} {
		if n := acct.Numbers[tn]; n.PrimaryRoute != spec.BuiltinRoute || n.FailoverRoute != spec.BuiltinRoute || n.Alias != "" || n.CNAM != "" || n.Messaging != nil {
			t.Errorf("%s is %+v, want it held on sip-reg without an alias, CNAM or callbacks", tn, n)
		}
	}
	if n := acct.Numbers[a]; n.E911 != "hq" {
		t.Errorf("%s lost its E911 address while held: %+v", a, n)
	}
	p, _ := planJSON(t, state, append(v2, "2027-01-01", "plan", "-f", file)...)
	if len(p.Changes) != 0 || len(p.Diagnostics) != 2 || !strings.Contains(p.Diagnostics[0].Message, "held until 2027-01-02, then released") {
		t.Errorf("the day before: %+v", p)
	}

	// Moved back before the day: kept, its routes back.
	data, _ = os.ReadFile(file)
	text := strings.Replace(string(data), "  \""+b+"\": {since: 2026-12-03, reason: \"customer left\"}\n", "", 1)
	text = strings.Replace(text, "numbers:\n", "numbers:\n  \""+b+"\": {primary_route: pbx, failover_route: pbx, alias: Back office}\n", 1)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	apply("2027-01-01")

	// On the day, the first plan releases the one still retired, within max_releases.
	p, out := planJSON(t, state, append(v2, "2027-01-02", "plan", "-f", file)...)
	if p.Releases == nil || !slices.Equal(p.Releases.Numbers, []string{a}) || p.HasErrors() || !strings.Contains(out, `"retired": "2026-12-03"`) {
		t.Fatalf("the plan on the day:\n%s", out)
	}
	apply("2027-01-02")
	acct = exported(t, state, "--api", "v2")
	if _, ok := acct.Numbers[a]; ok {
		t.Errorf("%s is still on the account", a)
	}
	if n := acct.Numbers[b]; n.PrimaryRoute != "pbx" || n.Alias != "Back office" {
		t.Errorf("%s, moved back, is %+v", b, n)
	}
	p, _ = planJSON(t, state, append(v2, "2027-01-03", "plan", "-f", file)...)
	if len(p.Changes) != 0 || len(p.Diagnostics) != 1 || !strings.Contains(p.Diagnostics[0].Message, "is not on the account") {
		t.Errorf("the plan after: %+v", p)
	}
}

// Over max_releases the release is refused, and a number deleted from the spec is never
// released without policy.unmanaged: release.
func TestRetireReleaseLimitAndDeletedLines(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 100)
	a, b := inv[0].TN, inv[1].TN
	file := writeSpec(t, "numbers:\n  \""+a+"\": {}\n  \""+b+"\": {}\n")
	if _, stderr, code := sandboxCLI(t, state, nil, "--api", "v2", "apply", "-f", file, "--auto-approve"); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := sandboxCLI(t, state, nil, "--today", "2026-01-01", "retire", "-f", file, a); code != 0 {
		t.Fatal(stderr)
	}
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), "  \""+b+"\": {}\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := sandboxCLI(t, state, nil, "--api", "v2", "--today", "2026-06-01", "plan", "-f", file)
	if code != 1 || !strings.Contains(stdout, "the plan would release 1 number; policy.max_releases allows 0") || strings.Contains(stdout, "RELEASE") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "the account has 1 number that the spec does not name") {
		t.Errorf("the deleted line is not reported as unmanaged:\n%s", stdout)
	}
}

// On v1 a retired number is held for good, and the plan says so.
func TestRetireOnV1HoldsForGood(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 100)
	a := inv[0].TN
	file := writeSpec(t, "defaults: {billing_method: METERED}\nroutes:\n  pbx: {type: HOST, value: \"10.0.0.1:5060\"}\nnumbers:\n  \""+a+"\": {primary_route: pbx}\n")
	if _, stderr, code := sandboxCLI(t, state, nil, "apply", "-f", file, "--auto-approve"); code != 0 {
		t.Fatal(stderr)
	}
	stdout, stderr, code := sandboxCLI(t, state, nil, "--today", "2026-01-01", "retire", "-f", file, a)
	if code != 0 || !strings.Contains(stdout, "v1 cannot release numbers: it is held for good") {
		t.Fatalf("retire exit %d: %s\n%s", code, stderr, stdout)
	}
	stdout, stderr, code = sandboxCLI(t, state, nil, "--today", "2030-01-01", "apply", "-f", file, "--auto-approve")
	if code != 0 || !strings.Contains(stdout, "v1 cannot release numbers, so it is held for good") {
		t.Fatalf("apply exit %d: %s\n%s", code, stderr, stdout)
	}
	if n := exported(t, state).Numbers[a]; n.PrimaryRoute != spec.BuiltinRoute {
		t.Errorf("%s is %+v, want it parked on sip-reg", a, n)
	}
}

func TestRetireRefuses(t *testing.T) {
	t.Parallel()
	file := writeSpec(t, "numbers:\n  \"12065550100\": {}\nretired:\n  \"12065550199\": {since: 2026-01-01}\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"12065550101"}, "12065550101 is not in the spec's numbers; nothing was changed"},
		{[]string{"12065550199"}, "12065550199 is retired already, since 2026-01-01"},
		{[]string{"+12065550100"}, `"+12065550100": want an 11-digit number`},
		{[]string{"12065550100", "--reason", "a\nb"}, "--reason: keep it on one line"},
		{[]string{"--today", "2026-1-1", "12065550100"}, "FLOWROUTE_TODAY (--today)"},
	} {
		_, stderr, code := sandboxCLI(t, t.TempDir()+"/state.json", nil, append([]string{"retire", "-f", file}, tt.args...)...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("retire %v: exit %d, %q; want %q", tt.args, code, stderr, tt.want)
		}
	}
	if data, _ := os.ReadFile(file); !strings.HasPrefix(string(data), "numbers:\n  \"12065550100\": {}\n") {
		t.Errorf("a refused retire changed the file:\n%s", data)
	}
}

func TestAddPoolRefuses(t *testing.T) {
	t.Parallel()
	state, _ := addSandbox(t, 100)
	file := writeSpec(t, "routes: {pbx: {type: HOST, value: \"10.0.0.1:5060\"}}\npools:\n  p: {count: 2, search: {starts_with: \"1206\"}}\n  q: {count: 1, search: {npa: \"206\"}}\nnumbers: {}\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--pool", "nope"}, "add --pool nope: the spec declares no such pool (it declares p, q)"},
		{[]string{"--pool", "p", "--npa", "206", "--primary-route", "pbx"}, "--pool p picks numbers by the pool's search"},
		{[]string{"--pool", "p", "--all-pools"}, "give --pool NAME or --all-pools, not both"},
		{[]string{"--all-pools", "--count", "2"}, "--all-pools fills each pool to its count"},
		{[]string{"--pool", "p"}, "the pool searches by starts_with, which v1 cannot search by"},
		{[]string{"--pool", "q"}, "neither the pool's number: nor defaults sets billing_method"},
	} {
		_, stderr, code := sandboxCLI(t, state, nil, append([]string{"add", "-f", file}, tt.args...)...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("add %v: exit %d, %q; want %q", tt.args, code, stderr, tt.want)
		}
	}
}

// A retired number, released and for sale again, is never picked back by add while its entry
// stays in retired:.
func TestAddNeverPicksARetiredNumber(t *testing.T) {
	t.Parallel()
	inv := fakeAddInventory{offers: []account.Offer{
		{TN: "12065550100", MonthlyCost: money.MustParse("0.10")}, {TN: "12065550101", MonthlyCost: money.MustParse("1.00")},
	}}
	job := &addJob{inv: inv, desired: &spec.Spec{Retired: map[string]spec.Retired{"12065550100": {Since: spec.NewDate(2026, 1, 1)}}}}
	got, err := job.choose(t.Context(), &Globals{}, pick.Criteria{}, map[string]bool{}, 1)
	if err != nil || len(got) != 1 || got[0].TN != "12065550101" {
		t.Errorf("choose = %v, %v; want 12065550101, not the retired number", got, err)
	}
}
