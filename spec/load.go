package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowroute-numbers/flowroute-numbers/internal/userfile"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// MaxFileSize is the largest spec file Load reads, and MaxTotalSize the most all the files of
// one spec may hold together, so that a huge or endless input ends in a clear error instead
// of exhausting memory.
const (
	MaxFileSize  = 32 << 20
	MaxTotalSize = 64 << 20
)

// Load reads the spec files and directories named by paths (every *.yaml and *.yml in a
// directory, in name order; only regular files, each once however it is named), merges them
// into one Spec and validates it. The same route or number declared in two places is an error
// that names both; so is a policy field set in two files. Each file's defaults fill the
// numbers of that file only, so that one office's file cannot reroute another's. Empty
// sections (routes: {}, numbers: {}, policy: alone) are a valid spec that manages nothing;
// a spec whose files hold no section at all (empty, only comments or only x- keys) is an
// error: it is almost certainly a mistake, such as the wrong file.
//
// Anchors, aliases and merge keys (<<: *x) work; top-level keys starting with "x-" are
// ignored, a place to define anchors as in Compose files. Route names and numbers may be
// unquoted keys.
//
// On failure the error is an Errors holding every problem found, each with its file:line:col.
// On success defaults have been applied to every number and Policy holds its defaults.
func Load(paths ...string) (*Spec, error) {
	return load(osFS{}, filepath.Join, paths)
}

// Parse reads one spec document from data; name is used in positions. It applies the same
// rules as Load, including that an empty document is an error.
func Parse(name string, data []byte) (*Spec, error) {
	l := newLoader()
	l.parseFile(name, data)
	return l.finish()
}

// load is Load on any file system; tests use it with os.DirFS so that goldens name short paths.
func load(fsys fs.FS, join func(...string) string, paths []string) (*Spec, error) {
	l := newLoader()
	r := reader{fsys: fsys}
	eachFile(fsys, join, paths, l, func(name string, fi fs.FileInfo) { r.add(l, name, fi) })
	r.readAll(l)
	return l.finish()
}

// reader reads the files of one spec within MaxTotalSize.
type reader struct {
	fsys  fs.FS
	files []string // the files to read, in order
	sizes int64    // their sizes as Stat gave them
	total int64    // bytes read so far
}

// add adds the file name (fi its Stat) to the files to read. Anything but a regular file is
// refused before it is opened.
func (r *reader) add(l *loader, name string, fi fs.FileInfo) {
	if !fi.Mode().IsRegular() {
		l.errorf(Pos{File: name}, "give a spec file, or a directory of them", "cannot read: %s", &userfile.NotRegularError{Mode: fi.Mode()})
		return
	}
	switch r.sizes += fi.Size(); {
	case fi.Size() > MaxFileSize:
		l.errorf(Pos{File: name}, "", "%s", errFileSize)
	case r.sizes > MaxTotalSize && r.sizes-fi.Size() <= MaxTotalSize:
		l.errorf(Pos{File: name}, "", "%s", errTotalSize)
	default:
		r.files = append(r.files, name)
	}
}

// readAll reads the files added into l, unless together they are too large: then none is
// read, as the spec is refused anyway.
func (r *reader) readAll(l *loader) {
	if r.sizes > MaxTotalSize {
		return
	}
	for _, name := range r.files {
		data, err := r.readFile(name)
		if err != nil {
			l.errorf(Pos{File: name}, "", "%s", err)
			continue
		}
		l.parseFile(name, data)
	}
}

var (
	errFileSize  = errors.New("the file is larger than 32 MiB, the most a spec file may be")
	errTotalSize = errors.New("the spec files together are larger than 64 MiB, the most a spec may be")
)

// readFile reads name, at most MaxFileSize bytes and no more than MaxTotalSize in all, as
// userfile reads a file: a regular file only, checked again once open.
func (r *reader) readFile(name string) ([]byte, error) {
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", ioProblem(err))
	}
	defer f.Close()
	data, err := userfile.ReadOpen(f, min(MaxFileSize, MaxTotalSize-r.total))
	var large *userfile.TooLargeError
	switch {
	case errors.As(err, &large) && large.Size > MaxFileSize:
		return nil, errFileSize
	case errors.As(err, &large):
		return nil, errTotalSize
	case err != nil:
		return nil, fmt.Errorf("cannot read: %s", ioProblem(err))
	}
	r.total += int64(len(data))
	return data, nil
}

