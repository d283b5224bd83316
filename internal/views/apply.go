package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// Apply shows an apply: the progress of its changes, its report and its verification.
type Apply struct {
	Out, Err                 io.Writer
	OutTerminal, ErrTerminal bool
	// Color is for the text plan of the differences the verification finds.
	Color bool
}

// Progress returns the handler of the apply's events, and a function to call when the apply
// ends. Each finished change prints its line on Out, so that every log of the apply (a CI log,
// apply | tee log) has them all. When Out and Err are both terminals, a progress bar on Err
// shows the change in flight and the count; each line is printed above it, so that the lines
// stay on screen once the bar is gone.
func (v *Apply) Progress(total int) (events func(apply.Event), done func()) {
	fmt.Fprintln(v.Out) // after the plan and the question
	if !v.OutTerminal || !v.ErrTerminal {
		return func(e apply.Event) {
			if e.Kind == apply.Finished {
				fmt.Fprintln(v.Out, applyLine(e.Result))
			}
		}, func() {}
	}
	// Not throttled: the bar is drawn again after each line, as often as lines are printed.
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(v.Err),
		progressbar.OptionSetDescription("Applying"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionSetWidth(30),
	)
	return func(e apply.Event) {
			switch e.Kind {
			case apply.Started:
				bar.Describe(fmt.Sprintf("Applying %s %s", e.Result.Change.Action, clean(e.Result.Change.Key)))
			case apply.Finished:
				bar.Clear()
				fmt.Fprintln(v.Out, applyLine(e.Result))
				bar.Add(1) // draws the bar again, below the line, or clears it after the last change
			}
		}, func() {
			bar.Finish()
			bar.Exit()
		}
}

// applyLine is one finished change: "+ route pbx created", "~ number 12065550100 updated
// (primary pbx, failover backup)", "! create_route pbx failed: …", "- set_routes 12065550100
// skipped: …". An applied change has its sign, noun and verb from the table of actions.
func applyLine(r apply.Result) string {
	c := r.Change
	switch r.Status {
	case apply.Failed:
		return fmt.Sprintf("! %s %s failed: %s", c.Action, clean(c.Key), r.Error)
	case apply.Skipped:
		return fmt.Sprintf("- %s %s skipped: %s", c.Action, clean(c.Key), r.Reason)
	}
	in := info(c.Action)
	line := in.Sign + " " + in.Noun + " " + clean(c.Key) + " " + in.Done
	if what := appliedFields(c); len(what) > 0 {
		line += " (" + strings.Join(what, ", ") + ")"
	}
	if r.Note != "" {
		line += "; " + r.Note
	}
	return line
}

// appliedFields say what an applied change set: a purchase's billing method and cost, a
// number's routes, the fields other changes change; nothing for a route created, which has a
// line of the plan.
func appliedFields(c plan.Change) []string {
	var what []string
	switch c.Action {
	case plan.CreateRoute:
	case plan.Purchase:
		if m := c.After["billing_method"]; m != "" {
			what = append(what, m)
		}
		if c.Cost != nil {
			what = append(what, fmt.Sprintf("%s + %s/month", c.Cost.Initial, c.Cost.Monthly))
		}
	case plan.SetRoutes:
		for _, f := range []struct{ label, field string }{{"primary", "primary_route"}, {"failover", "failover_route"}} {
			if r := c.After[f.field]; r != "" { // v2 numbers may have no failover route
				what = append(what, f.label+" "+clean(r))
			}
		}
	default:
		for _, l := range fieldLines(c) {
			what = append(what, l.field+" "+clean(orNone(l.after)))
		}
	}
	return what
}

// Report prints what the apply did, as the account shows it: "Apply complete: …" when every
// change was applied and verified shows each one's effect, or else what was applied, what the
// server answered success to and the account does not show, what failed and why, and what was
// skipped and because of what. verified is the spec planned again after the apply: a change
// reported applied that it plans again did not take effect. It is nil when the account could
// not be read again; then the report says what the server answered.
func (v *Apply) Report(rep *apply.Report, verified *plan.Plan) {
	w := v.Out
	applied, notDone := checkEffects(rep.Results, verified)
	fmt.Fprintln(w)
	if len(applied) == len(rep.Results) {
		fmt.Fprintln(w, appliedSummary(applied))
	} else {
		v.incomplete(rep, len(applied), notDone)
	}
	if rep.Interrupted {
		fmt.Fprintln(w, "Interrupted: nothing new was started. Run apply again to finish; it picks up where this run stopped.")
	}
}

