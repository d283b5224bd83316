package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
)

// sipReg is the built-in route every account has: v1 names it sip-reg, v2 gives it id 0.
const (
	sipReg   = "sip-reg"
	sipRegID = 0
	noRoute  = -1 // a number's failover when none is set (v2 null; v1 shows sip-reg)
	firstID  = 100000
)

// Route types as the account stores them: v2's spelling. v1 spells them HOST, PSTN, URI
// and SIP-REG.
const (
	typeHost   = "host"
	typeNumber = "number"
	typeURI    = "uri"
	typeSIPReg = "sip-reg"
)

// v1Type is the v1 spelling of a stored route type.
func v1Type(t string) string {
	switch t {
	case typeHost:
		return "HOST"
	case typeNumber:
		return "PSTN"
	case typeURI:
		return "URI"
	}
	return "SIP-REG"
}

// fromV1Type is the stored spelling of a v1 route type, "" for one v1 does not create.
func fromV1Type(t string) string {
	switch t {
	case "HOST":
		return typeHost
	case "PSTN":
		return typeNumber
	case "URI":
		return typeURI
	}
	return ""
}

// route is a route of the account. Its alias is v1's route name.
type route struct {
	id    int
	alias string
	typ   string // typeHost, typeNumber, typeURI; typeSIPReg for route 0 only
	value string
	edge  int // edge strategy id; 0 = none
}

// owned is a number of the account. It is a comparable value, so that the state file can
// group the numbers that share everything but the number.
type owned struct {
	billingMethod     string
	primary, failover int // route ids; failover noRoute when none
	alias             string
	hasAlias          bool
	cnamLookups       bool
	cnam              int // CNAM record id; 0 = none
	e911              int // E911 address id; 0 = none
	callbacks         callbacks
}

// callbacks are a number's messaging callback URLs; "" = none.
type callbacks struct {
	SMS    string `json:"sms_callback,omitempty"`
	MMS    string `json:"mms_callback,omitempty"`
	SMSDLR string `json:"sms_dlr_callback,omitempty"`
	MMSDLR string `json:"mms_dlr_callback,omitempty"`
}

// field returns the callback of the v2 relationship name, nil for an unknown one.
func (c *callbacks) field(name string) *string {
	switch name {
	case "sms_callback":
		return &c.SMS
	case "mms_callback":
		return &c.MMS
	case "sms_dlr_callback", "dlr_callback":
		return &c.SMSDLR
	case "mms_dlr_callback":
		return &c.MMSDLR
	}
	return nil
}

// newOwned is a number as a purchase leaves it: primary route 0, no failover, CNAM lookups on.
func newOwned(billingMethod string) *owned {
	return &owned{billingMethod: billingMethod, primary: sipRegID, failover: noRoute, cnamLookups: true}
}

// CNAM approval states.
const (
	cnamPending  = "pending"
	cnamApproved = "approved"
	cnamRejected = "rejected"
)

// cnamRecord is an outbound caller-ID name of the account.
type cnamRecord struct {
	ID      int       `json:"id"`
	Value   string    `json:"value"`
	State   string    `json:"state"`
	Created time.Time `json:"created"`
	Decided time.Time `json:"decided,omitzero"` // when approved or rejected
	Reason  string    `json:"reason,omitempty"` // why rejected
}

