package v2

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Backend is the v2 client behind the neutral contract of package account. Route names at the
// contract are v2 aliases; the Backend maps them to ids with a cache of the account's routes,
// refreshed when a name or id is missing from it ("sip-reg" is route "0").
type Backend struct {
	c *Client
	// Warn, when not nil, receives what succeeded only in part, such as a purchase answered
	// 207 (bought, messaging provisioning failed). The contract has no place for it.
	Warn func(msg string)

	mu      sync.Mutex
	byAlias map[string]Route
	byID    map[string]Route
	missing map[string]bool // aliases and ids a fresh read of the routes lacked
	cnams   map[string]CNAM // by id, for the CNAM value of a number whose details name only the id
}

// Compile-time checks that Backend is every part of the contract.
var (
	_ account.Backend         = (*Backend)(nil)
	_ account.Searcher        = (*Backend)(nil)
	_ account.Detailer        = (*Backend)(nil)
	_ account.RouteEditor     = (*Backend)(nil)
	_ account.Releaser        = (*Backend)(nil)
	_ account.NumberEditor    = (*Backend)(nil)
	_ account.CNAMEditor      = (*Backend)(nil)
	_ account.E911Editor      = (*Backend)(nil)
	_ account.MessagingEditor = (*Backend)(nil)
	_ account.CallbackReader  = (*Backend)(nil)
	_ account.CallbackRemover = (*Backend)(nil)

	_ account.EdgeStrategyLister = (*Backend)(nil)
)

// NewBackend returns the contract's view of c.
func NewBackend(c *Client) *Backend { return &Backend{c: c} }

// Client is the client the backend calls.
func (b *Backend) Client() *Client { return b.c }

// Capabilities: v2 changes and deletes routes, carries edge strategies, releases numbers,
// aliases, CNAM lookups, CNAM records, E911 and messaging callbacks; it has no billing
// methods, its list of numbers has no routes, and a number may have no failover route (a new
// one has none). BulkDetails is true unless the server has
// answered that it lacks the v2.1 bulk details (call Client().ProbeBulkDetails to know before
// the first Details).
func (b *Backend) Capabilities() account.Capabilities {
	ok, known := b.c.HasBulkDetails()
	return account.Capabilities{
		API: "v2", ChangeRoute: true, DeleteRoute: true, EdgeStrategy: true, ReleaseNumber: true,
		BillingMethods: false, Alias: true, CNAMLookups: true, CNAM: true, E911: true, Messaging: true,
		BulkDetails: ok || !known, ListHasRoutes: false, FailoverOptional: true, SearchStartsWith: true,
	}
}

// specType is a v2 route type in the spec's terms: host → HOST, number → PSTN, uri → URI,
// sip-reg → SIP-REG.
func specType(t string) string {
	if strings.EqualFold(t, RouteNumber) {
		return spec.RoutePSTN
	}
	return strings.ToUpper(t)
}

// v2Type is a spec route type in v2's terms (the inverse of specType).
func v2Type(t string) string {
	if strings.EqualFold(t, spec.RoutePSTN) {
		return RouteNumber
	}
	return strings.ToLower(t)
}

func toAccountRoute(r Route) account.Route {
	return account.Route{ID: r.ID, Name: r.Alias, Route: spec.Route{Type: specType(r.Type), Value: r.Value, EdgeStrategy: r.EdgeStrategyID}}
}

// remember puts routes into the cache; all replaces it. The cache stays one-to-one: a route
// whose alias changed loses its old alias, and a route that had an alias now carried by
// another loses its entry by id (aliases are unique in an account, so its alias is unknown
// until the routes are read again).
func (b *Backend) remember(all bool, rs ...Route) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if all || b.byAlias == nil {
		b.byAlias, b.byID, b.missing = map[string]Route{}, map[string]Route{}, map[string]bool{}
	}
	for _, r := range rs {
		if old, ok := b.byID[r.ID]; ok && old.Alias != r.Alias && b.byAlias[old.Alias].ID == r.ID {
			delete(b.byAlias, old.Alias)
		}
		if r.Alias != "" {
			if old, ok := b.byAlias[r.Alias]; ok && old.ID != r.ID {
				delete(b.byID, old.ID)
			}
			b.byAlias[r.Alias] = r
		}
		b.byID[r.ID] = r
		delete(b.missing, missingKey(r.Alias, false))
		delete(b.missing, missingKey(r.ID, true))
	}
}

