package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file edits a spec file in place: `add` pins new numbers into a file that people wrote
// and review, so every comment, anchor, quoting style and line ending they chose must survive.
// Re-serialising the node tree would lose much of that, so Edit changes the bytes themselves,
// using the yaml.v3 node tree only to find where: the result is the file as it was, byte for
// byte, with lines added (and, for ReplaceNumber, one key and one comment rewritten).

// Entry is a number to write into a file's numbers mapping.
type Entry struct {
	TN string
	// Number holds the fields to write; empty fields are left out, so defaults apply.
	Number Number
	// Comment is one line, without the "# ", written above the entry when the mapping is in
	// block style (as an empty one becomes); "" writes none. Flow mappings get no comments.
	Comment string
}

// Edit is a spec file's bytes and the node tree that guides changes to them. Make one with
// NewEdit; its methods return new bytes and never change the Edit.
type Edit struct {
	name  string
	data  []byte // without a byte order mark
	bom   bool
	eol   string // the line ending new lines get: the file's own
	lines []int  // byte offset of the start of each line
	root  *yaml.Node
	// numKey and numbers are the numbers key written in the file and its value; nil when the
	// file has no numbers key.
	numKey, numbers *yaml.Node
}

// NewEdit parses data, the contents of the spec file name, for editing.
func NewEdit(name string, data []byte) (*Edit, error) {
	e := &Edit{name: name, data: data}
	if rest, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF")); ok {
		e.data, e.bom = rest, true
	}
	if !utf8.Valid(e.data) {
		return nil, e.errorf(Pos{}, "save the file as UTF-8", "cannot edit the file: it is not UTF-8")
	}
	for _, lb := range []string{"\u0085", "\u2028", "\u2029"} {
		if bytes.Contains(e.data, []byte(lb)) {
			return nil, e.errorf(Pos{}, "use LF or CRLF line endings", "cannot edit the file: it holds the Unicode line break %q", lb)
		}
	}
	e.lines = []int{0}
	crlf := 0
	for i, c := range e.data {
		switch {
		case c == '\n':
			e.lines = append(e.lines, i+1)
			if i > 0 && e.data[i-1] == '\r' {
				crlf++
			}
		case c == '\r' && (i+1 == len(e.data) || e.data[i+1] != '\n'):
			return nil, e.errorf(Pos{Line: len(e.lines)}, "use LF or CRLF line endings", "cannot edit the file: a carriage return ends a line on its own")
		}
	}
	e.eol = "\n"
	if lf := len(e.lines) - 1; crlf > 0 && crlf*2 >= lf {
		e.eol = "\r\n"
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(e.data, &doc); err != nil {
		return nil, e.errorf(Pos{}, "run validate to see where", "cannot edit the file: %v", err)
	}
	if blank(e.data) {
		return e, nil // empty: AddNumbers starts a numbers mapping at the end
	}
	if len(doc.Content) == 0 {
		return nil, e.errorf(Pos{}, "", "cannot edit the file: it holds no YAML document")
	}
	e.root = doc.Content[0]
	if e.root.Kind != yaml.MappingNode {
		return nil, e.errorf(e.pos(e.root), "", "cannot edit the file: it holds %s, not a mapping", describe(e.root))
	}
	e.numKey, e.numbers = e.topEntry("numbers")
	return e, nil
}

// topEntry returns the top-level key name written in the file and its value (the last, if
// written twice); nil when there is none.
func (e *Edit) topEntry(name string) (key, val *yaml.Node) {
	for i := 0; e.root != nil && i+1 < len(e.root.Content); i += 2 {
		if k := e.root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == name {
			key, val = k, e.root.Content[i+1]
		}
	}
	return key, val
}

// blank reports whether data holds only blank lines, comments and document markers.
func blank(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		switch t := strings.TrimSpace(line); {
		case t == "", t == "---", t == "...", strings.HasPrefix(t, "#"):
		default:
			return false
		}
	}
	return true
}

