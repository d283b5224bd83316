package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// applyCmd applies a spec (planning it first) or a plan saved by 'plan --out'.
type applyCmd struct {
	Files       []string `name:"file" short:"f" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable): plan it, then apply."`
	Args        []string `arg:"" optional:"" name:"planfile-or-spec" help:"A plan saved by 'plan --out' (apply exactly it, refusing it if the account changed since), or spec files and directories (*.yaml, *.yml) as with -f."`
	PlanFile    string   `kong:"-"` // the plan file among Args, set by Validate
	AutoApprove bool     `name:"auto-approve" help:"Apply without asking for confirmation (required when standard input is not a terminal, as in CI)."`
	// ExpectDigest binds the apply on merge to the plan a person reviewed on the pull request.
	ExpectDigest string `name:"expect-digest" placeholder:"sha256:…" env:"FLOWROUTE_EXPECT_DIGEST" help:"Apply only if the plan computed now has exactly this digest (the 'Plan digest' of the reviewed plan); otherwise refuse and change nothing."`
	limitFlags
}

// digestRE matches a plan's digest as plan prints it.
var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// applyQuestion ends the confirmation prompt, which first names the account; only the exact
// answer "yes" applies.
const applyQuestion = "Only 'yes' will be accepted: "

func (c *applyCmd) Run(g *Globals, sess *session) error {
	switch {
	case c.ExpectDigest != "" && !digestRE.MatchString(c.ExpectDigest):
		return fmt.Errorf("--expect-digest %q: want a plan digest, sha256: and 64 lower-case hex digits, as the plan prints it", c.ExpectDigest)
	case len(c.Files) == 0 && c.PlanFile == "":
		return errors.New("nothing to apply: give a spec (-f SPEC, or SPEC files and directories as arguments) to plan and apply, or a PLANFILE saved by 'plan --out'")
	case len(c.Files) > 0 && c.PlanFile != "":
		return errors.New("give either -f SPEC (plan it and apply) or a PLANFILE saved by 'plan --out', not both")
	}
	ctx := sess.ctx
	limits, err := c.limits()
	if err != nil {
		return err
	}

	desired, saved, err := c.load(g)
	if err != nil {
		return err
	}
	acct, err := sess.Backend()
	if err != nil {
		return err
	}
	id, err := sess.Identity()
	if err != nil {
		return err
	}
	if saved != nil {
		if err := apply.CheckAccount(saved.Plan, id); err != nil {
			return err
		}
		if err := saved.Verify(sess.SigningKey()); err != nil {
			return &apply.RefusedError{Reason: fmt.Sprintf("%s: %v", c.PlanFile, err)}
		}
	}
	today, err := g.today()
	if err != nil {
		return err
	}
	opts := plan.Options{Limits: limits, Account: &id, Today: today}
	var p *plan.Plan
	if saved == nil {
		progress, fetched := planFetchProgress(g.stderr, g.streams.ErrTerminal)
		opts.Progress = progress
		p, _, err = plan.Make(ctx, acct, desired, opts)
		fetched()
		opts.Progress = nil
		if err != nil {
			return fmt.Errorf("planning: %w", err)
		}
	} else {
		p = saved.Plan
	}
	color := plan.TextOptions{Color: g.color()}
	annotatePlan(g, p)

	switch {
	case p.HasErrors():
		if err := plan.RenderText(g.stdout, p, color); err != nil {
			return err
		}
		return errors.New("the plan has errors: nothing was applied")
	case p.Empty():
		return plan.RenderText(g.stdout, p, color) // "No changes."
	}
	// A saved plan is a commitment: its spec is planned again against the account now, and
	// only a plan equal to the saved one is shown and applied (the changes, costs and totals
	// computed now, not read from the file). Checked before asking, so that nobody is asked
	// about a stale or edited plan, and again after the answer, since the account may change
	// while the question waits.
	recheck := func() error {
		if saved == nil {
			return nil
		}
		var err error
		p, err = apply.Recheck(ctx, acct, saved, opts)
		return err
	}
	if err := recheck(); err != nil {
		return err
	}
	if err := plan.RenderText(g.stdout, p, color); err != nil {
		return err
	}
	if err := apply.CheckDigest(p, c.ExpectDigest); err != nil {
		return err
	}
	if !c.AutoApprove {
		if err := confirm(ctx, g, id); err != nil {
			return err
		}
		if err := recheck(); err != nil {
			return err
		}
	}

	fmt.Fprintln(g.stdout)
	events, finished := applyProgress(g, len(p.Changes))
	rep, err := apply.Run(ctx, acct, p, apply.Options{Parallelism: g.Parallelism, Events: events})
	finished()
	if err != nil {
		return err
	}
	applyReport(g.stdout, rep, g.streams.ErrTerminal)
	if rep.Interrupted {
		fmt.Fprintln(g.stdout, "Interrupted: nothing new was started. Run apply again to finish; it picks up where this run stopped.")
		return exitCode(1)
	}
	verified := applyVerify(ctx, g, acct, desired)
	if !rep.OK() || !verified {
		return exitCode(1)
	}
	return nil
}

