package v2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// The decoders read v2's JSON:API documents as the server really sends them, not as the docs
// describe them (docs/flowroute-v2-api.md §1): ids arrive as strings or integers, costs as
// numbers, booleans sometimes as "true", any value may be null, links.self may lack "/v2", a
// list may be null, and members a resource should have may be missing. Unknown members are
// ignored.
//
// A document is read by one json.Unmarshal into typed structs: document, resource and the
// attributes of its kind, whose flexible scalars (flexString, flexBool, flexMoney) read the
// quirks. The included objects of a number, of several kinds in one list, share one struct of
// attributes (includedAttrs).

// flexString is a JSON string, number or boolean, kept as its text; null is "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		if len(b) >= 2 && b[len(b)-1] == '"' {
			// the common case, without escapes, as json would give it
			if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) {
				*s = flexString(inner)
				return nil
			}
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case b[0] == '{' || b[0] == '[':
		return typeError(b, reflect.TypeFor[string]())
	default: // a number, true or false: keep it as written
		*s = flexString(b)
	}
	return nil
}

// flexBool is a JSON boolean, or the strings "true"/"false" (the docs send
// cnam_lookups_enabled so), or 0/1; null is false.
type flexBool bool

func (v *flexBool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.ToLower(strings.TrimSpace(s))
	}
	switch s {
	case "true", "1":
		*v = true
	case "false", "0", "", "null":
		*v = false
	default:
		return typeError(b, reflect.TypeFor[bool]())
	}
	return nil
}

// flexMoney is a cost: a JSON number (1.25, 1, 3.99) or a decimal string; null is 0. More
// than four decimal places are rounded.
type flexMoney money.Amount

func (m *flexMoney) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	}
	if s == "" || s == "null" {
		*m = 0
		return nil
	}
	if a, err := money.Parse(s); err == nil {
		*m = flexMoney(a)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return typeError(b, reflect.TypeFor[money.Amount]())
	}
	*m = flexMoney(math.Round(f * money.Scale))
	return nil
}

// typeError is the error of a flexible scalar that cannot read b: an *json.UnmarshalTypeError,
// to which json.Unmarshal adds where in the document b was. It names b's JSON type, never b
// (which could echo anything the server was sent).
func typeError(b []byte, want reflect.Type) error {
	return &json.UnmarshalTypeError{Value: kind(b), Type: want}
}

