package apply

import (
	"context"
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// clearedCallbacks are the callbacks a set_callback change removes (those it sets to ""),
// sorted: a held number's.
func clearedCallbacks(c plan.Change) []string {
	var names []string
	for k, v := range c.After {
		if v == "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// removeCallbacks removes the number's callbacks named (account.CallbackRemover). Removing one
// that is gone already is done (the backend says so), so after a lost answer the removal is
// sent again rather than read back, which only the pre-release read could: blind.
func (x *executor) removeCallbacks(ctx context.Context, tn string, names []string) Result {
	rm, ok := x.acct.(account.CallbackRemover)
	if !ok {
		return failed(0, "%s cannot remove messaging callbacks", x.api())
	}
	return x.send(ctx, write{
		what: "remove callbacks",
		send: func(ctx context.Context) error { return rm.RemoveCallbacks(ctx, tn, names) },
		check: func(context.Context) (state, error) {
			return state{blind: true, shows: "removing callbacks is not read back"}, nil
		},
	})
}