// forget drops the route with id from the cache, under its cached alias and under alias.
func (b *Backend) forget(id, alias string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.byID[id]; ok && b.byAlias[old.Alias].ID == id {
		delete(b.byAlias, old.Alias)
	}
	if b.byAlias[alias].ID == id {
		delete(b.byAlias, alias)
	}
	delete(b.byID, id)
}

// cached looks a route up by alias (byID false) or id.
func (b *Backend) cached(key string, byID bool) (Route, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.byAlias
	if byID {
		m = b.byID
	}
	r, ok := m[key]
	return r, ok
}

// refresh reads the account's routes and replaces the cache with them.
func (b *Backend) refresh(ctx context.Context) error {
	rs, err := b.c.AllRoutes(ctx)
	if err != nil {
		return err
	}
	b.remember(true, rs...)
	return nil
}

// route finds a route by alias or id, reading the routes again when the cache lacks it.
func (b *Backend) route(ctx context.Context, key string, byID bool) (Route, bool, error) {
	if byID && key == BuiltinRouteID || !byID && key == spec.BuiltinRoute {
		return Route{ID: BuiltinRouteID, Alias: spec.BuiltinRoute, Type: RouteSIPReg}, true, nil
	}
	if r, ok := b.cached(key, byID); ok {
		return r, true, nil
	}
	b.mu.Lock()
	gone := b.missing[missingKey(key, byID)]
	b.mu.Unlock()
	if gone { // read once already since the last full read: do not walk the routes per number
		return Route{}, false, nil
	}
	if err := b.refresh(ctx); err != nil {
		return Route{}, false, err
	}
	r, ok := b.cached(key, byID)
	if !ok {
		b.mu.Lock()
		b.missing[missingKey(key, byID)] = true
		b.mu.Unlock()
	}
	return r, ok, nil
}

func missingKey(key string, byID bool) string {
	if byID {
		return "id:" + key
	}
	return "alias:" + key
}

// routeID is the id of the route named name ("" and "sip-reg" are "0").
func (b *Backend) routeID(ctx context.Context, name string) (string, error) {
	if name == "" {
		return BuiltinRouteID, nil
	}
	r, ok, err := b.route(ctx, name, false)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("flowroute v2: the account has no route with alias %q: %w", name, account.ErrNotFound)
	}
	return r.ID, nil
}

// Routes lists the account's routes, sip-reg included, by id; the listing refills the cache.
func (b *Backend) Routes(ctx context.Context) ([]account.Route, error) {
	rs, err := b.c.AllRoutes(ctx)
	if err != nil {
		return nil, err
	}
	b.remember(true, rs...)
	out := make([]account.Route, len(rs))
	for i, r := range rs {
		out[i] = toAccountRoute(r)
	}
	return out, nil
}

// Numbers lists the account's numbers with their alias and CNAM lookups; the routes and the
// other detail fields come from Number or Details (Detailed is false).
func (b *Backend) Numbers(ctx context.Context, progress account.Progress) ([]account.Number, error) {
	ns, err := b.c.AllNumbers(ctx, NumberQuery{}, progress)
	if err != nil {
		return nil, err
	}
	out := make([]account.Number, len(ns))
	for i, n := range ns {
		lookups := n.CNAMLookups
		out[i] = account.Number{TN: n.TN, Number: spec.Number{Alias: n.Alias, CNAMLookups: &lookups}}
	}
	return out, nil
}

// Number returns one number's details, or an error matching account.ErrNotFound.
func (b *Backend) Number(ctx context.Context, tn string) (*account.Number, error) {
	n, err := b.c.GetNumber(ctx, tn)
	if err != nil {
		return nil, err
	}
	an, err := b.toAccountNumber(ctx, *n)
	if err != nil {
		return nil, err
	}
	return &an, nil
}