// ioProblem is the reason of a file system error without the path, which the position names.
func ioProblem(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// loader merges spec files into one Spec, collecting every problem on the way.
type loader struct {
	s            *Spec
	errs         Errors
	warns        Errors         // problems that do not stop the spec from loading
	budget       int            // mapping entries left to visit in this file: stops alias bombs
	bomb         Pos            // where the budget ran out
	routes       map[string]Pos // where each route was declared, to report duplicates
	set          map[string]Pos // where each policy field was set, to report duplicates
	files        []string       // every file read, in order
	undo         *undo          // what numberMap added, while the pieces of a file are read
	piecesMin    int            // the smallest file read in pieces
	pieceEntries int            // the most numbers in a piece
	room         int            // numbers reserve has made room for ahead
	cur          *fileState     // the file being read
	fileStates   []*fileState   // every file read, in order
	declared     bool           // a file has a top-level key other than x-: the spec is not empty
	pool         string         // the pool whose number: fields numberFields reads, or ""
	purchases    bool           // policy.max_purchases was written (it may be an explicit 0)
}

// fileState is what the loader knows of one file: what it declared, where its defaults were
// written, and its numbers, which its defaults fill once every file is read.
type fileState struct {
	FileSummary
	defPos  map[string]Pos // by defaults key
	numbers []string       // the numbers the file declared
}

func newLoader() *loader {
	return &loader{
		s:            &Spec{Routes: map[string]Route{}, Numbers: map[string]Number{}, Positions: map[string]Pos{}},
		routes:       map[string]Pos{},
		set:          map[string]Pos{},
		piecesMin:    piecesMin,
		pieceEntries: pieceEntries,
	}
}

func (l *loader) errorf(p Pos, hint, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (l *loader) warnf(p Pos, hint, format string, args ...any) {
	l.warns = append(l.warns, &Error{Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func at(file string, n *yaml.Node) Pos { return Pos{File: file, Line: n.Line, Col: n.Column} }

// parseFile decodes one file into the loader's spec.
func (l *loader) parseFile(name string, data []byte) {
	if len(data) > MaxFileSize {
		l.errorf(Pos{File: name}, "", "%s", errFileSize)
		return
	}
	l.files = append(l.files, name)
	l.cur = &fileState{FileSummary: FileSummary{File: name}}
	l.fileStates = append(l.fileStates, l.cur)
	if doubleBOM(data) {
		l.errorf(Pos{File: name, Line: 1, Col: 1}, "save the file as UTF-8 without a byte-order mark",
			"the file starts with two byte-order marks; YAML allows one")
		return
	}
	if l.parseInPieces(name, data) {
		return
	}
	r := &countingReader{r: bytes.NewReader(data)}
	dec := yaml.NewDecoder(r)
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err != io.EOF { // io.EOF: no document, an empty file
			l.syntaxError(name, data, r.n, err)
		}
		return
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		l.syntaxError(name, data, r.n, err)
		return
	default:
		l.errorf(at(name, &next), "put each document in a file of its own", "a spec file holds one YAML document, this is a second one")
		return
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return // empty
	}
	// Aliases can repeat a mapping, and every problem in it, any number of times: visit no
	// more entries than the file could hold written out (two bytes or more each). Past that
	// the spec is an alias bomb, reported alone rather than with the problems it multiplied.
	l.budget = len(data) + 100_000
	start, warns := len(l.errs), len(l.warns)
	l.top(name, doc.Content[0])
	if l.budget < 0 {
		l.errs, l.warns = l.errs[:start], l.warns[:warns]
		l.errorf(l.bomb, "", "the spec expands too many aliases or merge keys (an alias bomb?)")
	}
}

// Byte-order marks, as UTF-8, UTF-16BE and UTF-16LE.
var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16BE = []byte{0xfe, 0xff}
	bomUTF16LE = []byte{0xff, 0xfe}
)

// doubleBOM reports whether data starts with two byte-order marks: yaml.v3 skips the first
// and reads the second as part of the first key or value, which then is not what it looks.
func doubleBOM(data []byte) bool {
	for _, bom := range [][]byte{bomUTF8, bomUTF16BE, bomUTF16LE} {
		if rest, ok := bytes.CutPrefix(data, bom); ok {
			return bytes.HasPrefix(rest, bom) || bytes.HasPrefix(rest, bomUTF8)
		}
	}
	return false
}

// label names a part of the spec in messages, such as "number 12065550100 billing_method". It
// is joined only when a message needs it: building it for each of 100,000 numbers would not
// be free.
type label [4]string

func (w label) String() string { return w[0] + w[1] + w[2] + w[3] }

// entry is a key and its value in a mapping, aliases resolved. The key is a scalar whose text
// is the name as written: that YAML reads true or 2024-01-01 as another type does not matter.
type entry struct{ key, val *yaml.Node }

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the kind of a node for messages: "a string", "a list", ...
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "empty"
		case "!!str":
			return "a string"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "true/false"
		}
		return "a " + n.ShortTag() + " value"
	}
	return "not a value"
}