// DeclaresNumbers reports whether the file has a numbers key of its own.
func (e *Edit) DeclaresNumbers() bool { return e.numKey != nil }

// Has reports whether tn is a key written in the file's numbers mapping (not merged in).
func (e *Edit) Has(tn string) bool { return e.entry(tn) != nil }

// Comment returns the comment lines written just above tn's entry, "#" and all, or "" when
// there are none.
func (e *Edit) Comment(tn string) string {
	if k := e.entry(tn); k != nil {
		return k.HeadComment
	}
	return ""
}

// entry returns the key node of tn in the numbers mapping, or nil.
func (e *Edit) entry(tn string) *yaml.Node {
	if e.numbers == nil || e.numbers.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(e.numbers.Content); i += 2 {
		if k := e.numbers.Content[i]; k.Kind == yaml.ScalarNode && k.Value == tn {
			return k
		}
	}
	return nil
}

// AddNumbers returns the file with the entries added at the end of its numbers mapping, in
// the file's style: a block mapping gets new lines at the indentation, key quoting and value
// style (flow {…} or nested lines) of its last entry; a flow mapping gets new entries before
// its closing brace. A file without a numbers key, or with an empty one (numbers:, ~ or {}),
// gets a block mapping.
// text is what was inserted, to show; at is the line it starts on.
//
// The result is parsed again before it is returned: when its numbers mapping is not the old
// one followed by the entries (a layout the edit does not understand), AddNumbers fails.
func (e *Edit) AddNumbers(entries []Entry) (out []byte, text string, at int, err error) {
	if len(entries) == 0 {
		return e.output(e.data), "", 0, nil
	}
	out, text, at, err = e.addNumbers(entries)
	if err != nil {
		return nil, "", 0, err
	}
	want := e.keys(e.numbers)
	for _, en := range entries {
		want = append(want, en.TN)
	}
	after, err := NewEdit(e.name, out)
	if err != nil || !slices.Equal(after.keys(after.numbers), want) {
		p := Pos{}
		if e.numKey != nil {
			p = e.pos(e.numKey)
		}
		return nil, "", 0, e.errorf(p, "add the numbers by hand", "cannot add to numbers: the file's layout is one the edit does not handle")
	}
	return out, text, at, nil
}

// keys lists the keys written in mapping n, in order; none when n is not a mapping.
func (e *Edit) keys(n *yaml.Node) []string {
	var keys []string
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			keys = append(keys, n.Content[i].Value)
		}
	}
	return keys
}

func (e *Edit) addNumbers(entries []Entry) (out []byte, text string, at int, err error) {
	n := e.numbers
	switch {
	case n == nil:
		return e.addSection(entries)
	case n.Kind == yaml.AliasNode:
		return nil, "", 0, e.errorf(e.pos(n), "write the numbers out in the file, or add them by hand", "cannot add to numbers: it is an alias of another mapping")
	case n.Kind == yaml.ScalarNode && isNull(n), n.Kind == yaml.MappingNode && len(n.Content) == 0 && n.Style&yaml.FlowStyle != 0:
		return e.addToEmpty(entries)
	case n.Kind != yaml.MappingNode:
		return nil, "", 0, e.errorf(e.pos(n), "", "cannot add to numbers: it is %s, not a mapping", describe(n))
	case n.Style&yaml.FlowStyle != 0:
		return e.addFlow(entries)
	}
	return e.addBlock(entries)
}

// addBlock appends lines after the last entry of the block mapping numbers.
func (e *Edit) addBlock(entries []Entry) ([]byte, string, int, error) {
	n := e.numbers
	k, v := n.Content[len(n.Content)-2], n.Content[len(n.Content)-1]
	indent, err := e.indentOf(k)
	if err != nil {
		return nil, "", 0, err
	}
	end, err := e.entryEnd(k, v)
	if err != nil {
		return nil, "", 0, err
	}
	st := style{quote: e.keyStyle(), eol: e.eol, spaced: e.spaced(v)}
	if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 {
		st.nested = v.Content[0].Column - k.Column
	}
	text := e.format(indent, st, entries)
	out, at := e.insert(e.data, end, text)
	return out, text, at, nil
}

