package apply

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// executor carries out single changes. A write whose outcome is unknown is never repeated
// blindly: the executor reads the account, and sends the write again only when the account
// shows it did not happen.
type executor struct {
	acct account.Backend
	opts Options

	mu        sync.Mutex
	cnamMu    sync.Mutex              // serializes cnamRecord
	cnams     map[string]account.CNAM // CNAM records by value, as last created or read
	recheck   map[string]bool         // values whose pending record was read again already
	e911s     map[string]string       // E911 address ids by name (label)
	e911Ready bool                    // e911s holds the account's list
}

// notes for applied changes whose success was learnt by reading the account.
const (
	noteConfirmed = "confirmed by reading the account after the answer was lost"
	noteExisted   = "the route already existed with the same type and value"
)

// do carries out one change through its action's executor (executors).
func (x *executor) do(ctx context.Context, c plan.Change) Result {
	if e, ok := executors[c.Action]; ok {
		return e.run(x, ctx, c)
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

// state is what a read of the account shows of a write.
type state struct {
	// done: the account has the write's effect.
	done bool
	// shows, when not done, says what the account holds instead, for the failure message:
	// "the account still owns the number".
	shows string
	// wrong, when not done, is a failure that no further send can mend: the account holds
	// something that rules the write out ("a route named pbx already exists with type ...").
	wrong string
	// blind: the account cannot show whether the write took effect. A write that cannot
	// double is sent again anyway; when the attempts run out its outcome stays unknown.
	blind bool
}

// write is one write of a change, for send.
type write struct {
	what  string                               // names the write in messages: "release"
	send  func(context.Context) error          // sends it once
	check func(context.Context) (state, error) // reads the account for it, once
	// refusal, when set, picks the refusals of a first send that may mean the write is
	// already done (a creation answered "it exists", a release answered "not found"): the
	// account is read then, and a write found done is applied with the note already.
	refusal func(error) bool
	already string
}

// send carries out w, owning its unknown outcomes: the backend sends each write once, and when
// its answer does not say whether it was carried out (account.ErrOutcomeUnknown), send reads the
// account (check) and decides: done is applied; not done is sent again, at most
// Options.Attempts times in all, waiting between sends. A refusal after an earlier lost send is
// read the same way, since that send may have landed meanwhile. A failure says what the last
// read showed; only when the account could not be read does it say the outcome is unknown.
func (x *executor) send(ctx context.Context, w write) Result {
	var errs []error
	for attempt := 1; ; attempt++ {
		err := w.send(ctx)
		if err == nil {
			return applied(attempt, "")
		}
		errs = append(errs, err)
		unknown := errors.Is(err, account.ErrOutcomeUnknown)
		first := attempt == 1 && !unknown // a refusal of the first send: nothing was lost
		if first && (w.refusal == nil || !w.refusal(err)) {
			return failed(attempt, "%s: %v", w.what, err)
		}
		var s state
		rerr := x.read(ctx, func(ctx context.Context) error {
			var err error
			s, err = w.check(ctx)
			return err
		})
		switch {
		case rerr != nil && first:
			return failed(attempt, "%s: %v, and reading the account back failed: %v", w.what, err, rerr)
		case rerr != nil:
			return failed(attempt, "%s: outcome unknown: check the account (%s; reading the account after the last attempt failed: %v)", w.what, answers(errs), rerr)
		case s.done && first:
			return applied(attempt, w.already)
		case s.done:
			return applied(attempt, noteConfirmed)
		case s.wrong != "":
			return failed(attempt, "%s: %s", w.what, s.wrong)
		case !unknown: // refused, and the account shows the write not done: the refusal stands
			return failed(attempt, "%s: %s; %s (read after the last attempt)", w.what, answers(errs), s.shows)
		}
		stop := "" // the attempts ran out: answers counts the sends
		if attempt < x.opts.Attempts {
			// Backoff·2^(attempt-1) before the next send, so that a struggling server gets
			// some air.
			serr := sleep(ctx, x.opts.Backoff<<(attempt-1))
			if serr == nil {
				continue
			}
			stop = fmt.Sprintf("; not sent again: %v", serr)
		}
		if s.blind {
			return failed(attempt, "%s: outcome unknown: check the account (%s; %s)%s", w.what, answers(errs), s.shows, stop)
		}
		return failed(attempt, "%s: %s; %s (read after the last attempt)%s", w.what, answers(errs), s.shows, stop)
	}
}

// answers says how the sends of a write failed: the one error, the error and how many times it
// came, or the last of different ones. An unknown outcome is told by its cause ("DELETE
// /v2/numbers/12065550100: 500 Internal Server Error"), since the read that follows says what
// became of the write.
func answers(errs []error) string {
	last := cause(errs[len(errs)-1]).Error()
	if len(errs) == 1 {
		return last
	}
	for _, err := range errs {
		if cause(err).Error() != last {
			return fmt.Sprintf("sent %d times, the last answer: %s", len(errs), last)
		}
	}
	return fmt.Sprintf("%s (sent %d times)", last, len(errs))
}

// cause is what made err's outcome unknown: the first error in its chain that does not match
// account.ErrOutcomeUnknown (the server's 500, the connection reset), or err itself when the
// chain names none. An error with a known outcome is its own cause.
func cause(err error) error {
	for errors.Is(err, account.ErrOutcomeUnknown) {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if e != account.ErrOutcomeUnknown && errors.Is(e, account.ErrOutcomeUnknown) {
					next = e
					break
				}
			}
		}
		if next == nil || next == account.ErrOutcomeUnknown {
			return err
		}
		err = next
	}
	return err
}