// e911Fields are the attributes of an E911 address, as v2 spells them.
type e911Fields struct {
	Label             string `json:"label"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	StreetNumber      string `json:"street_number"`
	StreetName        string `json:"street_name"`
	AddressType       string `json:"address_type,omitempty"`
	AddressTypeNumber string `json:"address_type_number,omitempty"`
	City              string `json:"city"`
	State             string `json:"state"`
	Country           string `json:"country"`
	Zip               string `json:"zip"`
}

// e911Address is an emergency address of the account.
type e911Address struct {
	ID int `json:"id"`
	e911Fields
}

// state is the account and the inventory. The Server's mutex guards it.
type state struct {
	seed          int64
	inventorySize int

	inventory []available    // every seeded number, in numerical order; sold ones are marked
	invIndex  map[string]int // tn -> index in inventory
	numbers   map[string]*owned
	// tns are the keys of numbers, tns[:sorted] in numerical order; once stale, since a
	// removal, they may also hold numbers no longer owned, and a number twice. sortedTNs
	// puts them in order when asked, so that a write costs the same whatever the account.
	tns    []string
	sorted int
	stale  bool

	routes  map[int]*route // with route 0
	ids     []int          // the keys of routes, ascending
	byAlias map[string]int // alias -> id, with sip-reg
	names   []string       // the aliases but sip-reg, sorted: v1's list order

	cnams map[int]*cnamRecord
	e911s map[int]*e911Address

	// What numbers refer to, so that a write need not look at every number.
	routeUses map[int]int             // route id -> references as primary or failover
	e911Uses  map[int]int             // E911 address id -> numbers using it
	cnamUsers map[int]map[string]bool // CNAM id -> the numbers using it

	nextRoute, nextCNAM, nextE911 int // the next id to give; ids are never reused

	audit []AuditEntry

	// changes are what the state file does not have yet (see journal.go); nil for a
	// memory-only server.
	changes *changes
}

// newState seeds a fresh account: an inventory, route 0 and nothing else.
func newState(seed int64, size int) (*state, error) {
	inv, err := generateInventory(seed, size)
	if err != nil {
		return nil, err
	}
	st := &state{
		seed:          seed,
		inventorySize: size,
		inventory:     inv,
		invIndex:      make(map[string]int, len(inv)),
		numbers:       map[string]*owned{},
		routes:        map[int]*route{},
		byAlias:       map[string]int{},
		cnams:         map[int]*cnamRecord{},
		e911s:         map[int]*e911Address{},
		routeUses:     map[int]int{},
		e911Uses:      map[int]int{},
		cnamUsers:     map[int]map[string]bool{},
		nextRoute:     firstID,
		nextCNAM:      firstID,
		nextE911:      firstID,
	}
	for i := range inv {
		st.invIndex[inv[i].tn] = i
	}
	st.putRoute(&route{id: sipRegID, alias: sipReg, typ: typeSIPReg})
	return st, nil
}

// routeNamed is the route with the alias, nil when the account has none.
func (st *state) routeNamed(alias string) *route {
	id, ok := st.byAlias[alias]
	if !ok {
		return nil
	}
	return st.routes[id]
}

// routeType is the v1 type of the named route, "" when the account has none by that name.
func (st *state) routeType(name string) string {
	if r := st.routeNamed(name); r != nil {
		return v1Type(r.typ)
	}
	return ""
}

// alias is the alias of a route id; a failover of noRoute reads as sip-reg, as v1 shows it.
func (st *state) alias(id int) string {
	if r := st.routes[id]; r != nil {
		return r.alias
	}
	return sipReg
}

// stateFile is the JSON layout of the state file's snapshot (see journal.go), and of the whole
// file in formats 1 and 2. The inventory is not stored: it is regenerated from the seed and
// size, less the numbers the account owns, so a snapshot stays small whatever the inventory
// size.
type stateFile struct {
	Format           int           `json:"format"`
	Seed             int64         `json:"seed"`
	InventorySize    int           `json:"inventory_size"`
	InventoryVersion int           `json:"inventory_version"`
	NextIDs          *nextIDs      `json:"next_ids"` // required from format 2
	Routes           []routeFile   `json:"routes"`   // without route 0
	Numbers          []numberGroup `json:"numbers"`
	CNAMs            []cnamRecord  `json:"cnams,omitempty"`
	E911s            []e911Address `json:"e911s,omitempty"`
	Audit            []AuditEntry  `json:"audit"`
}

// nextIDs are the id counters, so that an id is never given twice.
type nextIDs struct {
	Route int `json:"route"`
	CNAM  int `json:"cnam"`
	E911  int `json:"e911"`
}

// routeFile is a route in the file. Format 1 wrote name and type (v1's spelling) only.
type routeFile struct {
	ID    int    `json:"id,omitempty"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
	Edge  int    `json:"edge_strategy_id,omitempty"`
}

