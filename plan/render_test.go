package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
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

func render(t *testing.T, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]*Plan{"sample": samplePlan(), "no-changes": noChangesPlan()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, name+".txt", render(t, func(b *bytes.Buffer) error { return RenderText(b, p, TextOptions{}) }))
			checkGolden(t, name+".color.txt", render(t, func(b *bytes.Buffer) error { return RenderText(b, p, TextOptions{Color: true}) }))
			checkGolden(t, name+".json", render(t, func(b *bytes.Buffer) error { return RenderJSON(b, p) }))
			checkGolden(t, name+".md", render(t, func(b *bytes.Buffer) error { return RenderMarkdown(b, p) }))
		})
	}
}

func TestRenderText(t *testing.T) {
	t.Parallel()
	text := func(p *Plan, color bool) string {
		return string(render(t, func(b *bytes.Buffer) error { return RenderText(b, p, TextOptions{Color: color}) }))
	}
	t.Run("no changes", func(t *testing.T) {
		t.Parallel()
		if got := text(noChangesPlan(), false); !strings.Contains(got, "No changes.") {
			t.Errorf("output lacks %q:\n%s", "No changes.", got)
		}
	})
	t.Run("summary line counts", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			s    Summary
			want string
		}{
			{Summary{RoutesToCreate: 1, NumbersToPurchase: 2, NumbersToUpdate: 3}, "Plan: 1 route to create, 2 numbers to purchase, 3 numbers to update."},
			{Summary{RoutesToCreate: 2, NumbersToPurchase: 1, NumbersToUpdate: 1}, "Plan: 2 routes to create, 1 number to purchase, 1 number to update."},
			{Summary{NumbersToUpdate: 1}, "Plan: 0 routes to create, 0 numbers to purchase, 1 number to update."},
		} {
			p := &Plan{Changes: []Change{{Action: SetRoutes}}, Summary: tt.s}
			if got := summaryLine(p); got != tt.want {
				t.Errorf("summaryLine(%+v) = %q, want %q", tt.s, got, tt.want)
			}
		}
	})
	t.Run("errors without changes do not claim the account matches", func(t *testing.T) {
		t.Parallel()
		p := &Plan{Diagnostics: []Diagnostic{{Severity: Error, Message: "boom"}}}
		got := text(p, false)
		if strings.Contains(got, "matches the spec") || !strings.Contains(got, "cannot be applied") {
			t.Errorf("output:\n%s", got)
		}
	})
	t.Run("no colour unless asked", func(t *testing.T) {
		t.Parallel()
		if got := text(samplePlan(), false); strings.Contains(got, "\x1b[") {
			t.Errorf("plain output has escape sequences:\n%q", got)
		}
		got := text(samplePlan(), true)
		for _, want := range []string{ansiGreen + "+" + ansiReset, ansiYellow + "~" + ansiReset, ansiRed + "Error:" + ansiReset} {
			if !strings.Contains(got, want) {
				t.Errorf("coloured output lacks %q", want)
			}
		}
	})
	t.Run("unmanaged list is capped", func(t *testing.T) {
		t.Parallel()
		got := text(samplePlan(), false)
		if !strings.Contains(got, "… and 4 more") { // 1 route + 23 numbers, 20 shown
			t.Errorf("output lacks the cap:\n%s", got)
		}
	})
	t.Run("unmanaged ignored", func(t *testing.T) {
		t.Parallel()
		p := samplePlan()
		p.Policy.Unmanaged = spec.UnmanagedIgnore
		if got := text(p, false); strings.Contains(got, "Unmanaged") || strings.Contains(got, "13125550000") {
			t.Errorf("policy ignore still lists unmanaged objects:\n%s", got)
		}
	})
	t.Run("values from the account cannot drive the terminal", func(t *testing.T) {
		t.Parallel()
		p := &Plan{Changes: []Change{{Action: SetRoutes, Key: tnA,
			Before: map[string]string{"primary_route": "evil\x1b]0;pwned\x07\n", "failover_route": "x"},
			After:  map[string]string{"primary_route": "pbx", "failover_route": "x"}}}}
		if got := text(p, false); strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, `evil\x1b]0;pwned\a\n -> pbx`) {
			t.Errorf("output:\n%q", got)
		}
	})
}

func TestRenderJSONIsThePlan(t *testing.T) {
	t.Parallel()
	p := samplePlan()
	var got Plan
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return RenderJSON(b, p) }), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, &got); diff != "" {
		t.Errorf("JSON round trip (-plan +decoded):\n%s", diff)
	}
	empty := string(render(t, func(b *bytes.Buffer) error { return RenderJSON(b, &Plan{}) }))
	if !strings.Contains(empty, `"changes": []`) || !strings.Contains(empty, `"diagnostics": []`) {
		t.Errorf("empty lists must be [] for consumers:\n%s", empty)
	}
}

func TestRenderMarkdownFoldsLongLists(t *testing.T) {
	t.Parallel()
	p := &Plan{FormatVersion: FormatVersion, Changes: []Change{}}
	for i := range markdownMaxChanges + 5 {
		p.Changes = append(p.Changes, Change{Action: Purchase, Key: fmt.Sprintf("1206555%04d", i),
			After: map[string]string{"billing_method": "METERED"}, Cost: &Cost{Monthly: money.MustParse("1")}})
	}
	p.Summary.NumbersToPurchase = len(p.Changes)
	got := string(render(t, func(b *bytes.Buffer) error { return RenderMarkdown(b, p) }))
	for _, want := range []string{"<details><summary>205 changes</summary>", "… and 5 more", "</details>"} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if strings.Contains(got, "12065550204") {
		t.Error("Markdown lists more rows than markdownMaxChanges")
	}
}

// checkGolden compares got with plan/testdata/golden/plan/name (go test ./plan -update rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", "plan", name), got)
}
