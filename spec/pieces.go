package spec

import (
	"bytes"
	"io"

	"gopkg.in/yaml.v3"
)

// A large spec is mostly its numbers: one line each, in a block under a top-level numbers:
// key, as Write and export produce them. yaml.v3 holds a whole document as a tree of nodes,
// some 900 bytes a number, before the loader sees any of it; for a 32 MiB file that tree,
// with the spec built from it, took 1.1 GB. parseInPieces reads such a block a few thousand
// numbers at a time instead, so that only one piece's tree is alive at once.
//
// It does so only when the pieces are sure to mean what the whole file means: no anchors,
// aliases or merge keys, no tabs or directives, a single numbers key at the start of a line,
// whose entries are indented alike. Any piece that yaml.v3 refuses undoes what was read and
// the file is read whole, so that every message is the one the whole file gives.

// piecesMin is the smallest file read in pieces; a smaller one is cheap enough whole. Tests
// set loader.piecesMin to compare the two ways.
const piecesMin = 1 << 20

// pieceEntries is the most numbers in one piece; tests set loader.pieceEntries lower.
const pieceEntries = 4096

// piece is some lines of the numbers block, a block mapping of its own; line is the line of
// the file where data starts.
type piece struct {
	data []byte
	line int
}

// undo is what numberMap added to the spec, to take back when a piece cannot be read.
type undo struct {
	numbers []string
}

// splitNumbers cuts the numbers block out of data: rest is data with each line of the block
// left empty, so that every other line keeps its number, and pieces hold the block, cut
// where a number starts. entries counts the numbers. ok is false when data is not a file
// that is safe to read in pieces.
func splitNumbers(data []byte, min, perPiece int) (rest []byte, pieces []piece, entries int, ok bool) {
	if len(data) < min || bytes.ContainsAny(data, "&*\t%\xef\xfe\xff") || bytes.Contains(data, []byte("<<")) ||
		bytes.HasPrefix(data, []byte("---")) || bytes.Contains(data, []byte("\n---")) || bytes.Contains(data, []byte("\n...")) {
		return nil, nil, 0, false
	}
	key := numbersKey(data)
	if key < 0 {
		return nil, nil, 0, false
	}
	eol := bytes.IndexByte(data[key:], '\n')
	if eol < 0 {
		return nil, nil, 0, false
	}
	eol += key
	start := eol + 1
	end, indent := start, 0
	first := bytes.Count(data[:start], []byte("\n")) + 1
	line, pieceStart, pieceLine := 0, start, first
	for lineNo := first; end < len(data); lineNo++ {
		next := bytes.IndexByte(data[end:], '\n')
		if next < 0 {
			next = len(data)
		} else {
			next += end + 1
		}
		text := data[end:next]
		spaces := len(text) - len(bytes.TrimLeft(text, " "))
		content := bytes.TrimRight(text[spaces:], "\r\n ")
		switch {
		case len(content) == 0 || content[0] == '#':
			// a blank line or a comment belongs to the block
		case spaces == 0:
			goto done // the next top-level key
		case indent == 0:
			if c := content[0]; c != '"' && c != '\'' && (c < '0' || c > '9') {
				return nil, nil, 0, false
			}
			indent = spaces
			entries++
		case spaces < indent:
			return nil, nil, 0, false
		case spaces == indent:
			if entries%perPiece == 0 {
				pieces = append(pieces, piece{data[pieceStart:end], pieceLine})
				pieceStart, pieceLine = end, lineNo
			}
			entries++
		}
		end = next
		line++
	}
done:
	if entries == 0 {
		return nil, nil, 0, false
	}
	pieces = append(pieces, piece{data[pieceStart:end], pieceLine})
	rest = make([]byte, 0, start+line+len(data)-end)
	rest = append(rest, data[:start]...)
	for range line {
		rest = append(rest, '\n')
	}
	rest = append(rest, data[end:]...)
	return rest, pieces, entries, true
}

// parseInPieces reads the file in pieces when that is safe, and reports whether it did; when
// it did not, it has left the loader as it was.
func (l *loader) parseInPieces(name string, data []byte) bool {
	rest, pieces, entries, ok := splitNumbers(data, l.piecesMin, l.pieceEntries)
	if !ok {
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(rest))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil || dec.Decode(&next) != io.EOF ||
		len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	errs, warns, declared := len(l.errs), len(l.warns), len(l.cur.numbers)
	l.budget = len(data) + 100_000
	l.undo = &undo{}
	defer func() { l.undo = nil }()
	l.reserve(entries)
	l.room = entries
	defer func() { l.room = 0 }()
	for _, p := range pieces {
		var root yaml.Node
		if err := yaml.Unmarshal(p.data, &root); err != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
			for _, tn := range l.undo.numbers {
				delete(l.s.Numbers, tn)
				delete(l.s.Positions, "numbers."+tn)
				for _, k := range numberPosKeys {
					delete(l.s.Positions, "numbers."+tn+"."+k)
				}
			}
			l.errs, l.warns, l.cur.numbers = l.errs[:errs], l.warns[:warns], l.cur.numbers[:declared]
			return false
		}
		shiftLines(root.Content[0], p.line-1)
		l.numberMap(name, root.Content[0])
	}
	l.undo = nil
	l.top(name, doc.Content[0]) // its numbers: is empty now
	return true
}

// shiftLines adds delta to the line of n and of every node under it (a tree: there are no
// aliases in a piece).
func shiftLines(n *yaml.Node, delta int) {
	n.Line += delta
	for _, c := range n.Content {
		shiftLines(c, delta)
	}
}

// numbersKey returns where the one top-level numbers key of data starts: "numbers:" at the
// start of a line, followed by nothing but spaces and a comment. It returns -1 when there is
// none, or when "numbers" is followed by a colon anywhere else, which might be another
// numbers key.
func numbersKey(data []byte) int {
	key := -1
	word := []byte("numbers")
	for i := 0; ; {
		j := bytes.Index(data[i:], word)
		if j < 0 {
			return key
		}
		j += i
		i = j + len(word)
		after := bytes.TrimLeft(bytes.TrimLeft(data[i:], `"'`), " ")
		if len(after) == 0 || after[0] != ':' {
			continue
		}
		rest := after[1:]
		if eol := bytes.IndexByte(rest, '\n'); eol >= 0 {
			rest = rest[:eol]
		}
		rest = bytes.TrimRight(rest, " \r")
		mine := key < 0 && (j == 0 || data[j-1] == '\n') && len(after) == len(data)-i &&
			(len(rest) == 0 || rest[0] == ' ' && bytes.TrimLeft(rest, " ")[0] == '#')
		if !mine {
			return -1
		}
		key = j
	}
}