// describeValue is describe with the value of a scalar: "the string \"10\"", "2.5".
func describeValue(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n.Kind != yaml.ScalarNode || isNull(n):
		return describe(n)
	case n.ShortTag() == "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	}
	return n.Value
}

// mapping returns the entries of a mapping, with merge keys (<<) resolved the YAML way: keys
// written in the mapping win over merged ones, and earlier merges win over later ones. A null
// value is an empty mapping. Duplicate keys, keys that are not scalars and values that are not
// mappings are reported; what names the mapping in messages. With dupes, keys written twice
// are both returned, for the caller to report with its own words.
func (l *loader) mapping(file string, n *yaml.Node, what label, dupes ...bool) []entry {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(at(file, n), "", "%s must be a mapping, not %s", what, describe(n))
		return nil
	}
	out := make([]entry, 0, len(n.Content)/2)
	// A small mapping searches out for duplicates, cheaper than a map each; a large one, or
	// one with merge keys that may add any number of entries, keeps a map.
	var seen map[string]*yaml.Node
	if len(n.Content) > 16 || hasMerge(n) {
		seen = make(map[string]*yaml.Node, len(n.Content)/2)
	}
	l.collect(file, n, what, seen, &out, len(dupes) > 0 && dupes[0], 0)
	return out
}

// collect appends the entries of mapping n not already in seen. Problems are reported only in
// the mapping as written (depth 0), not in merged ones, whose keys never replace one already
// seen. With dupes, a key written twice, or brought in again by a merge key, is returned
// twice rather than reported or dropped: a route or number is declared once, and a merge
// that repeats one is a mistake to show, not a rule to apply.
func (l *loader) collect(file string, n *yaml.Node, what label, seen map[string]*yaml.Node, out *[]entry, dupes bool, depth int) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if l.budget--; l.budget < 0 {
			if l.budget == -1 {
				l.bomb = at(file, n)
			}
			return
		}
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			if depth == 0 {
				l.errorf(at(file, k), "", "%s: a key must be a name, not %s", what, describe(k))
			}
			continue
		}
		if first, dup := lookup(seen, *out, k.Value); dup && !dupes {
			if depth == 0 {
				l.errorf(at(file, k), "", "%s: key %q appears twice, first at line %d", what, k.Value, first.Line)
			}
			continue
		}
		if seen != nil {
			seen[k.Value] = k
		}
		*out = append(*out, entry{k, resolve(v)})
	}
	for _, m := range merges {
		if depth > 20 {
			l.errorf(at(file, m), "", "%s: merge keys nest too deeply", what)
			return
		}
		m = resolve(m)
		list := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			list = m.Content
		}
		for _, x := range list {
			x = resolve(x)
			if x.Kind != yaml.MappingNode {
				l.errorf(at(file, x), "", "%s: a merge key (<<) needs a mapping or a list of mappings, not %s", what, describe(x))
				continue
			}
			l.collect(file, x, what, seen, out, dupes, depth+1)
		}
	}
}

