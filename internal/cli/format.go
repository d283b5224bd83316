package cli

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/userfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/views"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// showCmd renders a plan saved by 'plan --out', as plan prints one.
type showCmd struct {
	PlanFile string `arg:"" name:"planfile" type:"path" help:"A plan saved by 'plan --out'."`
	Format   string `enum:"text,json,markdown" default:"text" help:"Output format: text, json or markdown."`
}

func (c *showCmd) Run(g *Globals) error {
	f, err := plan.LoadFile(c.PlanFile)
	if err != nil {
		return err
	}
	return views.Plan(g.stdout, f.Plan, c.Format, g.color())
}

// fmtCmd rewrites spec files in the canonical layout, keeping their comments, so that diffs in
// review show changes, not layout.
type fmtCmd struct {
	Check bool     `help:"Change nothing: list the files that would change and exit 1 when there are any."`
	Files []string `arg:"" name:"spec" help:"Spec files, or directories of *.yaml and *.yml files."`
}

func (c *fmtCmd) Run(g *Globals) error {
	files, err := specFiles(c.Files)
	if err != nil {
		return err
	}
	var changed []string
	failed := false
	for _, name := range files {
		data, err := userfile.Read(name, spec.MaxFileSize)
		if err != nil {
			fmt.Fprintf(g.stderr, "Error: %v\n", err)
			failed = true
			continue
		}
		out, err := formatSpec(data)
		if err != nil {
			fmt.Fprintf(g.stderr, "Error: %s: %v\n", name, err)
			failed = true
			continue
		}
		if bytes.Equal(out, data) {
			continue
		}
		changed = append(changed, name)
		if !c.Check {
			fi, err := os.Stat(name)
			if err == nil {
				err = atomicfile.Write(name, out, fi.Mode().Perm())
			}
			if err != nil {
				fmt.Fprintf(g.stderr, "Error: %v\n", err)
				failed = true
				continue
			}
		}
		fmt.Fprintln(g.stdout, name)
	}
	if failed || (c.Check && len(changed) > 0) {
		if c.Check && len(changed) > 0 {
			fmt.Fprintf(g.stderr, "%s not in the canonical layout: run flowroute-numbers fmt on %s.\n",
				nounCount(len(changed), "file"), map[bool]string{true: "it", false: "them"}[len(changed) == 1])
			annotateLayout(g, changed)
		}
		return exitCode(1)
	}
	return nil
}

// annotateLayout prints, under GitHub Actions, an error annotation on each file out of the
// canonical layout, so that a pull request shows it on the file.
func annotateLayout(g *Globals, files []string) {
	if !inGitHubActions() {
		return
	}
	var diags []plan.Diagnostic
	for _, f := range files {
		diags = append(diags, plan.Diagnostic{Severity: plan.Error, Pos: spec.Pos{File: f},
			Message: f + " is not in the canonical layout: run flowroute-numbers fmt on it and commit the result"})
	}
	views.Annotations(g.stderr, diags)
}

// specFiles lists the spec files that the arguments name, as Load reads them (spec.Files):
// a directory stands for its *.yaml and *.yml files, in name order.
func specFiles(args []string) ([]string, error) { return spec.Files(args...) }

// The canonical order of keys, as the spec's reference lists them. A key not listed (a typo,
// a key of a newer version) keeps its place after the known ones; a merge key (<<) comes first.
var (
	topOrder       = spec.Canonical.Top
	routeOrder     = spec.Canonical.Route
	numberOrder    = spec.Canonical.Number
	messagingOrder = spec.Canonical.Messaging
	e911Order      = spec.Canonical.E911
	policyOrder    = spec.Canonical.Policy
)