// Notes of applied changes that a read of the account explained.
const (
	noteGoneNumber = "the account no longer owned the number"
	noteGoneRoute  = "the route was already gone"
)

// purchase buys the number. When the answer is lost it reads the number: owned means bought;
// not owned means the purchase did not happen, and it is sent again.
func (x *executor) purchase(ctx context.Context, c plan.Change) Result {
	tn, billing := c.Key, c.After["billing_method"]
	return x.send(ctx, write{
		what: "purchase",
		send: func(ctx context.Context) error { return x.acct.Purchase(ctx, tn, billing) },
		check: func(ctx context.Context) (state, error) {
			owned, err := x.owns(ctx, tn)
			return state{done: owned, shows: "the account does not own the number"}, err
		},
	})
}

// owns reports whether the account owns tn.
func (x *executor) owns(ctx context.Context, tn string) (bool, error) {
	_, err := x.acct.Number(ctx, tn)
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
	return x.send(ctx, write{
		what: "create route",
		send: func(ctx context.Context) error {
			_, err := x.acct.CreateRoute(ctx, want)
			return err
		},
		check: func(ctx context.Context) (state, error) {
			got, found, err := x.route(ctx, want.Name)
			switch {
			case err != nil:
				return state{}, err
			case found && sameRoute(got, want):
				return state{done: true}, nil
			case found:
				return state{wrong: fmt.Sprintf("a route named %q already exists with type %s and value %q, not %s %q; %s cannot change a route: give the route another name in the spec",
					got.Name, got.Type, got.Value, want.Type, want.Value, x.api())}, nil
			}
			return state{shows: fmt.Sprintf("the account lists no route named %q", want.Name)}, nil
		},
		refusal: func(err error) bool { return errors.Is(err, account.ErrConflict) },
		already: noteExisted,
	})
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

// route reads the account's route called name.
func (x *executor) route(ctx context.Context, name string) (account.Route, bool, error) {
	routes, err := x.acct.Routes(ctx)
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
// refused the plan when it has none), by name: the backend knows the route from the read that
// made the plan. The change is idempotent, so after a lost answer it reads the route and sends
// the change again when the route does not have the fields yet.
func (x *executor) updateRoute(ctx context.Context, c plan.Change) Result {
	editor, ok := x.acct.(account.RouteEditor)
	if !ok {
		return failed(0, "%s cannot change a route", x.api())
	}
	want := routeOf(c)
	return x.send(ctx, write{
		what: "update route",
		send: func(ctx context.Context) error { return editor.UpdateRoute(ctx, want) },
		check: func(ctx context.Context) (state, error) {
			got, found, err := x.route(ctx, want.Name)
			switch {
			case err != nil:
				return state{}, err
			case !found:
				return state{wrong: fmt.Sprintf("the account lists no route named %q", want.Name)}, nil
			}
			return state{done: sameRoute(got, want), shows: fmt.Sprintf("the route has type %s and value %q", got.Type, got.Value)}, nil
		},
	})
}

// number reads tn.
func (x *executor) number(ctx context.Context, tn string) (*account.Number, error) {
	return x.acct.Number(ctx, tn)
}

// numberShows is the check of a write to one number: it reads the number, and done says
// whether the number has the write's effect; shows describes what it has.
func (x *executor) numberShows(tn string, done func(*account.Number) (bool, string)) func(context.Context) (state, error) {
	return func(ctx context.Context) (state, error) {
		n, err := x.number(ctx, tn)
		if err != nil {
			return state{}, err
		}
		ok, shows := done(n)
		return state{done: ok, shows: shows}, nil
	}
}

// setRoutes sets the number's primary and failover routes. The call is idempotent, so after a
// lost answer it reads the number and sends the call again when the routes are not yet set.
func (x *executor) setRoutes(ctx context.Context, c plan.Change) Result {
	tn, primary, failover := c.Key, c.After["primary_route"], c.After["failover_route"]
	return x.send(ctx, write{
		what: "set routes",
		send: func(ctx context.Context) error { return x.acct.SetRoutes(ctx, tn, primary, failover) },
		check: x.numberShows(tn, func(n *account.Number) (bool, string) {
			shows := fmt.Sprintf("the number's primary route is %q and its failover route %q", n.PrimaryRoute, n.FailoverRoute)
			if n.FailoverRoute == "" {
				shows = fmt.Sprintf("the number's primary route is %q and it has no failover route", n.PrimaryRoute)
			}
			return n.PrimaryRoute == primary && n.FailoverRoute == failover, shows
		}),
	})
}

// setAlias sets the number's alias (account.NumberEditor).
func (x *executor) setAlias(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.NumberEditor)
	if !ok {
		return failed(0, "%s cannot set an alias", x.api())
	}
	tn, alias := c.Key, c.After["alias"]
	return x.send(ctx, write{
		what: "set alias",
		send: func(ctx context.Context) error { return ed.SetAlias(ctx, tn, alias) },
		check: x.numberShows(tn, func(n *account.Number) (bool, string) {
			return n.Alias == alias, fmt.Sprintf("the number's alias is %q", n.Alias)
		}),
	})
}

// setCNAMLookups switches the number's CNAM lookups (account.NumberEditor).
func (x *executor) setCNAMLookups(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.NumberEditor)
	if !ok {
		return failed(0, "%s cannot switch CNAM lookups", x.api())
	}
	tn := c.Key
	on, err := strconv.ParseBool(c.After["cnam_lookups"])
	if err != nil {
		return failed(0, "set_cnam_lookups %s: cnam_lookups is %q, not true or false", tn, c.After["cnam_lookups"])
	}
	return x.send(ctx, write{
		what: "set CNAM lookups",
		send: func(ctx context.Context) error { return ed.SetCNAMLookups(ctx, tn, on) },
		check: x.numberShows(tn, func(n *account.Number) (bool, string) {
			if n.CNAMLookups == nil {
				return false, "the number does not show its CNAM lookups"
			}
			return *n.CNAMLookups == on, fmt.Sprintf("the number's CNAM lookups are %s", onOff(*n.CNAMLookups))
		}),
	})
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// rememberCNAM keeps a record the executor created or read.
func (x *executor) rememberCNAM(cs ...account.CNAM) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cnams == nil {
		x.cnams = map[string]account.CNAM{}
	}
	for _, c := range cs {
		if have, ok := x.cnams[c.Value]; !ok || have.ID == c.ID || c.Before(have) {
			x.cnams[c.Value] = c
		}
	}
}

