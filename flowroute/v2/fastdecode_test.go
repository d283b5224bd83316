package v2

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fastSeeds are documents of the common shape and of every shape the fast path must hand on:
// quirks, duplicate members, case-folded and escaped names, bad syntax.
var fastSeeds = []string{
	`{"data":[{"attributes":{"alias":null,"cnam_lookups_enabled":false,"number_type":"standard","rate_center":"chicago","state":"il","value":"13122000000"},"id":"13122000000","links":{"self":"http://h/v2/numbers/13122000000"},"type":"number"}],"links":{"next":"http://h/v2/numbers?limit=1&offset=1","self":"http://h/v2/numbers?limit=1&offset=0"}}`,
	`{"data":[null,{"id":12065550100,"attributes":{"value":"1206555010","monthly_cost":1.25,"setup_cost":"0.5","cnam_lookups_enabled":"true"}}],"included":null}`,
	`{"data":{"id":"1","attributes":null,"relationships":{"primary_route":{"data":{"id":1,"type":"route"}},"failover_route":{"data":null}}},"included":[null,{"type":"route","id":"1","attributes":{"alias":"a","route_type":"HOST","value":"v"}}]}`,
	`{"data":[{"attributes":{"value":"1"},"attributes":{"alias":"x"}}]}`,
	`{"data":[{"Attributes":{"VALUE":"12065550100","Alias":"a\u00e9"}}],"DATA":[]}`,
	`{"data":[{"relationships":{"a":{}},"relationships":{"b":{}}},{"relationships":{"a":{}},"relationships":null}]}`,
	`{"data":[{"attributes":{"monthly_cost":1,"monthly_cost":null}},{"attributes":{"monthly_cost":null,"monthly_cost":"2"}}]}`,
	`{"included":[],"included":[],"data":[]}`,
	`{"links":{"self":"a"},"links":{"next":"b"},"links":null,"data":null}`,
	`{"data":[{"attributes":{"value":{}}}]}`, `{"data":[{"attributes":{"cnam_lookups_enabled":"maybe"}}]}`,
	`{"data":[{"attributes":{"monthly_cost":"1e400"}}]}`, `{"data":[{"attributes":"x"}]}`,
	`{"data":[{"id":[1]}]}`, `{"data":[1]}`, `{"data":"x"}`, `{"data":{}} x`, `{"data":[{}],}`,
	`{"d\u0061ta":[{}]}`, `{"data":[{"\u0061ttributes":{"value":"1"}}]}`, `{"data":[{"attributes":{"v\u0061lue":"1"}}]}`,
	`{"data":[{"attributes":{"value":"a\"b","alias":"\ud800"}}]}`, "{\"data\":[{\"id\":\"\xff\"}]}",
	`{"data":[{"links":"x"}]}`, `{"data":[{"links":{"self":1.5e3,"related":true}}]}`, `{"x":[[[[[[{"y":-0.5E+2}]]]]]],"data":[]}`,
	`{"data":{"relationships":{"a":null,"b":{"data":null},"c":{"data":[null,{"id":1},{"id":null},{"type":"x","id":"2","id":"3"}]},"d":{"DATA":{"Id":"4"},"x":[]},"e":{"data":"x"},"f":"x","g":{"data":[1]},"h":{"data":{"id":{}}},"i":{"data":[]},"j":{"data":{"id":"5"},"data":null}}}}`,
	`{"included":[{"type":"route","attributes":{"alias":"a","ROUTE_TYPE":"HOST","value":1,"edge_strategy":"2","edge_strategy_id":null}}],"data":null}`,
	`{"x":01}`, `{"x":1.}`, `{"x":tru}`, `{"x":"\x"}`, "{\"x\":\"\t\"}", `[]`, `{"data":[{"type":"number","type":null}]}`,
}

// plain is r without what only the fast path fills.
func plain(r *resource) *resource {
	if r == nil {
		return nil
	}
	c := *r
	c.members = nil
	return &c
}

