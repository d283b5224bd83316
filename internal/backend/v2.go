package backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// V2 is the v2 client behind the neutral contract of package account. Route names at the
// contract are v2 aliases; V2 maps them to ids with a cache of the account's routes,
// refreshed when a name or id is missing from it ("sip-reg" is route "0"). Its errors match
// the account errors of their kind (see neutral).
type V2 struct {
	c *v2.Client
	// Warn, when not nil, receives what succeeded only in part, such as a purchase answered
	// 207 (bought, messaging provisioning failed). The contract has no place for it.
	Warn func(msg string)

	mu      sync.Mutex
	byAlias map[string]v2.Route
	byID    map[string]v2.Route
	missing map[string]bool    // aliases and ids a fresh read of the routes lacked
	cnams   map[string]v2.CNAM // by id, for the CNAM value of a number whose details name only the id
}

// Compile-time checks that V2 is every part of the contract.
var (
	_ account.Backend         = (*V2)(nil)
	_ account.Searcher        = (*V2)(nil)
	_ account.Detailer        = (*V2)(nil)
	_ account.RouteEditor     = (*V2)(nil)
	_ account.Releaser        = (*V2)(nil)
	_ account.NumberEditor    = (*V2)(nil)
	_ account.CNAMEditor      = (*V2)(nil)
	_ account.E911Editor      = (*V2)(nil)
	_ account.MessagingEditor = (*V2)(nil)
	_ account.CallbackReader  = (*V2)(nil)
	_ account.CallbackRemover = (*V2)(nil)

	_ account.EdgeStrategyLister = (*V2)(nil)
)

// NewV2 returns the contract's view of c.
func NewV2(c *v2.Client) *V2 { return &V2{c: c} }

// Client is the client the backend calls.
func (b *V2) Client() *v2.Client { return b.c }

// Capabilities: v2 changes and deletes routes, carries edge strategies, releases numbers,
// aliases, CNAM lookups, CNAM records, E911 and messaging callbacks; it has no billing
// methods, its list of numbers has no routes, and a number may have no failover route (a new
// one has none). BulkDetails is true unless the server has
// answered that it lacks the v2.1 bulk details (call Client().ProbeBulkDetails to know before
// the first Details).
func (b *V2) Capabilities() account.Capabilities {
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
	if strings.EqualFold(t, v2.RouteNumber) {
		return spec.RoutePSTN
	}
	return strings.ToUpper(t)
}

// v2Type is a spec route type in v2's terms (the inverse of specType).
func v2Type(t string) string {
	if strings.EqualFold(t, spec.RoutePSTN) {
		return v2.RouteNumber
	}
	return strings.ToLower(t)
}

func toAccountRoute(r v2.Route) account.Route {
	return account.Route{ID: r.ID, Name: r.Alias, Route: spec.Route{Type: specType(r.Type), Value: r.Value, EdgeStrategy: r.EdgeStrategyID}}
}