// readCNAMs reads the account's CNAM records, with retries.
func (x *executor) readCNAMs(ctx context.Context, ed account.CNAMEditor) error {
	var cs []account.CNAM
	err := x.read(ctx, func(ctx context.Context) error {
		var err error
		cs, err = ed.CNAMs(ctx)
		return err
	})
	if err != nil {
		return err
	}
	x.mu.Lock()
	x.cnams = map[string]account.CNAM{}
	x.mu.Unlock()
	x.rememberCNAM(cs...)
	return nil
}

// cnamRecord returns the record of value: from what the executor knows, read again when it
// knows none, or only a pending one (once per value: approval may have come meanwhile).
func (x *executor) cnamRecord(ctx context.Context, ed account.CNAMEditor, value string) (account.CNAM, bool, error) {
	// One lookup at a time: the numbers waiting for one read of a record see what it read.
	x.cnamMu.Lock()
	defer x.cnamMu.Unlock()
	x.mu.Lock()
	rec, ok := x.cnams[value]
	again := !ok || rec.Status == account.CNAMPending && !x.recheck[value]
	if again && ok {
		if x.recheck == nil {
			x.recheck = map[string]bool{}
		}
		x.recheck[value] = true
	}
	x.mu.Unlock()
	if again {
		if err := x.readCNAMs(ctx, ed); err != nil {
			return account.CNAM{}, false, err
		}
		x.mu.Lock()
		rec, ok = x.cnams[value]
		x.mu.Unlock()
	}
	return rec, ok, nil
}