// load reads the spec files, or the plan file with the spec it was made from. The file is nil
// when the plan is still to be made.
func (c *applyCmd) load(g *Globals) (*spec.Spec, *plan.File, error) {
	if c.PlanFile == "" {
		desired, err := loadSpec(g, c.Files, "Error: ")
		return desired, nil, err
	}
	f, err := plan.LoadFile(c.PlanFile)
	if err != nil {
		return nil, nil, err
	}
	return f.Spec, f, nil
}

// confirm asks the question on a terminal and returns nil only for the answer "yes". Without
// a terminal there is nobody to ask, and apply refuses rather than guess. Ctrl-C while the
// question waits cancels the apply.
func confirm(ctx context.Context, g *Globals, id account.Identity) error {
	if !g.streams.InTerminal {
		return errors.New("apply refused: standard input is not a terminal, so nobody can confirm the plan; nothing was changed. Review the plan and run again with --auto-approve (as CI does), or run apply from a terminal")
	}
	fmt.Fprintf(g.stdout, "\nApply these changes to %s? %s", id, applyQuestion)
	answer := make(chan string, 1)
	go func() { // ends when a line is read; a process interrupted meanwhile exits anyway
		line, _ := bufio.NewReader(g.stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case a := <-answer:
		if strings.TrimSpace(a) == "yes" {
			return nil
		}
	case <-ctx.Done():
	}
	fmt.Fprintln(g.stdout, "\nApply cancelled: nothing was changed.")
	return exitCode(1)
}

// applyProgress returns the event handler that shows progress, and a function to call when the
// apply ends. On a terminal it draws a progress bar on stderr; elsewhere (CI logs, pipes) it
// prints one line per finished change on stdout.
func applyProgress(g *Globals, total int) (func(apply.Event), func()) {
	if !g.streams.ErrTerminal {
		return func(e apply.Event) {
			if e.Kind == apply.Finished {
				fmt.Fprintln(g.stdout, applyLine(e.Result))
			}
		}, func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(g.stderr),
		progressbar.OptionSetDescription("Applying"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(65*time.Millisecond),
	)
	return func(e apply.Event) {
			switch e.Kind {
			case apply.Started:
				bar.Describe(fmt.Sprintf("Applying %s %s", e.Result.Change.Action, e.Result.Change.Key))
			case apply.Finished:
				bar.Add(1)
			}
		}, func() {
			bar.Finish()
			bar.Exit()
		}
}

// applyLine is one finished change, as the CI log shows it.
func applyLine(r apply.Result) string {
	c := r.Change
	var line string
	switch r.Status {
	case apply.Applied:
		switch c.Action {
		case plan.CreateRoute:
			line = fmt.Sprintf("+ route %s created", c.Key)
		case plan.Purchase:
			var what []string
			if m := c.After["billing_method"]; m != "" {
				what = append(what, m)
			}
			if c.Cost != nil {
				what = append(what, fmt.Sprintf("%s + %s/month", c.Cost.Initial, c.Cost.Monthly))
			}
			line = fmt.Sprintf("+ number %s purchased", c.Key)
			if len(what) > 0 {
				line += " (" + strings.Join(what, ", ") + ")"
			}
		case plan.SetRoutes:
			var routes []string // v2 numbers may have no failover route: "" is left out
			for _, f := range []struct{ label, field string }{{"primary", "primary_route"}, {"failover", "failover_route"}} {
				if r := c.After[f.field]; r != "" {
					routes = append(routes, f.label+" "+r)
				}
			}
			line = fmt.Sprintf("~ number %s routes set (%s)", c.Key, strings.Join(routes, ", "))
		default: // every other action: its name, its object and what it set
			line = fmt.Sprintf("~ %s %s", c.Action, c.Key)
			if len(c.After) > 0 {
				var fields []string
				for _, k := range slices.Sorted(maps.Keys(c.After)) {
					fields = append(fields, k+" "+c.After[k])
				}
				line += " (" + strings.Join(fields, ", ") + ")"
			}
		}
		if r.Note != "" {
			line += "; " + r.Note
		}
	case apply.Failed:
		line = fmt.Sprintf("! %s %s failed: %s", c.Action, c.Key, r.Error)
	case apply.Skipped:
		line = fmt.Sprintf("- %s %s skipped: %s", c.Action, c.Key, r.Reason)
	}
	return line
}

// applyReport prints the summary of the report and, when a change was not applied, every
// failure and skip. listApplied, when a progress bar stood in for the lines of finished
// changes, lists the changes applied as well, so that the user learns which ones were made.
func applyReport(w io.Writer, rep *apply.Report, listApplied bool) {
	fmt.Fprintln(w)
	if rep.OK() {
		fmt.Fprintln(w, appliedSummary(rep.Results))
		return
	}
	fmt.Fprintf(w, "Apply incomplete: %s applied, %d failed, %d skipped.\n",
		nounCount(rep.Count(apply.Applied), "change"), rep.Count(apply.Failed), rep.Count(apply.Skipped))
	for _, s := range []struct {
		status apply.Status
		title  string
	}{{apply.Applied, "Applied:"}, {apply.Failed, "Failed:"}, {apply.Skipped, "Skipped:"}} {
		if s.status == apply.Applied && !listApplied {
			continue
		}
		if results := rep.Of(s.status); len(results) > 0 {
			fmt.Fprintln(w, s.title)
			for _, r := range results {
				fmt.Fprintf(w, "  %s\n", applyLine(r))
			}
		}
	}
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
	counted := map[string]bool{} // numbers bought or released, whose updates are not counted again
	for _, ch := range changes {
		if ch.Action == plan.Purchase || ch.Action == plan.Release {
			counted[ch.Key] = true
		}
	}
	updated := 0
	for _, ch := range changes {
		if plan.IsNumberUpdate(ch.Action) && !counted[ch.Key] {
			counted[ch.Key] = true
			updated++
		}
	}
	var parts []string
	some := func(n int, noun, what string) {
		if n > 0 {
			parts = append(parts, nounCount(n, noun)+" "+what)
		}
	}
	some(s.NumbersToRelease, "number", "released")
	some(s.RoutesToDelete, "route", "deleted")
	parts = append(parts, nounCount(s.RoutesToCreate, "route")+" created")
	some(s.RoutesToUpdate, "route", "updated")
	parts = append(parts, nounCount(s.NumbersToPurchase, "number")+" purchased", nounCount(updated, "number")+" updated")
	some(s.CNAMsToCreate, "CNAM record", "created")
	some(s.E911ToCreate, "E911 address", "created")
	some(s.E911ToUpdate, "E911 address", "updated")
	return "Apply complete: " + strings.Join(parts, ", ") + "."
}

// applyVerify plans the spec again against the account and reports whether nothing is left
// to do, printing what remains when something is.
func applyVerify(ctx context.Context, g *Globals, acct account.Reader, desired *spec.Spec) bool {
	// The day was checked before the apply. No pool is searched: only changes matter here.
	today, _ := g.today()
	p, _, err := plan.Make(ctx, acct, desired, plan.Options{Today: today, Picks: plan.PoolPicks{}})
	if err != nil {
		fmt.Fprintf(g.stderr, "Error: verifying: reading the account: %v\n", err)
		return false
	}
	if p.Empty() && !p.HasErrors() {
		fmt.Fprintln(g.stdout, "Verified: the account matches the spec.")
		return true
	}
	fmt.Fprintln(g.stdout, "\nVerification: the account still differs from the spec:")
	if err := plan.RenderText(g.stdout, p, plan.TextOptions{Color: g.color()}); err != nil {
		fmt.Fprintf(g.stderr, "Error: %v\n", err)
	}
	return false
}
