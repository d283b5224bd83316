package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// schemaCannot is the short list of rules that Load checks and the JSON Schema cannot express,
// each with the specs under testdata/specs/bad that break only such a rule: the schema sees
// one file as JSON, so it knows neither the other files, nor YAML's duplicate keys, nor which
// routes are declared. TestSchemaAgreesWithLoader requires the schema to accept exactly these
// bad specs, so that the list stays true.
var schemaCannot = map[string][]string{
	"a reference names a declared route or E911 address": {
		"undeclared-default-route.yaml", "undeclared-route.yaml", "defaults-per-file", "v2-e911-reference.yaml",
	},
	"a reference names a declared pool or parking route, and a number is kept or retired, not both": {
		"pool-references.yaml",
	},
	"a file is one YAML document with at most one byte-order mark (YAML, before any JSON)": {
		"double-bom.yaml", "multi-document.yaml",
	},
	"a key, route, number or policy field is written once (in a file, through merge keys, across files)": {
		"duplicate-field.yaml", "duplicate-number.yaml", "duplicate-route.yaml", "duplicate-number-merge.yaml",
		"duplicate-across-files", "policy-across-files", "e911-across-files",
	},
}

// exempt returns the rule that excuses a disagreement on the bad spec name, or "".
func exempt(name string) string {
	for rule, names := range schemaCannot {
		if slices.Contains(names, name) {
			return rule
		}
	}
	return ""
}

// compileSchema compiles Schema() with santhosh-tekuri/jsonschema, which reads patterns as
// RE2, as Go does; editors read them as ECMA-262, and the patterns keep to what both read.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// instance is the JSON that an editor's YAML language server validates for a spec file: the
// document with aliases and merge keys resolved, keys as written, scalars as YAML reads them.
// An error means there is no such JSON (a syntax error, a key that is no scalar, an alias
// bomb): the schema cannot accept the file either.
func instance(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	budget := len(data) + 1000
	return toJSON(doc.Content[0], &budget, 0)
}

func toJSON(n *yaml.Node, budget *int, depth int) (any, error) {
	if *budget--; *budget < 0 || depth > 1000 {
		return nil, errors.New("too many aliases")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return toJSON(n.Alias, budget, depth+1)
	case yaml.SequenceNode:
		list := []any{}
		for _, c := range n.Content {
			v, err := toJSON(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		m := map[string]any{}
		if err := mergeJSON(m, n, budget, depth); err != nil {
			return nil, err
		}
		return m, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("no JSON number: %s", n.Value)
		}
		if n.ShortTag() == "!!int" {
			var i int64
			if n.Decode(&i) == nil {
				return json.Number(fmt.Sprint(i)), nil
			}
		}
		return json.Number(fmt.Sprint(f)), nil
	}
	return n.Value, nil // strings, and timestamps and the like as written
}

// mergeJSON adds the entries of mapping n to m: keys written win over merged ones, earlier
// merges over later ones; a duplicate key keeps its first value (JSON has no duplicates).
func mergeJSON(m map[string]any, n *yaml.Node, budget *int, depth int) error {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		for k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
			return errors.New("a key that is no string")
		}
		if _, dup := m[k.Value]; dup {
			continue
		}
		val, err := toJSON(v, budget, depth+1)
		if err != nil {
			return err
		}
		m[k.Value] = val
	}
	for _, x := range merges {
		for x.Kind == yaml.AliasNode {
			x = x.Alias
		}
		list := []*yaml.Node{x}
		if x.Kind == yaml.SequenceNode {
			list = x.Content
		}
		for _, y := range list {
			for y.Kind == yaml.AliasNode {
				y = y.Alias
			}
			if y.Kind != yaml.MappingNode {
				return errors.New("a merge of no mapping")
			}
			if *budget--; *budget < 0 || depth > 100 {
				return errors.New("too many aliases")
			}
			if err := mergeJSON(m, y, budget, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// schemaVerdict validates each file of the spec name (a file or a directory) and returns the
// problems; none means the schema accepts every file. In a directory an empty file adds
// nothing, for the schema as for Load.
func schemaVerdict(sch *jsonschema.Schema, dir, name string) []string {
	files := []string{name}
	if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
		files = nil
		entries, _ := os.ReadDir(filepath.Join(dir, name))
		for _, e := range entries {
			if ext := path.Ext(e.Name()); ext == ".yaml" || ext == ".yml" {
				files = append(files, path.Join(name, e.Name()))
			}
		}
	}
	var problems []string
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		v, err := instance(data)
		switch {
		case err != nil:
			problems = append(problems, f+": no JSON: "+err.Error())
		case v == nil && len(files) > 1:
			// an empty file among others
		default:
			if err := sch.Validate(v); err != nil {
				problems = append(problems, f+": "+strings.ReplaceAll(err.Error(), "\n", " "))
			}
		}
	}
	return problems
}

// TestSchemaAgreesWithLoader runs every good and bad spec under testdata through the JSON
// Schema and requires the loader's verdict, except for the rules in schemaCannot.
func TestSchemaAgreesWithLoader(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	for _, dir := range []string{goodDir, badDir} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.IsDir() && !strings.HasSuffix(name, ".yaml") {
				continue
			}
			_, loadErr := loadIn(dir, name)
			problems := schemaVerdict(sch, dir, name)
			rule := exempt(name)
			switch {
			case dir == badDir && rule != "" && len(problems) > 0:
				t.Errorf("%s is listed as breaking only %q, but the schema refuses it: %s", name, rule, problems)
			case dir == badDir && rule != "":
			case loadErr == nil && len(problems) > 0:
				t.Errorf("%s: Load accepts it, the schema refuses it: %s", name, strings.Join(problems, "; "))
			case loadErr != nil && len(problems) == 0:
				t.Errorf("%s: Load refuses it, the schema accepts it:\n%v", name, loadErr)
			}
		}
	}
}