// remember puts routes into the cache; all replaces it. The cache stays one-to-one: a route
// whose alias changed loses its old alias, and a route that had an alias now carried by
// another loses its entry by id (aliases are unique in an account, so its alias is unknown
// until the routes are read again).
func (b *V2) remember(all bool, rs ...v2.Route) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if all || b.byAlias == nil {
		b.byAlias, b.byID, b.missing = map[string]v2.Route{}, map[string]v2.Route{}, map[string]bool{}
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
func (b *V2) forget(id, alias string) {
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
func (b *V2) cached(key string, byID bool) (v2.Route, bool) {
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
func (b *V2) refresh(ctx context.Context) error {
	rs, err := b.c.AllRoutes(ctx)
	if err != nil {
		return err
	}
	b.remember(true, rs...)
	return nil
}

// route finds a route by alias or id, reading the routes again when the cache lacks it.
func (b *V2) route(ctx context.Context, key string, byID bool) (v2.Route, bool, error) {
	if byID && key == v2.BuiltinRouteID || !byID && key == spec.BuiltinRoute {
		return v2.Route{ID: v2.BuiltinRouteID, Alias: spec.BuiltinRoute, Type: v2.RouteSIPReg}, true, nil
	}
	if r, ok := b.cached(key, byID); ok {
		return r, true, nil
	}
	b.mu.Lock()
	gone := b.missing[missingKey(key, byID)]
	b.mu.Unlock()
	if gone { // read once already since the last full read: do not walk the routes per number
		return v2.Route{}, false, nil
	}
	if err := b.refresh(ctx); err != nil {
		return v2.Route{}, false, err
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
func (b *V2) routeID(ctx context.Context, name string) (string, error) {
	if name == "" {
		return v2.BuiltinRouteID, nil
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
func (b *V2) Routes(ctx context.Context) ([]account.Route, error) {
	rs, err := b.c.AllRoutes(ctx)
	if err != nil {
		return nil, v2Errors.neutral(err)
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
func (b *V2) Numbers(ctx context.Context, progress account.Progress) ([]account.Number, error) {
	ns, err := b.c.AllNumbers(ctx, v2.NumberQuery{}, progress)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	out := make([]account.Number, len(ns))
	for i, n := range ns {
		lookups := n.CNAMLookups
		out[i] = account.Number{TN: n.TN, Number: spec.Number{Alias: n.Alias, CNAMLookups: &lookups}}
	}
	return out, nil
}

// Number returns one number's details, or an error matching account.ErrNotFound.
func (b *V2) Number(ctx context.Context, tn string) (*account.Number, error) {
	n, err := b.c.GetNumber(ctx, tn)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	an, err := b.toAccountNumber(ctx, *n)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	return &an, nil
}

// Details reads the details of many numbers, in bulk where the server can.
func (b *V2) Details(ctx context.Context, tns []string) ([]account.Number, error) {
	ns, err := b.c.NumberDetails(ctx, tns)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	out := make([]account.Number, len(ns))
	for i, n := range ns {
		if out[i], err = b.toAccountNumber(ctx, n); err != nil {
			return nil, v2Errors.neutral(err)
		}
	}
	return out, nil
}

// toAccountNumber turns a number's details into the contract's terms: routes by alias (from
// the included routes, else the cache; a route the account does not list keeps its id as its
// name), the CNAM by its value, E911 by id. Messaging callbacks are not readable in v2.0, so
// Messaging stays nil (not managed).
func (b *V2) toAccountNumber(ctx context.Context, n v2.Number) (account.Number, error) {
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

// cnam reads a CNAM record by id, once per V2.
func (b *V2) cnam(ctx context.Context, id string) (*v2.CNAM, error) {
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
		b.cnams = map[string]v2.CNAM{}
	}
	b.cnams[id] = *r
	b.mu.Unlock()
	return r, nil
}

// Lookup returns the offer for tn, or an error matching account.ErrNotFound.
func (b *V2) Lookup(ctx context.Context, tn string) (*account.Offer, error) {
	n, err := b.c.LookupAvailable(ctx, tn)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	o := toOffer(*n)
	return &o, nil
}

// toOffer is the inventory number as an offer. v2 writes state and rate center in lower case
// ("wa", "seattle"); the offer has them in upper case, as v1 and the spec's users write them,
// so that search and add show the same on both APIs.
func toOffer(n v2.AvailableNumber) account.Offer {
	return account.Offer{TN: n.TN, SetupCost: n.SetupCost, MonthlyCost: n.MonthlyCost,
		State: strings.ToUpper(n.State), RateCenter: strings.ToUpper(n.RateCenter)}
}

// Search returns up to max offers (0: all) matching q. NPA and NXX become starts_with
// "1NPANXX"; StartsWith, when set, is sent as it is and wins over them.
func (b *V2) Search(ctx context.Context, q account.SearchQuery, max int) ([]account.Offer, error) {
	if q.NXX != "" && q.NPA == "" {
		return nil, errors.New("flowroute v2: an NXX needs an NPA")
	}
	aq := v2.AvailableQuery{StartsWith: q.StartsWith, Contains: q.Contains, State: q.State, RateCenter: q.RateCenter}
	if aq.StartsWith == "" && q.NPA != "" {
		aq.StartsWith = "1" + q.NPA + q.NXX
	}
	ns, err := b.c.AllAvailable(ctx, aq, max)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	out := make([]account.Offer, len(ns))
	for i, n := range ns {
		out[i] = toOffer(n)
	}
	return out, nil
}

// CreateRoute creates the route, its Name as the alias, and returns it with its id; the cache
// learns it (and forgets any route it still had under that alias).
func (b *V2) CreateRoute(ctx context.Context, r account.Route) (account.Route, error) {
	nr, err := b.c.CreateRoute(ctx, v2.RouteInput{Alias: r.Name, Type: v2Type(r.Type), Value: r.Value, EdgeStrategyID: r.EdgeStrategy})
	if err != nil {
		return account.Route{}, v2Errors.neutral(err)
	}
	b.remember(false, *nr)
	return toAccountRoute(*nr), nil
}

// UpdateRoute changes the route's type, value and edge strategy, and its alias to r.Name when
// r.ID names it; r.ID, or else r.Name (through the cache), names it. The cache learns the
// route as the answer shows it, so a renamed route loses its old alias. A cache made stale by
// another writer (the route renamed since it was read) is not noticed here: the plan made after
// apply shows what differs.
func (b *V2) UpdateRoute(ctx context.Context, r account.Route) error {
	id := r.ID
	if id == "" {
		var err error
		if id, err = b.routeID(ctx, r.Name); err != nil {
			return v2Errors.neutral(err)
		}
	}
	nr, err := b.c.UpdateRoute(ctx, id, v2.RouteInput{Alias: r.Name, Type: v2Type(r.Type), Value: r.Value, EdgeStrategyID: r.EdgeStrategy})
	if err != nil {
		return v2Errors.neutral(err)
	}
	b.remember(false, *nr)
	return nil
}

// DeleteRoute deletes the route: r.ID, or else the route a fresh read of the routes shows
// named r.Name. Unlike a change, a deletion does not trust the cache: deleting a route another
// writer has renamed since could not be undone. One still in use is an error matching
// account.ErrConflict.
func (b *V2) DeleteRoute(ctx context.Context, r account.Route) error {
	id := r.ID
	if id == "" {
		if err := b.refresh(ctx); err != nil {
			return v2Errors.neutral(err)
		}
		var err error
		if id, err = b.routeID(ctx, r.Name); err != nil {
			return v2Errors.neutral(err)
		}
	}
	if err := b.c.DeleteRoute(ctx, id); err != nil {
		return v2Errors.neutral(err)
	}
	b.forget(id, r.Name)
	return nil
}

// EdgeStrategies lists the edge strategies (PoPs) a route may name, by id
// (account.EdgeStrategyLister).
func (b *V2) EdgeStrategies(ctx context.Context) ([]account.EdgeStrategy, error) {
	es, err := b.c.EdgeStrategies(ctx)
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	out := make([]account.EdgeStrategy, len(es))
	for i, e := range es {
		out[i] = account.EdgeStrategy{ID: e.ID, Name: e.Name}
	}
	return out, nil
}

// Purchase buys tn. v2 has no billing methods, so billingMethod must be "". A purchase that
// succeeds only in part (207) is a success, reported to Warn.
func (b *V2) Purchase(ctx context.Context, tn, billingMethod string) error {
	if billingMethod != "" {
		return fmt.Errorf("flowroute v2: %s: v2 has no billing methods; leave billing_method (%s) out of the spec", tn, billingMethod)
	}
	res, err := b.c.PurchaseNumber(ctx, tn, v2.PurchaseOptions{})
	if err != nil {
		return v2Errors.neutral(err)
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
func (b *V2) SetRoutes(ctx context.Context, tn, primary, failover string) error {
	pid, err := b.routeID(ctx, primary)
	if err != nil {
		return v2Errors.neutral(err)
	}
	fid := ""
	if failover != "" {
		if fid, err = b.routeID(ctx, failover); err != nil {
			return v2Errors.neutral(err)
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
		return v2Errors.neutral(fmt.Errorf("%w; %w", perr, ferr))
	case perr != nil:
		return v2Errors.neutral(perr)
	}
	return v2Errors.neutral(ferr)
}

// Release releases tn.
func (b *V2) Release(ctx context.Context, tn string) error {
	return v2Errors.neutral(b.c.ReleaseNumber(ctx, tn))
}

// SetAlias sets the number's alias.
func (b *V2) SetAlias(ctx context.Context, tn, alias string) error {
	_, err := b.c.UpdateNumber(ctx, tn, v2.NumberUpdate{Alias: &alias})
	return v2Errors.neutral(err)
}

// SetCNAMLookups switches the number's inbound caller-ID name lookups.
func (b *V2) SetCNAMLookups(ctx context.Context, tn string, enabled bool) error {
	_, err := b.c.UpdateNumber(ctx, tn, v2.NumberUpdate{CNAMLookups: &enabled})
	return v2Errors.neutral(err)
}

func toAccountCNAM(c v2.CNAM) account.CNAM {
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
func (b *V2) CNAMs(ctx context.Context) ([]account.CNAM, error) {
	cs, err := b.c.AllCNAMs(ctx, v2.CNAMQuery{})
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	out := make([]account.CNAM, len(cs))
	b.mu.Lock()
	if b.cnams == nil {
		b.cnams = map[string]v2.CNAM{}
	}
	for i, c := range cs {
		out[i] = toAccountCNAM(c)
		b.cnams[c.ID] = c
	}
	b.mu.Unlock()
	return out, nil
}

// CreateCNAM creates a CNAM record; it is pending until approved.
func (b *V2) CreateCNAM(ctx context.Context, value string) (account.CNAM, error) {
	c, err := b.c.CreateCNAM(ctx, value)
	if err != nil {
		return account.CNAM{}, v2Errors.neutral(err)
	}
	return toAccountCNAM(*c), nil
}

// AssociateCNAM presents the record on the number; cnamID "" removes the association.
func (b *V2) AssociateCNAM(ctx context.Context, tn, cnamID string) error {
	if cnamID == "" {
		return v2Errors.neutral(b.c.UnassociateCNAM(ctx, tn))
	}
	_, err := b.c.AssociateCNAM(ctx, tn, cnamID)
	return v2Errors.neutral(err)
}

func toSpecE911(f v2.E911Fields) spec.E911Address {
	return spec.E911Address{FirstName: f.FirstName, LastName: f.LastName, StreetNumber: f.StreetNumber, StreetName: f.StreetName,
		AddressType: f.AddressType, AddressTypeNumber: f.AddressTypeNumber, City: f.City, State: f.State, Country: f.Country, Zip: f.Zip}
}

// e911Fields turns an address into v2's fields, its Name as the label v2 requires.
func e911Fields(a account.E911Address) v2.E911Fields {
	return v2.E911Fields{Label: a.Name, FirstName: a.FirstName, LastName: a.LastName, StreetNumber: a.StreetNumber, StreetName: a.StreetName,
		AddressType: a.AddressType, AddressTypeNumber: a.AddressTypeNumber, City: a.City, State: a.State, Country: a.Country, Zip: a.Zip}
}

func toAccountE911(a v2.E911Address) account.E911Address {
	return account.E911Address{ID: a.ID, Name: a.Label, E911Address: toSpecE911(a.E911Fields)}
}

// E911Addresses lists the account's E911 addresses.
func (b *V2) E911Addresses(ctx context.Context) ([]account.E911Address, error) {
	as, err := b.c.AllE911s(ctx, v2.E911Query{})
	if err != nil {
		return nil, v2Errors.neutral(err)
	}
	out := make([]account.E911Address, len(as))
	for i, a := range as {
		out[i] = toAccountE911(a)
	}
	return out, nil
}

// CreateE911 validates and creates an address labelled a.Name.
func (b *V2) CreateE911(ctx context.Context, a account.E911Address) (account.E911Address, error) {
	if a.Name == "" {
		return account.E911Address{}, errors.New("flowroute v2: an E911 address needs a label (its name in e911_addresses)")
	}
	na, err := b.c.CreateE911(ctx, e911Fields(a))
	if err != nil {
		return account.E911Address{}, v2Errors.neutral(err)
	}
	return toAccountE911(*na), nil
}

// UpdateE911 validates and changes the address a.ID to a's fields.
func (b *V2) UpdateE911(ctx context.Context, a account.E911Address) error {
	f := e911Fields(a)
	f.Label = "" // keep the label the address has
	_, err := b.c.UpdateE911(ctx, a.ID, f)
	return v2Errors.neutral(err)
}

// AssociateE911 sets the number's address; id "" disconnects it.
func (b *V2) AssociateE911(ctx context.Context, tn, id string) error {
	if id == "" {
		return v2Errors.neutral(b.c.DisconnectE911(ctx, tn))
	}
	return v2Errors.neutral(b.c.AssociateE911(ctx, tn, id))
}

// SetCallbacks sets the number's messaging callback URLs that m names (an empty URL is not
// managed and left as it is).
func (b *V2) SetCallbacks(ctx context.Context, tn string, m spec.Messaging) error {
	urls := [len(callbackTypes)]string{m.SMSCallback, m.MMSCallback, m.SMSDLRCallback, m.MMSDLRCallback}
	for i, url := range urls {
		if url == "" {
			continue
		}
		if err := b.c.SetCallback(ctx, tn, callbackTypes[i], url); err != nil {
			return v2Errors.neutral(err)
		}
	}
	return nil
}

// RemoveCallbacks removes the number's callbacks of the types named (spec names, which are
// v2's), with the pre-release DELETE (docs/flowroute-v2-api.md §5.2); one not set (404) is
// done already. A server without the DELETE answers 405, an error matching
// account.ErrNotSupported.
func (b *V2) RemoveCallbacks(ctx context.Context, tn string, names []string) error {
	for _, name := range names {
		err := b.c.RemoveCallback(ctx, tn, v2.CallbackType(name))
		switch s := v2Status(err); {
		case err == nil, s == http.StatusNotFound:
		case s == http.StatusMethodNotAllowed:
			return fmt.Errorf("flowroute v2: removing the %s of %s: %w (%v)", name, tn, account.ErrNotSupported, err)
		default:
			return v2Errors.neutral(err)
		}
	}
	return nil
}

// callbackTypes are the per-number callbacks in the order of spec.Messaging's fields.
var callbackTypes = [...]v2.CallbackType{v2.SMSCallback, v2.MMSCallback, v2.SMSDLRCallback, v2.MMSDLRCallback}

// Callbacks reads the number's four messaging callbacks with the pre-release GET
// (docs/flowroute-v2-api.md §5.2): a callback answered 404 is not set. A server that answers
// 405 has no such GET, and the error matches account.ErrNotSupported.
func (b *V2) Callbacks(ctx context.Context, tn string) (spec.Messaging, error) {
	var urls [len(callbackTypes)]string
	for i, t := range callbackTypes {
		cb, err := b.c.GetCallback(ctx, tn, t)
		switch s := v2Status(err); {
		case err == nil:
			urls[i] = cb.URL
		case s == http.StatusNotFound:
		case s == http.StatusMethodNotAllowed:
			return spec.Messaging{}, fmt.Errorf("flowroute v2: reading the callbacks of %s: %w (%v)", tn, account.ErrNotSupported, err)
		default:
			return spec.Messaging{}, v2Errors.neutral(err)
		}
	}
	return spec.Messaging{SMSCallback: urls[0], MMSCallback: urls[1], SMSDLRCallback: urls[2], MMSDLRCallback: urls[3]}, nil
}

// v2Status is the HTTP status of err's *v2.APIError, 0 when there is none.
func v2Status(err error) int {
	if ae := (*v2.APIError)(nil); errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}