// createCNAM creates the CNAM record (account.CNAMEditor). A conflict or a lost answer is
// settled by listing the records: one with the value is the one created.
func (x *executor) createCNAM(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.CNAMEditor)
	if !ok {
		return failed(0, "%s cannot create a CNAM record", x.api())
	}
	value := c.Key
	res := x.send(ctx, write{
		what: "create CNAM record",
		send: func(ctx context.Context) error {
			rec, err := ed.CreateCNAM(ctx, value)
			if err == nil {
				x.rememberCNAM(rec)
			}
			return err
		},
		check: func(ctx context.Context) (state, error) {
			cs, err := ed.CNAMs(ctx)
			if err != nil {
				return state{}, err
			}
			x.rememberCNAM(cs...)
			for _, rec := range cs {
				if rec.Value == value && rec.Status != account.CNAMRejected {
					return state{done: true}, nil
				}
			}
			return state{shows: fmt.Sprintf("the account has no CNAM record %q", value)}, nil
		},
		refusal: func(err error) bool { return errors.Is(err, account.ErrConflict) },
	})
	if res.Status == Applied {
		res.Note = strings.TrimPrefix(res.Note+"; pending until Flowroute approves it", "; ")
	}
	return res
}

// setCNAM associates the number with the record of its CNAM. Flowroute lets only an approved
// record be presented: a record still pending is skipped, to be associated by a later apply.
func (x *executor) setCNAM(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.CNAMEditor)
	if !ok {
		return failed(0, "%s cannot set a CNAM", x.api())
	}
	tn, value := c.Key, c.After["cnam"]
	if value == "" { // a held number's CNAM removed
		return x.send(ctx, write{
			what: "remove CNAM",
			send: func(ctx context.Context) error { return ed.AssociateCNAM(ctx, tn, "") },
			check: x.numberShows(tn, func(n *account.Number) (bool, string) {
				return n.CNAM == "", fmt.Sprintf("the number presents CNAM %q", n.CNAM)
			}),
		})
	}
	rec, found, err := x.cnamRecord(ctx, ed, value)
	switch {
	case err != nil:
		return failed(0, "set CNAM: reading the CNAM records failed: %v", err)
	case !found:
		return failed(0, "set CNAM: the account has no CNAM record %q", value)
	case rec.Status == account.CNAMRejected:
		return failed(0, "set CNAM: Flowroute rejected the CNAM record %q: choose another name in the spec", value)
	case rec.Status == account.CNAMPending:
		return Result{Status: Skipped, Reason: fmt.Sprintf("the CNAM record %q awaits Flowroute's approval: apply again once it is approved (plan shows it as pending)", value)}
	}
	return x.send(ctx, write{
		what: "set CNAM",
		send: func(ctx context.Context) error { return ed.AssociateCNAM(ctx, tn, rec.ID) },
		check: x.numberShows(tn, func(n *account.Number) (bool, string) {
			if n.CNAM == "" {
				return false, "the number presents no CNAM"
			}
			return n.CNAM == value, fmt.Sprintf("the number presents CNAM %q", n.CNAM)
		}),
	})
}

// rememberE911 keeps an address id by name.
func (x *executor) rememberE911(name, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.e911s == nil {
		x.e911s = map[string]string{}
	}
	x.e911s[name] = id
}