// TestSchemaRouteValues compares the verdicts route by route, for every route value written
// under testdata (a bad spec holds many, and one refused would hide the others), and a few
// more at the edges of the rules.
func TestSchemaRouteValues(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	type route struct{ typ, value string }
	routes := []route{
		{RouteHost, "255.255.255.255"}, {RouteHost, "256.1.1.1"}, {RouteHost, "01.2.3.4"}, {RouteHost, "1.2.3"},
		{RouteHost, "1.2.3.4."}, {RouteHost, "a.b-c"}, {RouteHost, "1-2"}, {RouteHost, "x:65536"}, {RouteHost, "x:00"},
		{RouteHost, "::"}, {RouteHost, "::ffff:1.2.3.4"}, {RouteHost, "1:2:3:4:5:6:7:8"}, {RouteHost, "1:2:3:4:5:6:7:8:9"},
		{RouteHost, "1::2::3"}, {RouteHost, "[::1]"}, {RouteHost, "[::1]:1"}, {RouteHost, "a.-b"}, {RouteHost, "a."},
		{RouteURI, "sip:a@[::1]"}, {RouteURI, "sip:a@b:5060;transport=udp"}, {RouteURI, "sip:a%2f@b"}, {RouteURI, "sip:@b"},
		{RoutePSTN, "12065550100"}, {RoutePSTN, "1206555010"},
	}
	for _, dir := range []string{goodDir, badDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			var doc struct {
				Routes map[string]struct{ Type, Value any }
			}
			if yaml.Unmarshal(data, &doc) != nil {
				continue
			}
			for _, r := range doc.Routes {
				typ, ok1 := r.Type.(string)
				value, ok2 := r.Value.(string)
				if ok1 && ok2 && slices.Contains([]string{RouteHost, RoutePSTN, RouteURI}, typ) {
					routes = append(routes, route{typ, value})
				}
			}
		}
	}
	for _, r := range routes {
		data := fmt.Sprintf("routes:\n  r: {type: %s, value: %s}\n", r.typ, doubleQuote(r.value))
		_, loadErr := Parse("route.yaml", []byte(data))
		v, err := instance([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		schemaErr := sch.Validate(v)
		if (loadErr == nil) != (schemaErr == nil) {
			t.Errorf("%s %q: Load says %v, the schema says %v", r.typ, r.value, loadErr, schemaErr)
		}
	}
}
