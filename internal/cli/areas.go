package cli

import (
	"context"
	"fmt"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
)

// areasCmd lists the NPAs that have numbers for sale, or the NPA-NXXs of one NPA.
type areasCmd struct {
	NPA   string `name:"npa" placeholder:"NPA" help:"List the NPA-NXXs (exchanges) of this area code, 3 digits, instead of the area codes."`
	Limit int    `name:"limit" default:"0" help:"Show at most N (0: all)."`
}

func (c *areasCmd) Run(g *Globals, sess *session) error {
	if c.NPA != "" && !isDigitsN(c.NPA, 3) {
		return fmt.Errorf("areas: --npa %q: want 3 digits", c.NPA)
	}
	if c.Limit < 0 {
		return fmt.Errorf("areas: --limit %d: want 0 (all) or more", c.Limit)
	}
	ctx := sess.ctx
	client, err := sess.Client()
	if err != nil {
		return err
	}

	var lines []string
	if c.NPA == "" {
		npas, err := listFirst(ctx, c.Limit, client.ListNPAs, client.AllNPAs)
		if err != nil {
			return fmt.Errorf("areas: %w", err)
		}
		lines = npas
	} else {
		npanxxs, err := listFirst(ctx, c.Limit,
			func(ctx context.Context, opt flowroute.PageOptions) (*flowroute.Page[flowroute.NPANXX], error) {
				return client.ListNPANXXs(ctx, c.NPA, opt)
			},
			func(ctx context.Context) ([]flowroute.NPANXX, error) { return client.AllNPANXXs(ctx, c.NPA) })
		if err != nil {
			return fmt.Errorf("areas: %w", err)
		}
		for _, n := range npanxxs {
			if n.NPA == c.NPA { // the server matches the NPA as a substring
				lines = append(lines, n.NPA+"-"+n.NXX)
			}
		}
	}
	for _, l := range lines {
		fmt.Fprintln(g.stdout, l)
	}
	switch {
	case len(lines) == 0 && c.NPA == "":
		fmt.Fprintln(g.stderr, "No area codes have numbers for sale.")
	case len(lines) == 0:
		fmt.Fprintf(g.stderr, "No exchanges of %s have numbers for sale.\n", c.NPA)
	case c.NPA == "":
		fmt.Fprintf(g.stderr, "%s. List the exchanges of one with: areas --npa %s\n", nounCount(len(lines), "area code"), lines[0])
	default:
		fmt.Fprintf(g.stderr, "%s. Search one with: search --npa %s --nxx %s\n", nounCount(len(lines), "exchange"), c.NPA, lines[0][4:])
	}
	return nil
}

// listFirst returns the first limit items of a list, with one page call when a page holds
// them, or every item (walking all pages) when limit is 0 or larger than a page.
func listFirst[T any](ctx context.Context, limit int,
	page func(context.Context, flowroute.PageOptions) (*flowroute.Page[T], error),
	all func(context.Context) ([]T, error),
) ([]T, error) {
	if limit > 0 && limit <= flowroute.MaxLimit {
		p, err := page(ctx, flowroute.PageOptions{Limit: limit, Page: 1})
		if err != nil {
			return nil, err
		}
		return p.Items, nil
	}
	items, err := all(ctx)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items, nil
}
