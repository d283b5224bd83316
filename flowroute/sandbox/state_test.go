package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatePersists(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	_, c := start(t, Options{Seed: 9, InventorySize: 2000, StatePath: path})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("a new server does not create its state file: %v", err)
	}
	c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1:5060"}`).want(t, 201, "")
	c.do("PUT", "/v1/tns/12067439178", `{"billing_method":"METERED"}`).want(t, 201, "")
	c.do("PUT", "/v1/tns/12062092844", `{"billing_method":"METERED"}`).want(t, 201, "")
	c.do("PATCH", "/v1/tns/12062092844", `{"routes":[{"name":"pbx"},{"name":"sip-reg"}]}`).want(t, 204, "")
	c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1:5060"}`).want(t, 409, `{"error":"Route name already exists."}`)
	before := []reply{
		c.do("GET", "/v1/tns/", ""),
		c.do("GET", "/v1/routes/", ""),
		c.do("GET", "/v1/available-tns/tns/?npa=206&limit=200", ""),
		c.do("GET", "/v1/available-tns/npas/?limit=200", ""),
	}

	// Another server on the same file, with other options, sees the same account and inventory.
	s2, c2 := start(t, Options{Seed: 1, InventorySize: 50000, StatePath: path})
	after := []reply{
		c2.do("GET", "/v1/tns/", ""),
		c2.do("GET", "/v1/routes/", ""),
		c2.do("GET", "/v1/available-tns/tns/?npa=206&limit=200", ""),
		c2.do("GET", "/v1/available-tns/npas/?limit=200", ""),
	}
	for i := range before {
		if before[i].body != after[i].body {
			t.Errorf("request %d differs after reload:\n%s\n%s", i, before[i].body, after[i].body)
		}
	}
	got := s2.Audit()
	var brief []string
	for _, e := range got {
		if !e.Time.Equal(clock) {
			t.Errorf("audit time %v, want %v", e.Time, clock)
		}
		brief = append(brief, fmt.Sprintf("%s %s %s %d", e.Method, e.Path, e.Body, e.Status))
	}
	want := []string{
		`PUT /v1/routes/pbx {"type":"HOST","value":"10.0.0.1:5060"} 201`,
		`PUT /v1/tns/12067439178 {"billing_method":"METERED"} 201`,
		`PUT /v1/tns/12062092844 {"billing_method":"METERED"} 201`,
		`PATCH /v1/tns/12062092844 {"routes":[{"name":"pbx"},{"name":"sip-reg"}]} 204`,
		`PUT /v1/routes/pbx {"type":"HOST","value":"10.0.0.1:5060"} 409`,
	}
	if diff := cmp.Diff(want, brief); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("files left beside the state: %v", entries)
	}
}

func TestAuditRecordsEveryWrite(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 1})
	c.do("GET", "/v1/tns/", "")
	bad := *c
	bad.secret = "wrong"
	bad.do("PUT", "/v1/tns/12067439178", `{"billing_method":"METERED"}`)
	c.do("PATCH", "/v1/tns/12067439178", `{"routes":[]}`)
	c.do("DELETE", "/v1/tns/12067439178", "")
	got := s.Audit()
	want := []AuditEntry{
		{Time: clock, Method: "PUT", Path: "/v1/tns/12067439178", Body: `{"billing_method":"METERED"}`, Status: 401},
		{Time: clock, Method: "PATCH", Path: "/v1/tns/12067439178", Body: `{"routes":[]}`, Status: 400},
		{Time: clock, Method: "DELETE", Path: "/v1/tns/12067439178", Status: 405},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	got[0].Status = 0
	if s.Audit()[0].Status != 401 {
		t.Error("Audit returns the server's own slice")
	}
}

func TestCorruptStateFileIsAnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"truncated.json": `{"format":1,"seed":1,"inventory_size":100,"inventory_version":1,"routes":[`,
		"garbage.json":   "not json",
		"unknown.json":   `{"format":1,"seed":1,"inventory_size":100,"inventory_version":1,"routes":[],"numbers":[],"audit":[],"extra":1}`,
		"format.json":    `{"format":2,"seed":1,"inventory_size":100,"inventory_version":1,"routes":[],"numbers":[],"audit":[]}`,
		"badroute.json":  `{"format":1,"seed":1,"inventory_size":100,"inventory_version":1,"routes":[{"name":"x","type":"PSTN","value":"1"}],"numbers":[],"audit":[]}`,
		"badtn.json":     `{"format":1,"seed":1,"inventory_size":100,"inventory_version":1,"routes":[],"numbers":[{"billing_method":"METERED","routes":["sip-reg","sip-reg"],"tns":["123"]}],"audit":[]}`,
		"noroute.json":   `{"format":1,"seed":1,"inventory_size":100,"inventory_version":1,"routes":[],"numbers":[{"billing_method":"METERED","routes":["pbx","sip-reg"],"tns":["12065550100"]}],"audit":[]}`,
		"empty.json":     ``,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{StatePath: path})
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("%s: the corrupt file was changed", name)
		}
	}
}

func TestFlushWritesDirectlyAddedState(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := New(Options{Seed: 2, InventorySize: 100, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddRoute(Route{Name: "pbx", Type: "URI", Value: "sip:a@example.com"}); err != nil {
		t.Fatal(err)
	}
	for _, tn := range []string{"13125550199", "13125550100"} {
		if err := s.AddOwnedNumber(Number{TN: tn, Primary: "pbx", Failover: "pbx"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s2, err := New(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.st.sortedTNs(); !cmp.Equal(got, []string{"13125550100", "13125550199"}) {
		t.Errorf("reloaded numbers %v", got)
	}
	if r := s2.st.routeNamed("pbx"); r == nil || (Route{Name: r.alias, Type: v1Type(r.typ), Value: r.value}) != (Route{Name: "pbx", Type: "URI", Value: "sip:a@example.com"}) {
		t.Errorf("reloaded route %+v", r)
	}
}

func TestWriteThatCannotBeSavedIsUndone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s, c := start(t, Options{Seed: 1, InventorySize: 100, StatePath: path})
	// A directory where the state file should be makes the rename fail.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	c.do("PUT", "/v1/tns/12067439178", `{"billing_method":"METERED"}`).want(t, 500, `{"error":"Sandbox could not save its state."}`)
	c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1"}`).want(t, 500, `{"error":"Sandbox could not save its state."}`)
	c.do("GET", "/v1/tns/", "").want(t, 200, `{}`)
	c.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
	if got := s.Audit(); len(got) != 2 || got[0].Status != 500 || got[0].Note != noteNotSaved {
		t.Errorf("audit %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
