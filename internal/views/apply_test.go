package views

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

func TestApplyReportRendering(t *testing.T) {
	t.Parallel()
	route := plan.Change{Action: plan.CreateRoute, Key: "pbx-backup", After: map[string]string{"type": "URI", "value": "sip:x@example.com"}}
	cost := &plan.Cost{Initial: money.MustParse("1.00"), Monthly: money.MustParse("1.25")}
	buy := plan.Change{Action: plan.Purchase, Key: "12067439178", After: map[string]string{"billing_method": "METERED"}, Cost: cost}
	set := plan.Change{Action: plan.SetRoutes, Key: "12067439178", After: map[string]string{"primary_route": "pbx-backup", "failover_route": "sip-reg"}}
	set2 := plan.Change{Action: plan.SetRoutes, Key: "12062092844", After: map[string]string{"primary_route": "sip-reg", "failover_route": "sip-reg"}}
	set3 := plan.Change{Action: plan.SetRoutes, Key: "12062090122", After: map[string]string{"primary_route": "pbx-backup", "failover_route": ""}} // v2: no failover
	rep := &apply.Report{Results: []apply.Result{
		{Change: route, Status: apply.Failed, Error: "PUT /v1/routes/pbx-backup: 422 Invalid value.", Attempts: 1},
		{Change: buy, Status: apply.Applied, Note: "confirmed by reading the account after the answer was lost", Attempts: 1},
		{Change: set, Status: apply.Skipped, Reason: "depends on failed create_route pbx-backup"},
		{Change: set2, Status: apply.Applied, Attempts: 1},
		{Change: set3, Status: apply.Applied, Attempts: 1},
	}}
	var b bytes.Buffer
	for _, r := range rep.Results {
		fmt.Fprintln(&b, applyLine(r))
	}
	(&Apply{Out: &b}).Report(rep, &plan.Plan{})
	checkGolden(t, "apply/report-incomplete.txt", b.Bytes())
}

// The report after a complete apply counts what the plan's summary line counted: every kind
// of change, and a number bought with its fields once, as a purchase.
func TestAppliedSummaryCountsEveryKind(t *testing.T) {
	t.Parallel()
	applied := func(changes ...plan.Change) []apply.Result {
		var rs []apply.Result
		for _, c := range changes {
			rs = append(rs, apply.Result{Change: c, Status: apply.Applied})
		}
		return rs
	}
	for _, tc := range []struct {
		results []apply.Result
		want    string
	}{
		{applied(
			plan.Change{Action: plan.UpdateRoute, Key: "pbx"},
			plan.Change{Action: plan.SetAlias, Key: "12062090105"},
			plan.Change{Action: plan.SetCNAM, Key: "12062090105"},
		), "Apply complete: 0 routes created, 1 route updated, 0 numbers purchased, 1 number updated."},
		{applied(
			plan.Change{Action: plan.CreateRoute, Key: "pbx"},
			plan.Change{Action: plan.CreateCNAM, Key: "ACME"},
			plan.Change{Action: plan.CreateE911, Key: "hq"},
			plan.Change{Action: plan.CreateE911, Key: "branch"},
			plan.Change{Action: plan.Purchase, Key: "12062090105"},
			plan.Change{Action: plan.SetRoutes, Key: "12062090105"},
			plan.Change{Action: plan.SetE911, Key: "12062090105"},
			plan.Change{Action: plan.SetRoutes, Key: "12062090122"},
		), "Apply complete: 1 route created, 1 number purchased, 1 number updated, 1 CNAM record created, 2 E911 addresses created."},
	} {
		if got := appliedSummary(tc.results); got != tc.want {
			t.Errorf("appliedSummary = %q\nwant             %q", got, tc.want)
		}
	}
}

