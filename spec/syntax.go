package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file finds where a YAML syntax error is. yaml.v3 names one line, and no column: for an
// error inside a construct (a mapping, a flow mapping begun lines above), the line where the
// construct starts, counted from 0; otherwise the line of the problem. So the file is parsed
// again, in variants, until yaml.v3 gives away the place of the problem:
//
//   - Cut before the line it named, the file starts with the construct, and yaml.v3 then names
//     the line of the problem itself, as it does whenever the construct starts on the first line.
//   - On that line, commenting out the rest of the line from a character (" #" inserted) leaves
//     the error where it was when the character is after the problem's start, and moves it (or
//     makes it go away) from the problem's start on. The column is the last character, from
//     the right, whose commenting out moves the error.
//
// This runs only when a file does not parse, and within a budget of bytes parsed.

// yamlLine finds the line number that yaml.v3 puts into its syntax errors.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// splitYAMLError returns the problem of a yaml.v3 error message and the line it names (0 when
// none, and then the problem is on the first line or the error is not in the YAML syntax).
func splitYAMLError(msg string) (line int, problem string) {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return line, strings.TrimPrefix(msg, "yaml: ")
}

// parserProblems are the problems that yaml.v3's parser reports, as opposed to its scanner: it
// names the line of a parser problem counted from 0, and that of a scanner problem from 1.
var parserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>", "did not find expected node content",
	"did not find expected '-' indicator", "did not find expected key", "did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "found undefined tag handle", "found duplicate %YAML directive",
	"found incompatible YAML document", "found duplicate %TAG directive",
}

// namedLine is the line, from 1, that a yaml.v3 error names: where the construct the problem
// is in starts, or the problem's own line when that is the first line or there is none.
func namedLine(line int, problem string) int {
	if line > 0 && slices.Contains(parserProblems, problem) {
		return line + 1
	}
	return max(line, 1)
}

// syntaxError turns a yaml.v3 error into an Error at the line and column of the problem, or,
// for a character that YAML does not allow, at that character. read is how much of data
// yaml.v3 read before it failed: the problem is in that part.
func (l *loader) syntaxError(file string, data []byte, read int, err error) {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, msg := range te.Errors {
			l.errorf(Pos{File: file}, "", "%s", msg)
		}
		return
	}
	line, problem := splitYAMLError(err.Error())
	if line == 0 && readerProblem(problem) {
		// yaml.v3 names no line when a character is not allowed: find it.
		p := Pos{File: file}
		hint := ""
		var valid bool
		if p.Line, p.Col, valid = badChar(data); !valid {
			hint = "save the file as UTF-8"
		}
		l.errorf(p, hint, "invalid YAML: %s", problem)
		return
	}
	p, hint := problemAt(data, read, line, problem)
	p.File = file
	l.errorf(p, hint, "invalid YAML: %s", problem)
}

// readerProblem reports whether problem is yaml.v3's about the characters of the file rather
// than its syntax.
func readerProblem(problem string) bool {
	for _, s := range []string{"control characters", "UTF-8", "UTF-16", "surrogate", "Unicode character"} {
		if strings.Contains(problem, s) {
			return true
		}
	}
	return false
}

// probeBudget is the most bytes problemAt parses again to find a problem in a file of which
// yaml.v3 read read bytes: twice that, and a little more for a small file, which takes many
// small parses. Past it the error names the line yaml.v3 names.
func probeBudget(read int) int { return 2*read + 1<<20 }

