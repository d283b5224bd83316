package spec

import (
	"bytes"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// BeforeRetirement starts the comment, above a retired entry, that keeps the number's entry as
// it was in numbers:, so that moving it back is a matter of uncommenting a line.
const BeforeRetirement = "before retirement: "

// Retire returns the file with the entries of tns moved from its numbers mapping to its
// retired mapping, each as {since: day, reason: reason} (reason left out when ""). The comment
// lines just above an entry move with it, and the entry as it was is kept as a comment above
// its new line, beginning BeforeRetirement. A file without a retired key gets one right after
// its numbers mapping. The numbers mapping must be in block style (as fmt writes it), and every
// number a key written in it.
//
// The result is parsed again before it is returned: when its mappings are not the old ones
// with the numbers moved (a layout the edit does not understand), Retire fails.
func (e *Edit) Retire(tns []string, day Date, reason string) ([]byte, error) {
	n := e.numbers
	switch {
	case len(tns) == 0:
		return e.output(e.data), nil
	case n == nil || n.Kind != yaml.MappingNode:
		return nil, e.errorf(Pos{}, "", "cannot retire: the file has no numbers mapping")
	case n.Style&yaml.FlowStyle != 0:
		return nil, e.errorf(e.pos(n), "run flowroute-numbers fmt on the file first: it writes numbers: as a block", "cannot retire from numbers: it is a flow mapping {…}")
	}
	type cut struct{ start, end int } // the bytes an entry and its comments span
	seen := map[string]bool{}
	tns = slices.DeleteFunc(slices.Clone(tns), func(tn string) bool { dup := seen[tn]; seen[tn] = true; return dup })
	var cuts []cut
	var text strings.Builder // the lines to write, in the order of tns
	for _, tn := range tns {
		k := e.entry(tn)
		if k == nil {
			return nil, e.errorf(e.pos(e.numKey), "", "cannot retire %s: it is not a key written in this file's numbers mapping", tn)
		}
		v := e.numbers.Content[slices.Index(e.numbers.Content, k)+1]
		indent, err := e.indentOf(k)
		if err != nil {
			return nil, err
		}
		end, err := e.entryEnd(k, v)
		if err != nil {
			return nil, err
		}
		first := k.Line - 1 // the comment lines just above the key, at its indentation, move with it
		for first > 0 && strings.HasPrefix(e.lineText(first-1), indent+"#") {
			first--
		}
		var b strings.Builder
		for l := first; l < k.Line-1; l++ {
			b.WriteString(strings.TrimPrefix(e.lineText(l), indent) + "\n")
		}
		for i, line := range strings.Split(strings.TrimRight(string(e.data[e.lines[k.Line-1]:end]), "\r\n"), "\n") {
			line = strings.TrimPrefix(strings.TrimRight(line, "\r"), indent)
			if strings.TrimSpace(line) == "" {
				continue
			}
			prefix := "# " + BeforeRetirement
			if i > 0 {
				prefix = "#" + strings.Repeat(" ", len(BeforeRetirement)+1)
			}
			b.WriteString(prefix + line + "\n")
		}
		fields := "since: " + day.String()
		if reason != "" {
			fields += ", reason: " + yamlScalar(oneLineComment(reason))
		}
		b.WriteString(`"` + tn + `": {` + fields + "}\n")
		cuts = append(cuts, cut{e.lines[first], end})
		text.WriteString(b.String())
	}
	slices.SortFunc(cuts, func(a, b cut) int { return a.start - b.start })
	var rest []byte
	from := 0
	for _, c := range cuts {
		rest = append(rest, e.data[from:c.start]...)
		from = c.end
	}
	rest = append(rest, e.data[from:]...)
	out, err := e.addRetired(rest, text.String())
	if err != nil {
		return nil, err
	}
	if err := e.checkRetired(out, tns); err != nil {
		return nil, err
	}
	return e.output(out), nil
}

// lineText is line l (from 0) without its line break.
func (e *Edit) lineText(l int) string {
	return strings.TrimRight(string(e.data[e.lines[l]:e.lineEnd(l)]), "\r\n")
}

// addRetired inserts lines (each ending "\n", without indentation) into data, the file with
// the numbers taken out, at the end of its retired mapping, or in a retired mapping it starts
// right after the numbers mapping.
func (e *Edit) addRetired(data []byte, lines string) ([]byte, error) {
	after, err := NewEdit(e.name, data)
	if err != nil {
		return nil, err
	}
	key, val := after.topEntry("retired")
	// The lines go after the entry k: v, indented as k, or one step deeper (under it).
	var k, v *yaml.Node
	head, deeper := "", true
	switch {
	case key == nil:
		k, v, head = after.numKey, after.numbers, "retired:"+after.eol
	case val.Kind == yaml.MappingNode && val.Style&yaml.FlowStyle == 0 && len(val.Content) > 0:
		k, v, deeper = val.Content[len(val.Content)-2], val.Content[len(val.Content)-1], false
	case val.Kind == yaml.ScalarNode && val.Value == "" && isNull(val):
		k, v = key, val
	default:
		return nil, e.errorf(after.pos(key), "run flowroute-numbers fmt on the file first, or move the numbers by hand", "cannot add to retired: it is not a block mapping")
	}
	indent, err := after.indentOf(k)
	if err != nil {
		return nil, err
	}
	end, err := after.entryEnd(k, v)
	if err != nil {
		return nil, err
	}
	var text strings.Builder
	if head != "" {
		text.WriteString(indent + head)
	}
	if deeper {
		indent += strings.Repeat(" ", after.step())
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(lines, "\n"), "\n") {
		text.WriteString(indent + line + after.eol)
	}
	out, _ := after.insert(data, end, text.String())
	return out, nil
}

// checkRetired checks out, the file after Retire: its numbers are the old ones without tns,
// and its retired keys the old ones (if any) followed by tns.
func (e *Edit) checkRetired(out []byte, tns []string) error {
	var doc struct {
		Numbers yaml.Node `yaml:"numbers"`
		Retired yaml.Node `yaml:"retired"`
	}
	before := e.keys(e.numbers)
	_, retired := e.topEntry("retired")
	retiredBefore := e.keys(retired)
	wantNumbers := slices.DeleteFunc(slices.Clone(before), func(tn string) bool { return slices.Contains(tns, tn) })
	wantRetired := append(retiredBefore, tns...)
	if err := yaml.Unmarshal(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF")), &doc); err != nil ||
		!slices.Equal(e.keys(&doc.Numbers), wantNumbers) || !slices.Equal(e.keys(&doc.Retired), wantRetired) {
		return e.errorf(e.pos(e.numKey), "move the numbers by hand", "cannot retire: the file's layout is one the edit does not handle")
	}
	return nil
}
