package apply

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowroute-numbers/flowroute-numbers/account"
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

// unknownOutcome is the failure of a write whose outcome could not be learnt: the user must
// look, because apply will not guess.
func unknownOutcome(attempts int, write, read error) Result {
	return failed(attempts, "outcome unknown: check the account (%v; reading the account back failed: %v)", write, read)
}

// gaveUp is the failure of a write whose answers were lost, which the account did not show
// carried out when last read, and which is not sent again (the attempts ran out, or the apply
// was stopped). A lost write may still land: the outcome is unknown.
func gaveUp(attempts int, what string, stop, last error) Result {
	return failed(attempts, "outcome unknown: %s, not done when the account was last read, and not sent again (%v); the last answer was lost (%v): check the account", what, stop, last)
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
			return gaveUp(attempt, "purchase", werr, err)
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
			return gaveUp(attempt, "create route", werr, err)
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
			return gaveUp(attempt, "update route", werr, err)
		}
	}
}

// idempotent sends a write that can be sent twice without harm. After a lost answer it reads
// whether the write took effect (done) and sends it again only when it did not, at most
// Options.Attempts times in all.
func (x *executor) idempotent(ctx context.Context, what string, send func(context.Context) error, done func(context.Context) (bool, error)) Result {
	for attempt := 1; ; attempt++ {
		err := send(ctx)
		if err == nil {
			return applied(attempt, "")
		}
		if !errors.Is(err, account.ErrOutcomeUnknown) {
			return failed(attempt, "%s: %v", what, err)
		}
		var ok bool
		rerr := x.read(ctx, func(ctx context.Context) error {
			var err error
			ok, err = done(ctx)
			return err
		})
		if rerr != nil {
			return unknownOutcome(attempt, err, rerr)
		}
		if ok {
			return applied(attempt, noteConfirmed)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return gaveUp(attempt, what, werr, err)
		}
	}
}

// created sends a creation, which must not be doubled. A conflict or a lost answer is
// settled by reading the account (find): the object there means done (found says whether it
// is what the plan asks for, or why not); absent after a lost answer means the creation did
// not happen, and it is sent again.
func (x *executor) created(ctx context.Context, what string, send func(context.Context) error, find func(context.Context) (found bool, mismatch string, err error)) Result {
	for attempt := 1; ; attempt++ {
		err := send(ctx)
		if err == nil {
			return applied(attempt, "")
		}
		conflict := errors.Is(err, account.ErrConflict) && !errors.Is(err, account.ErrOutcomeUnknown)
		if !conflict && !errors.Is(err, account.ErrOutcomeUnknown) {
			return failed(attempt, "%s: %v", what, err)
		}
		var found bool
		var mismatch string
		rerr := x.read(ctx, func(ctx context.Context) error {
			var err error
			found, mismatch, err = find(ctx)
			return err
		})
		switch {
		case rerr != nil && conflict:
			return failed(attempt, "%s: %v, and reading the account back failed: %v", what, err, rerr)
		case rerr != nil:
			return unknownOutcome(attempt, err, rerr)
		case found && mismatch != "":
			return failed(attempt, "%s: %s", what, mismatch)
		case found:
			return applied(attempt, noteConfirmed)
		case conflict:
			return failed(attempt, "%s: %v, but the account shows no such object", what, err)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return gaveUp(attempt, what, werr, err)
		}
	}
}

// number reads tn.
func (x *executor) number(ctx context.Context, tn string) (*account.Number, error) {
	return x.acct.Number(ctx, tn)
}

// setRoutes sets the number's primary and failover routes. The call is idempotent, so after a
// lost answer it reads the number and sends the call again when the routes are not yet set.
func (x *executor) setRoutes(ctx context.Context, c plan.Change) Result {
	tn, primary, failover := c.Key, c.After["primary_route"], c.After["failover_route"]
	return x.idempotent(ctx, "set routes", func(ctx context.Context) error {
		return x.acct.SetRoutes(ctx, tn, primary, failover)
	}, func(ctx context.Context) (bool, error) {
		n, err := x.number(ctx, tn)
		return err == nil && n.PrimaryRoute == primary && n.FailoverRoute == failover, err
	})
}