// formatSpec returns the spec file data in the canonical layout: top-level keys, and the keys
// inside each entry, in the reference's order; routes, numbers and emergency addresses sorted
// by key; number keys double-quoted; an entry of scalars on one line in flow style; two-space
// indentation; comments kept with the keys they belong to. It refuses (leaving the file as it
// is) when the result would not read back as the same data, as when sorting would move an
// alias before its anchor. A file that is empty or only comments is returned unchanged.
func formatSpec(data []byte) ([]byte, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not valid YAML, so left as it is (flowroute-numbers validate says where): %w", err)
		}
		docs = append(docs, &n)
	}
	if len(docs) == 0 || len(docs) == 1 && len(docs[0].Content) == 0 {
		return data, nil
	}
	for _, d := range docs {
		if len(d.Content) > 0 {
			canonicalTop(d.Content[0])
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("formatting: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("formatting: %w", err)
	}
	same, err := sameData(data, b.Bytes())
	if err != nil || !same {
		return nil, errors.New("the canonical layout would change what the file says (an alias used before its anchor once sorted?), so it is left as it is")
	}
	return b.Bytes(), nil
}

func canonicalTop(root *yaml.Node) {
	if root.Kind != yaml.MappingNode {
		return
	}
	// The comment above the first key is often the file's header (the modeline): it stays at
	// the top when that key moves. Elsewhere comments travel with their keys.
	first := root.Content[0]
	orderKeys(root, topOrder, false)
	if now := root.Content[0]; now != first && first.HeadComment != "" {
		now.HeadComment = joinComments(first.HeadComment, now.HeadComment)
		first.HeadComment = ""
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if v.Kind != yaml.MappingNode {
			continue
		}
		switch k.Value {
		case "defaults":
			orderKeys(v, numberOrder, false)
			eachEntry(v, func(k, e *yaml.Node) {
				if k.Value == "messaging" {
					orderKeys(e, messagingOrder, false)
				}
			})
		case "routes":
			orderKeys(v, nil, true)
			eachEntry(v, func(_, e *yaml.Node) { orderKeys(e, routeOrder, false); flowEntry(e) })
		case "pools", "retired":
			canonicalPools(k.Value, v)
		case "numbers":
			orderKeys(v, nil, true)
			quoteNumberKeys(v)
			eachEntry(v, func(_, e *yaml.Node) {
				orderKeys(e, numberOrder, false)
				eachEntry(e, func(k, m *yaml.Node) {
					if k.Value == "messaging" {
						orderKeys(m, messagingOrder, false)
					}
				})
				flowEntry(e)
			})
		case "e911_addresses":
			orderKeys(v, nil, true)
			eachEntry(v, func(_, e *yaml.Node) { orderKeys(e, e911Order, false) })
		case "policy":
			orderKeys(v, policyOrder, false)
		}
	}
}

// eachEntry calls fn with each key of mapping m whose value is a mapping (not an alias: that
// is formatted where its anchor is).
func eachEntry(m *yaml.Node, fn func(key, val *yaml.Node)) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if v := m.Content[i+1]; v.Kind == yaml.MappingNode {
			fn(m.Content[i], v)
		}
	}
}

// orderKeys reorders the pairs of mapping m: a merge key first, then the keys of order in that
// order, then the others in their order, or sorted when byKey. Comments move with their keys.
func orderKeys(m *yaml.Node, order []string, byKey bool) {
	if m.Kind != yaml.MappingNode || len(m.Content) < 4 {
		return
	}
	type pair struct{ k, v *yaml.Node }
	pairs := make([]pair, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Value == "<<" && k.Tag == "!!merge" {
			k.Tag = "" // written <<, not !!merge <<
		}
		pairs = append(pairs, pair{m.Content[i], m.Content[i+1]})
	}
	rank := func(p pair) int {
		if p.k.Value == "<<" {
			return -1
		}
		if i := slices.Index(order, p.k.Value); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || !byKey {
			return c
		}
		return cmp.Compare(a.k.Value, b.k.Value)
	})
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}

func joinComments(a, b string) string {
	if b == "" {
		return a
	}
	return a + "\n" + b
}

// flowEntry writes an entry whose values are all scalars, and that holds no comments, in flow
// style on one line, as export writes it.
func flowEntry(e *yaml.Node) {
	for _, n := range e.Content {
		if n.Kind != yaml.ScalarNode || n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" {
			return
		}
	}
	e.Style = yaml.FlowStyle
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// sameData reports whether a and b hold the same YAML data: every document decoded, aliases
// resolved, mapping keys compared as text (a quoted number key is the key it was unquoted).
func sameData(a, b []byte) (bool, error) {
	da, err := decodeAll(a)
	if err != nil {
		return false, err
	}
	db, err := decodeAll(b)
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(da, db), nil
}

func decodeAll(data []byte) ([]any, error) {
	var out []any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, textKeys(v))
	}
}

// textKeys turns every mapping into a map keyed by the keys' text.
func textKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = textKeys(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fmt.Sprint(k)] = textKeys(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = textKeys(e)
		}
	}
	return v
}