// addToEmpty turns an empty numbers mapping ("numbers:", "numbers: ~", "numbers: {}") into a
// block mapping holding the entries, one a line under its comment, as in a block mapping
// written out: the null or {} goes, an anchor or tag before it and a comment after it stay.
func (e *Edit) addToEmpty(entries []Entry) ([]byte, string, int, error) {
	keyIndent, err := e.indentOf(e.numKey)
	if err != nil {
		return nil, "", 0, err
	}
	ins, err := e.entryEnd(e.numKey, e.numbers)
	if err != nil {
		return nil, "", 0, err
	}
	from, to, err := e.emptyValue()
	if err != nil {
		return nil, "", 0, err
	}
	for from > 0 && (e.data[from-1] == ' ' || e.data[from-1] == '\t') {
		from--
	}
	data := append(append(append([]byte{}, e.data[:from]...), e.data[to:ins]...), e.data[ins:]...)
	ins -= to - from
	text := e.format(strings.Repeat(" ", len(keyIndent)+e.step()), style{quote: yaml.DoubleQuotedStyle, eol: e.eol}, entries)
	out, at := e.insert(data, ins, text)
	return out, text, at, nil
}

// emptyValue returns where the empty numbers value is written: its null (~, null) or its {},
// after any anchor or tag; from == to when nothing is written ("numbers:").
func (e *Edit) emptyValue() (from, to int, err error) {
	v := e.numbers
	if v.Kind == yaml.ScalarNode && v.Value == "" {
		return 0, 0, nil
	}
	off, err := e.offset(v)
	if err != nil {
		return 0, 0, err
	}
	off = e.skipProps(off, v)
	if v.Kind == yaml.MappingNode {
		end, _, err := e.scanFlow(off)
		return off, end, err
	}
	if end := off + len(v.Value); end > len(e.data) || string(e.data[off:end]) != v.Value {
		return 0, 0, e.errorf(e.pos(v), "write numbers: with no value", "cannot add to numbers: cannot find its null value")
	}
	return off, off + len(v.Value), nil
}

// addSection writes a numbers mapping after the last entry of the file's top level.
func (e *Edit) addSection(entries []Entry) ([]byte, string, int, error) {
	indent, end := "", len(e.data)
	if r := e.root; r != nil {
		if r.Style&yaml.FlowStyle != 0 {
			return nil, "", 0, e.errorf(e.pos(r), "write numbers: {} in the file first", "cannot add a numbers mapping to a spec written as one flow mapping")
		}
		k, v := r.Content[len(r.Content)-2], r.Content[len(r.Content)-1]
		var err error
		if indent, err = e.indentOf(k); err != nil {
			return nil, "", 0, err
		}
		if end, err = e.entryEnd(k, v); err != nil {
			return nil, "", 0, err
		}
	}
	text := indent + "numbers:" + e.eol +
		e.format(indent+strings.Repeat(" ", e.step()), style{quote: yaml.DoubleQuotedStyle, eol: e.eol}, entries)
	out, at := e.insert(e.data, end, text)
	return out, text, at, nil
}

// addFlow inserts entries before the closing brace of the flow mapping numbers.
func (e *Edit) addFlow(entries []Entry) ([]byte, string, int, error) {
	n := e.numbers
	open, err := e.offset(n)
	if err != nil {
		return nil, "", 0, err
	}
	_, last, err := e.scanFlow(e.skipProps(open, n))
	if err != nil {
		return nil, "", 0, err
	}
	st := style{quote: yaml.DoubleQuotedStyle, flow: true}
	sep := ", "
	if len(n.Content) > 0 {
		k := n.Content[len(n.Content)-2]
		st.quote = e.keyStyle()
		st.spaced = e.spaced(n.Content[len(n.Content)-1])
		if kl := k.Line - 1; kl > e.lineOf(open) {
			// one entry a line: continue that way, at the last key's indentation
			if indent, err := e.indentOf(k); err == nil {
				sep = "," + e.eol + indent
			}
		}
	}
	trailingComma := len(n.Content) > 0 && e.data[last-1] == ','
	var b strings.Builder
	for i, en := range entries {
		switch {
		case len(n.Content) == 0 && i == 0:
		case trailingComma:
			b.WriteString(strings.TrimPrefix(sep, ","))
		default:
			b.WriteString(sep)
		}
		b.WriteString(st.entry(en, ""))
		if trailingComma {
			b.WriteByte(',')
		}
	}
	text := b.String()
	out := make([]byte, 0, len(e.data)+len(text))
	out = append(append(append(out, e.data[:last]...), text...), e.data[last:]...)
	return e.output(out), text, e.lineOf(last) + 1, nil
}

