package plan

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// samplePlan has one of everything: each action, a purchase with routes, an update of one
// route, an update of both, an error, a warning and more unmanaged numbers than are shown.
func samplePlan() *Plan {
	desired := desiredSpec(
		map[string]spec.Route{"pbx-seattle": host, "pbx-backup": backup, "office": {Type: "PSTN", Value: "16476998778"}},
		map[string]spec.Number{
			"12067439178": metered("pbx-seattle", "pbx-backup"),
			"12062092844": metered("", ""),
			"12065550100": {PrimaryRoute: "pbx-seattle"},
			"12065550101": metered("office", "office"),
			"12065550102": {BillingMethod: "VPRI"},
		},
	)
	desired.Positions["numbers.12065550102.billing_method"] = spec.Pos{File: "numbers.yaml", Line: 14, Col: 34}
	current := onAccount(
		map[string]spec.Route{"office": {Type: "PSTN", Value: "16476998778"}, "old-pbx": host},
		map[string]spec.Number{
			"12065550100": metered("sip-reg", "office"),
			"12065550101": metered("pbx-seattle", "sip-reg"),
			"12065550102": metered("sip-reg", "sip-reg"),
		},
	)
	for i := range 23 {
		current.Numbers[fmt.Sprintf("1312555%04d", i)] = metered("sip-reg", "sip-reg")
	}
	inv := inventory(forSale("12067439178", "1.00", "1.25", "VPRI", "METERED"), forSale("12062092844", "1.00", "0.35", "METERED"))
	return Compute(desired, current, inv, Options{Capabilities: v1Like})
}

func noChangesPlan() *Plan {
	desired := desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: metered("pbx", "")})
	return Compute(desired, onAccount(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: metered("pbx", "sip-reg")}), nil, Options{Capabilities: v1Like})
}

// TestPlanGolden keeps the plans of samplePlan, noChangesPlan and v2Plan, as JSON, in golden
// files: what plan computes, and the plans the views (internal/views) are tested with.
func TestPlanGolden(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]*Plan{"sample": samplePlan(), "no-changes": noChangesPlan(), "v2": v2Plan()} {
		data, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, name+".json", append(data, '\n'))
	}
}

// checkGolden compares got with plan/testdata/golden/plan/name (go test ./plan -update rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", "plan", name), got)
}