func hasMerge(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			return true
		}
	}
	return false
}

// lookup finds key among the keys collected so far: in seen when there is one, else in out.
func lookup(seen map[string]*yaml.Node, out []entry, key string) (*yaml.Node, bool) {
	if seen != nil {
		k, ok := seen[key]
		return k, ok
	}
	for _, e := range out {
		if e.key.Value == key {
			return e.key, true
		}
	}
	return nil, false
}

// str returns the string value of a field, reporting anything that is not a string.
func (l *loader) str(file string, e entry, what label) (string, bool) {
	v := e.val
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		return v.Value, true
	}
	hint := ""
	if isNull(v) {
		hint = "leave the field out to keep what the account has"
	} else if v.Kind == yaml.ScalarNode {
		hint = fmt.Sprintf("quote it: %q", v.Value)
	}
	l.errorf(at(file, v), hint, "%s must be a string, not %s", what, describe(v))
	return "", false
}

func (l *loader) unknown(file string, k *yaml.Node, what string, known ...string) {
	hint := ""
	if s := suggest(k.Value, known); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	} else {
		hint = "known keys: " + strings.Join(known, ", ")
	}
	l.errorf(at(file, k), hint, "unknown key %q in %s", k.Value, what)
}

// once records where a defaults, policy or version field was set, reporting a second setting.
func (l *loader) once(file string, e entry, key string) bool {
	p := at(file, e.val)
	if first, dup := l.set[key]; dup {
		l.errorf(at(file, e.key), "", "%s is set twice: here and at %s", key, first)
		return false
	}
	l.set[key] = p
	l.s.Positions[key] = p
	return true
}

var topKeys = []string{"version", "defaults", "routes", "numbers", "policy", "e911_addresses", "pools", "retired"}

// sectionReaders read the top-level sections but version, each from its value.
var sectionReaders = map[string]func(l *loader, file string, n *yaml.Node){
	"defaults":       (*loader).defaults,
	"routes":         (*loader).routeMap,
	"numbers":        (*loader).numberMap,
	"policy":         (*loader).policy,
	"e911_addresses": (*loader).e911Map,
	"pools":          (*loader).poolMap,
	"retired":        (*loader).retiredMap,
}

// top decodes the root mapping of a file.
func (l *loader) top(file string, root *yaml.Node) {
	for _, e := range l.mapping(file, root, label{"the spec"}) {
		if slices.Contains(topKeys, e.key.Value) {
			l.declared = true
		}
		key := e.key.Value
		switch read, ok := sectionReaders[key]; {
		case key == "version":
			l.version(file, e)
		case ok:
			l.section(file, e)
			read(l, file, e.val)
		case strings.HasPrefix(key, "x-"):
			continue // extension keys hold anchors for reuse, as in Compose files
		default:
			l.unknown(file, e.key, "the spec", topKeys...)
		}
	}
}

// section records where a top-level section first appears.
func (l *loader) section(file string, e entry) {
	if _, ok := l.s.Positions[e.key.Value]; !ok {
		l.s.Positions[e.key.Value] = at(file, e.key)
	}
}

func (l *loader) version(file string, e entry) {
	v := e.val
	if tag := v.ShortTag(); v.Kind != yaml.ScalarNode || tag != "!!int" && tag != "!!float" {
		l.errorf(at(file, v), "write version: 1", "version must be the number 1, not %s", describe(v))
		return
	}
	if n, ok := wholeValue(v); !ok || n != 1 { // 1.0 is 1, as JSON and the schema have it
		l.errorf(at(file, v), "", "version %s is not supported; this tool reads version 1", v.Value)
		return
	}
	l.s.Version = 1
	if _, ok := l.s.Positions["version"]; !ok {
		l.s.Positions["version"] = at(file, v)
	}
}