// problemAt returns where the problem of a yaml.v3 error (line as it names it) is in data, of
// which yaml.v3 read the first read bytes, and a hint: where an unclosed construct starts, that
// a tab is the cause, or to check the indentation. When it cannot tell, the position is the
// line yaml.v3 names, corrected.
func problemAt(data []byte, read, line int, problem string) (Pos, string) {
	// What yaml.v3 did not read does not matter: leave it out, which spares parsing it again.
	pr := prober{budget: probeBudget(read), whole: read >= len(data)}
	data = data[:min(read, len(data))]
	pr.lines = lineStarts(data)
	var off, from int
	ok := false
	if name, found := strings.CutPrefix(problem, "unknown anchor '"); found {
		if off, ok = pr.aliasAt(data, strings.TrimSuffix(name, "' referenced")); ok {
			return pr.pos(data, off), ""
		}
		return Pos{}, "" // yaml.v3 names no line for an alias
	} else if !bytes.HasPrefix(data, bomUTF16BE) && !bytes.HasPrefix(data, bomUTF16LE) && // offsets here are UTF-8's
		!strings.HasPrefix(problem, "exceeded max depth") { // nesting that deep is no typo to point at, and slow to parse again
		off, from, ok = pr.problemOffset(data, namedLine(line, problem), problem)
	}
	if !ok {
		return Pos{Line: namedLine(line, problem)}, ""
	}
	p := pr.pos(data, off)
	if tabIndent(data, p.Line, p.Col) {
		return p, "tabs are not allowed for indentation: indent with spaces"
	}
	hint := ""
	if problem == "did not find expected key" {
		hint = "check the indentation: the keys of one mapping line up"
	}
	if what, start, ok := openAt(data, from, off); ok && start != off {
		s := pr.pos(data, start)
		hint = fmt.Sprintf("in the %s that starts at line %d, column %d", what, s.Line, s.Col)
	}
	return p, hint
}

// prober parses variants of a file, within a budget of bytes.
type prober struct {
	budget int
	lines  []int // the offset of each line of the file
	whole  bool  // the file is whole, not cut after what yaml.v3 read
}

// errorOf returns the first error yaml.v3 finds in data as it reads the spec (every document),
// "" when there is none; ok is false when the budget is spent. Each parse costs the budget
// its bytes, and at least 4 KiB, which bounds the number of parses.
func (pr *prober) errorOf(data []byte) (msg string, ok bool) {
	if pr.budget -= max(len(data), 4<<10); pr.budget < 0 {
		return "", false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err == io.EOF {
			return "", true
		} else if err != nil {
			return err.Error(), true
		}
	}
}

// problemOffset returns the offset of the problem in data, where yaml.v3 finds problem and
// names line (from 1), and the offset of the line where the construct it is in starts.
func (pr *prober) problemOffset(data []byte, line int, problem string) (off, from int, ok bool) {
	content := len(bytes.TrimRight(data, " \t\r\n"))
	// line is where the construct starts or, when the construct starts on the first line, the
	// problem's line: cut there first, then nowhere.
	for _, c := range slices.Compact([]int{line, 1}) {
		if c > len(pr.lines) {
			continue
		}
		from = pr.lines[c-1]
		cut := data
		if from > 0 {
			cut = unalias(data[from:]) // the anchors were on the lines cut
		}
		base, ok := pr.errorOf(append(cut[:len(cut):len(cut)], '\n')) // a problem at the end is on a line of its own
		if !ok {
			return 0, 0, false
		}
		if _, p := splitYAMLError(base); p != problem {
			continue // the construct does not start on line c
		}
		rel := lineOf(base) // the problem's line in the cut
		if c-1+rel > len(pr.lines) || pr.lines[c-2+rel] >= content {
			if !pr.whole {
				continue // at the end of what was read, where the cut made the problem
			}
			return content, from, true // at the end of the file
		}
		lines := make([]int, len(pr.lines)-(c-1)) // the lines of the cut
		for i := range lines {
			lines[i] = pr.lines[c-1+i] - from
		}
		part, shift, partBase, ok := pr.scope(cut, lines, rel, base)
		if !ok {
			return 0, 0, false
		}
		end := len(cut)
		if rel < len(lines) {
			end = lines[rel]
		}
		if q, ok := pr.column(part, lines[rel-1]-shift, end-shift, partBase); ok {
			return from + q + shift, from, true
		}
	}
	return 0, 0, false
}

// scopeLines is how many lines before a problem's scope keeps.
const scopeLines = 8