// setAlias sets the number's alias (account.NumberEditor).
func (x *executor) setAlias(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.NumberEditor)
	if !ok {
		return failed(0, "%s cannot set an alias", x.api())
	}
	tn, alias := c.Key, c.After["alias"]
	return x.idempotent(ctx, "set alias", func(ctx context.Context) error { return ed.SetAlias(ctx, tn, alias) },
		func(ctx context.Context) (bool, error) {
			n, err := x.number(ctx, tn)
			return err == nil && n.Alias == alias, err
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
	return x.idempotent(ctx, "set CNAM lookups", func(ctx context.Context) error { return ed.SetCNAMLookups(ctx, tn, on) },
		func(ctx context.Context) (bool, error) {
			n, err := x.number(ctx, tn)
			return err == nil && n.CNAMLookups != nil && *n.CNAMLookups == on, err
		})
}

// rememberCNAM keeps a record the executor created or read.
func (x *executor) rememberCNAM(cs ...account.CNAM) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cnams == nil {
		x.cnams = map[string]account.CNAM{}
	}
	for _, c := range cs {
		if have, ok := x.cnams[c.Value]; !ok || have.ID == c.ID || cnamBetter(c, have) {
			x.cnams[c.Value] = c
		}
	}
}

// cnamBetter reports whether record a is to be used before b: approved, then pending.
func cnamBetter(a, b account.CNAM) bool {
	rank := func(s account.CNAMStatus) int {
		switch s {
		case account.CNAMApproved:
			return 0
		case account.CNAMPending:
			return 1
		}
		return 2
	}
	return rank(a.Status) < rank(b.Status)
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

// createCNAM creates the CNAM record (account.CNAMEditor). A lost answer is settled by listing
// the records: one with the value is the one created.
func (x *executor) createCNAM(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.CNAMEditor)
	if !ok {
		return failed(0, "%s cannot create a CNAM record", x.api())
	}
	value := c.Key
	res := x.created(ctx, "create CNAM record", func(ctx context.Context) error {
		rec, err := ed.CreateCNAM(ctx, value)
		if err == nil {
			x.rememberCNAM(rec)
		}
		return err
	}, func(ctx context.Context) (bool, string, error) {
		cs, err := ed.CNAMs(ctx)
		if err != nil {
			return false, "", err
		}
		x.rememberCNAM(cs...)
		for _, rec := range cs {
			if rec.Value == value && rec.Status != account.CNAMRejected {
				return true, "", nil
			}
		}
		return false, "", nil
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
		return x.idempotent(ctx, "remove CNAM", func(ctx context.Context) error { return ed.AssociateCNAM(ctx, tn, "") },
			func(ctx context.Context) (bool, error) {
				n, err := x.number(ctx, tn)
				return err == nil && n.CNAM == "", err
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
	return x.idempotent(ctx, "set CNAM", func(ctx context.Context) error { return ed.AssociateCNAM(ctx, tn, rec.ID) },
		func(ctx context.Context) (bool, error) {
			n, err := x.number(ctx, tn)
			return err == nil && n.CNAM == value, err
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

// sameAddress compares two addresses' fields, letter case aside (the server upper-cases some).
func sameAddress(a, b spec.E911Address) bool {
	f := func(x spec.E911Address) []string {
		return []string{x.FirstName, x.LastName, x.StreetNumber, x.StreetName, x.AddressType, x.AddressTypeNumber, x.City, x.State, x.Country, x.Zip}
	}
	fa, fb := f(a), f(b)
	for i := range fa {
		if fa[i] != "" && !strings.EqualFold(fa[i], fb[i]) {
			return false
		}
	}
	return true
}

// createE911 creates the address, labelled with its name (account.E911Editor). A lost answer
// is settled by listing the addresses: one with the label and the fields is the one created.
func (x *executor) createE911(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.E911Editor)
	if !ok {
		return failed(0, "%s cannot create an E911 address", x.api())
	}
	want := account.E911Address{Name: c.Key, E911Address: plan.E911AddressOf(c)}
	return x.created(ctx, "create E911 address", func(ctx context.Context) error {
		a, err := ed.CreateE911(ctx, want)
		if err == nil {
			x.rememberE911(want.Name, a.ID)
		}
		return err
	}, func(ctx context.Context) (bool, string, error) {
		as, err := ed.E911Addresses(ctx)
		if err != nil {
			return false, "", err
		}
		for _, a := range as {
			if a.Name != want.Name {
				continue
			}
			if !sameAddress(want.E911Address, a.E911Address) {
				return true, fmt.Sprintf("an E911 address labelled %q exists with other fields; run plan again", want.Name), nil
			}
			x.rememberE911(want.Name, a.ID)
			return true, "", nil
		}
		return false, "", nil
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
	return x.idempotent(ctx, "update E911 address", func(ctx context.Context) error { return ed.UpdateE911(ctx, want) },
		func(ctx context.Context) (bool, error) {
			as, err := ed.E911Addresses(ctx)
			if err != nil {
				return false, err
			}
			for _, a := range as {
				if a.ID == id {
					return sameAddress(want.E911Address, a.E911Address), nil
				}
			}
			return false, nil
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
	return x.idempotent(ctx, what, func(ctx context.Context) error { return ed.AssociateE911(ctx, tn, id) },
		func(ctx context.Context) (bool, error) {
			n, err := x.number(ctx, tn)
			return err == nil && n.E911ID == id, err
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
	return x.idempotent(ctx, "set callbacks", func(ctx context.Context) error { return ed.SetCallbacks(ctx, tn, m) },
		func(ctx context.Context) (bool, error) {
			cr, ok := x.acct.(account.CallbackReader)
			if !ok {
				return false, nil
			}
			got, err := cr.Callbacks(ctx, tn)
			if errors.Is(err, account.ErrNotSupported) {
				return false, nil
			}
			same := func(want, have string) bool { return want == "" || want == have }
			return err == nil && same(m.SMSCallback, got.SMSCallback) && same(m.MMSCallback, got.MMSCallback) &&
				same(m.SMSDLRCallback, got.SMSDLRCallback) && same(m.MMSDLRCallback, got.MMSDLRCallback), err
		})
}

// release gives the number back (account.Releaser). It reads the number first: one the account
// no longer owns is not sent; one with an E911 address (which the plan disconnects first) is
// refused. After a lost answer it reads the number again, and sends the release again only
// when the account still owns it.
func (x *executor) release(ctx context.Context, c plan.Change) Result {
	rel, ok := x.acct.(account.Releaser)
	if !ok {
		return failed(0, "%s cannot release a number", x.api())
	}
	tn := c.Key
	var n *account.Number
	err := x.read(ctx, func(ctx context.Context) error {
		var err error
		n, err = x.number(ctx, tn)
		return err
	})
	switch {
	case errors.Is(err, account.ErrNotFound):
		return applied(0, "the account no longer owns the number; nothing was sent")
	case err != nil:
		return failed(0, "release: reading the number first failed: %v", err)
	case n.E911ID != "":
		return failed(0, "release: the number still has an E911 address; it must be disconnected first: run plan again")
	}
	for attempt := 1; ; attempt++ {
		err := rel.Release(ctx, tn)
		if err == nil {
			return applied(attempt, "")
		}
		if !errors.Is(err, account.ErrOutcomeUnknown) {
			if attempt > 1 {
				if owned, rerr := x.owns(ctx, tn); rerr == nil && !owned {
					return applied(attempt, noteConfirmed)
				}
			}
			return failed(attempt, "release: %v", err)
		}
		owned, rerr := x.owns(ctx, tn)
		if rerr != nil {
			return unknownOutcome(attempt, err, rerr)
		}
		if !owned {
			return applied(attempt, noteConfirmed)
		}
		if werr := x.wait(ctx, attempt); werr != nil {
			return gaveUp(attempt, "release", werr, err)
		}
	}
}

// deleteRoute deletes the unused route (account.RouteEditor). One already gone is done; after
// a lost answer the routes are read, and the deletion sent again while the route is there.
func (x *executor) deleteRoute(ctx context.Context, c plan.Change) Result {
	ed, ok := x.acct.(account.RouteEditor)
	if !ok {
		return failed(0, "%s cannot delete a route", x.api())
	}
	got, found, err := x.route(ctx, c.Key)
	switch {
	case err != nil:
		return failed(0, "delete route: reading the routes failed: %v", err)
	case !found:
		return applied(0, "the route is already gone; nothing was sent")
	}
	return x.idempotent(ctx, "delete route", func(ctx context.Context) error { return ed.DeleteRoute(ctx, got) },
		func(ctx context.Context) (bool, error) {
			_, found, err := x.route(ctx, c.Key)
			return err == nil && !found, err
		})
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
