package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/views"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// planCmd reads the account and prints what apply would change.
type planCmd struct {
	specInput
	Out              string `placeholder:"FILE" type:"path" help:"Also save the plan to FILE, for 'apply FILE' (not written when the plan has errors)."`
	Format           string `enum:"text,json,markdown" default:"text" help:"Output format: text, json or markdown."`
	DetailedExitcode bool   `name:"detailed-exitcode" help:"Exit 2 when there are changes (0 none, 1 error)."`
	limitFlags
}

// limitFlags are ceilings CI sets outside the spec, so that a pull request that edits the spec
// cannot buy, update or release more than they allow: they only ever lower the spec's policy.
type limitFlags struct {
	MaxPurchases *int `name:"max-purchases" placeholder:"N" env:"FLOWROUTE_MAX_PURCHASES" help:"Refuse a plan that buys more than N numbers (lowers policy.max_purchases, never raises it)."`
	MaxUpdates   *int `name:"max-updates" placeholder:"N" env:"FLOWROUTE_MAX_UPDATES" help:"Refuse a plan that updates more than N numbers (lowers policy.max_updates, never raises it)."`
	MaxReleases  *int `name:"max-releases" placeholder:"N" env:"FLOWROUTE_MAX_RELEASES" help:"Refuse a plan that releases more than N numbers (lowers policy.max_releases, never raises it)."`
	// MaxRouteDeletes: route deletions have a limit too, lowered the same way.
	MaxRouteDeletes *int `name:"max-route-deletes" placeholder:"N" env:"FLOWROUTE_MAX_ROUTE_DELETES" help:"Refuse a plan that deletes more than N routes (lowers policy.max_route_deletes, never raises it)."`
}

// limits returns the ceilings, refusing a negative one.
func (l limitFlags) limits() (plan.Limits, error) {
	for _, f := range []struct {
		name string
		v    *int
	}{{"--max-purchases", l.MaxPurchases}, {"--max-updates", l.MaxUpdates}, {"--max-releases", l.MaxReleases}, {"--max-route-deletes", l.MaxRouteDeletes}} {
		if f.v != nil && *f.v < 0 {
			return plan.Limits{}, fmt.Errorf("%s %d: want 0 or more", f.name, *f.v)
		}
	}
	return plan.Limits{MaxPurchases: l.MaxPurchases, MaxUpdates: l.MaxUpdates, MaxReleases: l.MaxReleases, MaxRouteDeletes: l.MaxRouteDeletes}, nil
}

func (c *planCmd) Run(g *Globals, sess *session) error {
	limits, err := c.limits()
	if err != nil {
		return err
	}
	desired, err := loadSpec(g, c.Files, "Error: ")
	if err != nil {
		return renderSpecErrors(g, c.Format, err)
	}
	acct, opts, err := planAgainst(g, sess, limits)
	if err != nil {
		return err
	}
	p, err := makePlan(sess.ctx, g, acct, desired, opts)
	if err != nil {
		return err
	}

	if err := views.Plan(g.stdout, p, c.Format, g.color()); err != nil {
		return err
	}
	annotatePlan(g, p)
	if err := planStepSummary(p); err != nil {
		fmt.Fprintf(g.stderr, "Warning: writing the GitHub step summary: %v\n", err)
	}
	if c.Out != "" {
		if p.HasErrors() {
			fmt.Fprintf(g.stderr, "The plan has errors: %s was not written.\n", c.Out)
		} else if err := (&plan.File{Spec: desired, Plan: p}).Save(c.Out, sess.SigningKey()); err != nil {
			return err
		} else {
			fmt.Fprintf(g.stderr, "Saved the plan to %s, for %s. Apply exactly this plan with: %s\n",
				c.Out, opts.Account, strings.Join(append(append([]string{"flowroute-numbers"}, g.accountFlags()...), "apply", shellQuote(c.Out)), " "))
		}
	}
	switch {
	case p.HasErrors():
		return exitCode(1)
	case !p.Empty() && c.DetailedExitcode:
		return exitCode(2)
	}
	return nil
}

// planAgainst connects to the account and returns it with the options plan and apply make
// their plans with: the ceilings, the account's identity (which a plan file is bound to) and
// the day.
func planAgainst(g *Globals, sess *session, limits plan.Limits) (account.Backend, plan.Options, error) {
	acct, err := sess.Backend()
	if err != nil {
		return nil, plan.Options{}, err
	}
	id, err := sess.Identity()
	if err != nil {
		return nil, plan.Options{}, err
	}
	today, err := g.today()
	if err != nil {
		return nil, plan.Options{}, err
	}
	return acct, plan.Options{Limits: limits, Account: &id, Today: today}, nil
}

// makePlan plans the spec against the account, showing on stderr how the reading goes, and
// adds the spec's warnings to the plan's diagnostics.
func makePlan(ctx context.Context, g *Globals, acct account.Reader, desired *spec.Spec, opts plan.Options) (*plan.Plan, error) {
	progress, done := views.FetchProgress(g.stderr, g.streams.ErrTerminal)
	opts.Progress = progress
	p, _, err := plan.Make(ctx, acct, desired, opts)
	done()
	if err != nil {
		return nil, fmt.Errorf("planning: %w", err)
	}
	withSpecWarnings(p, desired)
	return p, nil
}

// planStepSummary appends the plan as Markdown to the file named by $GITHUB_STEP_SUMMARY, when
// it is set, so that a GitHub Actions run shows the plan on its summary page.
func planStepSummary(p *plan.Plan) error {
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	if err := views.PlanMarkdown(&b, p); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
