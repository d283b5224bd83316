package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// v2c is a raw v2 client: it sends requests the way the SDKs do, with Basic auth and the
// content type the test names, so that the tests are the contract an independent client
// is run against.
type v2c struct {
	t              *testing.T
	base           string // "http://127.0.0.1:PORT"
	access, secret string
}

// startV2 serves a new sandbox with the fixed clock and returns it and a v2 client.
func startV2(t *testing.T, opts Options) (*Server, *v2c) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	if opts.InventorySize == 0 {
		opts.InventorySize = 500
	}
	s, base := newTestServer(t, opts)
	return s, &v2c{t: t, base: base, access: DefaultAccessKey, secret: DefaultSecretKey}
}

// do sends body with the JSON:API content type when there is one.
func (c *v2c) do(method, path, body string) reply {
	c.t.Helper()
	ct := ""
	if body != "" {
		ct = mediaType
	}
	return c.send(method, path, ct, body, nil)
}

// send sends a request with the given content type ("" for none) and extra headers.
func (c *v2c) send(method, path, ct, body string, header http.Header) reply {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Accept", mediaType)
	if c.access != "" || c.secret != "" {
		req.SetBasicAuth(c.access, c.secret)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// wantV2 checks a v2 answer: the status, the exact body (JSON compared after normalising,
// the UUIDs of errors checked and then left out) and the content type of a body.
func (r reply) wantV2(t *testing.T, status int, body string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	if r.body != "" && r.header.Get("Content-Type") != mediaType {
		t.Errorf("Content-Type %q, want %q", r.header.Get("Content-Type"), mediaType)
	}
	if got, want := stripErrorIDs(t, r.body, status), normJSON(t, body); got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
}

// stripErrorIDs normalises a body and drops the id of each error after checking that it is
// a UUID and that the error's status is the HTTP status.
func stripErrorIDs(t *testing.T, body string, status int) string {
	t.Helper()
	var v map[string]any
	if json.Unmarshal([]byte(body), &v) != nil {
		return normJSON(t, body)
	}
	if errs, ok := v["errors"].([]any); ok {
		for _, e := range errs {
			m := e.(map[string]any)
			if id, _ := m["id"].(string); !uuidRE.MatchString(id) {
				t.Errorf("error id %q is not a UUID", m["id"])
			}
			if m["status"] != float64(status) {
				t.Errorf("error status %v, want %d", m["status"], status)
			}
			delete(m, "id")
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// errBody is the expected envelope of one error, without its id.
func errBody(status int, title, detail string) string {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"detail": detail, "status": status, "title": title}}})
	return string(b)
}

// fieldErrBody is the expected envelope of a field-validation 422.
func fieldErrBody(field, msg string) string {
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"detail": map[string]any{"data": map[string]any{"attributes": map[string]any{field: []string{msg}}}},
		"status": 422, "title": "Unprocessable Entity"}}})
	return string(b)
}

// field reads a dotted path ("data.attributes.alias", "data.0.id") of a JSON body.
func (r reply) field(t *testing.T, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, d := range k {
				i = i*10 + int(d-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// wantStatus checks the status only.
func (r reply) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d (body %s)", r.status, status, r.body)
	}
}
