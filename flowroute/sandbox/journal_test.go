package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lines returns the lines of the state file, each without its newline, and what follows the
// last newline.
func lines(t *testing.T, path string) (full []string, rest string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(data), "\n")
	return parts[:len(parts)-1], parts[len(parts)-1]
}

// TestEachWriteAppendsOneRecord: a write appends a record of what it changed and leaves the
// snapshot as it was; a server started on the file sees every write.
func TestEachWriteAppendsOneRecord(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	_, c1, c2 := startBoth(t, Options{Seed: 4, InventorySize: 100, StatePath: path})
	before, _ := lines(t, path)
	if len(before) != 1 || !strings.HasPrefix(before[0], `{"format":3,`) {
		t.Fatalf("a new state file is not one snapshot line: %q", before)
	}
	c1.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1:5060"}`).want(t, 201, "")
	c2.do("POST", "/v2/numbers/12067439178", "").wantStatus(t, 201)
	c2.do("PATCH", "/v2/numbers/12067439178/relationships/primary_route", `{"data":{"type":"route","id":"100000"}}`).wantStatus(t, 204)
	c2.do("PATCH", "/v2/numbers/12067439178", `{"type":"number","alias":"front desk"}`).wantStatus(t, 200)
	c2.do("GET", "/v2/numbers/12067439178", "").wantStatus(t, 200) // a read writes nothing

	after, rest := lines(t, path)
	if len(after) != 5 || after[0] != before[0] || rest != "" {
		t.Fatalf("after 4 writes the file has %d lines (snapshot unchanged: %t), then %q", len(after), after[0] == before[0], rest)
	}
	want := []string{
		`{"next_ids":{"route":100001,"cnam":100000,"e911":100000},"routes":[{"id":100000,"name":"pbx","type":"host","value":"10.0.0.1:5060"}],"audit":[`,
		`{"numbers":[{"billing_method":"METERED","tns":["12067439178"]}],"audit":[`,
		`{"numbers":[{"billing_method":"METERED","primary":100000,"tns":["12067439178"]}],"audit":[`,
		`{"numbers":[{"billing_method":"METERED","primary":100000,"alias":"front desk","tns":["12067439178"]}],"audit":[`,
	}
	for i, w := range want {
		if !strings.HasPrefix(after[i+1], w) {
			t.Errorf("record %d:\n%s\nwant it to begin\n%s", i+1, after[i+1], w)
		}
	}

	_, c1b, c2b := startBoth(t, Options{StatePath: path})
	c1b.do("GET", "/v1/tns/12067439178", "").want(t, 200, `{"billing_method":"METERED","routes":[{"type":"HOST","name":"pbx"},{"type":"SIP-REG","name":"sip-reg"}]}`)
	if r := c2b.do("GET", "/v2/numbers/12067439178", ""); r.field(t, "data.attributes.alias") != "front desk" {
		t.Errorf("alias after reload: %s", r.body)
	}
}

// TestTornRecordIsIgnored: a record cut short by a crash (the last line, without its newline)
// was never acknowledged: loading skips it, and the next write replaces the file with a
// snapshot, so that no record is ever appended to a torn one.
func TestTornRecordIsIgnored(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	_, c := start(t, Options{Seed: 4, InventorySize: 100, StatePath: path})
	c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1:5060"}`).want(t, 201, "")
	appendFile(t, path, `{"routes":[{"id":100001,"name":"torn","type":"host","val`)

	s2, c2 := start(t, Options{StatePath: path})
	c2.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"pbx":{"type":"HOST","value":"10.0.0.1:5060"},"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
	c2.do("PUT", "/v1/routes/next", `{"type":"HOST","value":"10.0.0.2"}`).want(t, 201, "")
	if full, rest := lines(t, path); len(full) != 1 || rest != "" {
		t.Errorf("after a torn record, the next write left %d lines and %q, want one snapshot", len(full), rest)
	}
	if got := len(s2.Audit()); got != 2 {
		t.Errorf("audit has %d entries, want the 2 acknowledged writes", got)
	}
	_, c3 := start(t, Options{StatePath: path})
	c3.do("GET", "/v1/routes/", "").want(t, 200, `{"routes":{"next":{"type":"HOST","value":"10.0.0.2"},"pbx":{"type":"HOST","value":"10.0.0.1:5060"},"sip-reg":{"type":"SIP-REG","value":null}},"links":{}}`)
}