// readE911s lists the addresses, with retries.
func (x *executor) readE911s(ctx context.Context, ed account.E911Editor) ([]account.E911Address, error) {
	var as []account.E911Address
	err := x.read(ctx, func(ctx context.Context) error {
		var err error
		as, err = ed.E911Addresses(ctx)
		return err
	})
	return as, err
}

// e911ID is the id of the address named name: created by this apply, or read from the list
// (once). An address name given to several addresses is refused.
func (x *executor) e911ID(ctx context.Context, ed account.E911Editor, name string) (string, error) {
	x.mu.Lock()
	id, ok := x.e911s[name]
	ready := x.e911Ready
	x.mu.Unlock()
	if ok {
		return id, nil
	}
	if !ready {
		as, err := x.readE911s(ctx, ed)
		if err != nil {
			return "", fmt.Errorf("reading the E911 addresses failed: %w", err)
		}
		seen := map[string]int{}
		for _, a := range as {
			seen[a.Name]++
		}
		x.mu.Lock()
		for _, a := range as {
			if _, have := x.e911s[a.Name]; !have && seen[a.Name] == 1 {
				if x.e911s == nil {
					x.e911s = map[string]string{}
				}
				x.e911s[a.Name] = a.ID
			}
		}
		x.e911Ready = true
		id, ok = x.e911s[name]
		x.mu.Unlock()
		if ok {
			return id, nil
		}
	}
	return "", fmt.Errorf("the account has no single E911 address labelled %q", name)
}

// createE911 creates the address, labelled with its name (account.E911Editor). A conflict or a
// lost answer is settled by listing the addresses: one with the label and the fields is the
// one created.
func (x *executor) createE911(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.E911Editor)
	if !ok {
		return failed(0, "%s cannot create an E911 address", x.api())
	}
	want := account.E911Address{Name: c.Key, E911Address: plan.E911AddressOf(c)}
	return x.send(ctx, write{
		what: "create E911 address",
		send: func(ctx context.Context) error {
			a, err := ed.CreateE911(ctx, want)
			if err == nil {
				x.rememberE911(want.Name, a.ID)
			}
			return err
		},
		check: func(ctx context.Context) (state, error) {
			as, err := ed.E911Addresses(ctx)
			if err != nil {
				return state{}, err
			}
			for _, a := range as {
				if a.Name != want.Name {
					continue
				}
				if len(want.E911Address.Differs(a.E911Address)) > 0 {
					return state{wrong: fmt.Sprintf("an E911 address labelled %q exists with other fields; run plan again", want.Name)}, nil
				}
				x.rememberE911(want.Name, a.ID)
				return state{done: true}, nil
			}
			return state{shows: fmt.Sprintf("the account has no E911 address labelled %q", want.Name)}, nil
		},
		refusal: func(err error) bool { return errors.Is(err, account.ErrConflict) },
	})
}

// updateE911 changes the address to the plan's fields; after a lost answer it reads the
// addresses and sends the change again when the fields are not there yet.
func (x *executor) updateE911(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.E911Editor)
	if !ok {
		return failed(0, "%s cannot change an E911 address", x.api())
	}
	id, err := x.e911ID(ctx, ed, c.Key)
	if err != nil {
		return failed(0, "update E911 address: %v", err)
	}
	want := account.E911Address{ID: id, Name: c.Key, E911Address: plan.E911AddressOf(c)}
	return x.send(ctx, write{
		what: "update E911 address",
		send: func(ctx context.Context) error { return ed.UpdateE911(ctx, want) },
		check: func(ctx context.Context) (state, error) {
			as, err := ed.E911Addresses(ctx)
			if err != nil {
				return state{}, err
			}
			for _, a := range as {
				if a.ID == id {
					return state{done: len(want.E911Address.Differs(a.E911Address)) == 0, shows: "the address has its old fields"}, nil
				}
			}
			return state{wrong: fmt.Sprintf("the account no longer has the E911 address labelled %q (id %s)", c.Key, id)}, nil
		},
	})
}

