package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/apply"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/views"
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
	if err := c.check(); err != nil {
		return err
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
	acct, opts, err := planAgainst(g, sess, limits)
	if err != nil {
		return err
	}
	id := *opts.Account
	if saved != nil {
		if err := apply.CheckAccount(saved.Plan, id); err != nil {
			return err
		}
		if err := saved.Verify(sess.SigningKey()); err != nil {
			return &apply.RefusedError{Reason: fmt.Sprintf("%s: %v", c.PlanFile, err)}
		}
	}
	p, err := c.plan(ctx, g, acct, saved, desired, opts)
	if err != nil {
		return err
	}
	color := views.TextOptions{Color: g.color()}
	annotatePlan(g, p)
	switch {
	case p.HasErrors():
		if err := views.PlanText(g.stdout, p, color); err != nil {
			return err
		}
		return errors.New("the plan has errors: nothing was applied")
	case p.Empty():
		return views.PlanText(g.stdout, p, color) // "No changes."
	}
	// A saved plan is a commitment: its spec is planned again against the account now, and
	// only a plan equal to the saved one is shown and applied (the changes, costs and totals
	// computed now, not read from the file). Checked before asking, so that nobody is asked
	// about a stale or edited plan, and again after the answer, since the account may change
	// while the question waits; for the same reason, the plan of a spec is refused after the
	// answer when the account is no longer the one it was made from.
	if saved != nil {
		if p, err = apply.Recheck(ctx, acct, saved, opts); err != nil {
			return err
		}
	}
	if err := views.PlanText(g.stdout, p, color); err != nil {
		return err
	}
	if err := apply.CheckDigest(p, c.ExpectDigest); err != nil {
		return err
	}
	if !c.AutoApprove {
		if err := confirm(ctx, g, id); err != nil {
			return err
		}
		if saved != nil {
			p, err = apply.Recheck(ctx, acct, saved, opts)
		} else {
			err = apply.CheckFresh(ctx, acct, desired, p, opts)
		}
		if err != nil {
			return err
		}
	}
	return c.apply(ctx, g, acct, p, desired, opts.Today)
}

// check refuses arguments that do not say what to apply.
func (c *applyCmd) check() error {
	switch {
	case c.ExpectDigest != "" && !digestRE.MatchString(c.ExpectDigest):
		return fmt.Errorf("--expect-digest %q: want a plan digest, sha256: and 64 lower-case hex digits, as the plan prints it", c.ExpectDigest)
	case len(c.Files) == 0 && c.PlanFile == "":
		return errors.New("nothing to apply: give a spec (-f SPEC, or SPEC files and directories as arguments) to plan and apply, or a PLANFILE saved by 'plan --out'")
	case len(c.Files) > 0 && c.PlanFile != "":
		return errors.New("give either -f SPEC (plan it and apply) or a PLANFILE saved by 'plan --out', not both")
	}
	return nil
}

// plan makes the plan of the spec, or returns the saved plan.
func (c *applyCmd) plan(ctx context.Context, g *Globals, acct account.Reader, saved *plan.File, desired *spec.Spec, opts plan.Options) (*plan.Plan, error) {
	if saved != nil {
		return saved.Plan, nil
	}
	return makePlan(ctx, g, acct, desired, opts)
}

// apply runs the plan, showing its progress, then plans the spec again to verify the account,
// (on today, the day the plan was made for), and reports what was done as the account shows
// it: a change the server answered success to and the verification plans again is reported
// not done. Exit status 1 unless every change was applied and the account matches the spec.
func (c *applyCmd) apply(ctx context.Context, g *Globals, acct account.Backend, p *plan.Plan, desired *spec.Spec, today spec.Date) error {
	view := &views.Apply{Out: g.stdout, Err: g.stderr, OutTerminal: g.streams.OutTerminal, ErrTerminal: g.streams.ErrTerminal, Color: g.color()}
	events, finished := view.Progress(len(p.Changes))
	rep, err := apply.Run(ctx, acct, p, apply.Options{Parallelism: g.Parallelism, Events: events})
	finished()
	if err != nil {
		return err
	}
	if rep.Interrupted {
		view.Report(rep, nil)
		return exitCode(1)
	}
	// No pool is searched: only changes matter here.
	verified, _, verr := plan.Make(ctx, acct, desired, plan.Options{Today: today, Picks: plan.PoolPicks{}})
	view.Report(rep, verified)
	if !view.Verification(verified, verr) || !rep.OK() {
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
