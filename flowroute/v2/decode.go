package v2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
)

// The decoders read v2's JSON:API documents as the server really sends them, not as the docs
// describe them (docs/flowroute-v2-api.md §1): ids arrive as strings or integers, costs as
// numbers, booleans sometimes as "true", any value may be null, links.self may lack "/v2", a
// list may be null, and members a resource should have may be missing. Unknown members are
// ignored.

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
		return fmt.Errorf("want a string, got %s", kind(b))
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
		return fmt.Errorf("want a boolean, got %s", kind(b))
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
		return fmt.Errorf("want a cost, got %q", s)
	}
	*m = flexMoney(math.Round(f * money.Scale))
	return nil
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

// resource is one JSON:API resource object.
type resource struct {
	Type          flexString                 `json:"type"`
	ID            flexString                 `json:"id"`
	Attributes    json.RawMessage            `json:"attributes"`
	Relationships map[string]json.RawMessage `json:"relationships"`
	Links         links                      `json:"links"`

	// members are the attributes' members when the fast path read the resource (not nil
	// then, even for no members), for a memberSetter.
	members []member
}

// id is the resource's id, or, when the server left it out, the last segment of its self link.
func (r *resource) id() string {
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

// attrs decodes the resource's attributes into v; absent or null attributes leave v zero.
func (r *resource) attrs(v any) error {
	if len(r.Attributes) == 0 || string(bytes.TrimSpace(r.Attributes)) == "null" {
		return nil
	}
	if ms, ok := v.(memberSetter); ok && r.members != nil {
		for _, m := range r.members {
			if err := ms.set(m); err != nil {
				return fmt.Errorf("%s %q: attributes: %w", r.Type, r.id(), err)
			}
		}
		return nil
	}
	if err := json.Unmarshal(r.Attributes, v); err != nil {
		return fmt.Errorf("%s %q: attributes: %w", r.Type, r.id(), err)
	}
	return nil
}

// related is the id a to-one relationship names: "" when absent or null. A to-many
// relationship gives its ids in relatedAll.
func (r *resource) related(name string) (string, error) {
	ids, err := r.relatedAll(name)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// relatedAll is the ids a relationship names, whether its data is null, one linkage object or
// an array of them.
func (r *resource) relatedAll(name string) ([]string, error) {
	raw, ok := r.Relationships[name]
	if !ok {
		return nil, nil
	}
	if ids, ok := fastLinkage(raw); ok {
		return ids, nil
	}
	return slowLinkage(name, raw)
}

// slowLinkage reads the ids of relationship name with encoding/json: what fastLinkage
// cannot read.
func slowLinkage(name string, raw []byte) ([]string, error) {
	var rel struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &rel); err != nil {
		return nil, fmt.Errorf("relationship %s: %w", name, err)
	}
	data := bytes.TrimSpace(rel.Data)
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	type linkage struct {
		ID flexString `json:"id"`
	}
	if data[0] == '[' {
		var ls []*linkage
		if err := json.Unmarshal(data, &ls); err != nil {
			return nil, fmt.Errorf("relationship %s: %w", name, err)
		}
		var ids []string
		for _, l := range ls {
			if l != nil && l.ID != "" {
				ids = append(ids, string(l.ID))
			}
		}
		return ids, nil
	}
	var l linkage
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("relationship %s: %w", name, err)
	}
	if l.ID == "" {
		return nil, nil
	}
	return []string{string(l.ID)}, nil
}

// document is a JSON:API top-level document; Data is one resource or a list of them.
type document struct {
	Data     json.RawMessage `json:"data"`
	Included []*resource     `json:"included"`
	Links    links           `json:"links"`

	// fast is set when fastDocument read the document: Data's resources are then in list or
	// single already.
	fast   bool
	list   []*resource
	single *resource
}

// errNoData is a document without the resource the call answers with.
var errNoData = errors.New("the answer holds no data")