// keyStyle is the quoting of the last number written as a key in the numbers mapping:
// double-quoted when there is none.
func (e *Edit) keyStyle() yaml.Style {
	for i := len(e.numbers.Content) - 2; i >= 0; i -= 2 {
		if k := e.numbers.Content[i]; k.Kind == yaml.ScalarNode && allDigits(k.Value) {
			return k.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
		}
	}
	return yaml.DoubleQuotedStyle
}

// spaced reports whether v is a flow mapping written "{ a: b }" rather than "{a: b}".
func (e *Edit) spaced(v *yaml.Node) bool {
	if v.Kind != yaml.MappingNode || v.Style&yaml.FlowStyle == 0 || len(v.Content) == 0 {
		return false
	}
	off, err := e.offset(v)
	if err != nil {
		return false
	}
	off = e.skipProps(off, v)
	return off+1 < len(e.data) && e.data[off] == '{' && e.data[off+1] == ' '
}

// format writes the entries as lines at indent, each under its comment.
func (e *Edit) format(indent string, st style, entries []Entry) string {
	var b strings.Builder
	for _, en := range entries {
		if en.Comment != "" {
			b.WriteString(indent + "# " + oneLineComment(en.Comment) + st.eol)
		}
		b.WriteString(st.entry(en, indent))
	}
	return b.String()
}

// insert puts lines of text into data at offset at (the start of a line, or the end of the
// file, where a line break is added first if the file ends without one). It returns the
// result and the line number the text starts on.
func (e *Edit) insert(data []byte, at int, text string) ([]byte, int) {
	line := bytes.Count(data[:at], []byte("\n")) + 1
	lead := ""
	if at == len(data) && at > 0 && data[at-1] != '\n' {
		lead = e.eol
		line++
	}
	out := make([]byte, 0, len(data)+len(lead)+len(text))
	out = append(append(append(append(out, data[:at]...), lead...), text...), data[at:]...)
	return e.output(out), line
}

// ReplaceNumber returns the file with the key old of the numbers mapping renamed to tn, in
// the same quoting, its fields and everything else untouched. When the mapping is in block
// style and comment is not "", the comment line above the entry that starts with "# "+marker
// is replaced by "# "+comment, or, when there is none, the comment is added above the entry.
func (e *Edit) ReplaceNumber(old, tn, marker, comment string) ([]byte, error) {
	k := e.entry(old)
	if len(tn) != len(old) || !validTN(tn) {
		return nil, e.errorf(Pos{}, "", "cannot replace %s with %q: not a number 1NPANXXXXXX", old, tn)
	}
	if k == nil {
		return nil, e.errorf(Pos{}, "", "number %s is not a key of this file's numbers mapping", old)
	}
	off, err := e.offset(k)
	if err != nil {
		return nil, err
	}
	var written, with string
	switch k.Style {
	case yaml.DoubleQuotedStyle:
		written, with = `"`+old+`"`, `"`+tn+`"`
	case yaml.SingleQuotedStyle:
		written, with = `'`+old+`'`, `'`+tn+`'`
	default:
		written, with = old, tn
	}
	if !bytes.HasPrefix(e.data[off:], []byte(written)) {
		return nil, e.errorf(e.pos(k), fmt.Sprintf("write the key as %q", old), "cannot find the key %s as written", old)
	}
	var out []byte
	out = append(out, e.data[:off]...)
	out = append(out, with...)
	out = append(out, e.data[off+len(written):]...)
	if comment == "" || e.numbers.Style&yaml.FlowStyle != 0 {
		return e.output(out), nil
	}
	// The comment lines just above the key: replace the one the marker starts, or add one.
	keyLine := k.Line - 1
	indent, err := e.indentOf(k)
	if err != nil {
		return nil, err
	}
	line := indent + "# " + oneLineComment(comment) + e.eol
	for l := keyLine - 1; l >= 0; l-- {
		text := strings.TrimLeft(string(out[e.lines[l]:e.lineEnd(l)]), " \t")
		if !strings.HasPrefix(text, "#") {
			break
		}
		if strings.HasPrefix(text, "# "+marker) {
			start, end := e.lines[l], e.lineEnd(l)
			return e.output(append(append(append([]byte{}, out[:start]...), line...), out[end:]...)), nil
		}
	}
	start := e.lines[keyLine]
	return e.output(append(append(append([]byte{}, out[:start]...), line...), out[start:]...)), nil
}