// numberGroup holds the numbers that share everything else, which keeps a file with many
// numbers compact. Format 1 wrote billing_method, routes (two names) and tns only.
type numberGroup struct {
	BillingMethod string     `json:"billing_method"`
	Routes        [2]string  `json:"routes,omitzero"`   // format 1: primary, failover names
	Primary       int        `json:"primary,omitempty"` // format 2: route ids
	Failover      *int       `json:"failover,omitempty"`
	Alias         *string    `json:"alias,omitempty"`
	NoCNAMLookups bool       `json:"no_cnam_lookups,omitempty"`
	CNAM          int        `json:"cnam,omitempty"`
	E911          int        `json:"e911,omitempty"`
	Callbacks     *callbacks `json:"callbacks,omitempty"`
	TNs           []string   `json:"tns"` // in numerical order
}

// group is the file form of a number's fields.
func group(n owned) numberGroup {
	g := numberGroup{BillingMethod: n.billingMethod, Primary: n.primary, NoCNAMLookups: !n.cnamLookups, CNAM: n.cnam, E911: n.e911}
	if n.failover != noRoute {
		g.Failover = &n.failover
	}
	if n.hasAlias {
		g.Alias = &n.alias
	}
	if n.callbacks != (callbacks{}) {
		g.Callbacks = &n.callbacks
	}
	return g
}

// owned is the number the group's fields describe, the inverse of group.
func (g numberGroup) owned() owned {
	o := owned{billingMethod: g.BillingMethod, primary: g.Primary, failover: noRoute, cnamLookups: !g.NoCNAMLookups, cnam: g.CNAM, e911: g.E911}
	if g.Failover != nil {
		o.failover = *g.Failover
	}
	if g.Alias != nil {
		o.alias, o.hasAlias = *g.Alias, true
	}
	if g.Callbacks != nil {
		o.callbacks = *g.Callbacks
	}
	return o
}

// marshal encodes the state as a snapshot: one line of JSON.
func (st *state) marshal() ([]byte, error) {
	f := stateFile{
		Format:           stateFormat,
		Seed:             st.seed,
		InventorySize:    st.inventorySize,
		InventoryVersion: inventoryVersion,
		NextIDs:          &nextIDs{st.nextRoute, st.nextCNAM, st.nextE911},
		Routes:           make([]routeFile, 0, len(st.ids)),
		Numbers:          []numberGroup{},
		Audit:            st.audit,
	}
	if f.Audit == nil {
		f.Audit = []AuditEntry{}
	}
	for _, id := range st.ids {
		if r := st.routes[id]; id != sipRegID {
			f.Routes = append(f.Routes, routeFile{ID: id, Name: r.alias, Type: r.typ, Value: r.value, Edge: r.edge})
		}
	}
	for _, id := range sortedKeys(st.cnams) {
		f.CNAMs = append(f.CNAMs, *st.cnams[id])
	}
	for _, id := range sortedKeys(st.e911s) {
		f.E911s = append(f.E911s, *st.e911s[id])
	}
	if g := groupNumbers(st.sortedTNs(), func(tn string) owned { return *st.numbers[tn] }); g != nil {
		f.Numbers = g
	}
	var buf bytes.Buffer
	buf.Grow(64 + 14*len(st.numbers) + 200*len(st.audit))
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sortedKeys returns the ids of a map in ascending order.
func sortedKeys[V any](m map[int]V) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// unmarshalState rebuilds a state from the file's bytes, checking everything in it. It
// reports the size of the snapshot and whether the next save must write a new one: the file
// is of an older format, or its last journal record was cut short.
func unmarshalState(data []byte) (st *state, snapshot int64, compact bool, err error) {
	var f stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, 0, false, err
	}
	snapshot = dec.InputOffset()
	rest := data[snapshot:]
	switch {
	case f.Format != 1 && f.Format != 2 && f.Format != stateFormat:
		return nil, 0, false, fmt.Errorf("format %d, want %d (or 1 or 2, which are migrated)", f.Format, stateFormat)
	case f.Format != 1 && f.NextIDs == nil:
		return nil, 0, false, fmt.Errorf("format %d without next_ids", f.Format)
	case f.Format == 1 && (f.NextIDs != nil || f.CNAMs != nil || f.E911s != nil):
		return nil, 0, false, errors.New("format 1 with the fields of format 2")
	case f.Format != stateFormat && len(bytes.TrimSpace(rest)) > 0:
		return nil, 0, false, errors.New("unexpected data after the JSON object")
	}
	if f.InventoryVersion != inventoryVersion {
		return nil, 0, false, fmt.Errorf("inventory version %d, want %d (delete the file to start a new sandbox account)", f.InventoryVersion, inventoryVersion)
	}
	compact = f.Format != stateFormat
	if f.Format == stateFormat {
		if compact, err = replayJournal(&f, rest); err != nil {
			return nil, 0, false, err
		}
	}
	if st, err = newState(f.Seed, f.InventorySize); err != nil {
		return nil, 0, false, err
	}
	if f.Format == 1 {
		err = st.loadFormat1(&f)
	} else {
		err = st.loadFormat2(&f)
	}
	if err != nil {
		return nil, 0, false, err
	}
	st.audit = f.Audit
	return st, snapshot + 1, compact, nil
}

