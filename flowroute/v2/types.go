package v2

import (
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// DefaultEndpoint is the base URL of Flowroute's numbers API v2. The v2.1 bulk details live
// beside it, at "../v2.1/numbers/details".
const DefaultEndpoint = "https://api.flowroute.com/v2"

// Page sizes: DefaultLimit is what the server uses when none is sent, MaxLimit the most any
// list of account objects accepts (area codes accept 400, E911 addresses 2000; 200 is safe for
// all of them).
const (
	DefaultLimit = 10
	MaxLimit     = 200
)

// BuiltinRouteID is the id of the route every account has, alias and type "sip-reg": the
// primary route of a freshly purchased number.
const BuiltinRouteID = "0"

// Route types as v2 writes them (lowercase). Create and update accept Host, Number and URI.
const (
	RouteHost   = "host"
	RouteNumber = "number"
	RouteURI    = "uri"
	RouteSIPReg = "sip-reg"
)

// CallbackType names a per-number messaging callback.
type CallbackType string

// The callback types a number can carry.
const (
	SMSCallback    CallbackType = "sms_callback"
	MMSCallback    CallbackType = "mms_callback"
	SMSDLRCallback CallbackType = "sms_dlr_callback"
	MMSDLRCallback CallbackType = "mms_dlr_callback"
)

// PageOptions selects one page of a list call. A zero Limit leaves the parameter out, so the
// server's default (10) applies; Offset 0 is the first page.
type PageOptions struct {
	Limit  int
	Offset int
}

// Page is one page of a list call. Items keep the server's order.
type Page[T any] struct {
	Items []T
	Self  string // links.self as sent (it may lack "/v2" or name another host)
	Next  string // links.next as sent; empty on the last page
	// NextOffset is the offset links.next asks for, or -1 when there is no next page (or its
	// link carries no readable offset).
	NextOffset int
	// Last is links.last as sent, when the server declares the list's last page; LastOffset
	// is the offset it asks for, or -1 when there is none (or it carries no readable offset).
	Last       string
	LastOffset int
}

// HasNext reports whether the server announced another page.
func (p *Page[T]) HasNext() bool { return p.Next != "" }

// AvailableQuery filters the purchasable numbers (GET /numbers/available). Empty fields are not
// sent. StartsWith without a country code gets "1" prepended by the server.
type AvailableQuery struct {
	StartsWith string
	Contains   string
	EndsWith   string
	RateCenter string // needs State
	State      string
	NumberType string // v2.0: "toll-free" or "longcode"
	ISOCountry string
	OrderBy    string // e.g. "monthly_cost" or "monthly_cost,asc"
}

// AvailableNumber is a number for sale.
type AvailableNumber struct {
	TN          string
	RateCenter  string
	State       string
	NumberType  string
	MonthlyCost money.Amount
	SetupCost   money.Amount
}

// ExchangeQuery filters the exchanges (NPA-NXX) with numbers for sale. Empty fields are not
// sent.
type ExchangeQuery struct {
	AreaCode     string
	MaxSetupCost string // a decimal such as "3.25"
}

// NumberQuery filters the account's numbers (GET /numbers). Empty fields are not sent. Alias
// matches exactly.
type NumberQuery struct {
	StartsWith string
	Contains   string
	EndsWith   string
	Alias      string
}

// Number is a number the account owns. The list call fills the attributes only; the details
// (GetNumber, NumberDetails, purchase) fill the relationships too, and Detailed says so.
type Number struct {
	TN               string
	Alias            string // "" when null
	CNAMLookups      bool
	NumberType       string
	RateCenter       string
	State            string
	MessagingEnabled bool
	// MonthlyCost is the number's monthly fee where the server sends it (v2.1); nil otherwise.
	MonthlyCost *money.Amount

	// Detailed reports that the document carried the number's relationships.
	Detailed bool
	// PrimaryRouteID and FailoverRouteID are route ids; "" when null. A fresh number's primary
	// route is BuiltinRouteID.
	PrimaryRouteID  string
	FailoverRouteID string
	CNAMID          string // the CNAM preset's record id; "" for none
	E911ID          string // the E911 address's id; "" for none

	// What the document's "included" held: the routes, CNAM record and E911 address the
	// relationships name, when the server sent them.
	Routes []Route
	CNAM   *CNAM
	E911   *E911Address
	// Provisioning is the message provisioning status a purchase with messaging added to
	// "included"; nil when there was none.
	Provisioning *Provisioning
}

// Provisioning is the "message_provisioning_status" object of a purchase with messaging.
type Provisioning struct {
	ID     string
	Status string
	TN     string
}

// PurchaseOptions are the optional fields of a purchase. Nil fields are not sent; a purchase
// with none sends no body, as every SDK does.
type PurchaseOptions struct {
	CNAMLookups          *bool
	MessagingEnabled     *bool
	MessagingEmail       *bool
	MessagingCallbackURL string
}

// PurchaseResult is what a purchase came to: the number bought and, when the server answered
// 207 (bought, but messaging provisioning failed), a warning saying so.
type PurchaseResult struct {
	Number  Number
	Warning string // "" unless the purchase succeeded only in part (207)
}

// NumberUpdate is a PATCH of a number's own fields. Nil fields are not sent.
type NumberUpdate struct {
	Alias       *string
	CNAMLookups *bool
}

// Route is an inbound route.
type Route struct {
	ID             string
	Alias          string
	Type           string // host, number, uri or sip-reg
	Value          string // "" for sip-reg
	EdgeStrategyID string // "" when none
}

// RouteInput is the body of a route create (every field but EdgeStrategyID required) or update
// (empty fields are not sent).
type RouteInput struct {
	Alias          string
	Type           string
	Value          string
	EdgeStrategyID string // an integer id from EdgeStrategies
}

// EdgeStrategy is a PoP a route can receive traffic from.
type EdgeStrategy struct {
	ID            string // a JSON integer on the wire
	Name          string
	Description   string
	FirewallRules string
	NAPTR         string
}

// CNAMQuery filters the CNAM records. Value matches a substring, case-insensitively.
type CNAMQuery struct {
	Value      string
	IsApproved *bool
}

// CNAM is an outbound caller-ID name record.
type CNAM struct {
	ID              string
	Value           string
	IsApproved      bool
	RejectionReason string // "" when none
	CreationTime    string // as sent: "2018-06-01 00:09:52.513092+00:00", or ""
	ApprovalTime    string
	// Numbers are the numbers associated with the record, when the server lists them (only
	// for approved records with associations).
	Numbers []string
}

// CNAMAssociation is the answer to associating or unassociating a CNAM record.
type CNAMAssociation struct {
	ID          string // the record's id; "" after an unassociation
	DateCreated string // RFC 1123, as sent
}

// E911Query filters the E911 addresses: partial, case-insensitive matches (State exact).
type E911Query struct {
	Label      string
	StreetName string
	City       string
	State      string
}

// E911Fields are the fields of an E911 address. For an update, empty fields are not sent.
type E911Fields struct {
	Label             string
	FirstName         string
	LastName          string
	StreetNumber      string
	StreetName        string
	AddressType       string
	AddressTypeNumber string
	City              string
	State             string
	Country           string
	Zip               string
}

// E911Address is an emergency address on the account.
type E911Address struct {
	ID string
	E911Fields
}

// E911Number is a number associated with an E911 address.
type E911Number struct {
	TN    string
	Alias string
}
