package account

import (
	"context"

	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// Capabilities say what a backend can do. plan turns a spec field or a change the backend
// cannot carry out into an error diagnostic that names the capability, instead of knowing which
// API it talks to.
type Capabilities struct {
	// API names the backend in messages: "v1", "v2", "fake".
	API string
	// ChangeRoute: a route's type, value and edge strategy can be changed in place.
	ChangeRoute bool
	// DeleteRoute: a route no number uses can be deleted.
	DeleteRoute bool
	// EdgeStrategy: routes carry an edge strategy (PoP).
	EdgeStrategy bool
	// ReleaseNumber: a number the account owns can be released (given back).
	ReleaseNumber bool
	// BillingMethods: each number has a billing method, chosen at purchase and never changed.
	BillingMethods bool
	// Alias: a number can carry an alias.
	Alias bool
	// CNAMLookups: inbound caller-ID name lookups can be switched per number.
	CNAMLookups bool
	// CNAM: outbound caller-ID names (records with an approval state) can be associated with
	// numbers.
	CNAM bool
	// E911: emergency addresses can be created, changed and associated with numbers.
	E911 bool
	// Messaging: per-number messaging callback URLs can be set.
	Messaging bool
	// BulkDetails: the details of many numbers are read in one request (Details is cheap).
	BulkDetails bool
	// ListHasRoutes: Numbers returns each number's routes; otherwise they come from Details.
	ListHasRoutes bool
	// FailoverOptional: a number may have no failover route, and a freshly purchased one has
	// none (v2). Otherwise a number always has one, sip-reg unless set (v1), and a spec that
	// leaves failover_route out means sip-reg for a new number.
	FailoverOptional bool
	// SearchStartsWith: the inventory can be searched by the digits a number starts with
	// (SearchQuery.StartsWith, v2).
	SearchStartsWith bool
}

// Route is a route on the account: its name (v1's name, v2's alias), the backend's id for it
// ("" where the name is the id), and its managed fields.
type Route struct {
	ID   string
	Name string
	spec.Route
}

// Number is a number the account owns, its fields in the spec's terms: routes by name, E911 by
// the backend's address id (E911ID), CNAM by the presented name.
type Number struct {
	TN string
	spec.Number
	// E911ID is the id of the E911 address associated with the number; "" for none. (The
	// embedded E911 field, a spec name, is left empty by backends.)
	E911ID string
	// CNAMPending reports that the number's CNAM record awaits approval.
	CNAMPending bool
	// MonthlyCost is what the number costs a month, when the backend says (v2.1 details);
	// nil when unknown. A plan shows it on a release: the cost the release stops.
	MonthlyCost *money.Amount
	// Detailed reports whether the fields only a number's details carry are filled in.
	Detailed bool
}

// E911Address is an emergency address on the account. Name is its label: the key of the
// spec's e911_addresses entry it stands for. plan matches desired addresses to the account's by
// Name; an address with a Name the spec does not use is not managed.
type E911Address struct {
	ID   string
	Name string
	spec.E911Address
}

// CNAMStatus is the approval state of a CNAM record.
type CNAMStatus string

const (
	CNAMPending  CNAMStatus = "pending"
	CNAMApproved CNAMStatus = "approved"
	CNAMRejected CNAMStatus = "rejected"
)

// CNAM is a caller-ID name record on the account.
type CNAM struct {
	ID     string
	Value  string
	Status CNAMStatus
}

// Before reports whether record c is the one to use rather than o, of two records of one value:
// an approved one first, then a pending one, then a rejected one; of two alike, the lower id.
// Plan and apply choose a number's record by this one rule.
func (c CNAM) Before(o CNAM) bool {
	if rc, ro := c.Status.rank(), o.Status.rank(); rc != ro {
		return rc < ro
	}
	return c.ID < o.ID
}

// rank orders the states of a record: approved, pending, rejected (or unknown).
func (s CNAMStatus) rank() int {
	switch s {
	case CNAMApproved:
		return 0
	case CNAMPending:
		return 1
	}
	return 2
}

// Offer is a number for sale, with its costs from the inventory.
type Offer struct {
	TN             string
	SetupCost      money.Amount // one-time
	MonthlyCost    money.Amount
	State          string
	RateCenter     string
	BillingMethods []string // empty on a backend without billing methods
}

// Allows reports whether the offer may be bought with the billing method.
func (o Offer) Allows(billingMethod string) bool {
	for _, m := range o.BillingMethods {
		if m == billingMethod {
			return true
		}
	}
	return false
}

// EdgeStrategy is an edge strategy (a PoP) that a route's calls can be sent from: its id, the
// value of a route's edge_strategy, and its name ("US-East-VA").
type EdgeStrategy struct {
	ID   string
	Name string
}

// SearchQuery filters the inventory. Empty fields are not filters. NXX needs NPA; RateCenter
// needs State.
type SearchQuery struct {
	NPA        string
	NXX        string
	State      string
	RateCenter string
	Contains   string // digits anywhere in the number
	StartsWith string // digits the number starts with (v2)
}

// Progress receives paging progress: pages read and items seen so far. It may be nil.
type Progress func(pages, items int)

// Reader is what plan reads from an account.
type Reader interface {
	Capabilities() Capabilities
	// Routes lists the account's routes, the built-in sip-reg route included or not.
	Routes(ctx context.Context) ([]Route, error)
	// Numbers lists the numbers the account owns. Where Capabilities().ListHasRoutes is false
	// the routes (and the other detail fields) are missing and Detailed is false.
	Numbers(ctx context.Context, progress Progress) ([]Number, error)
	// Number returns one number's details, or an error matching ErrNotFound.
	Number(ctx context.Context, tn string) (*Number, error)
	// Lookup returns the offer for tn, or an error matching ErrNotFound when it is not for
	// sale.
	Lookup(ctx context.Context, tn string) (*Offer, error)
}

// Searcher searches the inventory (search, areas and add).
type Searcher interface {
	// Search returns up to max offers (0: all) matching q, in the server's order.
	Search(ctx context.Context, q SearchQuery, max int) ([]Offer, error)
}

// EdgeStrategyLister lists the edge strategies a route may name (Capabilities().EdgeStrategy),
// so that a spec naming one the account does not offer is caught before apply.
type EdgeStrategyLister interface {
	EdgeStrategies(ctx context.Context) ([]EdgeStrategy, error)
}

// Detailer reads the details of many numbers at once (Capabilities().BulkDetails).
type Detailer interface {
	Details(ctx context.Context, tns []string) ([]Number, error)
}

// Writer is what apply writes on every backend. Each write returns an error matching
// ErrOutcomeUnknown when it was sent and no answer says whether it was carried out; the caller
// settles it by reading the account, never by sending it again blindly.
type Writer interface {
	// CreateRoute creates the route and returns it with its id.
	CreateRoute(ctx context.Context, r Route) (Route, error)
	// Purchase buys tn; billingMethod is "" on a backend without billing methods.
	Purchase(ctx context.Context, tn, billingMethod string) error
	// SetRoutes sets the number's primary and failover routes, by route name.
	SetRoutes(ctx context.Context, tn, primary, failover string) error
}

// Backend is a whole account: what plan reads and what apply writes.
type Backend interface {
	Reader
	Writer
}

// The optional writes, each behind its capability.

// RouteEditor changes and deletes routes (ChangeRoute, DeleteRoute).
type RouteEditor interface {
	UpdateRoute(ctx context.Context, r Route) error
	DeleteRoute(ctx context.Context, r Route) error
}

// Releaser releases numbers (ReleaseNumber).
type Releaser interface {
	Release(ctx context.Context, tn string) error
}

// NumberEditor sets a number's alias and CNAM lookups (Alias, CNAMLookups).
type NumberEditor interface {
	SetAlias(ctx context.Context, tn, alias string) error
	SetCNAMLookups(ctx context.Context, tn string, enabled bool) error
}

// CNAMEditor manages CNAM records and their association (CNAM).
type CNAMEditor interface {
	CNAMs(ctx context.Context) ([]CNAM, error)
	CreateCNAM(ctx context.Context, value string) (CNAM, error)
	// AssociateCNAM presents the record on the number; cnamID "" removes the association.
	AssociateCNAM(ctx context.Context, tn, cnamID string) error
}

// E911Editor manages E911 addresses and their association (E911).
type E911Editor interface {
	E911Addresses(ctx context.Context) ([]E911Address, error)
	// CreateE911 creates the address with a.Name as its label and returns it with its id.
	CreateE911(ctx context.Context, a E911Address) (E911Address, error)
	// UpdateE911 changes the address a.ID to a's fields, keeping its label.
	UpdateE911(ctx context.Context, a E911Address) error
	// AssociateE911 sets the number's address; id "" disconnects it.
	AssociateE911(ctx context.Context, tn, id string) error
}

// MessagingEditor sets a number's messaging callbacks (Messaging).
type MessagingEditor interface {
	// SetCallbacks sets the callback URLs m names; an empty URL is left as it is.
	SetCallbacks(ctx context.Context, tn string, m spec.Messaging) error
}

// CallbackRemover removes a number's messaging callbacks, where the server can (v2's
// pre-release DELETE, docs/flowroute-v2-api.md §5.2): plan clears a held number's callbacks.
type CallbackRemover interface {
	// RemoveCallbacks removes the callbacks named by their spec names ("sms_callback",
	// "mms_callback", "sms_dlr_callback", "mms_dlr_callback"); one not set is no error.
	RemoveCallbacks(ctx context.Context, tn string, names []string) error
}

// CallbackReader reads a number's messaging callbacks, where the server can tell (v2's list
// and details do not carry them). plan reads them for the numbers whose spec manages them.
type CallbackReader interface {
	// Callbacks returns the number's callback URLs ("" for none), or an error matching
	// ErrNotSupported when the server cannot say.
	Callbacks(ctx context.Context, tn string) (spec.Messaging, error)
}
