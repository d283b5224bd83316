package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// executor carries out single changes. A write whose outcome is unknown is never repeated
// blindly: the executor reads the account, and sends the write again only when the account
// shows it did not happen.
type executor struct {
	acct account.Backend
	opts Options
}

// notes for applied changes whose success was learnt by reading the account.
const (
	noteConfirmed = "confirmed by reading the account after the answer was lost"
	noteExisted   = "the route already existed with the same type and value"
)

func (x *executor) do(ctx context.Context, c plan.Change) Result {
	switch c.Action {
	case plan.CreateRoute:
		return x.createRoute(ctx, c)
	case plan.Purchase:
		return x.purchase(ctx, c)
	case plan.SetRoutes:
		return x.setRoutes(ctx, c)
	case plan.UpdateRoute:
		return x.updateRoute(ctx, c)
	}
	// check refuses such plans before anything runs.
	return Result{Status: Failed, Error: fmt.Sprintf("unknown action %q", c.Action)}
}

func applied(attempts int, note string) Result {
	return Result{Status: Applied, Attempts: attempts, Note: note}
}

func failed(attempts int, format string, args ...any) Result {
	return Result{Status: Failed, Attempts: attempts, Error: fmt.Sprintf(format, args...)}
}

// unknownOutcome is the failure of a write whose outcome could not be learnt: the user must
// look, because apply will not guess.
func unknownOutcome(attempts int, write, read error) Result {
	return failed(attempts, "outcome unknown: check the account (%v; reading the account back failed: %v)", write, read)
}

// purchase buys the number. When the answer is lost it reads the number: owned means bought;
// not owned means the purchase did not happen, and it is sent again while the number is still
// for sale, at most Options.Attempts times in all.
func (x *executor) purchase(ctx context.Context, c plan.Change) Result {
	tn, billing := c.Key, c.After["billing_method"]
	for attempt := 1; ; attempt++ {
		err := x.acct.Purchase(ctx, tn, billing)
		if err == nil {
			return applied(attempt, "")
		}
		if !errors.Is(err, account.ErrOutcomeUnknown) {
			if attempt > 1 {
				// An earlier attempt that looked lost may have landed meanwhile; then this
				// one is refused because the account owns the number.
				if owned, rerr := x.owns(ctx, tn); rerr == nil && owned {
					return applied(attempt, noteConfirmed)
				}
			}
			return failed(attempt, "purchase: %v", err)
		}
		owned, rerr := x.owns(ctx, tn)
		if rerr != nil {
			return unknownOutcome(attempt, err, rerr)
		}
		if owned {
			return applied(attempt, noteConfirmed)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return failed(attempt, "not purchased: %v; last error: %v", werr, err)
		}
		rerr = x.read(ctx, func(ctx context.Context) error {
			_, err := x.acct.Lookup(ctx, tn)
			return err
		})
		if errors.Is(rerr, account.ErrNotFound) {
			return failed(attempt, "the purchase did not happen (%v) and the number is no longer for sale", err)
		}
		if rerr != nil {
			return failed(attempt, "the purchase did not happen (%v) and checking the number is still for sale failed: %v", err, rerr)
		}
	}
}