// kind names the JSON type of b for errors.
func kind(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// links is a document's or resource's links; a null or non-string member is "".
type links struct {
	Self    flexString `json:"self"`
	Next    flexString `json:"next"`
	Last    flexString `json:"last"`
	Related flexString `json:"related"`
}

// linkage is the data of a relationship, the ids it names: null, one resource identifier, or
// a list of them.
type linkage []string

func (l *linkage) UnmarshalJSON(b []byte) error {
	type identifier struct {
		ID flexString `json:"id"`
	}
	b = bytes.TrimSpace(b)
	var ids []*identifier
	switch {
	case len(b) == 0 || string(b) == "null":
	case b[0] == '[':
		if err := json.Unmarshal(b, &ids); err != nil {
			return err
		}
	default:
		var id identifier
		if err := json.Unmarshal(b, &id); err != nil {
			return err
		}
		ids = append(ids, &id)
	}
	*l = nil
	for _, id := range ids {
		if id != nil && id.ID != "" {
			*l = append(*l, string(id.ID))
		}
	}
	return nil
}

// relationship is one relationship of a resource.
type relationship struct {
	Data linkage `json:"data"`
}

// relationships are those of a resource that the client reads: a number's routes (by v2.0's
// and v2.1's names), CNAM record and E911 address, and a CNAM record's numbers. A null or
// absent one names nothing.
type relationships struct {
	PrimaryRoute       *relationship `json:"primary_route"`
	VoicePrimaryRoute  *relationship `json:"voice_primary_route"`
	FailoverRoute      *relationship `json:"failover_route"`
	VoiceFailoverRoute *relationship `json:"voice_failover_route"`
	CNAMPreset         *relationship `json:"cnam_preset"`
	E911Address        *relationship `json:"e911_address"`
	Numbers            *relationship `json:"numbers"`
}

// first is the first id of the first of rels that the document has (a to-one relationship:
// v2.0's name, then v2.1's); "" when none names one.
func first(rels ...*relationship) string {
	for _, r := range rels {
		if r != nil {
			if len(r.Data) == 0 {
				return ""
			}
			return r.Data[0]
		}
	}
	return ""
}

// resource is one JSON:API resource object, with the attributes of its kind.
type resource[A any] struct {
	Type          flexString     `json:"type"`
	ID            flexString     `json:"id"`
	Attributes    A              `json:"attributes"`
	Relationships *relationships `json:"relationships"`
	Links         links          `json:"links"`
}

// id is the resource's id, or, when the server left it out, the last segment of its self link.
func (r *resource[A]) id() string {
	if r.ID != "" {
		return string(r.ID)
	}
	if s := string(r.Links.Self); s != "" {
		if u, err := url.Parse(s); err == nil && u.Path != "" && u.Path != "/" {
			return path.Base(strings.TrimSuffix(u.Path, "/"))
		}
	}
	return ""
}

// document is a JSON:API top-level document; D is the data: one resource, or a list of them.
type document[D any] struct {
	Data     D                          `json:"data"`
	Included []*resource[includedAttrs] `json:"included"`
	Links    links                      `json:"links"`
}

// errNoData is a document without the resource the call answers with.
var errNoData = errors.New("the answer holds no data")

// unmarshal reads a document into d, in one pass. An empty body is errNoData; a member of the
// wrong type is an error naming it: "data is a string, want a list".
func unmarshal[D any](body []byte, d *document[D]) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errNoData
	}
	err := json.Unmarshal(body, d)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	got := te.Value // json's "string" or "number 1e999", or typeError's "a string"
	if word, _, _ := strings.Cut(got, " "); articled[word] != "" {
		got = articled[word]
	}
	field := te.Field
	if field == "" {
		field = "the document"
	}
	return fmt.Errorf("%s is %s, want %s", field, got, want(te.Type))
}

// articled are json's names of JSON types, as kind says them.
var articled = map[string]string{"object": "an object", "array": "an array", "string": "a string", "number": "a number", "bool": "a boolean"}

// want says what a member of type t must be, for errors.
func want(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return "a number"
}

// decodeOne reads a single-resource document, converting its resource with conv (which also
// sees the document, for its included objects and links).
func decodeOne[A, T any](body []byte, conv func(*document[*resource[A]], *resource[A]) (T, error)) (T, error) {
	var zero T
	var d document[*resource[A]]
	if err := unmarshal(body, &d); err != nil {
		return zero, err
	}
	if d.Data == nil {
		return zero, errNoData
	}
	return conv(&d, d.Data)
}

// decodePage reads a list document, converting each resource with conv. Null or absent data
// is an empty list, and null items are skipped.
func decodePage[A, T any](body []byte, conv func(*resource[A]) (T, error)) (*Page[T], error) {
	var d document[[]*resource[A]]
	if err := unmarshal(body, &d); err != nil {
		return nil, err
	}
	p := &Page[T]{Self: string(d.Links.Self), Next: string(d.Links.Next), NextOffset: -1,
		Last: string(d.Links.Last), LastOffset: -1, Items: make([]T, 0, len(d.Data))}
	if p.Next != "" {
		p.NextOffset = linkOffset(p.Next)
	}
	if p.Last != "" {
		p.LastOffset = linkOffset(p.Last)
	}
	for _, r := range d.Data {
		if r == nil {
			continue
		}
		it, err := conv(r)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
	}
	return p, nil
}

// linkOffset is the offset a pagination link asks for; -1 when it names none. The link's host
// and path are never used: a sandbox writes links with the public base URL, and the
// create-route answer drops "/v2".
func linkOffset(link string) int {
	u, err := url.Parse(link)
	if err != nil {
		return -1
	}
	o, err := strconv.Atoi(u.Query().Get("offset"))
	if err != nil || o < 0 {
		return -1
	}
	return o
}