// incomplete prints the count of each outcome and every change that did not take effect.
func (v *Apply) incomplete(rep *apply.Report, applied int, notDone []string) {
	w := v.Out
	counts := plural(applied, "change", "changes") + " applied"
	if len(notDone) > 0 {
		counts += fmt.Sprintf(", %d not done", len(notDone))
	}
	fmt.Fprintf(w, "Apply incomplete: %s, %d failed, %d skipped.\n", counts, rep.Count(apply.Failed), rep.Count(apply.Skipped))
	if len(notDone) > 0 {
		fmt.Fprintln(w, "Not done:")
		for _, l := range notDone {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	for _, s := range []struct {
		status apply.Status
		title  string
	}{{apply.Failed, "Failed:"}, {apply.Skipped, "Skipped:"}} {
		if results := rep.Of(s.status); len(results) > 0 {
			fmt.Fprintln(w, s.title)
			for _, r := range results {
				fmt.Fprintf(w, "  %s\n", applyLine(r))
			}
		}
	}
}

// checkEffects splits the results reported applied into those whose effect the account shows
// and those verified plans again, each of these with what the account shows instead: "release
// 12065550100: the server answered success, but the account still owns the number".
func checkEffects(results []apply.Result, verified *plan.Plan) (applied []apply.Result, notDone []string) {
	again := map[[2]string]plan.Change{}
	if verified != nil {
		for _, c := range verified.Changes {
			again[[2]string{string(c.Action), c.Key}] = c
		}
	}
	for _, r := range results {
		if r.Status != apply.Applied {
			continue
		}
		if c, ok := again[[2]string{string(r.Change.Action), r.Change.Key}]; ok {
			notDone = append(notDone, fmt.Sprintf("%s %s: the server answered success, but %s", c.Action, clean(c.Key), stillPhrase(c)))
			continue
		}
		applied = append(applied, r)
	}
	return applied, notDone
}

// stillPhrase says what the account shows of a change that is still to be made: "the account
// still owns the number", "the account does not have the route", "the account still has
// primary_route sip-reg".
func stillPhrase(c plan.Change) string {
	in := info(c.Action)
	has, have := "has", "have"
	if in.Object == plan.NumberObject {
		has, have = "owns", "own"
	}
	switch in.Sign {
	case "-":
		return "the account still " + has + " the " + in.Noun
	case "+":
		return "the account does not " + have + " the " + in.Noun
	}
	var fields []string
	for _, l := range fieldLines(c) {
		fields = append(fields, l.field+" "+clean(orNone(l.before)))
	}
	if len(fields) == 0 {
		return "the account still differs"
	}
	return "the account still has " + strings.Join(fields, ", ")
}

// appliedSummary is "Apply complete: 1 route created, 2 numbers purchased, 1 number updated.",
// counted as the plan's summary line counts them: every kind of change (route updates, CNAM
// records, E911 addresses, releases and deletions when there are some), and a number once,
// as a purchase when it was bought, else as one update whatever fields changed.
func appliedSummary(results []apply.Result) string {
	changes := make([]plan.Change, 0, len(results))
	for _, r := range results {
		changes = append(changes, r.Change)
	}
	s, _ := plan.Totals(changes)
	parts := summaryParts(shownOnce(s, changes), func(in plan.ActionInfo) string { return in.Done })
	return "Apply complete: " + strings.Join(parts, ", ") + "."
}

// Verification prints what planning the spec again after the apply found, err when the
// account could not be read: "Verified: the account matches the spec.", or the differences
// that remain, as a text plan. It reports whether the account matches the spec.
func (v *Apply) Verification(p *plan.Plan, err error) bool {
	if err != nil {
		fmt.Fprintf(v.Err, "Error: verifying: reading the account: %v\n", err)
		return false
	}
	if p.Empty() && !p.HasErrors() {
		fmt.Fprintln(v.Out, "Verified: the account matches the spec.")
		return true
	}
	fmt.Fprintln(v.Out, "\nVerification: the account still differs from the spec:")
	if err := PlanText(v.Out, p, TextOptions{Color: v.Color}); err != nil {
		fmt.Fprintf(v.Err, "Error: %v\n", err)
	}
	return false
}
