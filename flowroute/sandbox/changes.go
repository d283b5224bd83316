package sandbox

import (
	"slices"
)

// Every change to the account goes through the methods of this file, so that the indexes
// (numbers in order, what numbers refer to) stay right and the state file learns of it: each
// notes the key it changes in st.changes, and the next save writes the value of each key
// noted (see journal.go). A write costs the same whatever the size of the account.

// changes are the keys changed since the state file last recorded the state, and how much
// of the audit log and which id counters the file has.
type changes struct {
	numbers map[string]bool
	routes  map[int]bool
	cnams   map[int]bool
	e911s   map[int]bool
	audit   int     // audit entries in the file
	next    nextIDs // the id counters as the file has them
}

// trackChanges starts noting changes, for a server with a state file, which has everything
// in st.
func (st *state) trackChanges() {
	st.changes = &changes{}
	st.saved()
}

// saved records that the state file has everything in st.
func (st *state) saved() {
	c := st.changes
	if c == nil {
		return
	}
	c.numbers, c.routes, c.cnams, c.e911s = map[string]bool{}, map[int]bool{}, map[int]bool{}, map[int]bool{}
	c.audit = len(st.audit)
	c.next = st.nextIDs()
}

// nextIDs are the id counters.
func (st *state) nextIDs() nextIDs { return nextIDs{st.nextRoute, st.nextCNAM, st.nextE911} }

func (st *state) noteNumber(tn string) {
	if st.changes != nil {
		st.changes.numbers[tn] = true
	}
}

func (st *state) noteRoute(id int) {
	if st.changes != nil {
		st.changes.routes[id] = true
	}
}

func (st *state) noteCNAM(id int) {
	if st.changes != nil {
		st.changes.cnams[id] = true
	}
}

func (st *state) noteE911(id int) {
	if st.changes != nil {
		st.changes.e911s[id] = true
	}
}

// sortedTNs returns the owned numbers in numerical order. Numbers added out of order since
// the last call are sorted and merged in, and those removed are dropped: the price of a
// write is paid by the next list.
func (st *state) sortedTNs() []string {
	if st.sorted == len(st.tns) && !st.stale {
		return st.tns
	}
	head, tail := st.tns[:st.sorted], st.tns[st.sorted:]
	slices.SortFunc(tail, compareTN)
	merged := make([]string, 0, len(st.numbers))
	for len(head) > 0 || len(tail) > 0 {
		var tn string
		if len(tail) == 0 || len(head) > 0 && compareTN(head[0], tail[0]) <= 0 {
			tn, head = head[0], head[1:]
		} else {
			tn, tail = tail[0], tail[1:]
		}
		if st.stale && (st.numbers[tn] == nil || len(merged) > 0 && merged[len(merged)-1] == tn) {
			continue
		}
		merged = append(merged, tn)
	}
	st.tns, st.sorted, st.stale = merged, len(merged), false
	return merged
}

// addNumber puts tn on the account and takes it out of the inventory.
func (st *state) addNumber(tn string, n *owned) {
	st.numbers[tn] = n
	st.use(tn, owned{primary: noRoute, failover: noRoute}, *n)
	if st.sorted == len(st.tns) && (len(st.tns) == 0 || compareTN(st.tns[len(st.tns)-1], tn) < 0) {
		st.sorted++ // in order: the common case of a seeded or loaded account
	}
	st.tns = append(st.tns, tn)
	if len(st.tns) > 2*len(st.numbers)+1024 { // many purchases and releases since the last list
		st.sortedTNs()
	}
	if i, ok := st.invIndex[tn]; ok {
		st.inventory[i].sold = true
	}
	st.noteNumber(tn)
}

// removeNumber takes tn off the account and puts it back in the inventory, if it came from
// there: a release, or the undoing of a purchase.
func (st *state) removeNumber(tn string) {
	if o := st.numbers[tn]; o != nil {
		st.use(tn, *o, owned{primary: noRoute, failover: noRoute})
	}
	delete(st.numbers, tn)
	st.stale = true
	if i, ok := st.invIndex[tn]; ok {
		st.inventory[i].sold = false
	}
	st.noteNumber(tn)
}

// setNumber replaces the fields of the number tn, whose record is o, and returns them as they
// were.
func (st *state) setNumber(tn string, o *owned, to owned) owned {
	before := *o
	st.use(tn, before, to)
	*o = to
	st.noteNumber(tn)
	return before
}

// changeNumber applies change to the fields of the number tn, whose record is o, and returns
// the function that undoes it.
func (st *state) changeNumber(tn string, o *owned, change func(*owned)) (undo func()) {
	next := *o
	change(&next)
	before := st.setNumber(tn, o, next)
	return func() { st.setNumber(tn, o, before) }
}