// scope returns the part of cut that the column search parses again, cheaper than the whole cut
// and with the same error at the same place: the first line, which opens the construct the
// problem is in, then the few lines before the problem's line rel (from 1), up to it; failing
// that, the cut up to the problem's line; failing that, the whole cut. shift is how many bytes
// of cut before the problem's line the part leaves out; base is yaml.v3's error in the part.
func (pr *prober) scope(cut []byte, lines []int, rel int, base string) (part []byte, shift int, partBase string, ok bool) {
	_, problem := splitYAMLError(base)
	end := len(cut)
	if rel < len(lines) {
		end = lines[rel]
	}
	kept := []int{max(1, rel-1-scopeLines), 1} // the first line kept after the first
	if rel == 1 {
		kept = []int{0}
	}
	for _, k := range slices.Compact(kept) {
		if k <= 1 && end == len(cut) {
			break // the whole cut
		}
		head := lines[min(k, 1)]
		part = append(cut[:head:head], cut[lines[k]:end]...)
		msg, ok := pr.errorOf(append(part, '\n'))
		if !ok {
			return nil, 0, "", false
		}
		if n, p := splitYAMLError(msg); p == problem && namedLine(n, p) == rel-max(k-1, 0) {
			return part, lines[k] - head, msg, true
		}
	}
	return cut, 0, base, true
}

// unalias returns a copy of data with every alias (*name) turned into a plain scalar of the
// same length (xname), so that an alias of an anchor cut off does not end the parse.
func unalias(data []byte) []byte {
	out := bytes.Clone(data)
	for i, c := range out {
		if c == '*' && (i == 0 || strings.IndexByte(" \t\r\n{[,", out[i-1]) >= 0) {
			out[i] = 'x'
		}
	}
	return out
}

// column returns the offset of the problem on the line from start to end of part, where
// yaml.v3 finds the error base: the last character, from the right, whose commenting out
// moves the error.
func (pr *prober) column(part []byte, start, end int, base string) (int, bool) {
	_, problem := splitYAMLError(base)
	key := -1 // the offset of a ':' whose removal left the error on its line
	for q := end - 1; q >= start; q-- {
		if !tokenStart(part, start, q) {
			continue
		}
		probe := make([]byte, 0, len(part)+3)
		probe = append(append(append(append(probe, part[:q]...), " #"...), part[q:]...), '\n')
		msg, ok := pr.errorOf(probe)
		switch {
		case !ok:
			return 0, false
		case key >= 0:
			if msg == "" || lineOf(msg) != lineOf(base) {
				return q, true
			}
		case msg == base:
		case part[q] == ':' && msg != "" && lineOf(msg) == lineOf(base) && slices.Contains(parserProblems, problem):
			// The ':' made the scalar before it a key, and the parser's problem may be that key
			// where no key can be: look on for where the problem leaves the line.
			key = q
		default:
			return q, true
		}
	}
	return key, key >= 0
}

// tokenStart reports whether a token may start at offset q of data, on the line starting at
// start: a character that is not blank, after a blank, a quote or a flow indicator, or itself an
// indicator. A problem is at the start of a token, or at the character a token cannot have.
func tokenStart(data []byte, start, q int) bool {
	switch c := data[q]; {
	case c == ' ' || c == '\n' || c == '\r' || !utf8.RuneStart(c):
		return false
	case q == start || strings.IndexByte(":,{}[]#", c) >= 0:
		return true
	}
	return strings.IndexByte(" \t{}[],\"'", data[q-1]) >= 0
}

// lineOf is the line, from 1, that a yaml.v3 error message names.
func lineOf(msg string) int { return namedLine(splitYAMLError(msg)) }

// aliasAt returns the offset of the alias *name that names no anchor: on the first line that,
// with what comes before it, makes yaml.v3 report it, the first *name where a token starts.
func (pr *prober) aliasAt(data []byte, name string) (int, bool) {
	want := "yaml: unknown anchor '" + name + "' referenced"
	alias := []byte("*" + name)
	for l := range pr.lines {
		start, end := pr.lines[l], len(data)
		if l+1 < len(pr.lines) {
			end = pr.lines[l+1]
		}
		line := data[start:end]
		i := bytes.Index(line, alias)
		if i < 0 {
			continue
		}
		msg, ok := pr.errorOf(data[:end:end])
		if !ok {
			return 0, false
		}
		if msg != want {
			continue
		}
		for ; i >= 0; i = nextIndex(line, alias, i) {
			if e := i + len(alias); tokenStart(data, start, start+i) && (e == len(line) || !isAnchorChar(line[e])) {
				return start + i, true
			}
		}
		return start + bytes.Index(line, alias), true
	}
	return 0, false
}