// defaults reads the defaults of the file being read; they fill its own numbers only. A
// second defaults key in one file is reported by mapping, as any key written twice.
func (l *loader) defaults(file string, n *yaml.Node) {
	l.numberFields(file, n, "", (*Number)(&l.cur.Defaults)) // the same fields
}

var routeKeys = []string{"type", "value", "edge_strategy"}

func (l *loader) routeMap(file string, n *yaml.Node) {
	for _, e := range l.mapping(file, n, label{"routes"}, true) {
		name, kp := e.key.Value, at(file, e.key)
		l.checkRouteName(kp, name)
		if first, dup := l.routes[name]; dup {
			l.errorf(kp, "", "route %q is declared twice: here and at %s", name, first)
			continue
		}
		l.routes[name] = kp
		l.cur.Routes++
		prefix := "routes." + name
		l.s.Positions[prefix] = kp
		var r Route
		var typePos, valuePos Pos
		typeOK, valueOK := false, false
		for _, f := range l.mapping(file, e.val, label{"route ", strconv.Quote(name)}) {
			switch f.key.Value {
			case "type":
				r.Type, typeOK = l.str(file, f, label{"route ", strconv.Quote(name), " type"})
				typePos = at(file, f.val)
			case "value":
				r.Value, valueOK = l.str(file, f, label{"route ", strconv.Quote(name), " value"})
				valuePos = at(file, f.val)
			case "edge_strategy":
				if v, ok := l.edgeStrategy(file, f, name); ok {
					r.EdgeStrategy = v
					l.s.Positions[prefix+".edge_strategy"] = at(file, f.val)
				}
			default:
				l.unknown(file, f.key, fmt.Sprintf("route %q", name), routeKeys...)
			}
		}
		if typePos.IsValid() {
			l.s.Positions[prefix+".type"] = typePos
		}
		if valuePos.IsValid() {
			l.s.Positions[prefix+".value"] = valuePos
		}
		switch {
		case !typePos.IsValid():
			l.errorf(kp, "add type: HOST, PSTN or URI", "route %q has no type", name)
		case !valuePos.IsValid():
			l.errorf(kp, "", "route %q has no value", name)
		}
		if typeOK && valueOK {
			l.checkRoute(name, r, typePos, valuePos)
		}
		l.s.Routes[name] = r
	}
}

func (l *loader) numberMap(file string, n *yaml.Node) {
	entries := l.mapping(file, n, label{"numbers"}, true)
	l.reserve(len(entries))
	for _, e := range entries {
		tn, kp := e.key.Value, at(file, e.key)
		if msg, hint := checkTN(tn); msg != "" {
			l.errorf(kp, hint, "number %q %s", tn, msg)
		}
		prefix := "numbers." + tn
		if _, dup := l.s.Numbers[tn]; dup {
			l.errorf(kp, "", "number %s is declared twice: here and at %s", tn, l.s.Positions[prefix])
			continue
		}
		l.setPos(prefix, kp)
		var num Number
		l.numberFields(file, e.val, tn, &num)
		l.s.Numbers[tn] = num
		l.cur.numbers = append(l.cur.numbers, tn)
		if l.undo != nil {
			l.undo.numbers = append(l.undo.numbers, tn)
		}
	}
}

// setPos records where a number or one of its fields was written; key is "numbers.TN" or
// "numbers.TN." and one of numberPosKeys.
func (l *loader) setPos(key string, p Pos) { l.s.Positions[key] = p }

var policyKeys = []string{"unmanaged", "max_purchases", "max_monthly_cost", "max_setup_cost", "max_releases", "max_updates", "max_update_percent", "max_route_deletes", "acknowledge", "retire_days", "parking_route"}

// unmanagedValues are the values of policy.unmanaged, in the order messages list them.
var unmanagedValues = []string{UnmanagedIgnore, UnmanagedWarn, UnmanagedError, UnmanagedRelease}