// loadFormat1 migrates a format 1 file: routes get ids in name order, and a failover of
// sip-reg becomes none, as v1 cannot tell the two apart.
func (st *state) loadFormat1(f *stateFile) error {
	routes := slices.Clone(f.Routes)
	slices.SortStableFunc(routes, func(a, b routeFile) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range routes {
		if r.ID != 0 || r.Edge != 0 {
			return fmt.Errorf("route %q: format 1 has no ids", r.Name)
		}
		if err := validateNewRoute(Route{Name: r.Name, Type: r.Type, Value: r.Value}); err != nil {
			return fmt.Errorf("route %q: %w", r.Name, err)
		}
		if st.routeNamed(r.Name) != nil {
			return fmt.Errorf("route %q listed twice", r.Name)
		}
		st.putRoute(&route{id: st.newRouteID(), alias: r.Name, typ: fromV1Type(r.Type), value: r.Value})
	}
	for _, g := range f.Numbers {
		if g.Primary != 0 || g.Failover != nil || g.Alias != nil || g.NoCNAMLookups || g.CNAM != 0 || g.E911 != 0 || g.Callbacks != nil {
			return errors.New("format 1 numbers with the fields of format 2")
		}
		var ids [2]int
		for i, name := range g.Routes {
			r := st.routeNamed(name)
			if r == nil {
				return fmt.Errorf("numbers refer to unknown route %q", name)
			}
			ids[i] = r.id
		}
		if ids[1] == sipRegID {
			ids[1] = noRoute
		}
		n := owned{billingMethod: g.BillingMethod, primary: ids[0], failover: ids[1], cnamLookups: true}
		if err := st.loadNumbers(n, g.TNs); err != nil {
			return err
		}
	}
	return nil
}

// loadFormat2 reads a file of format 2, or 3 once its journal is played.
func (st *state) loadFormat2(f *stateFile) error {
	n := f.NextIDs
	if n.Route < firstID || n.CNAM < firstID || n.E911 < firstID {
		return fmt.Errorf("next_ids %+v below %d", *n, firstID)
	}
	st.nextRoute, st.nextCNAM, st.nextE911 = n.Route, n.CNAM, n.E911
	for _, r := range f.Routes {
		if err := st.loadRoute(r); err != nil {
			return err
		}
	}
	for _, c := range f.CNAMs {
		if err := st.loadCNAM(c); err != nil {
			return err
		}
	}
	for _, e := range f.E911s {
		if err := st.loadE911(e); err != nil {
			return err
		}
	}
	for _, g := range f.Numbers {
		if err := st.loadGroup(g); err != nil {
			return err
		}
	}
	return nil
}

// loadRoute puts a route of the file on the account: an id below the next, a value either
// face may create, an alias and an id not seen yet, a known edge strategy.
func (st *state) loadRoute(r routeFile) error {
	if r.ID < firstID || r.ID >= st.nextRoute || st.routes[r.ID] != nil {
		return fmt.Errorf("route %q: id %d out of range or listed twice", r.Name, r.ID)
	}
	if err := validateStoredRoute(r.Name, r.Type, r.Value); err != nil {
		return fmt.Errorf("route %q: %w", r.Name, err)
	}
	if st.routeNamed(r.Name) != nil {
		return fmt.Errorf("route %q listed twice", r.Name)
	}
	if r.Edge != 0 && edgeStrategy(r.Edge) == nil {
		return fmt.Errorf("route %q: unknown edge strategy %d", r.Name, r.Edge)
	}
	st.putRoute(&route{id: r.ID, alias: r.Name, typ: r.Type, value: r.Value, edge: r.Edge})
	return nil
}

// loadCNAM puts a CNAM record of the file on the account.
func (st *state) loadCNAM(c cnamRecord) error {
	if c.ID < firstID || c.ID >= st.nextCNAM || st.cnams[c.ID] != nil {
		return fmt.Errorf("CNAM %d out of range or listed twice", c.ID)
	}
	if c.State != cnamPending && c.State != cnamApproved && c.State != cnamRejected {
		return fmt.Errorf("CNAM %d: unknown state %q", c.ID, c.State)
	}
	st.cnams[c.ID] = &c
	return nil
}

// loadE911 puts an E911 address of the file on the account.
func (st *state) loadE911(e e911Address) error {
	if e.ID < firstID || e.ID >= st.nextE911 || st.e911s[e.ID] != nil {
		return fmt.Errorf("E911 address %d out of range or listed twice", e.ID)
	}
	st.e911s[e.ID] = &e
	return nil
}

// loadGroup puts a group of numbers of a format 2 file on the account, once the routes, CNAM
// records and E911 addresses they refer to are loaded.
func (st *state) loadGroup(g numberGroup) error {
	if g.Routes != ([2]string{}) {
		return errors.New("numbers with the route names of format 1")
	}
	o := g.owned()
	for _, id := range []int{o.primary, o.failover} {
		if st.routes[id] == nil && id != noRoute || o.primary == noRoute {
			return fmt.Errorf("numbers refer to unknown route %d", id)
		}
	}
	if o.cnam != 0 && st.cnams[o.cnam] == nil || o.e911 != 0 && st.e911s[o.e911] == nil {
		return fmt.Errorf("numbers refer to unknown CNAM %d or E911 address %d", o.cnam, o.e911)
	}
	return st.loadNumbers(o, g.TNs)
}

// loadNumbers puts the numbers of a group on the account.
func (st *state) loadNumbers(n owned, tns []string) error {
	if !validBillingMethod(n.billingMethod) {
		return fmt.Errorf("unknown billing method %q", n.billingMethod)
	}
	for _, tn := range tns {
		if !validTN(tn) {
			return fmt.Errorf("malformed number %q", tn)
		}
		if st.numbers[tn] != nil {
			return fmt.Errorf("number %s listed twice", tn)
		}
		o := n
		st.addNumber(tn, &o)
	}
	return nil
}

// loadState reads the state file into a state, and the store that goes on writing it; it
// reports fs.ErrNotExist when there is none.
func loadState(path string) (*state, store, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, store{}, err
	}
	st, snapshot, compact, err := unmarshalState(data)
	if err != nil {
		return nil, store{}, fmt.Errorf("sandbox state file %s is not valid (fix or delete it): %w", path, err)
	}
	return st, store{path: path, size: int64(len(data)), snapshot: snapshot, compact: compact}, nil
}

// isNotExist reports whether err says the state file does not exist.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// validBillingMethod reports whether m is a billing method v1 knows.
func validBillingMethod(m string) bool { return m == "VPRI" || m == "METERED" }

// validTN reports whether tn is a North American E.164 number without '+': 1NPANXXXXXX.
func validTN(tn string) bool {
	return len(tn) == 11 && tn[0] == '1' && allDigits(tn)
}

// allDigits reports whether s is non-empty and made of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}
