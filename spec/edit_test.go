package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

var (
	addA = Entry{TN: "12065550101", Number: Number{PrimaryRoute: "pbx"}, Comment: "picked for the test"}
	addB = Entry{TN: "12065550102", Number: Number{PrimaryRoute: "pbx", FailoverRoute: "sip-reg", BillingMethod: BillingMetered}}
	addC = Entry{TN: "12065550103"}
)

// numberKeys returns the keys of data's numbers mapping, in order, as yaml.v3 reads them.
func numbersOf(t *testing.T, data []byte) []string {
	t.Helper()
	var doc struct {
		Numbers yaml.Node `yaml:"numbers"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the edited file does not parse: %v\n%s", err, data)
	}
	var keys []string
	for i := 0; i+1 < len(doc.Numbers.Content); i += 2 {
		keys = append(keys, doc.Numbers.Content[i].Value)
	}
	return keys
}

func TestAddNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		add      []Entry
		want     string // the whole file after
	}{{
		name: "block, flow values, comments and anchors kept",
		in: `# top comment
x-routes: &pbx {primary_route: pbx}
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
numbers:   # the numbers
  # the first
  "12065550100": *pbx   # trailing
  "12065550199": {primary_route: pbx, failover_route: sip-reg}
    # a comment on its fields
policy: {max_purchases: 5}
`,
		add: []Entry{addA, addB, addC},
		want: `# top comment
x-routes: &pbx {primary_route: pbx}
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
numbers:   # the numbers
  # the first
  "12065550100": *pbx   # trailing
  "12065550199": {primary_route: pbx, failover_route: sip-reg}
    # a comment on its fields
  # picked for the test
  "12065550101": {primary_route: pbx}
  "12065550102": {billing_method: METERED, primary_route: pbx, failover_route: sip-reg}
  "12065550103": {}
policy: {max_purchases: 5}
`,
	}, {
		name: "CRLF, four spaces, plain keys, spaced braces",
		in:   "version: 1\r\nnumbers:\r\n    12065550100: { primary_route: pbx }\r\n\r\n# end\r\n",
		add:  []Entry{addA},
		want: "version: 1\r\nnumbers:\r\n    12065550100: { primary_route: pbx }\r\n    # picked for the test\r\n    12065550101: { primary_route: pbx }\r\n\r\n# end\r\n",
	}, {
		name: "single-quoted keys, nested values, no final line break",
		in:   "numbers:\n  '12065550100':\n     primary_route: pbx\n     # failover_route: x",
		add:  []Entry{addB, addC},
		want: "numbers:\n  '12065550100':\n     primary_route: pbx\n     # failover_route: x\n  '12065550102':\n     billing_method: METERED\n     primary_route: pbx\n     failover_route: sip-reg\n  '12065550103': {}\n",
	}, {
		name: "literal block value",
		in:   "numbers:\n  \"12065550100\": {primary_route: pbx}\n  x: |\n    # not a comment\n\n    text\npolicy: {}\n",
		add:  []Entry{addC},
		want: "numbers:\n  \"12065550100\": {primary_route: pbx}\n  x: |\n    # not a comment\n\n    text\n  \"12065550103\": {}\npolicy: {}\n",
	}, {
		name: "flow mapping on one line",
		in:   "numbers: {\"12065550100\": {primary_route: pbx}} # comment\npolicy: {}\n",
		add:  []Entry{addA, addC},
		want: "numbers: {\"12065550100\": {primary_route: pbx}, \"12065550101\": {primary_route: pbx}, \"12065550103\": {}} # comment\npolicy: {}\n",
	}, {
		name: "flow mapping, one entry a line, trailing comma",
		in:   "numbers: {\n  '12065550100': {primary_route: pbx},  # c\n  # d\n}\n",
		add:  []Entry{addC, addB},
		want: "numbers: {\n  '12065550100': {primary_route: pbx},\n  '12065550103': {},\n  '12065550102': {billing_method: METERED, primary_route: pbx, failover_route: sip-reg},  # c\n  # d\n}\n",
	}, {
		name: "empty flow mapping with an anchor: a block mapping",
		in:   "numbers: &n {}\n",
		add:  []Entry{addC},
		want: "numbers: &n\n  \"12065550103\": {}\n",
	}, {
		name: "empty flow mapping with a comment: a block mapping, one entry a line under its comment",
		in:   "routes:\n    pbx: {type: HOST, value: \"1.2.3.4\"}\nnumbers: {}  # none yet\npolicy: {}\n",
		add:  []Entry{addA, addB, {TN: "12065550104", Comment: "picked too"}},
		want: "routes:\n    pbx: {type: HOST, value: \"1.2.3.4\"}\nnumbers:  # none yet\n" +
			"    # picked for the test\n    \"12065550101\": {primary_route: pbx}\n" +
			"    \"12065550102\": {billing_method: METERED, primary_route: pbx, failover_route: sip-reg}\n" +
			"    # picked too\n    \"12065550104\": {}\npolicy: {}\n",
	}, {
		name: "empty flow mapping over lines, with a tag",
		in:   "numbers: !!map {\n}\npolicy: {}\n",
		add:  []Entry{addC},
		want: "numbers: !!map\n  \"12065550103\": {}\npolicy: {}\n",
	}, {
		name: "null numbers",
		in:   "numbers:\n  # none yet\npolicy: {}\n",
		add:  []Entry{addA},
		want: "numbers:\n  # none yet\n  # picked for the test\n  \"12065550101\": {primary_route: pbx}\npolicy: {}\n",
	}, {
		name: "numbers: ~ with a comment",
		in:   "routes:\n   pbx: {type: HOST, value: \"1.2.3.4\"}\nnumbers: ~ # none yet\n",
		add:  []Entry{addC},
		want: "routes:\n   pbx: {type: HOST, value: \"1.2.3.4\"}\nnumbers: # none yet\n   \"12065550103\": {}\n",
	}, {
		name: "no numbers key",
		in:   "\xEF\xBB\xBFversion: 1\npolicy:\n  max_purchases: 3\n# trailing\n",
		add:  []Entry{addC},
		want: "\xEF\xBB\xBFversion: 1\npolicy:\n  max_purchases: 3\nnumbers:\n  \"12065550103\": {}\n# trailing\n",
	}, {
		name: "empty file",
		in:   "",
		add:  []Entry{addC},
		want: "numbers:\n  \"12065550103\": {}\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEdit("in.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			before := numbersOf(t, []byte(tt.in))
			out, text, _, err := e.AddNumbers(tt.add)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("edited file (-want +got):\n%s", diff)
			}
			if !strings.Contains(string(out), text) {
				t.Errorf("the inserted text %q is not in the output", text)
			}
			// The text is all the edit adds, but for the value it drops: a null written (~) or {}.
			if n := e.numbers; n == nil || !(isNull(n) && n.Value != "" || n.Kind == yaml.MappingNode && len(n.Content) == 0) {
				if got := strings.Replace(string(out), text, "", 1); strings.TrimSuffix(got, "\n") != strings.TrimSuffix(tt.in, "\n") && got != tt.in {
					t.Errorf("taking the inserted text out does not give the file back:\n%q\n%q", got, tt.in)
				}
			}
			want := before
			for _, a := range tt.add {
				want = append(want, a.TN)
			}
			if got := numbersOf(t, out); !slices.Equal(got, want) {
				t.Errorf("numbers after: %v, want %v", got, want)
			}
		})
	}
}

func TestAddNumbersRefuses(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"alias":      "x-n: &n {\"12065550100\": {}}\nnumbers: *n\n",
		"sequence":   "numbers: [a]\n",
		"flow top":   "{version: 1}\n",
		"lone CR":    "version: 1\rnumbers: {}\n",
		"not a map":  "- a\n",
		"unicode LS": "version: 1\u2028\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEdit("in.yaml", []byte(in))
			if err == nil {
				_, _, _, err = e.AddNumbers([]Entry{addC})
			}
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.HasPrefix(err.Error(), "in.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestReplaceNumber(t *testing.T) {
	t.Parallel()
	const marker = "flowroute-numbers add"
	tests := []struct{ name, in, comment, want string }{{
		name:    "block: the marker comment is rewritten",
		in:      "numbers:\n  # keep\n  # flowroute-numbers add --npa 206 (old)\n  \"12065550100\": {primary_route: pbx} # line\n  \"12065550199\": {}\n",
		comment: "flowroute-numbers add --npa 206 (new)",
		want:    "numbers:\n  # keep\n  # flowroute-numbers add --npa 206 (new)\n  \"12065550177\": {primary_route: pbx} # line\n  \"12065550199\": {}\n",
	}, {
		name:    "block CRLF: a comment is added",
		in:      "numbers:\r\n  # other\r\n\r\n  12065550100:\r\n    primary_route: pbx\r\n",
		comment: "flowroute-numbers add --npa 206",
		want:    "numbers:\r\n  # other\r\n\r\n  # flowroute-numbers add --npa 206\r\n  12065550177:\r\n    primary_route: pbx\r\n",
	}, {
		name:    "flow: only the key",
		in:      "numbers: {'12065550100': {primary_route: pbx}}\n",
		comment: "flowroute-numbers add --npa 206",
		want:    "numbers: {'12065550177': {primary_route: pbx}}\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEdit("in.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.ReplaceNumber("12065550100", "12065550177", marker, tt.comment)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("edited file (-want +got):\n%s", diff)
			}
		})
	}
	e, _ := NewEdit("in.yaml", []byte("numbers: {}\n"))
	if _, err := e.ReplaceNumber("12065550100", "12065550177", marker, ""); err == nil {
		t.Error("replacing a number the file does not hold: no error")
	}
}

func TestEditComment(t *testing.T) {
	t.Parallel()
	e, err := NewEdit("in.yaml", []byte("numbers:\n  # one\n  # two\n  \"12065550100\": {}\n  \"12065550101\": {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Comment("12065550100"); got != "# one\n# two" {
		t.Errorf("Comment = %q", got)
	}
	if got := e.Comment("12065550101"); got != "" {
		t.Errorf("Comment = %q, want none", got)
	}
	if !e.Has("12065550101") || e.Has("12065550102") || !e.DeclaresNumbers() {
		t.Error("Has or DeclaresNumbers is wrong")
	}
}

func TestYAMLScalar(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"pbx-seattle": "pbx-seattle",
		"sip-reg":     "sip-reg",
		"true":        `"true"`,
		"null":        `"null"`,
		"Main line":   `"Main line"`,
		"a,b":         `"a,b"`,
		"1.25":        `"1.25"`,
		`say "hi"`:    `"say \"hi\""`,
	} {
		if got := yamlScalar(in); got != want {
			t.Errorf("yamlScalar(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestLoadEdited(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "base.yaml")
	nums := filepath.Join(dir, "numbers.yaml")
	os.WriteFile(base, []byte("version: 1\nroutes:\n  pbx: {type: HOST, value: \"10.0.0.1\"}\n"), 0o644)
	os.WriteFile(nums, []byte("numbers: {}\n"), 0o644)
	s, err := LoadEdited(map[string][]byte{nums: []byte("numbers: {\"12065550100\": {primary_route: pbx}}\n")}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Numbers["12065550100"].PrimaryRoute; got != "pbx" {
		t.Errorf("the edited contents were not read: %+v", s.Numbers)
	}
	_, err = LoadEdited(map[string][]byte{nums: []byte("numbers: {\"12065550100\": {primary_route: nope}}\n")}, base, nums)
	if err == nil || !strings.Contains(err.Error(), "numbers.yaml:1") {
		t.Errorf("a bad edit: error %v, want one at numbers.yaml:1", err)
	}
}

// FuzzAddNumbers checks, for any file AddNumbers accepts, that the result parses, holds the
// numbers it held and the new ones after them, and is the file with the inserted text added.
func FuzzAddNumbers(f *testing.F) {
	for _, s := range []string{
		"numbers:\n  \"12065550100\": {}\n",
		"numbers: {\n  '12065550100': {a: b},\n}\n",
		"numbers: &n {x: [1, {y: \"}\"}]}\n",
		"numbers:\r\n  12065550100:\r\n    a: 'it''s'\r\n",
		"version: 1\n",
		"numbers: ~\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var probe yaml.Node
		if len(in) > 4096 || yaml.Unmarshal(in, &probe) != nil {
			return
		}
		e, err := NewEdit("in.yaml", in)
		if err != nil {
			return
		}
		before, ok := numbersKeys(in)
		if !ok {
			return
		}
		out, text, _, err := e.AddNumbers([]Entry{addA, addB})
		if err != nil {
			return
		}
		after, ok := numbersKeys(out)
		if !ok {
			t.Fatalf("the edited file does not parse as a numbers mapping:\n%q\n%q", in, out)
		}
		if want := append(before, addA.TN, addB.TN); !slices.Equal(after, want) {
			t.Fatalf("numbers %v, want %v\n%q\n%q", after, want, in, out)
		}
		if !strings.Contains(string(out), text) {
			t.Fatalf("inserted text %q missing from %q", text, out)
		}
	})
}

// numbersKeys returns the keys of data's numbers mapping; ok is false when data does not
// parse or its numbers is neither a mapping nor missing nor null.
func numbersKeys(data []byte) (keys []string, ok bool) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil, false
	}
	if len(doc.Content) == 0 {
		return nil, true
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, isNull(root)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "numbers" {
			continue
		}
		n := root.Content[i+1]
		if isNull(n) {
			return nil, true
		}
		if n.Kind != yaml.MappingNode {
			return nil, false
		}
		for j := 0; j+1 < len(n.Content); j += 2 {
			keys = append(keys, n.Content[j].Value)
		}
	}
	return keys, true
}

// BenchmarkAddNumbers measures adding 5 numbers to a file of 10,000, the edit alone and with
// the LoadEdited that checks it before it is written.
func BenchmarkAddNumbers(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("version: 1\nroutes:\n  pbx: {type: HOST, value: \"10.0.0.1\"}\nnumbers:\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "  # number %d\n  \"1206%07d\": {primary_route: pbx}\n", i, 2000000+i)
	}
	data := []byte(sb.String())
	add := []Entry{addA, addB, addC, {TN: "12065550104"}, {TN: "12065550105"}}
	b.Run("edit", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			e, err := NewEdit("big.yaml", data)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, _, err := e.AddNumbers(add); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/edit")
	})
	b.Run("edit+load", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "big.yaml")
		os.WriteFile(path, data, 0o644)
		for b.Loop() {
			e, _ := NewEdit(path, data)
			out, _, _, _ := e.AddNumbers(add)
			if _, err := LoadEdited(map[string][]byte{path: out}, path); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/edit")
	})
}
