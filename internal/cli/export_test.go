package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