// style is how new entries are written, copied from the entries already there.
type style struct {
	quote  yaml.Style // of the key: double, single or plain
	nested int        // > 0: fields on lines of their own, this much deeper; else {…}
	spaced bool       // "{ a: b }" rather than "{a: b}"
	flow   bool       // inside a flow mapping: no line ending
	eol    string
}

// entry formats one entry: a line (or lines) at indent, or a flow fragment.
func (st style) entry(en Entry, indent string) string {
	var key string
	switch st.quote {
	case yaml.SingleQuotedStyle:
		key = "'" + en.TN + "'"
	case yaml.DoubleQuotedStyle:
		key = `"` + en.TN + `"`
	default:
		key = en.TN
	}
	fields := numberFields(en.Number)
	if st.nested > 0 && len(fields) > 0 && !st.flow {
		var b strings.Builder
		b.WriteString(indent + key + ":" + st.eol)
		for _, f := range fields {
			b.WriteString(indent + strings.Repeat(" ", st.nested) + f[0] + ": " + f[1] + st.eol)
		}
		return b.String()
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f[0] + ": " + f[1]
	}
	value := "{" + strings.Join(parts, ", ") + "}"
	if st.spaced && len(parts) > 0 {
		value = "{ " + strings.Join(parts, ", ") + " }"
	}
	if st.flow {
		return key + ": " + value
	}
	return indent + key + ": " + value + st.eol
}

// numberFields lists the set fields of n as YAML key and value, in the order of the spec's
// reference.
func numberFields(n Number) [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, yamlScalar(v)})
		}
	}
	add("pool", n.Pool)
	add("billing_method", n.BillingMethod)
	add("primary_route", n.PrimaryRoute)
	add("failover_route", n.FailoverRoute)
	add("alias", n.Alias)
	if n.CNAMLookups != nil {
		out = append(out, [2]string{"cnam_lookups", fmt.Sprint(*n.CNAMLookups)})
	}
	add("cnam", n.CNAM)
	add("e911", n.E911)
	return out
}

