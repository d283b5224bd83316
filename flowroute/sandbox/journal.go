package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
)

// The state file (format 3) is JSON lines. The first line is a snapshot: the account and the
// audit log, in the layout of format 2. Each line after it is a journal record: what one save
// changed (the routes, numbers, CNAM records and E911 addresses it touched, as they now are
// or as deleted, the id counters if they moved) and the audit entries it added. A save
// appends one record, so a write costs the same whatever the size of the account and of the
// audit log; once the records outweigh the snapshot (and at least minJournal), the next save
// writes a new snapshot instead, replacing the file atomically, so the work of snapshots is
// spread over the writes in between.
//
// A record is in the file (written to the operating system, not synced to the disk) before
// the request it saves is answered, so a process killed at any moment loses no acknowledged
// write. A record cut short by the kill is the last line and lacks its newline: loading
// ignores it (its request was never answered) and the next save writes a new snapshot.

// stateFormat is the version of the state file layout. Format 1 (v1 routes by name, numbers
// with two route names) and format 2 (one JSON object, rewritten whole on every write) are
// still read; the first save after loading one writes format 3.
const stateFormat = 3

// minJournal is the size of the journal below which no new snapshot is written, so that a
// small account is not rewritten every few writes.
const minJournal = 1 << 20

// journalRecord is one line of the journal.
type journalRecord struct {
	NextIDs *nextIDs      `json:"next_ids,omitempty"`
	Routes  []routeFile   `json:"routes,omitempty"`
	Numbers []numberGroup `json:"numbers,omitempty"`
	CNAMs   []cnamRecord  `json:"cnams,omitempty"`
	E911s   []e911Address `json:"e911s,omitempty"`
	Deleted *deletions    `json:"deleted,omitempty"`
	Audit   []AuditEntry  `json:"audit,omitempty"`
}

// deletions are the keys a record deletes.
type deletions struct {
	Routes  []int    `json:"routes,omitempty"`
	Numbers []string `json:"numbers,omitempty"`
	CNAMs   []int    `json:"cnams,omitempty"`
	E911s   []int    `json:"e911s,omitempty"`
}

// record returns the journal record of what changed since the last save, nil when nothing
// did. Keys are in order, so the same changes give the same bytes.
func (st *state) record() *journalRecord {
	c := st.changes
	rec := &journalRecord{Audit: st.audit[c.audit:]}
	var del deletions
	if next := st.nextIDs(); next != c.next {
		rec.NextIDs = &next
	}
	rec.Routes, del.Routes = changed(c.routes, st.routes, func(r *route) routeFile {
		return routeFile{ID: r.id, Name: r.alias, Type: r.typ, Value: r.value, Edge: r.edge}
	})
	rec.CNAMs, del.CNAMs = changed(c.cnams, st.cnams, func(r *cnamRecord) cnamRecord { return *r })
	rec.E911s, del.E911s = changed(c.e911s, st.e911s, func(e *e911Address) e911Address { return *e })
	var tns []string
	for _, tn := range slices.SortedFunc(maps.Keys(c.numbers), compareTN) {
		if st.numbers[tn] != nil {
			tns = append(tns, tn)
		} else {
			del.Numbers = append(del.Numbers, tn)
		}
	}
	rec.Numbers = groupNumbers(tns, func(tn string) owned { return *st.numbers[tn] })
	if del.Routes != nil || del.Numbers != nil || del.CNAMs != nil || del.E911s != nil {
		rec.Deleted = &del
	}
	if rec.NextIDs == nil && rec.Routes == nil && rec.Numbers == nil && rec.CNAMs == nil &&
		rec.E911s == nil && rec.Deleted == nil && len(rec.Audit) == 0 {
		return nil
	}
	return rec
}

