package apply

import (
	"context"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// executors holds the executor of each action of the table (plan.Actions), and, for an action
// written through an optional interface of package account, whether a backend offers it. A new
// action is one row of the table, its diff and its executor here.
var executors = map[plan.Action]struct {
	run    func(*executor, context.Context, plan.Change) Result
	offers func(account.Backend) bool // nil: every backend (account.Writer)
}{
	plan.CreateRoute:    {run: (*executor).createRoute},
	plan.UpdateRoute:    {(*executor).updateRoute, offers[account.RouteEditor]},
	plan.CreateCNAM:     {(*executor).createCNAM, offers[account.CNAMEditor]},
	plan.CreateE911:     {(*executor).createE911, offers[account.E911Editor]},
	plan.UpdateE911:     {(*executor).updateE911, offers[account.E911Editor]},
	plan.Purchase:       {run: (*executor).purchase},
	plan.SetRoutes:      {run: (*executor).setRoutes},
	plan.SetAlias:       {(*executor).setAlias, offers[account.NumberEditor]},
	plan.SetCNAMLookups: {(*executor).setCNAMLookups, offers[account.NumberEditor]},
	plan.SetCNAM:        {(*executor).setCNAM, offers[account.CNAMEditor]},
	plan.SetE911:        {(*executor).setE911, offers[account.E911Editor]},
	plan.SetCallback:    {(*executor).setCallback, offers[account.MessagingEditor]},
	plan.Release:        {(*executor).release, offers[account.Releaser]},
	plan.DeleteRoute:    {(*executor).deleteRoute, offers[account.RouteEditor]},
}

// offers reports whether the backend implements the optional interface T.
func offers[T any](b account.Backend) bool {
	_, ok := b.(T)
	return ok
}

// can reports whether the backend can carry out the action: its capabilities (the table's
// Can) and the interface its executor writes through.
func can(acct account.Backend, a plan.Action) bool {
	info, known := plan.Info(a)
	e, ok := executors[a]
	return known && ok && (info.Can == nil || info.Can(acct.Capabilities())) && (e.offers == nil || e.offers(acct))
}
