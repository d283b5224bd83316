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

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
)

// sipReg is the built-in route every account has.
const sipReg = "sip-reg"

// owned is a number of the account.
type owned struct {
	billingMethod     string
	primary, failover string
}

// state is the account and the inventory. The Server's mutex guards it.
type state struct {
	seed          int64
	inventorySize int

	inventory []available    // every seeded number, in numerical order; sold ones are marked
	invIndex  map[string]int // tn -> index in inventory
	numbers   map[string]*owned
	tns       []string // the keys of numbers; in numerical order when tnsSorted
	tnsSorted bool
	routes    map[string]flowroute.Route // without sip-reg
	names     []string                   // the keys of routes, sorted
	audit     []AuditEntry
}

// newState seeds a fresh account: an inventory and no numbers nor routes but sip-reg.
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
		tnsSorted:     true,
		routes:        map[string]flowroute.Route{},
	}
	for i := range inv {
		st.invIndex[inv[i].tn] = i
	}
	return st, nil
}

// sortedTNs returns the owned numbers in numerical order, sorting them first if numbers were
// added out of order since the last call.
func (st *state) sortedTNs() []string {
	if !st.tnsSorted {
		slices.SortFunc(st.tns, compareTN)
		st.tnsSorted = true
	}
	return st.tns
}

// addNumber puts tn on the account and takes it out of the inventory.
func (st *state) addNumber(tn string, n *owned) {
	st.numbers[tn] = n
	if len(st.tns) > 0 && compareTN(st.tns[len(st.tns)-1], tn) >= 0 {
		st.tnsSorted = false
	}
	st.tns = append(st.tns, tn)
	if i, ok := st.invIndex[tn]; ok {
		st.inventory[i].sold = true
	}
}

// removeNumber undoes addNumber (only to roll back a write that could not be saved).
func (st *state) removeNumber(tn string) {
	delete(st.numbers, tn)
	st.tns = slices.DeleteFunc(st.tns, func(s string) bool { return s == tn })
	if i, ok := st.invIndex[tn]; ok {
		st.inventory[i].sold = false
	}
}

// addRoute adds a route; the caller checked that the name is free.
func (st *state) addRoute(r flowroute.Route) {
	st.routes[r.Name] = r
	i, _ := slices.BinarySearch(st.names, r.Name)
	st.names = slices.Insert(st.names, i, r.Name)
}

// removeRoute undoes addRoute.
func (st *state) removeRoute(name string) {
	delete(st.routes, name)
	if i, ok := slices.BinarySearch(st.names, name); ok {
		st.names = slices.Delete(st.names, i, i+1)
	}
}

// routeType is the type of the named route, "" when the account has none by that name.
func (st *state) routeType(name string) string {
	if name == sipReg {
		return "SIP-REG"
	}
	return st.routes[name].Type
}

// stateFormat is the version of the state file layout.
const stateFormat = 1

// stateFile is the JSON layout of the state file. The inventory is not stored: it is
// regenerated from the seed and size, less the numbers the account owns, so a write stays
// small and fast whatever the inventory size.
type stateFile struct {
	Format           int               `json:"format"`
	Seed             int64             `json:"seed"`
	InventorySize    int               `json:"inventory_size"`
	InventoryVersion int               `json:"inventory_version"`
	Routes           []flowroute.Route `json:"routes"`
	Numbers          []numberGroup     `json:"numbers"`
	Audit            []AuditEntry      `json:"audit"`
}

// numberGroup holds the numbers that share a billing method and routes, which keeps a file
// with many numbers compact.
type numberGroup struct {
	BillingMethod string    `json:"billing_method"`
	Routes        [2]string `json:"routes"` // primary, failover
	TNs           []string  `json:"tns"`    // in numerical order
}

// marshal encodes the state as the file's bytes.
func (st *state) marshal() ([]byte, error) {
	f := stateFile{
		Format:           stateFormat,
		Seed:             st.seed,
		InventorySize:    st.inventorySize,
		InventoryVersion: inventoryVersion,
		Routes:           make([]flowroute.Route, 0, len(st.names)),
		Numbers:          []numberGroup{},
		Audit:            st.audit,
	}
	if f.Audit == nil {
		f.Audit = []AuditEntry{}
	}
	for _, name := range st.names {
		f.Routes = append(f.Routes, st.routes[name])
	}
	groups := map[owned]int{}
	last, g := owned{}, -1 // neighbours mostly share a group: skip the map for them
	for _, tn := range st.sortedTNs() {
		n := *st.numbers[tn]
		if g < 0 || n != last {
			var ok bool
			if g, ok = groups[n]; !ok {
				g = len(f.Numbers)
				groups[n] = g
				f.Numbers = append(f.Numbers, numberGroup{BillingMethod: n.billingMethod, Routes: [2]string{n.primary, n.failover}})
			}
			last = n
		}
		f.Numbers[g].TNs = append(f.Numbers[g].TNs, tn)
	}
	var buf bytes.Buffer
	buf.Grow(64 + 14*len(st.tns) + 200*len(st.audit))
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unmarshalState rebuilds a state from the file's bytes, checking everything in it.
func unmarshalState(data []byte) (*state, error) {
	var f stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON object")
	}
	if f.Format != stateFormat {
		return nil, fmt.Errorf("format %d, want %d", f.Format, stateFormat)
	}
	if f.InventoryVersion != inventoryVersion {
		return nil, fmt.Errorf("inventory version %d, want %d (delete the file to start a new sandbox account)", f.InventoryVersion, inventoryVersion)
	}
	st, err := newState(f.Seed, f.InventorySize)
	if err != nil {
		return nil, err
	}
	for _, r := range f.Routes {
		rt := flowroute.Route{Name: r.Name, Type: r.Type, Value: r.Value}
		if err := validateNewRoute(rt); err != nil {
			return nil, fmt.Errorf("route %q: %w", r.Name, err)
		}
		if _, dup := st.routes[r.Name]; dup || r.Name == sipReg {
			return nil, fmt.Errorf("route %q listed twice", r.Name)
		}
		st.addRoute(rt)
	}
	for _, g := range f.Numbers {
		if !validBillingMethod(g.BillingMethod) {
			return nil, fmt.Errorf("unknown billing method %q", g.BillingMethod)
		}
		for _, name := range g.Routes {
			if st.routeType(name) == "" {
				return nil, fmt.Errorf("numbers refer to unknown route %q", name)
			}
		}
		for _, tn := range g.TNs {
			if !validTN(tn) {
				return nil, fmt.Errorf("malformed number %q", tn)
			}
			if st.numbers[tn] != nil {
				return nil, fmt.Errorf("number %s listed twice", tn)
			}
			st.addNumber(tn, &owned{billingMethod: g.BillingMethod, primary: g.Routes[0], failover: g.Routes[1]})
		}
	}
	st.audit = f.Audit
	return st, nil
}

// loadState reads the state file; it reports fs.ErrNotExist when there is none.
func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	st, err := unmarshalState(data)
	if err != nil {
		return nil, fmt.Errorf("sandbox state file %s is not valid (fix or delete it): %w", path, err)
	}
	return st, nil
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
