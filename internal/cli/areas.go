package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// areasCmd lists the NPAs that have numbers for sale, or the NPA-NXXs of one NPA.
type areasCmd struct {
	NPA          string `name:"npa" placeholder:"NPA" help:"List the NPA-NXXs (exchanges) of this area code, 3 digits, instead of the area codes."`
	MaxSetupCost string `name:"max-setup-cost" placeholder:"AMOUNT" help:"v2: only areas with a number whose one-time cost is at most AMOUNT, such as 1.00."`
	Limit        int    `name:"limit" default:"0" help:"Show at most N (0: all)."`
}

func (c *areasCmd) Run(g *Globals, sess *session) error {
	if err := (pick.Criteria{NPA: c.NPA}).Check(); err != nil {
		return fmt.Errorf("areas: %w", err)
	}
	if c.Limit < 0 {
		return fmt.Errorf("areas: --limit %d: want 0 (all) or more", c.Limit)
	}
	if c.MaxSetupCost != "" {
		if g.api() != APIv2 {
			return fmt.Errorf("areas: --max-setup-cost needs --api v2: v1 lists areas without their costs (search shows each number's)")
		}
		if a, err := money.Parse(c.MaxSetupCost); err != nil || a < 0 {
			return fmt.Errorf("areas: --max-setup-cost %s: want an amount of 0 or more, e.g. 1.00", c.MaxSetupCost)
		}
	}
	ctx := sess.ctx
	b, err := sess.Backend()
	if err != nil {
		return err
	}
	var lines []string
	switch b := b.(type) {
	case *backend.V1:
		lines, err = c.v1(ctx, b.Client())
	case *backend.V2:
		lines, err = c.v2(ctx, b.Client())
	default:
		return fmt.Errorf("areas: the %s backend cannot list areas", b.Capabilities().API)
	}
	if err != nil {
		return fmt.Errorf("areas: %w", err)
	}
	for _, l := range lines {
		fmt.Fprintln(g.stdout, l)
	}
	// shown counts the lines, and says when --limit may have cut the list short.
	shown := func(noun string) string {
		if c.Limit > 0 && len(lines) >= c.Limit {
			return fmt.Sprintf("The first %s; there may be more (--limit 0 lists all)", nounCount(len(lines), noun))
		}
		return nounCount(len(lines), noun)
	}
	switch {
	case len(lines) == 0 && c.NPA == "":
		fmt.Fprintln(g.stderr, "No area codes have numbers for sale.")
	case len(lines) == 0:
		fmt.Fprintf(g.stderr, "No exchanges of %s have numbers for sale.\n", c.NPA)
	case c.NPA == "":
		fmt.Fprintf(g.stderr, "%s. List the exchanges of one with: areas --npa %s\n", shown("area code"), lines[0])
	default:
		fmt.Fprintf(g.stderr, "%s. Search one with: search --npa %s --nxx %s\n", shown("exchange"), c.NPA, lines[0][4:])
	}
	return nil
}

// v1 lists the area codes, or the NPA-NXXs of --npa, through the v1 client.
func (c *areasCmd) v1(ctx context.Context, client *v1.Client) ([]string, error) {
	if c.NPA == "" {
		return listFirst(ctx, c.Limit, v1.MaxLimit,
			func(ctx context.Context, limit int) ([]string, error) {
				p, err := client.ListNPAs(ctx, v1.PageOptions{Limit: limit, Page: 1})
				if err != nil {
					return nil, err
				}
				return p.Items, nil
			}, client.AllNPAs)
	}
	npanxxs, err := listFirst(ctx, c.Limit, v1.MaxLimit,
		func(ctx context.Context, limit int) ([]v1.NPANXX, error) {
			p, err := client.ListNPANXXs(ctx, c.NPA, v1.PageOptions{Limit: limit, Page: 1})
			if err != nil {
				return nil, err
			}
			return p.Items, nil
		},
		func(ctx context.Context) ([]v1.NPANXX, error) { return client.AllNPANXXs(ctx, c.NPA) })
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, n := range npanxxs {
		if n.NPA == c.NPA { // the server matches the NPA as a substring
			lines = append(lines, n.NPA+"-"+n.NXX)
		}
	}
	return lines, nil
}

// v2 lists the area codes, or the exchanges of --npa, through the v2 client, filtered by
// --max-setup-cost on the server.
func (c *areasCmd) v2(ctx context.Context, client *v2.Client) ([]string, error) {
	if c.NPA == "" {
		return listFirst(ctx, c.Limit, v2.MaxLimit,
			func(ctx context.Context, limit int) ([]string, error) {
				p, err := client.AreaCodes(ctx, c.MaxSetupCost, v2.PageOptions{Limit: limit})
				if err != nil {
					return nil, err
				}
				return p.Items, nil
			},
			func(ctx context.Context) ([]string, error) { return client.AllAreaCodes(ctx, c.MaxSetupCost) })
	}
	q := v2.ExchangeQuery{AreaCode: c.NPA, MaxSetupCost: c.MaxSetupCost}
	codes, err := listFirst(ctx, c.Limit, v2.MaxLimit,
		func(ctx context.Context, limit int) ([]string, error) {
			p, err := client.Exchanges(ctx, q, v2.PageOptions{Limit: limit})
			if err != nil {
				return nil, err
			}
			return p.Items, nil
		},
		func(ctx context.Context) ([]string, error) { return client.AllExchanges(ctx, q) })
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, code := range codes {
		if len(code) == 6 && strings.HasPrefix(code, c.NPA) {
			lines = append(lines, code[:3]+"-"+code[3:])
		}
	}
	return lines, nil
}

// listFirst returns the first limit items of a list, with one page call when a page of at
// most pageMax holds them, or every item (walking all pages) when limit is 0 or larger.
func listFirst[T any](ctx context.Context, limit, pageMax int,
	page func(ctx context.Context, limit int) ([]T, error),
	all func(context.Context) ([]T, error),
) ([]T, error) {
	if limit > 0 && limit <= pageMax {
		return page(ctx, limit)
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