// plainSafe matches strings that YAML reads back as the same string when written plain, in
// block and flow context alike.
var plainSafe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.@/+-]*$`)

// yamlScalar writes s plain when that reads back as the string s, double-quoted otherwise.
func yamlScalar(s string) string {
	if plainSafe.MatchString(s) {
		var v any
		if yaml.Unmarshal([]byte(s), &v) == nil {
			if str, ok := v.(string); ok && str == s {
				return s
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a JSON string is a YAML double-quoted scalar
	return strings.TrimSuffix(b.String(), "\n")
}

// oneLineComment keeps a comment on one line.
func oneLineComment(s string) string { return strings.Join(strings.Fields(s), " ") }

// step is the file's indentation step: how much deeper the first nested block mapping of the
// top level is than its key; 2 when there is none.
func (e *Edit) step() int {
	if e.root != nil {
		for i := 0; i+1 < len(e.root.Content); i += 2 {
			k, v := e.root.Content[i], e.root.Content[i+1]
			if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column > k.Column {
				return v.Content[0].Column - k.Column
			}
		}
	}
	return 2
}

// entryEnd returns the offset where lines after the entry k: v may be inserted: the start of
// the line after its last line. The entry's lines are those its value spans, and the lines
// after them indented deeper than the key (continuations, comments on its fields), blank lines
// between them included.
func (e *Edit) entryEnd(k, v *yaml.Node) (int, error) {
	last := k.Line - 1
	if !(v.Kind == yaml.ScalarNode && v.Value == "" && isNull(v)) {
		end, err := e.nodeEnd(v)
		if err != nil {
			return 0, err
		}
		last = max(last, e.lineOf(max(end-1, 0)))
	}
	keyIndent := k.Column - 1
	for l := last + 1; l < len(e.lines); l++ {
		text := e.data[e.lines[l]:e.lineEnd(l)]
		if len(bytes.TrimRight(text, " \t\r\n")) == 0 {
			continue
		}
		if ind := len(text) - len(bytes.TrimLeft(text, " ")); ind <= keyIndent {
			break
		}
		last = l
	}
	return e.lineEnd(last), nil
}

// nodeEnd returns the offset just after what n spans in the file.
func (e *Edit) nodeEnd(n *yaml.Node) (int, error) {
	off, err := e.offset(n)
	if err != nil {
		return 0, err
	}
	off = e.skipProps(off, n)
	d := e.data
	switch n.Kind {
	case yaml.AliasNode:
		return off + 1 + len(n.Value), nil
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			end, _, err := e.scanFlow(off)
			return end, err
		}
		if len(n.Content) == 0 {
			return off, nil
		}
		last := n.Content[len(n.Content)-1]
		if n.Kind == yaml.MappingNode && last.Kind == yaml.ScalarNode && last.Value == "" && isNull(last) {
			last = n.Content[len(n.Content)-2]
		}
		return e.nodeEnd(last)
	}
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && off < len(d) && (d[off] == '"' || d[off] == '\''):
		if end := quoteEnd(d, off); end < len(d) {
			return end + 1, nil
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return off + 1, nil // past the indicator; its lines, deeper than its key, entryEnd takes
	default: // plain: to the end of its line, before any comment
		end := e.lineEnd(e.lineOf(off))
		line := d[off:end]
		if i := bytes.Index(line, []byte(" #")); i >= 0 {
			line = line[:i]
		}
		return off + len(bytes.TrimRight(line, " \t\r\n")), nil
	}
	return 0, e.errorf(e.pos(n), "", "cannot find the end of a quoted string")
}

// skipProps moves off past the anchor and tag written before n's content.
func (e *Edit) skipProps(off int, n *yaml.Node) int {
	d := e.data
	for off < len(d) && (n.Anchor != "" || n.Tag != "") && (d[off] == '&' || d[off] == '!') {
		for off < len(d) && d[off] != ' ' && d[off] != '\t' && d[off] != '\n' && d[off] != '\r' {
			off++
		}
		for off < len(d) && (d[off] == ' ' || d[off] == '\t' || d[off] == '\n' || d[off] == '\r') {
			off++
		}
	}
	return off
}

// scanFlow reads the flow collection whose opening bracket is at off and returns the offset
// after its closing bracket, and the offset after the last thing written inside it (its last
// entry or a trailing comma; just after the opening bracket when it is empty), blanks and
// comments left out.
func (e *Edit) scanFlow(off int) (end, last int, err error) {
	d := e.data
	if off >= len(d) || d[off] != '{' && d[off] != '[' {
		return 0, 0, e.errorf(Pos{Line: e.lineOf(off) + 1}, "", "cannot find the start of a flow collection")
	}
	depth := 0
	prev := byte(' ') // the last character that is not a blank
	boundary := false // the last thing read ends a token: a quoted string or an indicator
	for i := off; i < len(d); i++ {
		c := d[i]
		switch {
		case isBlankByte(c):
			continue
		case c == '#' && (boundary || isBlankByte(d[i-1])):
			i = commentEnd(d, i)
			continue
		case (c == '"' || c == '\'') && strings.IndexByte("{[,:?", prev) >= 0:
			i = quoteEnd(d, i)
			prev, last, boundary = c, min(i+1, len(d)), true
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				return i + 1, last, nil
			}
		}
		prev = c
		boundary = strings.IndexByte("{[,]}", c) >= 0
		last = min(i+1, len(d))
	}
	return 0, 0, e.errorf(Pos{Line: e.lineOf(off) + 1}, "", "cannot find the end of a flow collection")
}

// commentEnd returns the offset of the last character of the comment that starts at offset i
// of d: the one before the line break.
func commentEnd(d []byte, i int) int {
	for i+1 < len(d) && d[i+1] != '\n' {
		i++
	}
	return i
}

// offset returns the byte offset of n's line and column (columns count characters).
func (e *Edit) offset(n *yaml.Node) (int, error) {
	if n.Line < 1 || n.Line > len(e.lines) {
		return 0, e.errorf(e.pos(n), "", "cannot find a node in the file")
	}
	off, end := e.lines[n.Line-1], e.lineEnd(n.Line-1)
	for c := 1; c < n.Column; c++ {
		if off >= end {
			return 0, e.errorf(e.pos(n), "", "cannot find a node in the file")
		}
		_, size := utf8.DecodeRune(e.data[off:end])
		off += size
	}
	return off, nil
}

// indentOf returns the spaces before the key k on its line: the indentation of its mapping.
func (e *Edit) indentOf(k *yaml.Node) (string, error) {
	off, err := e.offset(k)
	if err != nil {
		return "", err
	}
	prefix := e.data[e.lines[k.Line-1]:off]
	if len(bytes.Trim(prefix, " ")) != 0 {
		return "", e.errorf(e.pos(k), "put each number on a line of its own", "cannot tell the indentation of the numbers mapping")
	}
	return string(prefix), nil
}

// lineOf returns the index (from 0) of the line holding offset off.
func (e *Edit) lineOf(off int) int {
	lo, hi := 0, len(e.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if e.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// lineEnd returns the offset after line l's line break (the end of the file on the last line).
func (e *Edit) lineEnd(l int) int {
	if l+1 < len(e.lines) {
		return e.lines[l+1]
	}
	return len(e.data)
}

// output puts the byte order mark back.
func (e *Edit) output(data []byte) []byte {
	if e.bom {
		return append([]byte("\xEF\xBB\xBF"), data...)
	}
	return data
}

func (e *Edit) pos(n *yaml.Node) Pos { return Pos{File: e.name, Line: n.Line, Col: n.Column} }

func (e *Edit) errorf(p Pos, hint, format string, args ...any) error {
	p.File = e.name
	return &Error{Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// LoadEdited is Load with the contents of some files replaced by edited, keyed by the path as
// given (or as found in a directory given): it validates an edited file together with the
// others before the edit is written.
func LoadEdited(edited map[string][]byte, paths ...string) (*Spec, error) {
	files := make(map[string][]byte, len(edited))
	for name, data := range edited {
		files[filepath.Clean(name)] = data
	}
	return load(overlayFS{files: files}, filepath.Join, paths)
}

// overlayFS is the operating system's file system with some files' contents replaced.
type overlayFS struct {
	osFS
	files map[string][]byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if data, ok := o.files[filepath.Clean(name)]; ok {
		return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: filepath.Base(name), size: int64(len(data))}}, nil
	}
	return o.osFS.Open(name)
}

func (o overlayFS) Stat(name string) (fs.FileInfo, error) {
	if data, ok := o.files[filepath.Clean(name)]; ok {
		return memInfo{name: filepath.Base(name), size: int64(len(data))}, nil
	}
	return o.osFS.Stat(name)
}

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

var _ io.Reader = (*memFile)(nil)

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