// numberAttrs are the attributes of a number, available or owned, and of a number associated
// with an E911 address.
type numberAttrs struct {
	Value            flexString `json:"value"`
	Alias            flexString `json:"alias"`
	CNAMLookups      flexBool   `json:"cnam_lookups_enabled"`
	NumberType       flexString `json:"number_type"`
	RateCenter       flexString `json:"rate_center"`
	State            flexString `json:"state"`
	MessagingEnabled flexBool   `json:"messaging_enabled"`
	MonthlyCost      *flexMoney `json:"monthly_cost"` // nil when absent (owned numbers in v2.0)
	SetupCost        flexMoney  `json:"setup_cost"`
}

// monthly is the monthly cost, 0 when absent or null.
func (a *numberAttrs) monthly() money.Amount {
	if a.MonthlyCost == nil {
		return 0
	}
	return money.Amount(*a.MonthlyCost)
}

// tn is the number a number resource stands for: attributes.value, or the id when the value is
// missing or is not a number while the id is (a v2.1 example has a 10-digit value beside an
// 11-digit id).
func tn(value, id string) string {
	if value == "" || (!isTN(value) && isTN(id)) {
		return id
	}
	return value
}

// isTN reports whether s looks like an E.164 number without "+": 11 to 15 digits.
func isTN(s string) bool {
	if len(s) < 11 || len(s) > 15 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func toAvailable(r *resource[numberAttrs]) (AvailableNumber, error) {
	a := &r.Attributes
	return AvailableNumber{
		TN: tn(string(a.Value), r.id()), RateCenter: string(a.RateCenter), State: string(a.State),
		NumberType: string(a.NumberType), MonthlyCost: a.monthly(), SetupCost: money.Amount(a.SetupCost),
	}, nil
}

// noAttrs are the attributes of a resource that is all in its id (an area code, an exchange).
type noAttrs struct{}

// toCode reads an area code or exchange: its id.
func toCode(r *resource[noAttrs]) (string, error) { return r.id(), nil }

// toNumber reads a number resource; included, when not nil, holds the document's included
// objects, which fill Routes, CNAM, E911 and Provisioning.
func toNumber(r *resource[numberAttrs], included []*resource[includedAttrs]) (Number, error) {
	a := &r.Attributes
	n := Number{
		TN: tn(string(a.Value), r.id()), Alias: string(a.Alias), CNAMLookups: bool(a.CNAMLookups),
		NumberType: string(a.NumberType), RateCenter: string(a.RateCenter), State: string(a.State),
		MessagingEnabled: bool(a.MessagingEnabled),
		Detailed:         r.Relationships != nil,
	}
	if a.MonthlyCost != nil {
		m := money.Amount(*a.MonthlyCost)
		n.MonthlyCost = &m
	}
	if rel := r.Relationships; rel != nil {
		n.PrimaryRouteID = first(rel.PrimaryRoute, rel.VoicePrimaryRoute)
		n.FailoverRouteID = first(rel.FailoverRoute, rel.VoiceFailoverRoute)
		n.CNAMID = first(rel.CNAMPreset)
		n.E911ID = first(rel.E911Address)
	}
	if err := addIncluded(&n, included); err != nil {
		return Number{}, err
	}
	return n, nil
}

// includedAttrs are the attributes of an included object of any kind the client reads: a
// route, a CNAM record, an E911 address or a messaging provisioning status. The kinds share
// "value" (a route's and a CNAM record's); no member means two things.
type includedAttrs struct {
	routeAttrs // with the value of a CNAM record
	cnamState
	e911Attrs
	Status flexString `json:"status"`
	TN     flexString `json:"tn"`
}

// as is the included object r read as a resource of the kind whose attributes are a.
func as[A any](r *resource[includedAttrs], a A) *resource[A] {
	return &resource[A]{Type: r.Type, ID: r.ID, Attributes: a, Relationships: r.Relationships, Links: r.Links}
}

// addIncluded fills n's Routes, CNAM, E911 and Provisioning from included objects.
func addIncluded(n *Number, included []*resource[includedAttrs]) error {
	for _, inc := range included {
		if inc == nil {
			continue
		}
		a := &inc.Attributes
		switch inc.Type {
		case "route":
			rt, err := toRoute(as(inc, a.routeAttrs))
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(n.Routes, func(r Route) bool { return r.ID == rt.ID }) {
				n.Routes = append(n.Routes, rt)
			}
		case "cnam":
			c, err := toCNAM(as(inc, cnamAttrs{Value: a.Value, cnamState: a.cnamState}))
			if err != nil {
				return err
			}
			if n.CNAM == nil && (n.CNAMID == "" || c.ID == n.CNAMID) {
				n.CNAM = &c
			}
		case "e911":
			e, err := toE911(as(inc, a.e911Attrs))
			if err != nil {
				return err
			}
			if n.E911 == nil && (n.E911ID == "" || e.ID == n.E911ID) {
				n.E911 = &e
			}
		case "message_provisioning_status", "messaging-provision":
			n.Provisioning = &Provisioning{ID: inc.id(), Status: string(a.Status), TN: string(a.TN)}
		}
	}
	return nil
}

// toListedNumber reads an item of the numbers list, which has no included objects.
func toListedNumber(r *resource[numberAttrs]) (Number, error) { return toNumber(r, nil) }

// decodeNumber reads a number document (details, purchase, PATCH).
func decodeNumber(body []byte) (Number, error) {
	return decodeOne(body, func(d *document[*resource[numberAttrs]], r *resource[numberAttrs]) (Number, error) {
		return toNumber(r, d.Included)
	})
}

// decodeDetails reads the answer of the bulk details: a list of number resources, with the
// document's included objects shared among them (each number keeps those it names).
func decodeDetails(body []byte) ([]Number, error) {
	var d document[[]*resource[numberAttrs]]
	if err := unmarshal(body, &d); err != nil {
		return nil, err
	}
	out := make([]Number, 0, len(d.Data))
	for _, r := range d.Data {
		if r == nil {
			continue
		}
		n, err := toNumber(r, nil)
		if err != nil {
			return nil, err
		}
		var mine []*resource[includedAttrs]
		for _, inc := range d.Included {
			if inc == nil {
				continue
			}
			switch id := inc.id(); inc.Type {
			case "route":
				if id == n.PrimaryRouteID || id == n.FailoverRouteID {
					mine = append(mine, inc)
				}
			case "cnam":
				if id == n.CNAMID {
					mine = append(mine, inc)
				}
			case "e911":
				if id == n.E911ID {
					mine = append(mine, inc)
				}
			}
		}
		if err := addIncluded(&n, mine); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

type routeAttrs struct {
	Alias          flexString `json:"alias"`
	RouteType      flexString `json:"route_type"`
	Value          flexString `json:"value"`
	EdgeStrategyID flexString `json:"edge_strategy_id"`
	EdgeStrategy   flexString `json:"edge_strategy"` // PY-DEMO's spelling
}

func toRoute(r *resource[routeAttrs]) (Route, error) {
	a := &r.Attributes
	edge := a.EdgeStrategyID
	if edge == "" {
		edge = a.EdgeStrategy
	}
	return Route{ID: r.id(), Alias: string(a.Alias), Type: strings.ToLower(string(a.RouteType)), Value: string(a.Value), EdgeStrategyID: string(edge)}, nil
}

// decodeRoute reads a route document (create, update). Its links may lack "/v2"; nothing is
// read from them but, when data has no id, the id.
func decodeRoute(body []byte) (Route, error) {
	return decodeOne(body, func(d *document[*resource[routeAttrs]], r *resource[routeAttrs]) (Route, error) {
		if r.ID == "" && r.Links.Self == "" {
			r.Links.Self = d.Links.Self
		}
		return toRoute(r)
	})
}

type edgeStrategyAttrs struct {
	Name          flexString `json:"name"`
	Description   flexString `json:"description"`
	FirewallRules flexString `json:"firewall_rules"`
	NAPTR         flexString `json:"naptr"`
}

func toEdgeStrategy(r *resource[edgeStrategyAttrs]) (EdgeStrategy, error) {
	a := &r.Attributes
	return EdgeStrategy{ID: r.id(), Name: string(a.Name), Description: string(a.Description), FirewallRules: string(a.FirewallRules), NAPTR: string(a.NAPTR)}, nil
}

type cnamAttrs struct {
	Value flexString `json:"value"`
	cnamState
}

// cnamState are the attributes of a CNAM record but its value.
type cnamState struct {
	IsApproved      flexBool   `json:"is_approved"`
	RejectionReason flexString `json:"rejection_reason"`
	CreationTime    flexString `json:"creation_datetime"`
	ApprovalTime    flexString `json:"approval_datetime"`
}

func toCNAM(r *resource[cnamAttrs]) (CNAM, error) {
	a := &r.Attributes
	var nums []string
	if r.Relationships != nil && r.Relationships.Numbers != nil {
		nums = r.Relationships.Numbers.Data
	}
	return CNAM{
		ID: r.id(), Value: string(a.Value), IsApproved: bool(a.IsApproved), RejectionReason: string(a.RejectionReason),
		CreationTime: string(a.CreationTime), ApprovalTime: string(a.ApprovalTime), Numbers: nums,
	}, nil
}

// decodeCNAM reads a CNAM document (get, create, update).
func decodeCNAM(body []byte) (CNAM, error) {
	return decodeOne(body, func(_ *document[*resource[cnamAttrs]], r *resource[cnamAttrs]) (CNAM, error) { return toCNAM(r) })
}

// assocAttrs are the attributes of a CNAM association's answer.
type assocAttrs struct {
	DateCreated flexString `json:"date_created"`
}

// decodeCNAMAssociation reads the 202 answer of an association (id a JSON integer) or an
// unassociation (id null). An empty body is an empty association.
func decodeCNAMAssociation(body []byte) (CNAMAssociation, error) {
	a, err := decodeOne(body, func(_ *document[*resource[assocAttrs]], r *resource[assocAttrs]) (CNAMAssociation, error) {
		return CNAMAssociation{ID: string(r.ID), DateCreated: string(r.Attributes.DateCreated)}, nil
	})
	if errors.Is(err, errNoData) {
		return CNAMAssociation{}, nil
	}
	return a, err
}

type e911Attrs struct {
	Label             flexString `json:"label"`
	FirstName         flexString `json:"first_name"`
	LastName          flexString `json:"last_name"`
	StreetNumber      flexString `json:"street_number"`
	StreetName        flexString `json:"street_name"`
	AddressType       flexString `json:"address_type"`
	AddressTypeNumber flexString `json:"address_type_number"`
	City              flexString `json:"city"`
	State             flexString `json:"state"`
	Country           flexString `json:"country"`
	Zip               flexString `json:"zip"`
}

func toE911(r *resource[e911Attrs]) (E911Address, error) {
	a := &r.Attributes
	return E911Address{ID: r.id(), E911Fields: E911Fields{
		Label: string(a.Label), FirstName: string(a.FirstName), LastName: string(a.LastName),
		StreetNumber: string(a.StreetNumber), StreetName: string(a.StreetName),
		AddressType: string(a.AddressType), AddressTypeNumber: string(a.AddressTypeNumber),
		City: string(a.City), State: string(a.State), Country: string(a.Country), Zip: string(a.Zip),
	}}, nil
}

// decodeE911 reads an E911 document (get, create, update).
func decodeE911(body []byte) (E911Address, error) {
	return decodeOne(body, func(_ *document[*resource[e911Attrs]], r *resource[e911Attrs]) (E911Address, error) { return toE911(r) })
}

// toE911Number reads an item of an E911 address's numbers. The number is attributes.value:
// one doc example gives each item an id that is a relationship id, not the number.
func toE911Number(r *resource[numberAttrs]) (E911Number, error) {
	return E911Number{TN: tn(string(r.Attributes.Value), r.id()), Alias: string(r.Attributes.Alias)}, nil
}

// callbackAttrs are the attributes of a number's messaging callback (pre-release GET).
type callbackAttrs struct {
	CallbackURL flexString `json:"callback_url"`
	Product     flexString `json:"product"`
	APIVersion  flexString `json:"api_version"`
}

// decodeCallback reads a callback document.
func decodeCallback(body []byte) (Callback, error) {
	return decodeOne(body, func(_ *document[*resource[callbackAttrs]], r *resource[callbackAttrs]) (Callback, error) {
		a := &r.Attributes
		return Callback{URL: string(a.CallbackURL), Product: strings.TrimSpace(string(a.Product)), APIVersion: string(a.APIVersion)}, nil
	})
}
