package cli

import (
	"errors"
	"fmt"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
)

// edgeStrategiesCmd lists the edge strategies (PoPs) a route's edge_strategy may name.
type edgeStrategiesCmd struct{}

func (c *edgeStrategiesCmd) Run(g *Globals, sess *session) error {
	b, err := sess.Backend()
	if err != nil {
		return err
	}
	l, ok := b.(account.EdgeStrategyLister)
	if !ok || !b.Capabilities().EdgeStrategy {
		return errors.New("edge-strategies: " + b.Capabilities().API + " routes have no edge strategy: use --api v2")
	}
	es, err := l.EdgeStrategies(sess.ctx)
	if err != nil {
		return fmt.Errorf("edge-strategies: %w", err)
	}
	for _, e := range es {
		fmt.Fprintf(g.stdout, "%s\t%s\n", e.ID, e.Name)
	}
	noun := "edge strategies"
	if len(es) == 1 {
		noun = "edge strategy"
	}
	fmt.Fprintf(g.stderr, "%d %s; a route names one by its id: edge_strategy: %q\n", len(es), noun, firstID(es))
	return nil
}

func firstID(es []account.EdgeStrategy) string {
	if len(es) == 0 {
		return "1"
	}
	return es[0].ID
}