// nextIndex returns the index of the next sep in s after the one at i, or -1.
func nextIndex(s, sep []byte, i int) int {
	if j := bytes.Index(s[i+1:], sep); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// isAnchorChar reports whether c may be part of an anchor's name, as yaml.v3 reads them.
func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
}

// lineStarts returns the offset of each line of data, its lines ended as YAML ends them: LF,
// CRLF, CR, NEL, LS or PS.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\n', data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			starts = append(starts, i+1)
		case bytes.HasPrefix(data[i:], []byte("\u0085")):
			starts = append(starts, i+2)
		case bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			starts = append(starts, i+3)
		}
	}
	return starts
}

// pos returns the line and column (in characters, from 1) of offset off of data.
func (pr *prober) pos(data []byte, off int) Pos {
	l, _ := slices.BinarySearch(pr.lines, off+1) // the first line starting after off
	return Pos{Line: l, Col: utf8.RuneCount(data[pr.lines[l-1]:off]) + 1}
}

// openAt returns the innermost flow mapping, flow sequence or quoted string that is open at
// offset off of data, read from offset from (where none is open), and the offset where it
// starts.
func openAt(data []byte, from, off int) (what string, start int, ok bool) {
	var open []int // the offsets of the open brackets
	for i := from; i < off && i < len(data); i++ {
		switch c := data[i]; {
		case c == '#' && (i == from || isBlankByte(data[i-1])):
			i = commentEnd(data, i)
		case (c == '"' || c == '\'') && (i == from || strings.IndexByte(" \t\r\n{[,:", data[i-1]) >= 0):
			end := quoteEnd(data, i)
			if end >= off {
				return "quoted string", i, true
			}
			i = end
		case c == '{' || c == '[':
			open = append(open, i)
		case (c == '}' || c == ']') && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return "", 0, false
	}
	start = open[len(open)-1]
	if data[start] == '[' {
		return "flow sequence", start, true
	}
	return "flow mapping", start, true
}

// quoteEnd returns the offset of the quote that closes the quoted string starting at i, or
// len(data) when there is none.
func quoteEnd(data []byte, i int) int {
	q := data[i]
	for j := i + 1; j < len(data); j++ {
		switch {
		case q == '"' && data[j] == '\\':
			j++
		case data[j] == q && q == '\'' && j+1 < len(data) && data[j+1] == '\'':
			j++
		case data[j] == q:
			return j
		}
	}
	return len(data)
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// tabIndent reports whether a tab is in the indentation of line (from 1) of data, up to col.
func tabIndent(data []byte, line, col int) bool {
	for ; line > 1; line-- {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return false
		}
		data = data[i+1:]
	}
	for i := 0; i < len(data) && i < col; i++ {
		switch data[i] {
		case '\t':
			return true
		case ' ':
		default:
			return false
		}
	}
	return false
}

// badChar returns where the first character that YAML does not allow is in data, and whether
// that character is valid UTF-8; line 0 when there is none or data is UTF-16, which yaml.v3
// also reads. The characters allowed are those of the YAML 1.2 spec, as yaml.v3 has them.
func badChar(data []byte) (line, col int, valid bool) {
	if bytes.HasPrefix(data, bomUTF16BE) || bytes.HasPrefix(data, bomUTF16LE) {
		return 0, 0, true
	}
	line, col = 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size == 1:
			return line, col, false
		case r == '\n':
			line, col = line+1, 0
		case r == '\t', r == '\r', r >= 0x20 && r <= 0x7e, r == 0x85, r >= 0xa0 && r <= 0xd7ff,
			r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		default:
			return line, col, true
		}
		data = data[size:]
		col++
	}
	return 0, 0, true
}

// countingReader counts the bytes read through it: how far yaml.v3 read when it failed.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
