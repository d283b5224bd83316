package spec

import (
	"strconv"
	"strings"
	"testing"
)

// TestSyntaxErrorPositions: a YAML syntax error names the line and column of the problem, not
// the line where the construct it is in starts (which is what yaml.v3 names), with a hint
// where one helps. The bad specs under testdata cover the common cases; these cover the edges
// of how the position is found.
func TestSyntaxErrorPositions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, data, want string }{{
		"unclosed flow mapping at the end of the file",
		"numbers:\n  \"12065550100\": {primary_route: pbx\n",
		`f.yaml:2:37: invalid YAML: did not find expected ',' or '}' (in the flow mapping that starts at line 2, column 18)`,
	}, {
		"unclosed quoted string at the end of the file",
		"routes:\n  a: {type: HOST, value: 'x}\n\n\n",
		`f.yaml:2:29: invalid YAML: found unexpected end of stream (in the quoted string that starts at line 2, column 26)`,
	}, {
		"a key at a deeper indentation than its mapping's",
		"numbers:\n  \"12065550100\":\n    primary_route: pbx\n   failover_route: x\n",
		`f.yaml:4:4: invalid YAML: did not find expected key (check the indentation: the keys of one mapping line up)`,
	}, {
		"a value that is a mapping on the line of its key",
		"numbers:\n  \"12065550100\": primary_route: pbx\n",
		`f.yaml:2:31: invalid YAML: mapping values are not allowed in this context`,
	}, {
		"a key whose quote closes early: the problem is the rest of the key",
		"numbers:\n  \"12065\"550100\": {}\npolicy:\n  unmanaged: warn\n",
		`f.yaml:2:10: invalid YAML: did not find expected key (check the indentation: the keys of one mapping line up)`,
	}, {
		"the construct starts lines below an anchor its lines use",
		"x: &pbx {type: HOST}\nroutes:\n  a: {<<: *pbx, value: x\n  b: {}\n",
		`f.yaml:4:4: invalid YAML: did not find expected ',' or '}' (in the flow mapping that starts at line 3, column 6)`,
	}, {
		"an alias of no anchor",
		"x: &a {}\nnumbers:\n  \"12065550100\": {<<: *b}\n",
		`f.yaml:3:23: invalid YAML: unknown anchor 'b' referenced`,
	}, {
		"CRLF line endings",
		"routes:\r\n  a: {type: HOST, value: x\r\n",
		`f.yaml:2:27: invalid YAML: did not find expected ',' or '}' (in the flow mapping that starts at line 2, column 6)`,
	}, {
		"a byte-order mark, and columns counted in characters",
		"\ufeffroutes:\n  é: {type: HOST, valué: x y: z}\n",
		`f.yaml:2:29: invalid YAML: did not find expected ',' or '}' (in the flow mapping that starts at line 2, column 6)`,
	}, {
		"a second document with a problem",
		"numbers: {}\n---\nroutes: [a\n",
		`f.yaml:3:11: invalid YAML: did not find expected ',' or ']' (in the flow sequence that starts at line 3, column 9)`,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("f.yaml", []byte(tt.data))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%q):\n got %v\nwant %s", tt.data, err, tt.want)
			}
		})
	}
}

// TestSyntaxErrorFarFromItsConstruct: in a large file whose mapping starts thousands of lines
// above the problem, the problem is still found at its line and column (the search parses a
// few lines around it, not the file again for every character).
func TestSyntaxErrorFarFromItsConstruct(t *testing.T) {
	t.Parallel()
	data := string(bigSpec(3_000)) + "    \"12069999999\": {}\n"
	lines := strings.Count(data, "\n")
	_, err := Parse("big.yaml", []byte(data))
	want := "big.yaml:" + strconv.Itoa(lines) + ":5: invalid YAML: did not find expected key (check the indentation: the keys of one mapping line up)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestSyntaxErrorBudget: finding the column parses variants of the file within a budget;
// past it, problemAt names the line yaml.v3 names, corrected, and no column.
func TestSyntaxErrorBudget(t *testing.T) {
	t.Parallel()
	data := []byte("numbers:\n  \"12065550100\": {primary_route: a: b}\n")
	const problem = "did not find expected ',' or '}'"
	pr := prober{budget: 10, lines: lineStarts(data), whole: true}
	if _, _, ok := pr.problemOffset(data, 2, problem); ok {
		t.Error("found the problem beyond the budget")
	}
	if p, _ := problemAt(data, len(data), 1, problem); p != (Pos{Line: 2, Col: 35}) {
		t.Errorf("problemAt = %+v, want 2:35", p)
	}
}
