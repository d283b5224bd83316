package sandbox_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
)

// rawV2 sends body to the sandbox's v2 face with Basic auth and the JSON:API type, and
// returns the status and the body.
func rawV2(t *testing.T, sb *sandboxtest.Server, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, sb.V2+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestE911DocExampleCannotBeGeocoded: the PY-README's validate_address example (a Seattle,
// WA address with country "CA" and zip "98101") answers the documented 400, not a 422 for a
// zip that is no Canadian postal code; the other country's address in the other direction too.
func TestE911DocExampleCannotBeGeocoded(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{InventorySize: 100})
	for _, a := range []struct{ state, country, zip string }{{"WA", "CA", "98101"}, {"ON", "US", "M4C 5K7"}, {"ON", "USA", "M4C5K7"}} {
		body := `{"data":{"type":"e911","attributes":{"label":"Test Address","first_name":"Chris","last_name":"Smith","street_name":"3rd Ave",` +
			`"street_number":"1182","city":"Seattle","state":"` + a.state + `","country":"` + a.country + `","zip":"` + a.zip + `"}}}`
		for _, path := range []string{"/e911s/validate", "/e911s"} {
			status, got := rawV2(t, sb, "POST", path, body)
			if status != 400 || !strings.Contains(got, `"detail":"Could not geocode this address. Please check the validity of your address."`) ||
				!strings.Contains(got, `"title":"Client Error"`) {
				t.Errorf("POST %s with %v: %d %s, want the geocode 400", path, a, status, got)
			}
		}
	}
	// A zip of the wrong form in the address's own country is still the field's 422.
	status, got := rawV2(t, sb, "POST", "/e911s/validate", `{"data":{"type":"e911","attributes":{"label":"x","first_name":"a","last_name":"b",`+
		`"street_name":"3rd Ave","street_number":"1","city":"Seattle","state":"WA","country":"US","zip":"9"}}}`)
	if status != 422 || !strings.Contains(got, `"zip":[`) {
		t.Errorf("a bad US zip: %d %s, want 422 naming zip", status, got)
	}
}

// TestMessagingEnabledStaysFalse: a purchase or PATCH with messaging_enabled true answers
// with attributes.messaging_enabled false beside the message_provisioning_status (§9.14), and
// with it false when messaging is down (207); a request without messaging leaves it out, as
// the v2.0 examples do.
func TestMessagingEnabledStaysFalse(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{InventorySize: 100})
	_, avail := rawV2(t, sb, "GET", "/numbers/available?limit=3", "")
	var tns []string
	for _, part := range strings.Split(avail, `"value":"`)[1:] {
		tns = append(tns, part[:11])
	}
	if len(tns) != 3 {
		t.Fatalf("inventory: %s", avail)
	}
	for _, c := range []struct {
		method, path, body string
		status             int
		want               bool
	}{
		{"POST", "/numbers/" + tns[0], `{"messaging_enabled":true}`, 201, true},
		{"POST", "/numbers/" + tns[1], ``, 201, false},
		{"PATCH", "/numbers/" + tns[1], `{"type":"number","messaging_enabled":"true"}`, 200, true},
		{"PATCH", "/numbers/" + tns[1], `{"type":"number","alias":"x"}`, 200, false},
		{"POST", "/numbers/" + tns[2], `{"messaging_enabled":false}`, 201, false},
	} {
		status, got := rawV2(t, sb, c.method, c.path, c.body)
		if status != c.status || strings.Contains(got, `"messaging_enabled":false`) != c.want || strings.Contains(got, `"messaging_enabled":true`) {
			t.Errorf("%s %s %s: %d %s; want %d, messaging_enabled false shown: %v", c.method, c.path, c.body, status, got, c.status, c.want)
		}
	}
	sb.SetFaults(sandbox.Faults{MessagingDown: true})
	if status, got := rawV2(t, sb, "PATCH", "/numbers/"+tns[2], `{"type":"number","messaging_enabled":true}`); status != 207 || !strings.Contains(got, `"messaging_enabled":false`) {
		t.Errorf("messaging down: %d %s, want 207 with messaging_enabled false", status, got)
	}
}