// An applied change's line has the sign, noun and verb of its row of the table of actions.
func TestApplyLinesAreTheTables(t *testing.T) {
	t.Parallel()
	for _, in := range plan.Actions() {
		got := applyLine(apply.Result{Change: plan.Change{Action: in.Action, Key: "k"}, Status: apply.Applied})
		if want := in.Sign + " " + in.Noun + " k " + in.Done; !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want it to start %q", in.Action, got, want)
		}
	}
	got := applyLine(apply.Result{Status: apply.Applied, Change: plan.Change{Action: plan.UpdateRoute, Key: "pbx",
		Before: map[string]string{"type": "HOST", "value": "10.0.0.1"}, After: map[string]string{"type": "HOST", "value": "10.0.0.2"}}})
	if want := "~ route pbx updated (value 10.0.0.2)"; got != want {
		t.Errorf("route update: %q, want %q", got, want)
	}
}

// A change the server answered success to, and the account does not show when the spec is
// planned again, is reported not done, with what the account shows: the summary claims only
// what the verification confirms.
func TestReportNotDone(t *testing.T) {
	t.Parallel()
	release := func(tn string) plan.Change { return plan.Change{Action: plan.Release, Key: tn} }
	setRoutes := plan.Change{Action: plan.SetRoutes, Key: "12065550102", After: map[string]string{"primary_route": "pbx", "failover_route": ""}}
	rep := &apply.Report{Results: []apply.Result{
		{Change: release("12065550100"), Status: apply.Applied},
		{Change: release("12065550101"), Status: apply.Applied},
		{Change: setRoutes, Status: apply.Applied},
		{Change: plan.Change{Action: plan.CreateRoute, Key: "pbx"}, Status: apply.Applied},
	}}
	verified := &plan.Plan{Changes: []plan.Change{
		release("12065550100"),
		release("12065550101"),
		{Action: plan.SetRoutes, Key: "12065550102", Before: map[string]string{"primary_route": "sip-reg", "failover_route": ""}, After: setRoutes.After},
		{Action: plan.DeleteRoute, Key: "old"}, // not applied: no word of it in the report
	}}
	var b bytes.Buffer
	(&Apply{Out: &b}).Report(rep, verified)
	want := `
Apply incomplete: 1 change applied, 3 not done, 0 failed, 0 skipped.
Not done:
  release 12065550100: the server answered success, but the account still owns the number
  release 12065550101: the server answered success, but the account still owns the number
  set_routes 12065550102: the server answered success, but the account still has primary_route sip-reg
`
	if b.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), want)
	}

	// Without a verification (the account could not be read again), the server's answers.
	b.Reset()
	(&Apply{Out: &b}).Report(rep, nil)
	if want := "Apply complete: 2 numbers released, 1 route created, 0 numbers purchased, 1 number updated.\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("report without verification:\n%s\nwant %q", b.String(), want)
	}
	// Verified clean: complete.
	b.Reset()
	(&Apply{Out: &b}).Report(&apply.Report{Results: rep.Results[3:], Interrupted: true}, &plan.Plan{})
	if want := "\nApply complete: 1 route created, 0 numbers purchased, 0 numbers updated.\nInterrupted: "; !strings.HasPrefix(b.String(), want) {
		t.Errorf("report:\n%s\nwant it to start %q", b.String(), want)
	}
}

func TestStillPhrase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    plan.Change
		want string
	}{
		{plan.Change{Action: plan.Purchase, Key: "12065550100"}, "the account does not own the number"},
		{plan.Change{Action: plan.CreateRoute, Key: "pbx"}, "the account does not have the route"},
		{plan.Change{Action: plan.DeleteRoute, Key: "old"}, "the account still has the route"},
		{plan.Change{Action: plan.SetAlias, Key: "12065550100", Before: map[string]string{"alias": ""}, After: map[string]string{"alias": "desk"}}, "the account still has alias (none)"},
		{plan.Change{Action: plan.SetCallback, Key: "12065550100"}, "the account still differs"},
	} {
		if got := stillPhrase(tc.c); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.c.Action, tc.c.Key, got, tc.want)
		}
	}
}
