package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// TestExportWarnsAboutWhatASpecCannotSay: a real account may hold a route whose name or type
// the spec language refuses. Export still writes the account as it is, and warns on stderr
// which entries must be edited before the file validates.
func TestExportWarnsAboutWhatASpecCannotSay(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/routes/":
			w.Write([]byte(`{"routes":{"My PBX":{"type":"HOST","value":"24.239.23.40"},"pbx":{"type":"HOST","value":"24.239.23.40:5060"},"sip-reg":{"type":"SIP-REG","value":null}}}`))
		default:
			w.Write([]byte(`{}`))
		}
	}))
	t.Cleanup(srv.Close)

	var out, errb bytes.Buffer
	code := run([]string{"--endpoint", srv.URL + "/v1", "--access-key", "a", "--secret-key", "s", "export"}, &out, &errb)
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), `My PBX`) || !strings.Contains(out.String(), "pbx:") {
		t.Errorf("export left routes out:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "Warning: the account holds 1 thing that a spec cannot express") ||
		!strings.Contains(errb.String(), `"My PBX"`) {
		t.Errorf("stderr does not name the route to edit:\n%s", errb.String())
	}

	// An account the spec language can say in full exports without a warning.
	out.Reset()
	errb.Reset()
	clean := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(clean.Close)
	if code := run([]string{"--endpoint", clean.URL + "/v1", "--access-key", "a", "--secret-key", "s", "export"}, &out, &errb); code != 0 || errb.Len() != 0 {
		t.Errorf("export of an empty account: exit %d, stderr %q", code, errb.String())
	}
}

// TestExportIsInTheCanonicalLayout: what export writes is what fmt would write, so that
// `export --out n.yaml && fmt --check n.yaml` passes: on a v2 account with routes (of names of
// different lengths), numbers with v2 fields, an E911 address and a callback.
func TestExportIsInTheCanonicalLayout(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	mustCLI(t, state, 0, "--api", "v2", "apply", "-f", "../../examples/v2.yaml", "--auto-approve")
	out := filepath.Join(t.TempDir(), "n.yaml")
	mustCLI(t, state, 0, "--api", "v2", "export", "--out", out)
	code, stdout, stderr := runCLI(t, "fmt", "--check", out)
	if code != 0 || stdout != "" || stderr != "" {
		exported, _ := os.ReadFile(out)
		t.Errorf("fmt --check of the export: exit %d, stdout %q, stderr %q\n%s", code, stdout, stderr, exported)
	}
	for _, want := range []string{"alias: \"Front desk\"", "e911_addresses:", "sms_callback:"} {
		if exported, _ := os.ReadFile(out); !strings.Contains(string(exported), want) {
			t.Errorf("the export lacks %q:\n%s", want, exported)
		}
	}
}

// TestWriteIsCanonical: spec.Write, which export writes through, writes what fmt keeps, for
// values that need quoting and escaping, defaults and a policy too.
func TestWriteIsCanonical(t *testing.T) {
	t.Parallel()
	yes := true
	s := &spec.Spec{
		Version:  1,
		Defaults: spec.Defaults{FailoverRoute: "sip-reg", Messaging: &spec.Messaging{SMSDLRCallback: "https://hooks.example.com/dlr"}},
		Routes: map[string]spec.Route{
			"true": {Type: spec.RouteHost, Value: "10.0.0.1"}, "a-much-longer-name": {Type: spec.RouteURI, Value: "sip:a@b.example.com", EdgeStrategy: "4"},
		},
		Numbers: map[string]spec.Number{
			"12065550100": {PrimaryRoute: "true", Alias: "Café \"Ünïcode\" 日本 😀\ttab", CNAMLookups: &yes, CNAM: "O'BRIEN & CO."},
			"12065550101": {},
		},
		E911Addresses: map[string]spec.E911Address{"hq": {FirstName: "Zoë", LastName: "Ng", StreetNumber: "1", StreetName: "Main St", City: "Montréal", State: "QC", Country: "CA", Zip: "H2X 1Y4"}},
		Policy: spec.Policy{Unmanaged: spec.UnmanagedError, MaxPurchases: 3, MaxUpdatePercent: 50, MaxRouteDeletes: 2,
			Acknowledge: []string{"sha256:" + strings.Repeat("0", 64)}},
	}
	var b bytes.Buffer
	if err := spec.Write(&b, s, "header\n\nmore"); err != nil {
		t.Fatal(err)
	}
	formatted, err := formatSpec(b.Bytes())
	if err != nil || !bytes.Equal(formatted, b.Bytes()) {
		t.Errorf("fmt changes what Write writes (%v):\n%s\nfmt:\n%s", err, b.Bytes(), formatted)
	}
}
