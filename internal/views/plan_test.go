package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// planFile is one of the plans plan's tests compute and keep as golden files, so that the
// views are tested with the plans plan makes: "sample" has one of every v1 action, an error, a
// warning and more unmanaged numbers than are shown; "no-changes" none; "v2" one of every v2
// action, releases and a route deletion among them.
func planFile(name string) string {
	return filepath.Join("..", "..", "plan", "testdata", "golden", "plan", name+".json")
}

// loadPlan reads the plan name (planFile).
func loadPlan(t *testing.T, name string) *plan.Plan {
	t.Helper()
	data, err := os.ReadFile(planFile(name))
	if err != nil {
		t.Fatal(err)
	}
	var p plan.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("%s: %v", planFile(name), err)
	}
	return &p
}

func render(t *testing.T, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkGolden compares got with testdata/golden/name (go test ./internal/views -update
// rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got)
}

func TestPlanGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sample", "no-changes", "v2"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := loadPlan(t, name)
			checkGolden(t, "plan/"+name+".txt", render(t, func(b *bytes.Buffer) error { return PlanText(b, p, TextOptions{}) }))
			checkGolden(t, "plan/"+name+".color.txt", render(t, func(b *bytes.Buffer) error { return PlanText(b, p, TextOptions{Color: true}) }))
			checkGolden(t, "plan/"+name+".md", render(t, func(b *bytes.Buffer) error { return PlanMarkdown(b, p) }))
			// The JSON plan is the plan itself: the file it was read from, to the byte.
			want, err := os.ReadFile(planFile(name))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(render(t, func(b *bytes.Buffer) error { return PlanJSON(b, p) }))); diff != "" {
				t.Errorf("PlanJSON differs from %s (-file +rendered):\n%s", planFile(name), diff)
			}
		})
	}
}

// Plan writes the format --format names.
func TestPlanFormats(t *testing.T) {
	t.Parallel()
	p := loadPlan(t, "sample")
	for format, want := range map[string]string{FormatText: "Routes to create:", FormatMarkdown: "### Flowroute plan", FormatJSON: `"format_version": 1`} {
		if got := string(render(t, func(b *bytes.Buffer) error { return Plan(b, p, format, false) })); !strings.Contains(got, want) {
			t.Errorf("format %s lacks %q:\n%s", format, want, got)
		}
	}
}

func TestPlanText(t *testing.T) {
	t.Parallel()
	text := func(p *plan.Plan, color bool) string {
		return string(render(t, func(b *bytes.Buffer) error { return PlanText(b, p, TextOptions{Color: color}) }))
	}
	t.Run("no changes", func(t *testing.T) {
		t.Parallel()
		if got := text(loadPlan(t, "no-changes"), false); !strings.Contains(got, "No changes.") {
			t.Errorf("output lacks %q:\n%s", "No changes.", got)
		}
	})
	t.Run("summary line counts", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			s    plan.Summary
			want string
		}{
			{plan.Summary{RoutesToCreate: 1, NumbersToPurchase: 2, NumbersToUpdate: 3}, "Plan: 1 route to create, 2 numbers to purchase, 3 numbers to update."},
			{plan.Summary{RoutesToCreate: 2, NumbersToPurchase: 1, NumbersToUpdate: 1}, "Plan: 2 routes to create, 1 number to purchase, 1 number to update."},
			{plan.Summary{NumbersToUpdate: 1}, "Plan: 0 routes to create, 0 numbers to purchase, 1 number to update."},
			{plan.Summary{NumbersToRelease: 1, RoutesToDelete: 2, E911ToCreate: 2, CNAMsToCreate: 1},
				"Plan: 1 number to RELEASE, 2 routes to delete, 0 routes to create, 0 numbers to purchase, 0 numbers to update, 1 CNAM record to create, 2 E911 addresses to create."},
		} {
			p := &plan.Plan{Changes: []plan.Change{{Action: plan.SetRoutes}}, Summary: tt.s}
			if got := summaryLine(p); got != tt.want {
				t.Errorf("summaryLine(%+v) = %q, want %q", tt.s, got, tt.want)
			}
		}
	})
	t.Run("errors without changes do not claim the account matches", func(t *testing.T) {
		t.Parallel()
		p := &plan.Plan{Diagnostics: []plan.Diagnostic{{Severity: plan.Error, Message: "boom"}}}
		got := text(p, false)
		if strings.Contains(got, "matches the spec") || !strings.Contains(got, "cannot be applied") {
			t.Errorf("output:\n%s", got)
		}
	})
	t.Run("no colour unless asked", func(t *testing.T) {
		t.Parallel()
		if got := text(loadPlan(t, "sample"), false); strings.Contains(got, "\x1b[") {
			t.Errorf("plain output has escape sequences:\n%q", got)
		}
		got := text(loadPlan(t, "sample"), true)
		for _, want := range []string{ansiGreen + "+" + ansiReset, ansiYellow + "~" + ansiReset, ansiRed + "Error:" + ansiReset} {
			if !strings.Contains(got, want) {
				t.Errorf("coloured output lacks %q", want)
			}
		}
	})
	t.Run("unmanaged list is capped", func(t *testing.T) {
		t.Parallel()
		got := text(loadPlan(t, "sample"), false)
		if !strings.Contains(got, "… and 4 more") { // 1 route + 23 numbers, 20 shown
			t.Errorf("output lacks the cap:\n%s", got)
		}
	})
	t.Run("unmanaged ignored", func(t *testing.T) {
		t.Parallel()
		p := loadPlan(t, "sample")
		p.Policy.Unmanaged = spec.UnmanagedIgnore
		if got := text(p, false); strings.Contains(got, "Unmanaged") || strings.Contains(got, "13125550000") {
			t.Errorf("policy ignore still lists unmanaged objects:\n%s", got)
		}
	})
	t.Run("values from the account cannot drive the terminal", func(t *testing.T) {
		t.Parallel()
		p := &plan.Plan{Changes: []plan.Change{{Action: plan.SetRoutes, Key: "12065550100",
			Before: map[string]string{"primary_route": "evil\x1b]0;pwned\x07\n", "failover_route": "x"},
			After:  map[string]string{"primary_route": "pbx", "failover_route": "x"}}}}
		if got := text(p, false); strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, `evil\x1b]0;pwned\a\n -> pbx`) {
			t.Errorf("output:\n%q", got)
		}
	})
}