// checkFast requires fastDocument, when it reads body, to read it as encoding/json does.
func checkFast(t *testing.T, body []byte) {
	t.Helper()
	fast, ok := fastDocument(body)
	slow, err := slowDocument(body)
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("%s: fast path read it, encoding/json says %v", body, err)
	}
	opt := cmp.Comparer(func(a, b *resource) bool { return cmp.Equal(plain(a), plain(b), cmp.AllowUnexported(resource{})) })
	if string(fast.Data) != string(slow.Data) || fast.Links != slow.Links || !cmp.Equal(fast.Included, slow.Included, opt) {
		t.Fatalf("%s: fast %+v, slow %+v", body, fast, slow)
	}
	for _, pair := range [][2]func(*document) (any, error){
		{func(d *document) (any, error) { return d.many() }, nil},
		{func(d *document) (any, error) { return d.one() }, nil},
	} {
		f, ferr := pair[0](fast)
		s, serr := pair[0](slow)
		if (ferr == nil) != (serr == nil) || ferr != nil && ferr.Error() != serr.Error() || !cmp.Equal(f, s, opt) {
			t.Fatalf("%s: fast %v %v, slow %v %v", body, f, ferr, s, serr)
		}
	}
	rs, _ := fast.many()
	if r, err := fast.one(); err == nil {
		rs = append(rs, r)
	}
	for _, r := range append(rs, fast.Included...) {
		if r == nil || r.members == nil {
			continue
		}
		sameAttrs[numberAttrs](t, r)
		sameAttrs[routeAttrs](t, r)
	}
	for _, r := range append(rs, fast.Included...) {
		if r == nil {
			continue
		}
		for name, raw := range r.Relationships {
			ids, ok := fastLinkage(raw)
			want, err := slowLinkage(name, raw)
			if ok && (err != nil || !cmp.Equal(ids, want)) {
				t.Fatalf("relationship %s %s: fast %q, slow %q %v", name, raw, ids, want, err)
			}
		}
	}
}

// sameAttrs requires r's attributes to read the same into an A from the fast path's members
// as with encoding/json.
func sameAttrs[A any, P interface {
	*A
	memberSetter
}](t *testing.T, r *resource) {
	t.Helper()
	var a, b A
	ferr := r.attrs(P(&a))
	serr := plain(r).attrs(P(&b))
	if (ferr == nil) != (serr == nil) || ferr != nil && ferr.Error() != serr.Error() || ferr == nil && !cmp.Equal(a, b) {
		t.Fatalf("%s: attributes fast %+v %v, slow %+v %v", r.Attributes, a, ferr, b, serr)
	}
}

func fastCorpus(tb testing.TB) [][]byte {
	var out [][]byte
	files, err := filepath.Glob(filepath.Join("testdata", "docs", "*.json*"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			out = append(out, []byte(line))
		}
		out = append(out, data)
	}
	for _, s := range fastSeeds {
		out = append(out, []byte(s))
	}
	return out
}

// TestFastDocumentAgrees checks the fast path against encoding/json on the recorded
// documents and the seeds, and that it reads the common shape at all.
func TestFastDocumentAgrees(t *testing.T) {
	for _, body := range fastCorpus(t) {
		checkFast(t, body)
	}
	if _, ok := fastDocument([]byte(fastSeeds[0])); !ok {
		t.Error("the fast path does not read a page of numbers")
	}
	for raw, want := range map[string][]string{
		`{"data":[null,{"id":1},{"id":null},{"type":"route","id":"2"}]}`: {"1", "2"},
		`{"data":{"id":"0","type":"route"}}`:                             {"0"},
		`{"data":null}`:                                                  nil,
		`null`:                                                           nil,
	} {
		if ids, ok := fastLinkage([]byte(raw)); !ok || !cmp.Equal(ids, want) {
			t.Errorf("fastLinkage(%s) = %q, %v; want %q", raw, ids, ok, want)
		}
	}
}

// FuzzFastDocument: whatever the fast path reads, it reads as encoding/json does.
func FuzzFastDocument(f *testing.F) {
	for _, body := range fastCorpus(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkFast(t, body) })
}
