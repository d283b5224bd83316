package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func TestWriteGolden(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, s, "Exported from account 12345\nat 2024-01-02T03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../testdata/specs/write/full.golden", buf.Bytes())
}

// TestWriteV2 writes every v2 field; TestGoodSpecs reads it back.
func TestWriteV2(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "v2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, s, "v2"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../testdata/specs/write/v2.golden", buf.Bytes())
}

// TestWriteAccountState writes a state as plan.Fetch reads it: the built-in route, a zero
// Policy, values that need quoting.
func TestWriteAccountState(t *testing.T) {
	t.Parallel()
	s := &Spec{
		Routes: map[string]Route{
			BuiltinRoute: {Type: "SIP-REG"},
			"true":       {Type: RouteHost, Value: "10.0.0.1"},
			"a":          {Type: RouteURI, Value: "sip:a@b.example.com;transport=tls"},
		},
		Numbers: map[string]Number{
			"12065550101": {BillingMethod: BillingVPRI, PrimaryRoute: BuiltinRoute, FailoverRoute: BuiltinRoute},
			"12065550100": {BillingMethod: BillingMetered, PrimaryRoute: "true"},
		},
	}
	var buf bytes.Buffer
	if err := Write(&buf, s, ""); err != nil {
		t.Fatal(err)
	}
	want := `routes:
  a: {type: URI, value: "sip:a@b.example.com;transport=tls"}
  "true": {type: HOST, value: "10.0.0.1"}
numbers:
  "12065550100": {billing_method: METERED, primary_route: "true"}
  "12065550101": {billing_method: VPRI, primary_route: sip-reg, failover_route: sip-reg}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("Write (-want +got):\n%s", diff)
	}
	back, err := Parse("state.yaml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Routes) != 2 || back.Numbers["12065550100"].PrimaryRoute != "true" {
		t.Errorf("read back %+v", back)
	}
}

func TestWritePolicy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		policy Policy
		want   string
	}{
		{Policy{}, "numbers: {}\n"}, // a spec that declares nothing would be empty
		{Policy{Unmanaged: UnmanagedWarn, MaxPurchases: DefaultMaxPurchases}, "numbers: {}\n"},
		{Policy{Unmanaged: UnmanagedWarn, MaxPurchases: 0}, "policy:\n  max_purchases: 0\n"},
		{Policy{Unmanaged: UnmanagedIgnore, MaxPurchases: 10, MaxMonthlyCost: amount("5")},
			"policy:\n  unmanaged: ignore\n  max_monthly_cost: \"5.00\"\n"},
		{Policy{Unmanaged: UnmanagedWarn, MaxPurchases: 10, MaxUpdatePercent: DefaultMaxUpdatePercent}, "numbers: {}\n"},
		{Policy{MaxReleases: 2}, "policy:\n  max_purchases: 0\n  max_releases: 2\n"},
		{Policy{Unmanaged: UnmanagedRelease, MaxPurchases: 10, MaxSetupCost: amount("0"), MaxReleases: 1, MaxUpdates: new(int), MaxUpdatePercent: 5},
			"policy:\n  unmanaged: release\n  max_setup_cost: \"0.00\"\n  max_releases: 1\n  max_updates: 0\n  max_update_percent: 5\n"},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, &Spec{Policy: tt.policy}, ""); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tt.want {
			t.Errorf("policy %+v written as %q, want %q", tt.policy, got, tt.want)
		}
	}
}

func TestQuoteReadsBack(t *testing.T) {
	t.Parallel()
	for _, v := range []string{`a"b\c`, "tab\there", "new\nline", "ünï", "\U0001F600", "\x7f", "#x", ": x", "- x",
		"true", "No", "null", "~", "1.5", "0x10", "pbx-seattle", "", "sip:a@b"} {
		var got string
		if err := yaml.Unmarshal([]byte("v: "+quote(v)), &struct{ V *string }{&got}); err != nil {
			t.Errorf("quote(%q) = %s: %v", v, quote(v), err)
		} else if got != v {
			t.Errorf("quote(%q) = %s reads back as %q", v, quote(v), got)
		}
	}
}

// TestSchemaUpToDate fails when schema/flowroute-numbers.schema.json is not what Schema
// returns; go generate ./... (or go test ./spec -update) refreshes it.
func TestSchemaUpToDate(t *testing.T) {
	t.Parallel()
	const file = "../schema/flowroute-numbers.schema.json"
	if golden.Update() {
		if err := os.WriteFile(file, Schema(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(committed), string(Schema())); diff != "" {
		t.Errorf("%s is out of date; run go generate ./... (-committed +Schema()):\n%s", file, diff)
	}
	var v map[string]any
	if err := json.Unmarshal(Schema(), &v); err != nil {
		t.Fatalf("schema is no JSON: %v", err)
	}
	if v["$schema"] != "https://json-schema.org/draft/2020-12/schema" || v["additionalProperties"] != false {
		t.Errorf("schema header: %v %v", v["$schema"], v["additionalProperties"])
	}
}