// owns reports whether the account owns tn, reading it with retries.
func (x *executor) owns(ctx context.Context, tn string) (bool, error) {
	err := x.read(ctx, func(ctx context.Context) error {
		_, err := x.acct.Number(ctx, tn)
		return err
	})
	if errors.Is(err, account.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// createRoute creates the route. A conflict (the name is taken) or a lost answer is resolved by
// reading the routes: the same type and value means done; another type or value is a failure
// that says so; absent after a lost answer means the creation did not happen, and it is sent
// again.
func (x *executor) createRoute(ctx context.Context, c plan.Change) Result {
	want := routeOf(c)
	for attempt := 1; ; attempt++ {
		_, err := x.acct.CreateRoute(ctx, want)
		if err == nil {
			return applied(attempt, "")
		}
		conflict := errors.Is(err, account.ErrConflict) && !errors.Is(err, account.ErrOutcomeUnknown)
		if !conflict && !errors.Is(err, account.ErrOutcomeUnknown) {
			return failed(attempt, "create route: %v", err)
		}
		got, found, rerr := x.route(ctx, want.Name)
		switch {
		case rerr != nil && conflict:
			return failed(attempt, "create route: %v, and reading the routes back failed: %v", err, rerr)
		case rerr != nil:
			return unknownOutcome(attempt, err, rerr)
		case found && sameRoute(got, want):
			if conflict && attempt == 1 {
				return applied(attempt, noteExisted)
			}
			return applied(attempt, noteConfirmed)
		case found:
			return failed(attempt, "a route named %q already exists with type %s and value %q, not %s %q; %s cannot change a route: give the route another name in the spec",
				got.Name, got.Type, got.Value, want.Type, want.Value, x.api())
		case conflict:
			return failed(attempt, "create route: %v, but the account lists no route of that name", err)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return failed(attempt, "not created: %v; last error: %v", werr, err)
		}
	}
}

// api names the backend in messages.
func (x *executor) api() string {
	if api := x.acct.Capabilities().API; api != "" {
		return api
	}
	return "the backend"
}

// routeOf is the route a create_route or update_route change asks for.
func routeOf(c plan.Change) account.Route {
	r := account.Route{Name: c.Key}
	r.Type, r.Value, r.EdgeStrategy = c.After["type"], c.After["value"], c.After["edge_strategy"]
	return r
}

// sameRoute reports whether the account's route got has the fields the plan asks for.
func sameRoute(got, want account.Route) bool {
	return got.Type == want.Type && got.Value == want.Value && (want.EdgeStrategy == "" || got.EdgeStrategy == want.EdgeStrategy)
}

// route reads the account's route called name, with retries.
func (x *executor) route(ctx context.Context, name string) (account.Route, bool, error) {
	var routes []account.Route
	err := x.read(ctx, func(ctx context.Context) error {
		var err error
		routes, err = x.acct.Routes(ctx)
		return err
	})
	if err != nil {
		return account.Route{}, false, err
	}
	for _, r := range routes {
		if r.Name == name {
			return r, true, nil
		}
	}
	return account.Route{}, false, nil
}

// updateRoute changes a route in place through the backend's account.RouteEditor (check
// refused the plan when it has none). It reads the route first for its id; the change is
// idempotent, so after a lost answer it reads the route again and sends the change again when
// the route does not have the fields yet.
func (x *executor) updateRoute(ctx context.Context, c plan.Change) Result {
	editor, ok := x.acct.(account.RouteEditor)
	if !ok {
		return failed(0, "%s cannot change a route", x.api())
	}
	want := routeOf(c)
	for attempt := 1; ; attempt++ {
		got, found, rerr := x.route(ctx, want.Name)
		switch {
		case rerr != nil:
			return failed(attempt-1, "update route: reading the routes failed: %v", rerr)
		case !found:
			return failed(attempt-1, "update route: the account lists no route named %q", want.Name)
		case attempt > 1 && sameRoute(got, want):
			return applied(attempt-1, noteConfirmed)
		}
		want.ID = got.ID
		err := editor.UpdateRoute(ctx, want)
		if err == nil {
			return applied(attempt, "")
		}
		if !errors.Is(err, account.ErrOutcomeUnknown) {
			return failed(attempt, "update route: %v", err)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return failed(attempt, "route not updated: %v; last error: %v", werr, err)
		}
	}
}

// setRoutes sets the number's primary and failover routes. The call is idempotent, so after a
// lost answer it reads the number and sends the call again when the routes are not yet set.
func (x *executor) setRoutes(ctx context.Context, c plan.Change) Result {
	tn, primary, failover := c.Key, c.After["primary_route"], c.After["failover_route"]
	for attempt := 1; ; attempt++ {
		err := x.acct.SetRoutes(ctx, tn, primary, failover)
		if err == nil {
			return applied(attempt, "")
		}
		if !errors.Is(err, account.ErrOutcomeUnknown) {
			return failed(attempt, "set routes: %v", err)
		}
		var n *account.Number
		rerr := x.read(ctx, func(ctx context.Context) error {
			var err error
			n, err = x.acct.Number(ctx, tn)
			return err
		})
		if rerr != nil {
			return unknownOutcome(attempt, err, rerr)
		}
		if n.PrimaryRoute == primary && n.FailoverRoute == failover {
			return applied(attempt, noteConfirmed)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return failed(attempt, "routes not set: %v; last error: %v", werr, err)
		}
	}
}

// wait is called after attempt number attempt of a write did not happen. It returns an error
// when the write must not be sent again (Options.Attempts reached, or ctx done), and otherwise
// waits Backoff·2^(attempt-1), so that a struggling server gets some air.
func (x *executor) wait(ctx context.Context, attempt int) error {
	if attempt >= x.opts.Attempts {
		return fmt.Errorf("gave up after %d attempts", attempt)
	}
	return sleep(ctx, x.opts.Backoff<<(attempt-1))
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("gave up waiting: %w", context.Cause(ctx))
	case <-t.C:
		return nil
	}
}

// read calls f until it answers, at most Options.ReadAttempts times, waiting Backoff, then
// twice as long, between tries. ErrNotFound is an answer, returned at once.
func (x *executor) read(ctx context.Context, f func(context.Context) error) error {
	wait := x.opts.Backoff
	var err error
	for i := range x.opts.ReadAttempts {
		if i > 0 {
			if serr := sleep(ctx, wait); serr != nil {
				return fmt.Errorf("%w (%w)", err, serr)
			}
			wait *= 2
		}
		err = f(ctx)
		if err == nil || errors.Is(err, account.ErrNotFound) {
			return err
		}
	}
	return err
}