func (l *loader) policy(file string, n *yaml.Node) {
	p := &l.s.Policy
	for _, e := range l.mapping(file, n, label{"policy"}) {
		key := e.key.Value
		vp := at(file, e.val)
		switch key {
		case "unmanaged":
			v, ok := l.str(file, e, label{"policy.unmanaged"})
			if !ok || !l.once(file, e, "policy.unmanaged") {
				continue
			}
			if slices.Contains(unmanagedValues, v) {
				p.Unmanaged = v
				continue
			}
			hint := "write ignore, warn, error or release"
			if lv := strings.ToLower(v); lv != v && slices.Contains(unmanagedValues, lv) {
				hint = "write " + lv
			}
			l.errorf(vp, hint, "policy.unmanaged must be ignore, warn, error or release, not %q", v)
		case "max_purchases":
			if v, ok := l.whole(file, e, "policy."+key, 0, -1, "0 forbids purchases"); ok {
				p.MaxPurchases, l.purchases = v, true
			}
		case "max_releases":
			if v, ok := l.whole(file, e, "policy."+key, 0, -1, "0 forbids releases"); ok {
				p.MaxReleases = v
			}
		case "max_route_deletes":
			if v, ok := l.whole(file, e, "policy."+key, 0, -1, "0 forbids route deletions"); ok {
				p.MaxRouteDeletes = v
			}
		case "acknowledge":
			if l.once(file, e, "policy.acknowledge") {
				p.Acknowledge = l.digests(file, e.val)
			}
		case "max_updates":
			if v, ok := l.whole(file, e, "policy."+key, 0, -1, "0 forbids updates; leave it out for no count limit"); ok {
				p.MaxUpdates = &v
			}
		case "max_update_percent":
			if v, ok := l.whole(file, e, "policy."+key, 1, 100, "the share of the managed numbers one plan may update; 100 for no limit"); ok {
				p.MaxUpdatePercent = v
			}
		case "max_monthly_cost":
			if a, ok := l.amount(file, e, "policy."+key); ok {
				p.MaxMonthlyCost = a
			}
		case "max_setup_cost":
			if a, ok := l.amount(file, e, "policy."+key); ok {
				p.MaxSetupCost = a
			}
		case "retire_days", "parking_route":
			l.retirePolicy(file, e)
		default:
			l.unknown(file, e.key, "policy", policyKeys...)
		}
	}
}

// digestPattern is a plan's digest, as plan prints it.
var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// digests reads policy.acknowledge: a list of plan digests.
func (l *loader) digests(file string, n *yaml.Node) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(at(file, n), `write a list: acknowledge: ["sha256:…"]`, "policy.acknowledge must be a list of plan digests, not %s", describe(n))
		return nil
	}
	out := []string{} // an empty list still says the spec acknowledges plans: Make reads them whole
	for _, d := range n.Content {
		switch {
		case d.Kind != yaml.ScalarNode || d.ShortTag() != "!!str":
			l.errorf(at(file, d), "copy the digest from the plan's threshold error or its Digest line", "each entry of policy.acknowledge must be a plan digest, not %s", describe(d))
		case !digestPattern.MatchString(d.Value):
			l.errorf(at(file, d), "copy the digest from the plan's threshold error or its Digest line: sha256: and 64 lower-case hex digits",
				"%q is not a plan digest", d.Value)
		default:
			out = append(out, d.Value)
		}
	}
	return out
}

// whole reads a policy field that is a whole number from lo to hi (hi < 0: no upper bound);
// hint says what the limit's values mean.
func (l *loader) whole(file string, e entry, key string, lo, hi int, hint string) (int, bool) {
	vp := at(file, e.val)
	v, ok := wholeValue(e.val)
	if !ok && e.val.ShortTag() != "!!int" { // an !!int that is not an int is too large
		l.errorf(vp, "", "%s must be a whole number, not %s", key, describeValue(e.val))
		return 0, false
	}
	if !l.once(file, e, key) {
		return 0, false
	}
	err := error(nil)
	if !ok {
		err = errors.New("out of range")
	}
	switch {
	case hi < 0 && (err != nil || v < lo):
		l.errorf(vp, hint, "%s must be a whole number %d or more, not %s", key, lo, e.val.Value)
	case hi >= 0 && (err != nil || v < lo || v > hi):
		l.errorf(vp, hint, "%s must be a whole number from %d to %d, not %s", key, lo, hi, e.val.Value)
	default:
		return v, true
	}
	return 0, false
}