// changed splits the ids changed into the records still in m, in their file form, and the
// ids no longer there, each in ascending order of id.
func changed[V, F any](ids map[int]bool, m map[int]*V, file func(*V) F) (kept []F, gone []int) {
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		if v := m[id]; v != nil {
			kept = append(kept, file(v))
		} else {
			gone = append(gone, id)
		}
	}
	return kept, gone
}

// groupNumbers groups the numbers tns (in numerical order) that share all their fields, in
// the order of each group's first number.
func groupNumbers(tns []string, fields func(tn string) owned) []numberGroup {
	var out []numberGroup
	groups := map[owned]int{}
	last, g := owned{}, -1 // neighbours mostly share a group: skip the map for them
	for _, tn := range tns {
		n := fields(tn)
		if g < 0 || n != last {
			var ok bool
			if g, ok = groups[n]; !ok {
				g = len(out)
				groups[n] = g
				out = append(out, group(n))
			}
			last = n
		}
		out[g].TNs = append(out[g].TNs, tn)
	}
	return out
}

// replay is the content of a state file keyed, to play the journal onto the snapshot.
type replay struct {
	routes  map[int]routeFile
	numbers map[string]owned
	cnams   map[int]cnamRecord
	e911s   map[int]e911Address
}

// newReplay keys the snapshot f, refusing a key listed twice.
func newReplay(f *stateFile) (*replay, error) {
	r := &replay{routes: map[int]routeFile{}, numbers: map[string]owned{}, cnams: map[int]cnamRecord{}, e911s: map[int]e911Address{}}
	for _, rt := range f.Routes {
		if _, dup := r.routes[rt.ID]; dup {
			return nil, fmt.Errorf("route %d listed twice", rt.ID)
		}
		r.routes[rt.ID] = rt
	}
	for _, g := range f.Numbers {
		if err := r.putNumbers(g, true); err != nil {
			return nil, err
		}
	}
	for _, c := range f.CNAMs {
		if _, dup := r.cnams[c.ID]; dup {
			return nil, fmt.Errorf("CNAM %d listed twice", c.ID)
		}
		r.cnams[c.ID] = c
	}
	for _, e := range f.E911s {
		if _, dup := r.e911s[e.ID]; dup {
			return nil, fmt.Errorf("E911 address %d listed twice", e.ID)
		}
		r.e911s[e.ID] = e
	}
	return r, nil
}

// putNumbers sets the numbers of a group; once refuses a number already there.
func (r *replay) putNumbers(g numberGroup, once bool) error {
	if g.Routes != ([2]string{}) {
		return errors.New("numbers with the route names of format 1")
	}
	o := g.owned()
	for _, tn := range g.TNs {
		if _, dup := r.numbers[tn]; dup && once {
			return fmt.Errorf("number %s listed twice", tn)
		}
		r.numbers[tn] = o
	}
	return nil
}

// apply plays a record: its deletions, then the values it sets.
func (r *replay) apply(rec *journalRecord, f *stateFile) error {
	if d := rec.Deleted; d != nil {
		for _, id := range d.Routes {
			delete(r.routes, id)
		}
		for _, tn := range d.Numbers {
			delete(r.numbers, tn)
		}
		for _, id := range d.CNAMs {
			delete(r.cnams, id)
		}
		for _, id := range d.E911s {
			delete(r.e911s, id)
		}
	}
	for _, rt := range rec.Routes {
		r.routes[rt.ID] = rt
	}
	for _, g := range rec.Numbers {
		if err := r.putNumbers(g, false); err != nil {
			return err
		}
	}
	for _, c := range rec.CNAMs {
		r.cnams[c.ID] = c
	}
	for _, e := range rec.E911s {
		r.e911s[e.ID] = e
	}
	if rec.NextIDs != nil {
		f.NextIDs = rec.NextIDs
	}
	f.Audit = append(f.Audit, rec.Audit...)
	return nil
}