// Details reads the details of many numbers, in bulk where the server can.
func (b *Backend) Details(ctx context.Context, tns []string) ([]account.Number, error) {
	ns, err := b.c.NumberDetails(ctx, tns)
	if err != nil {
		return nil, err
	}
	out := make([]account.Number, len(ns))
	for i, n := range ns {
		if out[i], err = b.toAccountNumber(ctx, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// toAccountNumber turns a number's details into the contract's terms: routes by alias (from
// the included routes, else the cache; a route the account does not list keeps its id as its
// name), the CNAM by its value, E911 by id. Messaging callbacks are not readable in v2.0, so
// Messaging stays nil (not managed).
func (b *Backend) toAccountNumber(ctx context.Context, n Number) (account.Number, error) {
	b.remember(false, n.Routes...)
	lookups := n.CNAMLookups
	an := account.Number{TN: n.TN, Number: spec.Number{Alias: n.Alias, CNAMLookups: &lookups}, E911ID: n.E911ID, Detailed: n.Detailed, MonthlyCost: n.MonthlyCost}
	name := func(id string) (string, error) {
		if id == "" {
			return "", nil
		}
		r, ok, err := b.route(ctx, id, true)
		if err != nil || !ok {
			return id, err
		}
		return r.Alias, nil
	}
	var err error
	if an.PrimaryRoute, err = name(n.PrimaryRouteID); err != nil {
		return account.Number{}, err
	}
	if an.FailoverRoute, err = name(n.FailoverRouteID); err != nil {
		return account.Number{}, err
	}
	if n.CNAMID != "" {
		c := n.CNAM
		if c == nil {
			if c, err = b.cnam(ctx, n.CNAMID); err != nil {
				return account.Number{}, err
			}
		}
		an.CNAM, an.CNAMPending = c.Value, !c.IsApproved && c.RejectionReason == ""
	}
	return an, nil
}

// cnam reads a CNAM record by id, once per Backend.
func (b *Backend) cnam(ctx context.Context, id string) (*CNAM, error) {
	b.mu.Lock()
	c, ok := b.cnams[id]
	b.mu.Unlock()
	if ok {
		return &c, nil
	}
	r, err := b.c.GetCNAM(ctx, id)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.cnams == nil {
		b.cnams = map[string]CNAM{}
	}
	b.cnams[id] = *r
	b.mu.Unlock()
	return r, nil
}

// Lookup returns the offer for tn, or an error matching account.ErrNotFound.
func (b *Backend) Lookup(ctx context.Context, tn string) (*account.Offer, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	p, err := b.c.SearchAvailable(ctx, AvailableQuery{StartsWith: tn}, PageOptions{Limit: DefaultLimit})
	if err != nil {
		return nil, err
	}
	for _, n := range p.Items {
		if n.TN == tn {
			o := toOffer(n)
			return &o, nil
		}
	}
	return nil, fmt.Errorf("flowroute v2: %s is not for sale: %w", tn, account.ErrNotFound)
}

// toOffer is the inventory number as an offer. v2 writes state and rate center in lower case
// ("wa", "seattle"); the offer has them in upper case, as v1 and the spec's users write them,
// so that search and add show the same on both APIs.
func toOffer(n AvailableNumber) account.Offer {
	return account.Offer{TN: n.TN, SetupCost: n.SetupCost, MonthlyCost: n.MonthlyCost,
		State: strings.ToUpper(n.State), RateCenter: strings.ToUpper(n.RateCenter)}
}

// Search returns up to max offers (0: all) matching q. NPA and NXX become starts_with
// "1NPANXX"; StartsWith, when set, is sent as it is and wins over them.
func (b *Backend) Search(ctx context.Context, q account.SearchQuery, max int) ([]account.Offer, error) {
	if q.NXX != "" && q.NPA == "" {
		return nil, errors.New("flowroute v2: an NXX needs an NPA")
	}
	aq := AvailableQuery{StartsWith: q.StartsWith, Contains: q.Contains, State: q.State, RateCenter: q.RateCenter}
	if aq.StartsWith == "" && q.NPA != "" {
		aq.StartsWith = "1" + q.NPA + q.NXX
	}
	ns, err := b.c.AllAvailable(ctx, aq, max)
	if err != nil {
		return nil, err
	}
	out := make([]account.Offer, len(ns))
	for i, n := range ns {
		out[i] = toOffer(n)
	}
	return out, nil
}

// CreateRoute creates the route, its Name as the alias, and returns it with its id; the cache
// learns it (and forgets any route it still had under that alias).
func (b *Backend) CreateRoute(ctx context.Context, r account.Route) (account.Route, error) {
	nr, err := b.c.CreateRoute(ctx, RouteInput{Alias: r.Name, Type: v2Type(r.Type), Value: r.Value, EdgeStrategyID: r.EdgeStrategy})
	if err != nil {
		return account.Route{}, err
	}
	b.remember(false, *nr)
	return toAccountRoute(*nr), nil
}

// UpdateRoute changes the route's type, value and edge strategy, and its alias to r.Name when
// r.ID names it; r.ID, or else r.Name (through the cache), names it. The cache learns the
// route as the answer shows it, so a renamed route loses its old alias. A cache made stale by
// another writer (the route renamed since it was read) is not noticed here: the plan made after
// apply shows what differs.
func (b *Backend) UpdateRoute(ctx context.Context, r account.Route) error {
	id := r.ID
	if id == "" {
		var err error
		if id, err = b.routeID(ctx, r.Name); err != nil {
			return err
		}
	}
	nr, err := b.c.UpdateRoute(ctx, id, RouteInput{Alias: r.Name, Type: v2Type(r.Type), Value: r.Value, EdgeStrategyID: r.EdgeStrategy})
	if err != nil {
		return err
	}
	b.remember(false, *nr)
	return nil
}

// DeleteRoute deletes the route: r.ID, or else the route a fresh read of the routes shows
// named r.Name. Unlike a change, a deletion does not trust the cache: deleting a route another
// writer has renamed since could not be undone. One still in use is an error matching
// account.ErrConflict.
func (b *Backend) DeleteRoute(ctx context.Context, r account.Route) error {
	id := r.ID
	if id == "" {
		if err := b.refresh(ctx); err != nil {
			return err
		}
		var err error
		if id, err = b.routeID(ctx, r.Name); err != nil {
			return err
		}
	}
	if err := b.c.DeleteRoute(ctx, id); err != nil {
		return err
	}
	b.forget(id, r.Name)
	return nil
}

// EdgeStrategies lists the edge strategies (PoPs) a route may name, by id
// (account.EdgeStrategyLister).
func (b *Backend) EdgeStrategies(ctx context.Context) ([]account.EdgeStrategy, error) {
	es, err := b.c.EdgeStrategies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]account.EdgeStrategy, len(es))
	for i, e := range es {
		out[i] = account.EdgeStrategy{ID: e.ID, Name: e.Name}
	}
	return out, nil
}

// Purchase buys tn. v2 has no billing methods, so billingMethod must be "". A purchase that
// succeeds only in part (207) is a success, reported to Warn.
func (b *Backend) Purchase(ctx context.Context, tn, billingMethod string) error {
	if billingMethod != "" {
		return fmt.Errorf("flowroute v2: %s: v2 has no billing methods; leave billing_method (%s) out of the spec", tn, billingMethod)
	}
	res, err := b.c.PurchaseNumber(ctx, tn, PurchaseOptions{})
	if err != nil {
		return err
	}
	if res.Warning != "" && b.Warn != nil {
		b.Warn(res.Warning)
	}
	return nil
}

// SetRoutes sets the number's primary route (""/sip-reg: route "0") and failover route (""
// removes it: v2 numbers have none by default), by the ids the cache has for the names. The two
// are separate requests, sent at once. The number is not read back: a cache made stale by
// another writer (a route renamed, another created under its old alias) shows in the plan made
// after apply, which reads the number's routes by their names then. When one of the two fails
// the error is its error (both when both fail), and one whose answer is lost makes the error
// match account.ErrOutcomeUnknown.
func (b *Backend) SetRoutes(ctx context.Context, tn, primary, failover string) error {
	pid, err := b.routeID(ctx, primary)
	if err != nil {
		return err
	}
	fid := ""
	if failover != "" {
		if fid, err = b.routeID(ctx, failover); err != nil {
			return err
		}
	}
	var perr, ferr error
	var wg sync.WaitGroup
	wg.Go(func() { perr = b.c.SetPrimaryRoute(ctx, tn, pid) })
	if fid == "" {
		ferr = b.c.RemoveFailoverRoute(ctx, tn)
	} else {
		ferr = b.c.SetFailoverRoute(ctx, tn, fid)
	}
	wg.Wait()
	switch {
	case perr != nil && ferr != nil:
		return fmt.Errorf("%w; %w", perr, ferr)
	case perr != nil:
		return perr
	}
	return ferr
}

// Release releases tn.
func (b *Backend) Release(ctx context.Context, tn string) error { return b.c.ReleaseNumber(ctx, tn) }

// SetAlias sets the number's alias.
func (b *Backend) SetAlias(ctx context.Context, tn, alias string) error {
	_, err := b.c.UpdateNumber(ctx, tn, NumberUpdate{Alias: &alias})
	return err
}

// SetCNAMLookups switches the number's inbound caller-ID name lookups.
func (b *Backend) SetCNAMLookups(ctx context.Context, tn string, enabled bool) error {
	_, err := b.c.UpdateNumber(ctx, tn, NumberUpdate{CNAMLookups: &enabled})
	return err
}

func toAccountCNAM(c CNAM) account.CNAM {
	s := account.CNAMPending
	switch {
	case c.IsApproved:
		s = account.CNAMApproved
	case c.RejectionReason != "":
		s = account.CNAMRejected
	}
	return account.CNAM{ID: c.ID, Value: c.Value, Status: s}
}

// CNAMs lists the account's CNAM records.
func (b *Backend) CNAMs(ctx context.Context) ([]account.CNAM, error) {
	cs, err := b.c.AllCNAMs(ctx, CNAMQuery{})
	if err != nil {
		return nil, err
	}
	out := make([]account.CNAM, len(cs))
	b.mu.Lock()
	if b.cnams == nil {
		b.cnams = map[string]CNAM{}
	}
	for i, c := range cs {
		out[i] = toAccountCNAM(c)
		b.cnams[c.ID] = c
	}
	b.mu.Unlock()
	return out, nil
}

// CreateCNAM creates a CNAM record; it is pending until approved.
func (b *Backend) CreateCNAM(ctx context.Context, value string) (account.CNAM, error) {
	c, err := b.c.CreateCNAM(ctx, value)
	if err != nil {
		return account.CNAM{}, err
	}
	return toAccountCNAM(*c), nil
}

// AssociateCNAM presents the record on the number; cnamID "" removes the association.
func (b *Backend) AssociateCNAM(ctx context.Context, tn, cnamID string) error {
	if cnamID == "" {
		return b.c.UnassociateCNAM(ctx, tn)
	}
	_, err := b.c.AssociateCNAM(ctx, tn, cnamID)
	return err
}

func toSpecE911(f E911Fields) spec.E911Address {
	return spec.E911Address{FirstName: f.FirstName, LastName: f.LastName, StreetNumber: f.StreetNumber, StreetName: f.StreetName,
		AddressType: f.AddressType, AddressTypeNumber: f.AddressTypeNumber, City: f.City, State: f.State, Country: f.Country, Zip: f.Zip}
}

// e911Fields turns an address into v2's fields, its Name as the label v2 requires.
func e911Fields(a account.E911Address) E911Fields {
	return E911Fields{Label: a.Name, FirstName: a.FirstName, LastName: a.LastName, StreetNumber: a.StreetNumber, StreetName: a.StreetName,
		AddressType: a.AddressType, AddressTypeNumber: a.AddressTypeNumber, City: a.City, State: a.State, Country: a.Country, Zip: a.Zip}
}

func toAccountE911(a E911Address) account.E911Address {
	return account.E911Address{ID: a.ID, Name: a.Label, E911Address: toSpecE911(a.E911Fields)}
}

// E911Addresses lists the account's E911 addresses.
func (b *Backend) E911Addresses(ctx context.Context) ([]account.E911Address, error) {
	as, err := b.c.AllE911s(ctx, E911Query{})
	if err != nil {
		return nil, err
	}
	out := make([]account.E911Address, len(as))
	for i, a := range as {
		out[i] = toAccountE911(a)
	}
	return out, nil
}

// CreateE911 validates and creates an address labelled a.Name.
func (b *Backend) CreateE911(ctx context.Context, a account.E911Address) (account.E911Address, error) {
	if a.Name == "" {
		return account.E911Address{}, errors.New("flowroute v2: an E911 address needs a label (its name in e911_addresses)")
	}
	na, err := b.c.CreateE911(ctx, e911Fields(a))
	if err != nil {
		return account.E911Address{}, err
	}
	return toAccountE911(*na), nil
}

// UpdateE911 validates and changes the address a.ID to a's fields.
func (b *Backend) UpdateE911(ctx context.Context, a account.E911Address) error {
	f := e911Fields(a)
	f.Label = "" // keep the label the address has
	_, err := b.c.UpdateE911(ctx, a.ID, f)
	return err
}

// AssociateE911 sets the number's address; id "" disconnects it.
func (b *Backend) AssociateE911(ctx context.Context, tn, id string) error {
	if id == "" {
		return b.c.DisconnectE911(ctx, tn)
	}
	return b.c.AssociateE911(ctx, tn, id)
}

// SetCallbacks sets the number's messaging callback URLs that m names (an empty URL is not
// managed and left as it is).
func (b *Backend) SetCallbacks(ctx context.Context, tn string, m spec.Messaging) error {
	for _, cb := range []struct {
		t   CallbackType
		url string
	}{{SMSCallback, m.SMSCallback}, {MMSCallback, m.MMSCallback}, {SMSDLRCallback, m.SMSDLRCallback}, {MMSDLRCallback, m.MMSDLRCallback}} {
		if cb.url == "" {
			continue
		}
		if err := b.c.SetCallback(ctx, tn, cb.t, cb.url); err != nil {
			return err
		}
	}
	return nil
}

// RemoveCallbacks removes the number's callbacks of the types named (spec names, which are
// v2's), with the pre-release DELETE (docs/flowroute-v2-api.md §5.2); one not set (404) is
// done already. A server without the DELETE answers 405, an error matching
// account.ErrNotSupported.
func (b *Backend) RemoveCallbacks(ctx context.Context, tn string, names []string) error {
	for _, name := range names {
		err := b.c.RemoveCallback(ctx, tn, CallbackType(name))
		switch s := status(err); {
		case err == nil, s == http.StatusNotFound:
		case s == http.StatusMethodNotAllowed:
			return fmt.Errorf("flowroute v2: removing the %s of %s: %w (%v)", name, tn, account.ErrNotSupported, err)
		default:
			return err
		}
	}
	return nil
}

// callbackTypes are the per-number callbacks in the order of spec.Messaging's fields.
var callbackTypes = [...]CallbackType{SMSCallback, MMSCallback, SMSDLRCallback, MMSDLRCallback}

// Callbacks reads the number's four messaging callbacks with the pre-release GET
// (docs/flowroute-v2-api.md §5.2): a callback answered 404 is not set. A server that answers
// 405 has no such GET, and the error matches account.ErrNotSupported.
func (b *Backend) Callbacks(ctx context.Context, tn string) (spec.Messaging, error) {
	var urls [len(callbackTypes)]string
	for i, t := range callbackTypes {
		cb, err := b.c.GetCallback(ctx, tn, t)
		switch s := status(err); {
		case err == nil:
			urls[i] = cb.URL
		case s == http.StatusNotFound:
		case s == http.StatusMethodNotAllowed:
			return spec.Messaging{}, fmt.Errorf("flowroute v2: reading the callbacks of %s: %w (%v)", tn, account.ErrNotSupported, err)
		default:
			return spec.Messaging{}, err
		}
	}
	return spec.Messaging{SMSCallback: urls[0], MMSCallback: urls[1], SMSDLRCallback: urls[2], MMSDLRCallback: urls[3]}, nil
}