// The group titles, signs and summary words of the plans are those of the table of actions.
func TestPlanWordsAreTheTables(t *testing.T) {
	t.Parallel()
	p := loadPlan(t, "v2")
	text := string(render(t, func(b *bytes.Buffer) error { return PlanText(b, p, TextOptions{}) }))
	md := string(render(t, func(b *bytes.Buffer) error { return PlanMarkdown(b, p) }))
	for _, in := range plan.Actions() {
		if len(changesOf(p, in.Action)) == 0 {
			continue
		}
		if n := shownOnce(p.Summary, p.Changes).Of(in.Action); !strings.Contains(summaryLine(p), count(n, in)+" "+in.Verb) {
			t.Errorf("the summary line lacks %q:\n%s", count(n, in)+" "+in.Verb, summaryLine(p))
		}
		if in.Sign == "-" {
			continue
		}
		if title := groupTitle(in); !plan.IsNumberUpdate(in.Action) && !strings.Contains(text, title+"\n") {
			t.Errorf("the text plan lacks the title %q", title)
		}
		if row := "| " + in.Sign + " | " + strings.ReplaceAll(string(in.Action), "_", " ") + " |"; !strings.Contains(md, row) {
			t.Errorf("the Markdown plan lacks a row starting %q", row)
		}
	}
}

// The releases come first in every plan, with the warning.
func TestPlanShowsReleasesFirst(t *testing.T) {
	t.Parallel()
	p := loadPlan(t, "v2")
	for name, out := range map[string]string{
		"text":     string(render(t, func(b *bytes.Buffer) error { return PlanText(b, p, TextOptions{}) })),
		"markdown": string(render(t, func(b *bytes.Buffer) error { return PlanMarkdown(b, p) })),
		"json":     string(render(t, func(b *bytes.Buffer) error { return PlanJSON(b, p) })),
	} {
		first := strings.Index(out, "13125550000")
		earlier := func(s string) bool { i := strings.Index(out, s); return i != -1 && i < first }
		if first < 0 || !strings.Contains(out, plan.ReleaseWarning) || earlier("update_route") || earlier("pbx") {
			t.Errorf("the %s plan does not show the releases first, with the warning:\n%s", name, out)
		}
	}
}

func TestPlanJSONIsThePlan(t *testing.T) {
	t.Parallel()
	p := loadPlan(t, "sample")
	var got plan.Plan
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return PlanJSON(b, p) }), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, &got); diff != "" {
		t.Errorf("JSON round trip (-plan +decoded):\n%s", diff)
	}
	empty := string(render(t, func(b *bytes.Buffer) error { return PlanJSON(b, &plan.Plan{}) }))
	if !strings.Contains(empty, `"changes": []`) || !strings.Contains(empty, `"diagnostics": []`) {
		t.Errorf("empty lists must be [] for consumers:\n%s", empty)
	}
}

func TestPlanMarkdownFoldsLongLists(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Changes: []plan.Change{}}
	for i := range markdownMaxChanges + 5 {
		p.Changes = append(p.Changes, plan.Change{Action: plan.Purchase, Key: fmt.Sprintf("1206555%04d", i),
			After: map[string]string{"billing_method": "METERED"}, Cost: &plan.Cost{Monthly: money.MustParse("1")}})
	}
	p.Summary.NumbersToPurchase = len(p.Changes)
	got := string(render(t, func(b *bytes.Buffer) error { return PlanMarkdown(b, p) }))
	for _, want := range []string{"<details><summary>205 changes</summary>", "… and 5 more", "</details>"} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if strings.Contains(got, "12065550204") {
		t.Error("Markdown lists more rows than markdownMaxChanges")
	}
}

// A callback URL's password never reaches a pull request: the text and Markdown plans print
// it as xxxxx.
func TestPlansHideURLPasswords(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Changes: []plan.Change{{Action: plan.SetCallback, Key: "12065550100",
		Before: map[string]string{"sms_callback": ""}, After: map[string]string{"sms_callback": "https://bot:hunter2@example.com/sms"}}}}
	for _, format := range []string{"text", "markdown"} {
		var b strings.Builder
		if err := Plan(&b, p, format, false); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "https://bot:xxxxx@example.com/sms") {
			t.Errorf("%s plan:\n%s", format, b.String())
		}
	}
}