// use moves the references of the number tn from those of before to those of after; a
// number being added or removed refers to nothing on the other side.
func (st *state) use(tn string, before, after owned) {
	for _, id := range []int{before.primary, before.failover} {
		if id != noRoute {
			st.routeUses[id]--
		}
	}
	for _, id := range []int{after.primary, after.failover} {
		if id != noRoute {
			st.routeUses[id]++
		}
	}
	if before.e911 != after.e911 {
		if before.e911 != 0 {
			st.e911Uses[before.e911]--
		}
		if after.e911 != 0 {
			st.e911Uses[after.e911]++
		}
	}
	if before.cnam != after.cnam {
		delete(st.cnamUsers[before.cnam], tn)
		if after.cnam != 0 {
			if st.cnamUsers[after.cnam] == nil {
				st.cnamUsers[after.cnam] = map[string]bool{}
			}
			st.cnamUsers[after.cnam][tn] = true
		}
	}
}

// routeInUse reports whether a number has the route as primary or failover.
func (st *state) routeInUse(id int) bool { return st.routeUses[id] > 0 }

// e911InUse reports whether a number uses the E911 address.
func (st *state) e911InUse(id int) bool { return st.e911Uses[id] > 0 }

// newRouteID gives the next route id.
func (st *state) newRouteID() int {
	id := st.nextRoute
	st.nextRoute++
	return id
}

// putRoute adds a route; the caller checked that its id and alias are free.
func (st *state) putRoute(r *route) {
	st.routes[r.id] = r
	i, _ := slices.BinarySearch(st.ids, r.id)
	st.ids = slices.Insert(st.ids, i, r.id)
	st.indexAlias(r)
	st.noteRoute(r.id)
}

func (st *state) indexAlias(r *route) {
	st.byAlias[r.alias] = r.id
	if r.id != sipRegID {
		i, _ := slices.BinarySearch(st.names, r.alias)
		st.names = slices.Insert(st.names, i, r.alias)
	}
}

func (st *state) unindexAlias(r *route) {
	delete(st.byAlias, r.alias)
	if i, ok := slices.BinarySearch(st.names, r.alias); ok && r.id != sipRegID {
		st.names = slices.Delete(st.names, i, i+1)
	}
}

// dropRoute removes a route (a delete, or the undoing of a creation).
func (st *state) dropRoute(id int) {
	r := st.routes[id]
	if r == nil {
		return
	}
	st.unindexAlias(r)
	delete(st.routes, id)
	if i, ok := slices.BinarySearch(st.ids, id); ok {
		st.ids = slices.Delete(st.ids, i, i+1)
	}
	st.noteRoute(id)
}

// setRoute replaces a route's fields, keeping the alias index right; it returns the route as
// it was, for undo.
func (st *state) setRoute(r *route, to route) route {
	before := *r
	st.unindexAlias(r)
	*r = to
	st.indexAlias(r)
	st.noteRoute(r.id)
	return before
}

// newCNAM adds a CNAM record with the next id and returns it.
func (st *state) newCNAM(rec cnamRecord) *cnamRecord {
	rec.ID = st.nextCNAM
	st.nextCNAM++
	st.putCNAM(&rec)
	return &rec
}

// putCNAM adds a CNAM record, or puts a deleted one back.
func (st *state) putCNAM(rec *cnamRecord) {
	st.cnams[rec.ID] = rec
	st.noteCNAM(rec.ID)
}

// setCNAM replaces a CNAM record's fields and returns them as they were.
func (st *state) setCNAM(rec *cnamRecord, to cnamRecord) cnamRecord {
	before := *rec
	*rec = to
	st.noteCNAM(rec.ID)
	return before
}

// deleteCNAM removes a CNAM record; the caller has cleared the numbers using it.
func (st *state) deleteCNAM(id int) {
	delete(st.cnams, id)
	st.noteCNAM(id)
}

// clearCNAM takes the CNAM record off every number using it and returns the function that
// puts it back.
func (st *state) clearCNAM(id int) (undo func()) {
	var undos []func()
	for tn := range st.cnamUsers[id] {
		undos = append(undos, st.changeNumber(tn, st.numbers[tn], func(o *owned) { o.cnam = 0 }))
	}
	return func() {
		for _, u := range undos {
			u()
		}
	}
}

// newE911 adds an E911 address with the next id and returns it.
func (st *state) newE911(f e911Fields) *e911Address {
	e := &e911Address{ID: st.nextE911, e911Fields: f}
	st.nextE911++
	st.putE911(e)
	return e
}

// putE911 adds an E911 address, or puts a deleted one back.
func (st *state) putE911(e *e911Address) {
	st.e911s[e.ID] = e
	st.noteE911(e.ID)
}

// setE911 replaces an E911 address's fields and returns them as they were.
func (st *state) setE911(e *e911Address, to e911Fields) e911Fields {
	before := e.e911Fields
	e.e911Fields = to
	st.noteE911(e.ID)
	return before
}

// deleteE911 removes an E911 address no number uses.
func (st *state) deleteE911(id int) {
	delete(st.e911s, id)
	st.noteE911(id)
}