// parseDocument reads a top-level document. An empty body is errNoData.
func parseDocument(body []byte) (*document, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || string(body) == "null" {
		return nil, errNoData
	}
	if d, ok := fastDocument(body); ok {
		return d, nil
	}
	return slowDocument(body)
}

// slowDocument reads a document with encoding/json: what fastDocument cannot read.
func slowDocument(body []byte) (*document, error) {
	var d document
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// one is the document's single resource.
func (d *document) one() (*resource, error) {
	data := bytes.TrimSpace(d.Data)
	if len(data) == 0 || string(data) == "null" {
		return nil, errNoData
	}
	if data[0] != '{' {
		return nil, fmt.Errorf("data is %s, want an object", kind(data))
	}
	if d.fast {
		return d.single, nil
	}
	var r resource
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// many is the document's list of resources; null or absent data is an empty list, and null
// items are skipped.
func (d *document) many() ([]*resource, error) {
	data := bytes.TrimSpace(d.Data)
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	if data[0] != '[' {
		return nil, fmt.Errorf("data is %s, want a list", kind(data))
	}
	rs := d.list
	if !d.fast {
		if err := json.Unmarshal(data, &rs); err != nil {
			return nil, err
		}
	}
	out := rs[:0]
	for _, r := range rs {
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// decodeOne reads a single-resource document, converting its resource with conv (which also
// sees the document, for its included objects and links).
func decodeOne[T any](body []byte, conv func(*document, *resource) (T, error)) (T, error) {
	var zero T
	d, err := parseDocument(body)
	if err != nil {
		return zero, err
	}
	r, err := d.one()
	if err != nil {
		return zero, err
	}
	return conv(d, r)
}

// decodePage reads a list document, converting each resource with conv.
func decodePage[T any](body []byte, conv func(*resource) (T, error)) (*Page[T], error) {
	d, err := parseDocument(body)
	if err != nil {
		return nil, err
	}
	rs, err := d.many()
	if err != nil {
		return nil, err
	}
	p := &Page[T]{Self: string(d.Links.Self), Next: string(d.Links.Next), NextOffset: -1,
		Last: string(d.Links.Last), LastOffset: -1, Items: make([]T, 0, len(rs))}
	if p.Next != "" {
		p.NextOffset = linkOffset(p.Next)
	}
	if p.Last != "" {
		p.LastOffset = linkOffset(p.Last)
	}
	for _, r := range rs {
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

// numberAttrs are the attributes of a number, available or owned.
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

func toAvailable(r *resource) (AvailableNumber, error) {
	var a numberAttrs
	if err := r.attrs(&a); err != nil {
		return AvailableNumber{}, err
	}
	return AvailableNumber{
		TN: tn(string(a.Value), r.id()), RateCenter: string(a.RateCenter), State: string(a.State),
		NumberType: string(a.NumberType), MonthlyCost: a.monthly(), SetupCost: money.Amount(a.SetupCost),
	}, nil
}

// toCode reads an area code or exchange: its id.
func toCode(r *resource) (string, error) { return r.id(), nil }

// numberRelationships are the relationship names of a number's primary and failover routes:
// v2.0's, then v2.1's.
var (
	primaryNames  = []string{"primary_route", "voice_primary_route"}
	failoverNames = []string{"failover_route", "voice_failover_route"}
)

// toNumber reads a number resource; included, when not nil, holds the document's included
// objects, which fill Routes, CNAM, E911 and Provisioning.
func toNumber(r *resource, included []*resource) (Number, error) {
	var a numberAttrs
	if err := r.attrs(&a); err != nil {
		return Number{}, err
	}
	n := Number{
		TN: tn(string(a.Value), r.id()), Alias: string(a.Alias), CNAMLookups: bool(a.CNAMLookups),
		NumberType: string(a.NumberType), RateCenter: string(a.RateCenter), State: string(a.State),
		MessagingEnabled: bool(a.MessagingEnabled),
		Detailed:         len(r.Relationships) > 0,
	}
	if a.MonthlyCost != nil {
		m := money.Amount(*a.MonthlyCost)
		n.MonthlyCost = &m
	}
	var err error
	pick := func(names []string) string {
		for _, name := range names {
			if _, ok := r.Relationships[name]; ok && err == nil {
				var id string
				id, err = r.related(name)
				return id
			}
		}
		return ""
	}
	n.PrimaryRouteID = pick(primaryNames)
	n.FailoverRouteID = pick(failoverNames)
	n.CNAMID = pick([]string{"cnam_preset"})
	n.E911ID = pick([]string{"e911_address"})
	if err != nil {
		return Number{}, fmt.Errorf("number %s: %w", n.TN, err)
	}
	if err := addIncluded(&n, included); err != nil {
		return Number{}, err
	}
	return n, nil
}

// addIncluded fills n's Routes, CNAM, E911 and Provisioning from included objects.
func addIncluded(n *Number, included []*resource) error {
	for _, inc := range included {
		if inc == nil {
			continue
		}
		switch inc.Type {
		case "route":
			rt, err := toRoute(inc)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(n.Routes, func(r Route) bool { return r.ID == rt.ID }) {
				n.Routes = append(n.Routes, rt)
			}
		case "cnam":
			c, err := toCNAM(inc)
			if err != nil {
				return err
			}
			if n.CNAM == nil && (n.CNAMID == "" || c.ID == n.CNAMID) {
				n.CNAM = &c
			}
		case "e911":
			e, err := toE911(inc)
			if err != nil {
				return err
			}
			if n.E911 == nil && (n.E911ID == "" || e.ID == n.E911ID) {
				n.E911 = &e
			}
		case "message_provisioning_status", "messaging-provision":
			var pa struct {
				Status flexString `json:"status"`
				TN     flexString `json:"tn"`
			}
			if err := inc.attrs(&pa); err != nil {
				return err
			}
			n.Provisioning = &Provisioning{ID: inc.id(), Status: string(pa.Status), TN: string(pa.TN)}
		}
	}
	return nil
}

// toListedNumber reads an item of the numbers list, which has no included objects.
func toListedNumber(r *resource) (Number, error) { return toNumber(r, nil) }

// decodeNumber reads a number document (details, purchase, PATCH).
func decodeNumber(body []byte) (Number, error) {
	return decodeOne(body, func(d *document, r *resource) (Number, error) { return toNumber(r, d.Included) })
}

// decodeDetails reads the answer of the bulk details: a list of number resources, with the
// document's included objects shared among them (each number keeps those it names).
func decodeDetails(body []byte) ([]Number, error) {
	d, err := parseDocument(body)
	if err != nil {
		return nil, err
	}
	rs, err := d.many()
	if err != nil {
		return nil, err
	}
	out := make([]Number, 0, len(rs))
	for _, r := range rs {
		n, err := toNumber(r, nil)
		if err != nil {
			return nil, err
		}
		var mine []*resource
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

func toRoute(r *resource) (Route, error) {
	var a routeAttrs
	if err := r.attrs(&a); err != nil {
		return Route{}, err
	}
	edge := a.EdgeStrategyID
	if edge == "" {
		edge = a.EdgeStrategy
	}
	return Route{ID: r.id(), Alias: string(a.Alias), Type: strings.ToLower(string(a.RouteType)), Value: string(a.Value), EdgeStrategyID: string(edge)}, nil
}

// decodeRoute reads a route document (create, update). Its links may lack "/v2"; nothing is
// read from them but, when data has no id, the id.
func decodeRoute(body []byte) (Route, error) {
	return decodeOne(body, func(d *document, r *resource) (Route, error) {
		if r.ID == "" && r.Links.Self == "" {
			r.Links.Self = d.Links.Self
		}
		return toRoute(r)
	})
}

func toEdgeStrategy(r *resource) (EdgeStrategy, error) {
	var a struct {
		Name          flexString `json:"name"`
		Description   flexString `json:"description"`
		FirewallRules flexString `json:"firewall_rules"`
		NAPTR         flexString `json:"naptr"`
	}
	if err := r.attrs(&a); err != nil {
		return EdgeStrategy{}, err
	}
	return EdgeStrategy{ID: r.id(), Name: string(a.Name), Description: string(a.Description), FirewallRules: string(a.FirewallRules), NAPTR: string(a.NAPTR)}, nil
}

func toCNAM(r *resource) (CNAM, error) {
	var a struct {
		Value           flexString `json:"value"`
		IsApproved      flexBool   `json:"is_approved"`
		RejectionReason flexString `json:"rejection_reason"`
		CreationTime    flexString `json:"creation_datetime"`
		ApprovalTime    flexString `json:"approval_datetime"`
	}
	if err := r.attrs(&a); err != nil {
		return CNAM{}, err
	}
	nums, err := r.relatedAll("numbers")
	if err != nil {
		return CNAM{}, fmt.Errorf("cnam %s: %w", r.id(), err)
	}
	return CNAM{
		ID: r.id(), Value: string(a.Value), IsApproved: bool(a.IsApproved), RejectionReason: string(a.RejectionReason),
		CreationTime: string(a.CreationTime), ApprovalTime: string(a.ApprovalTime), Numbers: nums,
	}, nil
}

// decodeCNAM reads a CNAM document (get, create, update).
func decodeCNAM(body []byte) (CNAM, error) {
	return decodeOne(body, func(_ *document, r *resource) (CNAM, error) { return toCNAM(r) })
}

// decodeCNAMAssociation reads the 202 answer of an association (id a JSON integer) or an
// unassociation (id null). An empty body is an empty association.
func decodeCNAMAssociation(body []byte) (CNAMAssociation, error) {
	d, err := parseDocument(body)
	if errors.Is(err, errNoData) {
		return CNAMAssociation{}, nil
	}
	if err != nil {
		return CNAMAssociation{}, err
	}
	r, err := d.one()
	if errors.Is(err, errNoData) {
		return CNAMAssociation{}, nil
	}
	if err != nil {
		return CNAMAssociation{}, err
	}
	var a struct {
		DateCreated flexString `json:"date_created"`
	}
	if err := r.attrs(&a); err != nil {
		return CNAMAssociation{}, err
	}
	return CNAMAssociation{ID: string(r.ID), DateCreated: string(a.DateCreated)}, nil
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

func toE911(r *resource) (E911Address, error) {
	var a e911Attrs
	if err := r.attrs(&a); err != nil {
		return E911Address{}, err
	}
	return E911Address{ID: r.id(), E911Fields: E911Fields{
		Label: string(a.Label), FirstName: string(a.FirstName), LastName: string(a.LastName),
		StreetNumber: string(a.StreetNumber), StreetName: string(a.StreetName),
		AddressType: string(a.AddressType), AddressTypeNumber: string(a.AddressTypeNumber),
		City: string(a.City), State: string(a.State), Country: string(a.Country), Zip: string(a.Zip),
	}}, nil
}

// decodeE911 reads an E911 document (get, create, update).
func decodeE911(body []byte) (E911Address, error) {
	return decodeOne(body, func(_ *document, r *resource) (E911Address, error) { return toE911(r) })
}

// toE911Number reads an item of an E911 address's numbers. The number is attributes.value:
// one doc example gives each item an id that is a relationship id, not the number.
func toE911Number(r *resource) (E911Number, error) {
	var a struct {
		Alias flexString `json:"alias"`
		Value flexString `json:"value"`
	}
	if err := r.attrs(&a); err != nil {
		return E911Number{}, err
	}
	return E911Number{TN: tn(string(a.Value), r.id()), Alias: string(a.Alias)}, nil
}