// setE911 associates the number with its address, or, with an empty "e911", disconnects it.
func (x *executor) setE911(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.E911Editor)
	if !ok {
		return failed(0, "%s cannot set an E911 address", x.api())
	}
	tn, name, id := c.Key, c.After["e911"], ""
	if name != "" {
		var err error
		if id, err = x.e911ID(ctx, ed, name); err != nil {
			return failed(0, "set E911 address: %v", err)
		}
	}
	what := "set E911 address"
	if id == "" {
		what = "disconnect E911 address"
	}
	return x.send(ctx, write{
		what: what,
		send: func(ctx context.Context) error { return ed.AssociateE911(ctx, tn, id) },
		check: x.numberShows(tn, func(n *account.Number) (bool, string) {
			if n.E911ID == "" {
				return id == "", "the number has no E911 address"
			}
			return n.E911ID == id, fmt.Sprintf("the number has E911 address id %s", n.E911ID)
		}),
	})
}

// setCallback sets the callbacks the change names. Setting a URL again changes nothing, so
// after a lost answer they are read back where the backend can, and sent again otherwise.
func (x *executor) setCallback(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.MessagingEditor)
	if !ok {
		return failed(0, "%s cannot set messaging callbacks", x.api())
	}
	tn, a := c.Key, c.After
	m := spec.Messaging{SMSCallback: a["sms_callback"], MMSCallback: a["mms_callback"], SMSDLRCallback: a["sms_dlr_callback"], MMSDLRCallback: a["mms_dlr_callback"]}
	if cleared := clearedCallbacks(c); len(cleared) > 0 {
		return x.removeCallbacks(ctx, tn, cleared)
	}
	blind := state{blind: true, shows: fmt.Sprintf("%s cannot show a number's callbacks", x.api())}
	return x.send(ctx, write{
		what: "set callbacks",
		send: func(ctx context.Context) error { return ed.SetCallbacks(ctx, tn, m) },
		check: func(ctx context.Context) (state, error) {
			cr, ok := x.acct.(account.CallbackReader)
			if !ok {
				return blind, nil
			}
			got, err := cr.Callbacks(ctx, tn)
			switch {
			case errors.Is(err, account.ErrNotSupported):
				return blind, nil
			case err != nil:
				return state{}, err
			}
			same := func(want, have string) bool { return want == "" || want == have }
			return state{done: same(m.SMSCallback, got.SMSCallback) && same(m.MMSCallback, got.MMSCallback) &&
				same(m.SMSDLRCallback, got.SMSDLRCallback) && same(m.MMSDLRCallback, got.MMSDLRCallback),
				shows: "the number's callbacks are not all set"}, nil
		},
	})
}

// release gives the number back (account.Releaser). It is sent without reading the number
// first: the plan was made from a read of the account, and it disconnected the number's E911
// address before (a dependency). A release refused as not found, or whose answer is lost, is
// settled by reading the number: gone means released; still owned after a lost answer, and
// only then, the release is sent again.
func (x *executor) release(ctx context.Context, c plan.Change) Result {
	rel, ok := x.acct.(account.Releaser)
	if !ok {
		return failed(0, "%s cannot release a number", x.api())
	}
	tn := c.Key
	return x.send(ctx, write{
		what: "release",
		send: func(ctx context.Context) error { return rel.Release(ctx, tn) },
		check: func(ctx context.Context) (state, error) {
			owned, err := x.owns(ctx, tn)
			return state{done: !owned, shows: "the account still owns the number"}, err
		},
		refusal: func(err error) bool { return errors.Is(err, account.ErrNotFound) },
		already: noteGoneNumber,
	})
}

// deleteRoute deletes the unused route (account.RouteEditor), by name. One already gone is
// done; after a lost answer the routes are read, and the deletion sent again while the route
// is there.
func (x *executor) deleteRoute(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.RouteEditor)
	if !ok {
		return failed(0, "%s cannot delete a route", x.api())
	}
	name := c.Key
	return x.send(ctx, write{
		what: "delete route",
		send: func(ctx context.Context) error { return ed.DeleteRoute(ctx, account.Route{Name: name}) },
		check: func(ctx context.Context) (state, error) {
			_, found, err := x.route(ctx, name)
			return state{done: !found, shows: fmt.Sprintf("the account still lists route %q", name)}, err
		},
		refusal: func(err error) bool { return errors.Is(err, account.ErrNotFound) },
		already: noteGoneRoute,
	})
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