// into writes the replayed account into f, in the order a snapshot has it.
func (r *replay) into(f *stateFile) {
	f.Routes = f.Routes[:0]
	for _, id := range slices.Sorted(maps.Keys(r.routes)) {
		f.Routes = append(f.Routes, r.routes[id])
	}
	tns := slices.SortedFunc(maps.Keys(r.numbers), compareTN)
	f.Numbers = groupNumbers(tns, func(tn string) owned { return r.numbers[tn] })
	f.CNAMs = f.CNAMs[:0]
	for _, id := range slices.Sorted(maps.Keys(r.cnams)) {
		f.CNAMs = append(f.CNAMs, r.cnams[id])
	}
	f.E911s = f.E911s[:0]
	for _, id := range slices.Sorted(maps.Keys(r.e911s)) {
		f.E911s = append(f.E911s, r.e911s[id])
	}
}

// replayJournal plays the journal that follows the snapshot f onto it. A last record without
// its newline was cut short by a crash and is ignored: torn reports it.
func replayJournal(f *stateFile, journal []byte) (torn bool, err error) {
	journal, _ = bytes.CutPrefix(journal, []byte("\n")) // the end of the snapshot's line
	lines := bytes.Split(journal, []byte("\n"))
	last := len(lines) - 1
	torn, lines = len(lines[last]) > 0, lines[:last]
	if len(lines) == 0 {
		return torn, nil
	}
	r, err := newReplay(f)
	if err != nil {
		return false, err
	}
	for i, line := range lines {
		var rec journalRecord
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil || dec.More() {
			if err == nil {
				err = errors.New("unexpected data after the record")
			}
			return false, fmt.Errorf("journal record on line %d: %w", i+2, err)
		}
		if err := r.apply(&rec, f); err != nil {
			return false, fmt.Errorf("journal record on line %d: %w", i+2, err)
		}
	}
	r.into(f)
	return torn, nil
}

// store is the state file of a server: where it is, how large, and whether the next save
// must write a new snapshot. The server's mutex guards it.
type store struct {
	path     string // "" for a memory-only server
	size     int64  // of the file: the snapshot and the journal after it
	snapshot int64  // of the snapshot
	compact  bool   // the next save writes a new snapshot
}

// saveLocked writes what changed since the last save to the state file: a journal record, or
// a new snapshot when one is due. s.mu must be held.
func (s *Server) saveLocked() error {
	f := &s.file
	if f.path == "" {
		return nil
	}
	if f.compact || f.size-f.snapshot > max(4*f.snapshot, minJournal) {
		return s.snapshotLocked()
	}
	rec := s.st.record()
	if rec == nil {
		return nil
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("sandbox: encoding a journal record: %w", err)
	}
	if err := f.append(append(line, '\n')); err != nil {
		return fmt.Errorf("sandbox: writing state file %s: %w", f.path, err)
	}
	s.st.saved()
	return nil
}

// snapshotLocked replaces the state file with a snapshot of the state, atomically; s.mu must
// be held.
func (s *Server) snapshotLocked() error {
	data, err := s.st.marshal()
	if err != nil {
		return fmt.Errorf("sandbox: encoding the state: %w", err)
	}
	if err := atomicfile.Write(s.file.path, data, 0o644); err != nil {
		return fmt.Errorf("sandbox: writing state file %s: %w", s.file.path, err)
	}
	s.file.size, s.file.snapshot, s.file.compact = int64(len(data)), int64(len(data)), false
	s.st.saved()
	return nil
}

// append adds a journal record to the file. The file is opened for each record, so that a
// state file removed or replaced under the server fails the write rather than vanish with it.
// When a write fails part way, the part is cut off; if even that fails, the next save writes a
// new snapshot, which replaces it.
func (f *store) append(line []byte) error {
	w, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	n, err := w.Write(line)
	if err == nil {
		err = w.Close()
		if err != nil {
			f.compact = true
			return err
		}
		f.size += int64(n)
		return nil
	}
	if n > 0 && w.Truncate(f.size) != nil {
		f.compact = true
	}
	w.Close()
	return err
}