// wholeValue returns the whole number that the scalar n is, as yaml.v3 reads it (10, 0x10,
// 1e1 and 10.0 are all 10, as they are for the schema once the YAML is read), and whether it
// is one that fits an int.
func wholeValue(n *yaml.Node) (int, bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	switch n.ShortTag() {
	case "!!int":
		var v int
		if n.Decode(&v) == nil {
			return v, true
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return int(f), true
		}
	}
	return 0, false
}

// amount reads a policy field that is a decimal amount of dollars, 0 or more.
func (l *loader) amount(file string, e entry, key string) (*money.Amount, bool) {
	vp := at(file, e.val)
	if tag := e.val.ShortTag(); e.val.Kind != yaml.ScalarNode || tag != "!!str" && tag != "!!int" && tag != "!!float" {
		l.errorf(vp, `write it as a string such as "50.00"`, "%s must be a decimal amount, not %s", key, describe(e.val))
		return nil, false
	}
	if !l.once(file, e, key) {
		return nil, false
	}
	a, err := money.Parse(e.val.Value)
	if err != nil && e.val.ShortTag() != "!!str" {
		// A number written as 1e3 or 1_000 is the amount yaml.v3 reads, as for the schema.
		var f float64
		if e.val.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			a, err = money.Parse(strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
	if err != nil {
		l.errorf(vp, `write it as a string such as "50.00"`, "%s %q is not a decimal amount with at most 4 decimal places", key, e.val.Value)
		return nil, false
	}
	if a < 0 {
		l.errorf(vp, "", "%s must be 0 or more, not %s", key, e.val.Value)
		return nil, false
	}
	return &a, true
}

// reserve makes room for n more numbers at once: growing the maps step by step would cost
// a 100,000-number spec a third of its time.
func (l *loader) reserve(n int) {
	if n <= l.room { // made already, for the pieces of a file
		l.room -= n
		return
	}
	if n < 1000 {
		return
	}
	s := l.s
	numbers := make(map[string]Number, len(s.Numbers)+n)
	for k, v := range s.Numbers {
		numbers[k] = v
	}
	positions := make(map[string]Pos, len(s.Positions)+3*n)
	for k, v := range s.Positions {
		positions[k] = v
	}
	s.Numbers, s.Positions = numbers, positions
}

// finish checks what needs the whole spec, then applies defaults.
func (l *loader) finish() (*Spec, error) {
	l.checkRefs()
	l.checkPools()
	l.checkRetired()
	s := l.s
	if len(l.errs) == 0 && !l.declared {
		for _, f := range l.files {
			l.errorf(Pos{File: f}, "declare routes and numbers, see the examples", "the spec is empty")
		}
	}
	if len(l.errs) > 0 {
		return nil, l.errs.sorted()
	}
	l.fillFromPools()
	if len(l.warns) > 0 {
		s.Warnings = l.warns.sorted()
	}
	for _, f := range l.fileStates {
		f.Numbers = len(f.numbers)
		if f.Defaults != (Defaults{}) {
			for _, tn := range f.numbers {
				n, filled := f.Defaults.fill(s.Numbers[tn])
				if filled {
					s.Numbers[tn] = n
					f.Defaulted++
				}
			}
		}
		f.numbers = nil
		s.Files = append(s.Files, f.FileSummary)
	}
	if len(l.fileStates) == 1 {
		s.Defaults = l.fileStates[0].Defaults
	}
	if s.Policy.Unmanaged == "" {
		s.Policy.Unmanaged = UnmanagedWarn
	}
	if !l.purchases {
		s.Policy.MaxPurchases = DefaultMaxPurchases
	}
	if s.Policy.MaxUpdatePercent == 0 {
		s.Policy.MaxUpdatePercent = DefaultMaxUpdatePercent
	}
	return s, nil
}