// TestBadRecordIsAnError: a whole line that is not a record is damage, not a crash: the file
// is refused, named with the line, and left as it is.
func TestBadRecordIsAnError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	_, c := start(t, Options{Seed: 4, InventorySize: 100, StatePath: path})
	c.do("PUT", "/v1/routes/pbx", `{"type":"HOST","value":"10.0.0.1:5060"}`).want(t, 201, "")
	for name, line := range map[string]string{
		"garbage":        "not json\n",
		"unknown field":  `{"routez":[]}` + "\n",
		"bad route":      `{"routes":[{"id":100000,"name":"pbx","type":"host","value":"not a host!"}]}` + "\n",
		"unknown number": `{"numbers":[{"billing_method":"METERED","primary":100099,"tns":["12065550100"]}]}` + "\n",
	} {
		dir := t.TempDir()
		bad := filepath.Join(dir, "state.json")
		data, _ := os.ReadFile(path)
		data = append(data, line...)
		if err := os.WriteFile(bad, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{StatePath: bad})
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
		if name == "garbage" && (err == nil || !strings.Contains(err.Error(), "line 3")) {
			t.Errorf("%s: error %v, want one naming line 3", name, err)
		}
		if got, _ := os.ReadFile(bad); !bytes.Equal(got, data) {
			t.Errorf("%s: the file was changed", name)
		}
	}
}

// TestJournalIsCompacted: once the journal outweighs the snapshot, a write replaces the file
// with a new snapshot, which holds everything.
func TestJournalIsCompacted(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	_, c := startV2(t, Options{Seed: 4, InventorySize: 100, StatePath: path})
	big := strings.Repeat("x", 200_000) // a route alias has no length limit
	most, compacted := 0, false
	for i := 0; i < 20 && !compacted; i++ {
		c.do("POST", "/v2/routes", routeBody("host", "10.0.0.1", big+string(rune('a'+i)))).wantStatus(t, 201)
		full, _ := lines(t, path)
		most = max(most, len(full))
		compacted = len(full) < most
	}
	if !compacted {
		t.Fatalf("after 20 writes of 400 kB each the journal has %d records and was never compacted", most-1)
	}
	s2, _ := startV2(t, Options{StatePath: path})
	if got := len(s2.st.names); got != most {
		t.Errorf("after reload %d routes, want %d", got, most)
	}
}

// TestFormat2IsMigratedOnFirstWrite: a file of format 2 (one JSON object, as the sandbox wrote
// it before the journal) loads as it is, and the first write replaces it with format 3,
// keeping the account and its audit log.
func TestFormat2IsMigratedOnFirstWrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	old := `{"format":2,"seed":1,"inventory_size":100,"inventory_version":1,` +
		`"next_ids":{"route":100001,"cnam":100001,"e911":100000},` +
		`"routes":[{"id":100000,"name":"pbx","type":"host","value":"10.0.0.1:5060"}],` +
		`"numbers":[{"billing_method":"METERED","primary":100000,"alias":"front","cnam":100000,"tns":["12065550100"]}],` +
		`"cnams":[{"id":100000,"value":"ACME","state":"approved","created":"2016-02-09T19:00:00Z","decided":"2016-02-09T19:10:00Z"}],` +
		`"audit":[{"time":"2016-02-09T19:00:00Z","method":"POST","path":"/v2/cnams","body":"{\"value\":\"ACME\"}","status":201}]}` + "\n"
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s, c := startV2(t, Options{StatePath: path})
	if r := c.do("GET", "/v2/numbers/12065550100", ""); r.field(t, "data.relationships.cnam_preset.data.id") != "100000" {
		t.Errorf("format 2 number: %s", r.body)
	}
	if data, _ := os.ReadFile(path); string(data) != old {
		t.Error("loading changed the file")
	}
	c.do("PATCH", "/v2/numbers/12065550100", `{"type":"number","alias":"back"}`).wantStatus(t, 200)
	full, rest := lines(t, path)
	if len(full) != 1 || rest != "" || !strings.HasPrefix(full[0], `{"format":3,`) {
		t.Fatalf("after the first write the file is %q %q, want one snapshot of format 3", full, rest)
	}
	if got := s.Audit(); len(got) != 2 || got[0].Path != "/v2/cnams" {
		t.Errorf("audit after migration: %+v", got)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
