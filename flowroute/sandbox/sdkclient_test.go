package sandbox_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSDKClientAgainstSandboxServe is the "independent client" of issue 10: it builds the
// real binary, runs `sandbox serve --addr 127.0.0.1:0 --state FILE --access-key AK
// --secret-key SK`, reads the v2 URL it prints, and then speaks raw HTTP exactly the way
// docs/flowroute-v2-api.md shows the public SDKs do (the Python SDK's headers, its
// relationship PATCH without a Content-Type and its form-encoded POST /cnams; Node's
// application/json; PHP's hand-built bodies with "id": null; GO-CJ's application/vnd.api+json;
// curl -u), walking the examples of §2–§7 in order and checking each status and body shape
// against the doc. It knows nothing of the sandbox's Go API.

const (
	sdkAccess = "AK-independent"
	sdkSecret = "SK-independent-secret"
)

// served is a running `sandbox serve` process.
type served struct {
	cmd    *exec.Cmd
	lines  chan string // stdout, line by line; closed at EOF
	stderr *strings.Builder
	v2     string // "http://127.0.0.1:PORT/v2"
}

// buildBinary builds the command into dir and returns its path; no go tool skips the test.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the binary with")
	}
	bin := filepath.Join(dir, "flowroute-numbers")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/flowroute-numbers/flowroute-numbers").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serve starts the binary on a free loopback port and waits for the URLs it prints.
func serve(t *testing.T, bin, state string) *served {
	t.Helper()
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", "127.0.0.1:0", "--state", state, "--access-key", sdkAccess, "--secret-key", sdkSecret)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, lines: make(chan string, 100), stderr: &strings.Builder{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // a test that failed before stop
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	// The first http://127.0.0.1:PORT/v2 URL printed, whatever the wording around it.
	v2Line := regexp.MustCompile(`(http://127\.0\.0\.1:\d+/v2)(?:[\s)(,.]|$)`)
	var seen []string
	// The deadline only guards against a server that never starts; nothing is timed.
	deadline := time.After(30 * time.Second)
	keys := "FLOWROUTE_ACCESS_KEY=" + sdkAccess + " FLOWROUTE_SECRET_KEY=" + sdkSecret
	keysSeen := false
	for s.v2 == "" || !keysSeen {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("sandbox serve ended before printing its v2 URL:\n%s\nstderr: %s", strings.Join(seen, "\n"), s.stderr)
			}
			seen = append(seen, line)
			if m := v2Line.FindStringSubmatch(line); m != nil && s.v2 == "" {
				s.v2 = m[1]
			}
			keysSeen = keysSeen || strings.Contains(line, keys)
		case <-deadline:
			t.Fatalf("sandbox serve printed no v2 URL or not the keys it was given (%s):\n%s", keys, strings.Join(seen, "\n"))
		}
	}
	return s
}

// stop interrupts the server, as Ctrl-C does, and requires a clean exit.
func (s *served) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for line := range s.lines {
		rest = append(rest, line)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("sandbox serve exited with %v; stderr: %s", err, s.stderr)
	}
	if !strings.Contains(strings.Join(rest, "\n"), "Sandbox stopped.") {
		t.Errorf("sandbox serve did not say it stopped: %q", rest)
	}
}

// sdk styles: the headers each client of the doc sends.
type style struct {
	name   string
	accept string // "" sends none
	ctype  string // Content-Type of a body; "" sends none
	ua     string
}

var (
	// PY-CTL: accept application/json, content-type application/json; charset=utf-8.
	python = style{"python", "application/json", "application/json; charset=utf-8", "Flowroute SDK v3.0"}
	// PY-CTL's relationship PATCH: the JSON string with no Content-Type.
	pythonRel = style{"python relationship", "application/json", "", "Flowroute SDK v3.0"}
	// NODE after commit da00b67.
	node = style{"node", "application/json", "application/json; charset=utf-8", "Flowroute SDK v3.0"}
	// PHP builds bodies by hand and sends them as JSON.
	php = style{"php", "application/json", "application/json; charset=utf-8", "Flowroute SDK v3.0"}
	// GO-CJ: vnd.api+json both ways.
	gocj = style{"go-cj", "application/vnd.api+json", "application/vnd.api+json", "Go-http-client/1.1"}
	// curl -u accessKey:secretKey -H 'Content-Type: application/vnd.api+json', as the DOC pages.
	curl = style{"curl", "*/*", "application/vnd.api+json", "curl/8.5.0"}
)

// sdkClient sends the requests and checks the answers; every failure names the step.
type sdkClient struct {
	t    *testing.T
	base string // ".../v2"
	root string // "http://127.0.0.1:PORT"
	hc   *http.Client
	step string
}

// answer is a response: status, headers, the raw body and its JSON.
type answer struct {
	status int
	header http.Header
	raw    string
	doc    any
}

// send sends body (a string, sent as it is) with the style's headers to path under root
// ("/v2/...", "/v2.1/...").
func (c *sdkClient) send(st style, method, path, body string, extra ...string) answer {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.root+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth(sdkAccess, sdkSecret)
	if st.accept != "" {
		req.Header.Set("Accept", st.accept)
	}
	if body != "" && st.ctype != "" {
		req.Header.Set("Content-Type", st.ctype)
	}
	req.Header.Set("User-Agent", st.ua)
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	return c.roundTrip(req)
}

func (c *sdkClient) roundTrip(req *http.Request) answer {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %s %s: %v", c.step, req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &a.doc); err != nil {
			c.t.Errorf("%s: %s %s: the body is not JSON: %v\n%s", c.step, req.Method, req.URL.Path, err, b)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.api+json" {
			c.t.Errorf("%s: %s %s: Content-Type %q, want application/vnd.api+json (PY-SPEC)", c.step, req.Method, req.URL.Path, ct)
		}
	}
	return a
}

// want checks the status; a 204 or 202-less answer with a body where none is due is an error.
func (c *sdkClient) want(a answer, status int) answer {
	c.t.Helper()
	if a.status != status {
		c.t.Fatalf("%s: status %d, want %d\n%s", c.step, a.status, status, a.raw)
	}
	if status == http.StatusNoContent && a.raw != "" {
		c.t.Errorf("%s: 204 with a body: %s", c.step, a.raw)
	}
	return a
}

// at reads the value at a dotted path ("data.0.attributes.value"); missing is a distinct value.
func at(doc any, path string) (any, bool) {
	v := doc
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// is requires the values at the paths: pairs of path and want, where want is a string, a
// float64, a bool, nil (JSON null), absent (the member missing) or a *regexp.Regexp a string
// must match.
func (c *sdkClient) is(a answer, pairs ...any) {
	c.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		path := pairs[i].(string)
		got, present := at(a.doc, path)
		switch want := pairs[i+1].(type) {
		case absentT:
			if present {
				c.t.Errorf("%s: %s is %#v, want it absent\n%s", c.step, path, got, a.raw)
			}
		case *regexp.Regexp:
			s, isStr := got.(string)
			if !isStr || !want.MatchString(s) {
				c.t.Errorf("%s: %s is %#v, want a string matching %s\n%s", c.step, path, got, want, a.raw)
			}
		case int:
			if f, isNum := got.(float64); !present || !isNum || f != float64(want) {
				c.t.Errorf("%s: %s is %#v, want the JSON number %d\n%s", c.step, path, got, want, a.raw)
			}
		default:
			if !present || got != want {
				c.t.Errorf("%s: %s is %#v (present %v), want %#v\n%s", c.step, path, got, present, want, a.raw)
			}
		}
	}
}

type absentT struct{}

var absent absentT

var (
	uuidV4   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	digits   = regexp.MustCompile(`^[0-9]+$`)
	tnRE     = regexp.MustCompile(`^1[2-9][0-9]{9}$`)
	cnamTime = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$`)
	rfc1123  = regexp.MustCompile(`^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$`)
)

// isError checks the §9.2 envelope: one error whose status is the HTTP code, a UUID id, the
// detail given (a string) and the title given ("" for any).
func (c *sdkClient) isError(a answer, status int, title, detail string) {
	c.t.Helper()
	c.want(a, status)
	c.is(a, "errors.0.status", status, "errors.0.id", uuidV4, "errors.1", absent)
	if detail != "" {
		c.is(a, "errors.0.detail", detail)
	}
	if title != "" {
		c.is(a, "errors.0.title", title)
	}
}

func (c *sdkClient) str(a answer, path string) string {
	c.t.Helper()
	v, _ := at(a.doc, path)
	s, ok := v.(string)
	if !ok {
		c.t.Fatalf("%s: %s is %#v, want a string\n%s", c.step, path, v, a.raw)
	}
	return s
}

func (c *sdkClient) length(a answer, path string) int {
	c.t.Helper()
	v, _ := at(a.doc, path)
	l, ok := v.([]any)
	if !ok {
		c.t.Fatalf("%s: %s is %#v, want an array\n%s", c.step, path, v, a.raw)
	}
	return len(l)
}

// isNumberDoc checks a §3.2 number document: the four relationships and links.
func (c *sdkClient) isNumberDoc(a answer, tn, primary string) {
	c.t.Helper()
	c.is(a, "data.type", "number", "data.id", tn, "data.attributes.value", tn,
		"data.links.self", c.base+"/numbers/"+tn, "links.self", c.base+"/numbers/"+tn,
		"data.relationships.primary_route.data.type", "route", "data.relationships.primary_route.data.id", primary,
		"data.attributes.rate_center", regexp.MustCompile(`^[a-z0-9]+$`), "data.attributes.state", regexp.MustCompile(`^[a-z]{2}$`),
		"data.attributes.number_type", regexp.MustCompile(`.`))
	for _, rel := range []string{"cnam_preset", "e911_address", "failover_route"} {
		if _, ok := at(a.doc, "data.relationships."+rel+".data"); !ok {
			c.t.Errorf("%s: relationships.%s.data missing\n%s", c.step, rel, a.raw)
		}
	}
}

func TestSDKClientAgainstSandboxServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	state := filepath.Join(dir, "state.json")
	srv := serve(t, bin, state)
	c := &sdkClient{t: t, base: srv.v2, root: strings.TrimSuffix(srv.v2, "/v2"), hc: &http.Client{Timeout: 10 * time.Second}}

	// §1.2, §9.1: auth first; curl -u with a wrong secret, and no auth at all.
	c.step = "§1.2 bad credentials"
	req, _ := http.NewRequest("GET", c.base+"/numbers", nil)
	req.SetBasicAuth(sdkAccess, "wrong")
	c.isError(c.roundTrip(req), 401, "Unauthorized", "Authentication failed.")
	req, _ = http.NewRequest("GET", c.base+"/no/such/path", nil)
	c.isError(c.roundTrip(req), 401, "Unauthorized", "Authentication failed.")
	req, _ = http.NewRequest("GET", c.base+"/numbers", nil)
	req.SetBasicAuth("sandbox-access-key", "sandbox-secret-key") // the default pair is not this server's
	c.isError(c.roundTrip(req), 401, "Unauthorized", "Authentication failed.")

	// §2.2 area codes (PY-README: max_setup_cost, limit=3).
	c.step = "§2.2 GET /numbers/available/areacodes"
	a := c.want(c.send(python, "GET", "/v2/numbers/available/areacodes?max_setup_cost=3.25&limit=3", ""), 200)
	c.is(a, "data.0.type", "areacode", "data.0.id", regexp.MustCompile(`^[2-9]\d\d$`),
		"links.self", c.base+"/numbers/available/areacodes?max_setup_cost=3.25&limit=3&offset=0",
		"links.next", c.base+"/numbers/available/areacodes?max_setup_cost=3.25&limit=3&offset=3")
	npa := c.str(a, "data.0.id")
	c.is(a, "data.0.links.related", c.base+"/numbers/available/exchanges?areacode="+npa)

	// §2.3 exchanges of that area code.
	c.step = "§2.3 GET /numbers/available/exchanges"
	a = c.want(c.send(node, "GET", "/v2/numbers/available/exchanges?areacode="+npa+"&limit=3", ""), 200)
	c.is(a, "data.0.type", "exchange", "data.0.id", regexp.MustCompile(`^`+npa+`\d\d\d$`),
		"links.self", c.base+"/numbers/available/exchanges?areacode="+npa+"&limit=3&offset=0")
	exchange := c.str(a, "data.0.id")
	c.is(a, "data.0.links.related", c.base+"/numbers/available?starts_with=1"+exchange)

	// §2.1 search: starts_with without the country code gets 1 prepended in the echo.
	c.step = "§2.1 GET /numbers/available (PY-README query)"
	a = c.want(c.send(python, "GET", "/v2/numbers/available?starts_with=646&contains=3&ends_with=7&limit=3", ""), 200)
	c.is(a, "links.self", c.base+"/numbers/available?contains=3&ends_with=7&starts_with=1646&limit=3&offset=0")
	c.step = "§2.1 GET /numbers/available"
	a = c.want(c.send(gocj, "GET", "/v2/numbers/available?starts_with="+exchange+"&limit=3", ""), 200)
	if n := c.length(a, "data"); n != 3 {
		t.Fatalf("%s: %d numbers, want 3 (the exchange's link promised numbers)", c.step, n)
	}
	c.is(a, "links.self", c.base+"/numbers/available?starts_with=1"+exchange+"&limit=3&offset=0")
	var tns []string
	for i := range 3 {
		p := fmt.Sprintf("data.%d.", i)
		tn := c.str(a, p+"id")
		tns = append(tns, tn)
		c.is(a, p+"type", "number", p+"attributes.value", tn, p+"links.related", c.base+"/numbers/"+tn,
			p+"attributes.state", regexp.MustCompile(`^[a-z]{2}$`), p+"attributes.rate_center", regexp.MustCompile(`.`),
			p+"attributes.number_type", regexp.MustCompile(`.`))
		for _, k := range []string{"monthly_cost", "setup_cost"} {
			if v, _ := at(a.doc, p+"attributes."+k); fmt.Sprintf("%T", v) != "float64" {
				t.Errorf("%s: %s is %#v, want a JSON number", c.step, k, v)
			}
		}
		if !tnRE.MatchString(tn) || !strings.HasPrefix(tn, "1"+exchange) {
			t.Errorf("%s: number %q does not start with 1%s", c.step, tn, exchange)
		}
	}
	tnA, tnB, tnC := tns[0], tns[1], tns[2]

	// §3.3 purchase: PY/NODE send no body; GO-CJ sends the flat fields.
	c.step = "§3.3 POST /numbers/{id} without a body (PY)"
	a = c.send(python, "POST", "/v2/numbers/"+tnA, "")
	if a.status != 201 && a.status != 200 {
		t.Fatalf("%s: status %d, want 201 (or 200, PY-README)\n%s", c.step, a.status, a.raw)
	}
	c.isNumberDoc(a, tnA, "0")
	c.is(a, "data.relationships.failover_route.data", nil, "data.relationships.cnam_preset.data", nil, "data.relationships.e911_address.data", nil,
		"data.attributes.alias", nil, "data.attributes.cnam_lookups_enabled", true,
		"included.0.type", "route", "included.0.id", "0", "included.0.attributes.alias", "sip-reg",
		"included.0.attributes.route_type", "sip-reg", "included.0.attributes.value", nil,
		"included.0.links.self", c.base+"/routes/0", "included.1", absent)
	c.step = "§3.3 POST /numbers/{id} with messaging (GO-CJ)"
	a = c.want(c.send(gocj, "POST", "/v2/numbers/"+tnB, `{"cnam_lookups_enabled":true,"messaging_enabled":true,"messaging_email":false,"messaging_callback_url":"https://example.com/sms"}`), 201)
	c.isNumberDoc(a, tnB, "0")
	found := false
	for i := range c.length(a, "included") {
		if v, _ := at(a.doc, fmt.Sprintf("included.%d.type", i)); v == "message_provisioning_status" {
			found = true
			c.is(a, fmt.Sprintf("included.%d.attributes.tn", i), tnB)
		}
	}
	if !found {
		t.Errorf("%s: included has no message_provisioning_status\n%s", c.step, a.raw)
	}
	c.is(a, "data.attributes.messaging_enabled", false)
	c.step = "§3.3 POST /numbers/{id} (NODE)"
	c.want(c.send(node, "POST", "/v2/numbers/"+tnC, ""), 201)
	c.step = "§9.14 buying an owned number"
	c.isError(c.send(python, "POST", "/v2/numbers/"+tnA, ""), 404, "", "Could not find that resource on your account.")

	// §3.1 list: attributes only, no relationships; PY's associate_cnam looks a number up this way.
	c.step = "§3.1 GET /numbers"
	a = c.want(c.send(python, "GET", "/v2/numbers?starts_with="+npa+"&limit=3", ""), 200)
	c.is(a, "links.self", c.base+"/numbers?starts_with=1"+npa+"&limit=3&offset=0", "links.next", absent,
		"data.0.id", tnA, "data.1.id", tnB, "data.2.id", tnC,
		"data.0.type", "number", "data.0.attributes.value", tnA, "data.0.attributes.alias", nil,
		"data.0.attributes.cnam_lookups_enabled", true, "data.0.links.self", c.base+"/numbers/"+tnA,
		"data.0.relationships", absent, "included", absent)
	c.step = "§3.1 GET /numbers, two per page"
	a = c.want(c.send(curl, "GET", "/v2/numbers?limit=2", ""), 200)
	c.is(a, "links.next", c.base+"/numbers?limit=2&offset=2")
	a = c.want(c.send(curl, "GET", "/v2/numbers?limit=2&offset=2", ""), 200)
	c.is(a, "data.0.id", tnC, "data.1", absent, "links.next", absent)
	c.step = "§6.7 PY's lookup before associating"
	a = c.want(c.send(python, "GET", "/v2/numbers?contains="+tnA, ""), 200)
	c.is(a, "data.0.id", tnA, "data.1", absent)

	c.step = "§9.7 limit and offset"
	for _, q := range []string{"limit=201", "limit=0", "limit=-1", "offset=-1", "limit=ten"} {
		c.want(c.send(python, "GET", "/v2/numbers?"+q, ""), 422)
	}
	a = c.want(c.send(python, "GET", "/v2/numbers?limit=200", ""), 200)
	c.is(a, "data.2.id", tnC, "data.3", absent)
	c.step = "§9.8 offset beyond the end"
	a = c.want(c.send(python, "GET", "/v2/numbers?offset=50", ""), 200)
	c.is(a, "data.0", absent, "links.self", c.base+"/numbers?limit=10&offset=50", "links.next", absent)
	if n := c.length(a, "data"); n != 0 {
		t.Errorf("%s: %d items", c.step, n)
	}
	c.step = "§9.10 starts_with normalization"
	a = c.want(c.send(python, "GET", "/v2/numbers?starts_with=%2B1"+npa, ""), 200)
	c.is(a, "data.0.id", tnA, "links.self", c.base+"/numbers?starts_with=1"+npa+"&limit=10&offset=0")
	c.want(c.send(python, "GET", "/v2/numbers/available?starts_with=abc", ""), 422)
	c.step = "§9.5 one trailing slash"
	a = c.want(c.send(curl, "GET", "/v2/numbers/"+tnA+"/", ""), 200)
	c.is(a, "data.id", tnA)
	a = c.want(c.send(curl, "GET", "/v2/routes/", ""), 200)
	c.is(a, "data.0.id", "0")
	c.step = "§9.1 a non-Basic scheme"
	req, _ = http.NewRequest("GET", c.base+"/numbers", nil)
	req.Header.Set("Authorization", "Bearer "+sdkSecret)
	c.isError(c.roundTrip(req), 401, "Unauthorized", "Authentication failed.")

	// §3.2 details.
	c.step = "§3.2 GET /numbers/{id}"
	a = c.want(c.send(curl, "GET", "/v2/numbers/"+tnA, ""), 200)
	c.isNumberDoc(a, tnA, "0")
	c.is(a, "included.0.id", "0")

	// §3.6 bulk details, as the v2.1 page sends them, under /v2 and /v2.1.
	c.step = "§3.6 POST /v2/numbers/details"
	a = c.want(c.send(gocj, "POST", "/v2/numbers/details", `{"numbers": ["+`+tnA+`", "+`+tnB+`", "+19999999999"]}`), 200)
	c.is(a, "data.0.id", tnA, "data.1.id", tnB, "data.2", absent, "data.0.relationships.primary_route.data.id", "0")
	c.step = "§3.6 POST /v2.1/numbers/details"
	a = c.want(c.send(gocj, "POST", "/v2.1/numbers/details", `{"numbers": "`+tnA+`,`+tnC+`"}`), 200)
	c.is(a, "data.0.relationships.voice_primary_route.data.id", "0", "data.1.id", tnC)

	// §4.2 routes: route 0 first.
	c.step = "§4.2 GET /routes"
	a = c.want(c.send(python, "GET", "/v2/routes", ""), 200)
	c.is(a, "data.0.id", "0", "data.0.type", "route", "data.0.attributes.alias", "sip-reg", "data.0.attributes.route_type", "sip-reg",
		"data.0.attributes.value", nil, "data.0.links.self", c.base+"/routes/0", "links.self", c.base+"/routes?limit=10&offset=0")

	// §4.3 create: PY-README's body, the docs tutorial's, a number and a uri route.
	c.step = "§4.3 POST /routes (PY)"
	a = c.want(c.send(python, "POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"host","value":"il775u.sonsofodin.com","alias":"new route"}}}`), 201)
	hostID := c.str(a, "data.id")
	c.is(a, "data.id", digits, "data.type", "route", "data.attributes.alias", "new route", "data.attributes.route_type", "host",
		"data.attributes.value", "il775u.sonsofodin.com",
		// The quirk every SDK README shows: links.self without /v2.
		"data.links.self", c.root+"/routes/"+hostID, "links.self", c.root+"/routes/"+hostID)
	c.step = "§4.3 POST /routes (docs tutorial, curl)"
	a = c.want(c.send(curl, "POST", "/v2/routes", `{"data": {"type":"route", "attributes": {"route_type": "host", "value": "www.getouttahere.com", "alias":"new_route_5000"}}}`), 201)
	tutorialID := c.str(a, "data.id")
	c.step = "§4.3 POST /routes, number and uri (NODE)"
	a = c.want(c.send(node, "POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"number","value":"16476998778","alias":"PSTNroute1"}}}`), 201)
	numberID := c.str(a, "data.id")
	a = c.want(c.send(node, "POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"uri","value":"sip:16476998778@215.122.69.152:5060;transport=tcp","alias":"uri route"}}}`), 201)
	uriID := c.str(a, "data.id")
	c.step = "§9.19 duplicate alias"
	c.isError(c.send(python, "POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"host","value":"10.0.0.1","alias":"new route"}}}`),
		422, "", "Route alias already exists.")
	c.step = "§9.20 sip-reg cannot be created"
	c.want(c.send(python, "POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"sip-reg","value":"x","alias":"mine"}}}`), 422)
	c.step = "§4.3 POST /routes with PY-DEMO's edge_strategy key (a string)"
	es := c.want(c.send(python, "GET", "/v2/routes/edge_strategies", ""), 200)
	esID, _ := at(es.doc, "data.1.id")
	a = c.want(c.send(python, "POST", "/v2/routes", fmt.Sprintf(`{"data":{"type":"route","attributes":{"route_type":"host","value":"demo.example.com","alias":"demo route","edge_strategy":"%v"}}}`, esID)), 201)
	c.is(a, "data.attributes.edge_strategy_id", esID)
	demoID := c.str(a, "data.id")
	c.step = "§1.5 following links.next through the routes"
	var walked []string
	for next := c.base + "/routes?limit=2"; next != ""; {
		u, err := url.Parse(next)
		if err != nil || len(walked) > 20 {
			t.Fatalf("%s: links.next %q after %v", c.step, next, walked)
		}
		a = c.want(c.send(gocj, "GET", u.RequestURI(), ""), 200)
		for i := range c.length(a, "data") {
			walked = append(walked, c.str(a, fmt.Sprintf("data.%d.id", i)))
		}
		next = ""
		if v, ok := at(a.doc, "links.next"); ok {
			next = v.(string)
		}
	}
	if want := []string{"0", hostID, tutorialID, numberID, uriID, demoID}; strings.Join(walked, ",") != strings.Join(want, ",") {
		t.Errorf("%s: %v, want %v", c.step, walked, want)
	}
	c.want(c.send(curl, "DELETE", "/v2/routes/"+demoID, ""), 204)
	c.step = "§9.4 malformed JSON"
	c.want(c.send(gocj, "POST", "/v2/routes", `{"data":`), 400)

	// §4.6 edge strategies; §4.4 update with one.
	c.step = "§4.6 GET /routes/edge_strategies"
	a = c.want(c.send(python, "GET", "/v2/routes/edge_strategies", ""), 200)
	c.is(a, "data.0.id", 4, "data.0.type", "edge_strategy", "data.0.attributes.name", "US-East-VA",
		"data.0.attributes.naptr", "us-east-va.sip.flowroute.com", "links", absent)
	c.step = "§4.4 PATCH /routes/{id}"
	a = c.want(c.send(curl, "PATCH", "/v2/routes/"+tutorialID, `{"data":{"type":"route","attributes":{"value":"www.getouttahere.com:5080","edge_strategy_id":4}}}`), 200)
	c.is(a, "data.id", tutorialID, "data.attributes.value", "www.getouttahere.com:5080", "data.attributes.edge_strategy_id", 4,
		"data.attributes.alias", "new_route_5000", "data.links.self", c.base+"/routes/"+tutorialID)
	c.step = "§9.21 route 0 is immutable"
	c.isError(c.send(curl, "PATCH", "/v2/routes/0", `{"data":{"type":"route","attributes":{"alias":"mine"}}}`), 403, "ActionNotAuthorizedError", "")

	// §4.7 primary and failover: PY with no Content-Type, NODE application/json, PHP's hand-built string.
	c.step = "§4.7 PATCH primary_route (PY, no Content-Type)"
	c.want(c.send(pythonRel, "PATCH", "/v2/numbers/"+tnA+"/relationships/primary_route", `{"data": {"type": "route", "id": "`+hostID+`"}}`), 204)
	c.step = "§4.7 PATCH failover_route (NODE)"
	c.want(c.send(node, "PATCH", "/v2/numbers/"+tnA+"/relationships/failover_route", `{"data": {"type": "route", "id": "`+numberID+`"}}`), 204)
	c.step = "§4.7 PATCH primary_route (PHP)"
	c.want(c.send(php, "PATCH", "/v2/numbers/"+tnB+"/relationships/primary_route", fmt.Sprintf(`{"data": {"type": "route", "id": "%s"}}`, uriID)), 204)
	c.step = "§4.7 PATCH failover_route, route 0 (GO-CJ, integer id)"
	c.want(c.send(gocj, "PATCH", "/v2/numbers/"+tnB+"/relationships/failover_route", `{"data": {"type": "route", "id": 0}}`), 204)
	c.step = "§9.3 NET's text/plain failover PATCH"
	c.want(c.send(style{"net", "application/json", "text/plain; charset=utf-8", "APIMATIC 2.0"}, "PATCH", "/v2/numbers/"+tnB+"/relationships/failover_route",
		`{"data": {"type": "route", "id": "`+hostID+`"}}`), 415)
	c.step = "§9.23 unknown route"
	c.want(c.send(pythonRel, "PATCH", "/v2/numbers/"+tnA+"/relationships/primary_route", `{"data": {"type": "route", "id": "98396"}}`), 404)
	c.step = "§3.2 details after routing"
	a = c.want(c.send(python, "GET", "/v2/numbers/"+tnA, ""), 200)
	c.isNumberDoc(a, tnA, hostID)
	c.is(a, "data.relationships.failover_route.data.id", numberID, "data.relationships.failover_route.data.type", "route",
		"included.0.id", hostID, "included.0.attributes.alias", "new route", "included.1.id", numberID,
		"included.1.attributes.route_type", "number", "included.1.attributes.value", "16476998778", "included.2", absent)
	a = c.want(c.send(python, "GET", "/v2/numbers/"+tnB, ""), 200)
	c.isNumberDoc(a, tnB, uriID)
	c.is(a, "data.relationships.failover_route.data.id", "0")
	c.step = "§4.5 deleting a route in use"
	c.isError(c.send(curl, "DELETE", "/v2/routes/"+hostID+"/", ""), 403, "This Route has numbers still associated to it.", "Please disassociate all numbers before deleting.")
	c.step = "§4.8 DELETE failover_route"
	c.want(c.send(curl, "DELETE", "/v2/numbers/"+tnB+"/relationships/failover_route", ""), 204)
	a = c.want(c.send(python, "GET", "/v2/numbers/"+tnB, ""), 200)
	c.is(a, "data.relationships.failover_route.data", nil, "data.relationships.primary_route.data.id", uriID)

	// §3.5 PATCH a number: flat bodies, a string boolean, and the alias filter of §3.1.
	c.step = "§3.5 PATCH alias (PY)"
	a = c.want(c.send(python, "PATCH", "/v2/numbers/"+tnA, `{"type":"number","alias":"New Test"}`), 200)
	c.isNumberDoc(a, tnA, hostID)
	c.is(a, "data.attributes.alias", "New Test")
	c.step = "§3.5 PATCH alias (DOC)"
	c.want(c.send(curl, "PATCH", "/v2/numbers/"+tnB, `{"type": "number", "alias": "NYC Number"}`), 200)
	c.step = "§3.5 PATCH cnam_lookups_enabled as the string \"true\" (DOC)"
	a = c.want(c.send(curl, "PATCH", "/v2/numbers/"+tnC, `{"cnam_lookups_enabled": "false", "type": "number"}`), 200)
	c.is(a, "data.attributes.cnam_lookups_enabled", false)
	a = c.want(c.send(curl, "PATCH", "/v2/numbers/"+tnC, `{"cnam_lookups_enabled": "true", "type": "number"}`), 200)
	c.is(a, "data.attributes.cnam_lookups_enabled", true)
	c.step = "§9.18 a PATCH without type"
	c.want(c.send(curl, "PATCH", "/v2/numbers/"+tnC, `{"alias": "x"}`), 422)
	c.step = "§3.1 GET /numbers?alias="
	a = c.want(c.send(gocj, "GET", "/v2/numbers?alias="+url.QueryEscape("NYC Number"), ""), 200)
	c.is(a, "data.0.id", tnB, "data.1", absent)

	// §5.1 callbacks, nested as the SDKs send them; PY/PHP's legacy dlr_callback; §5.2's GET.
	c.step = "§5.1 POST sms_callback (PY)"
	c.want(c.send(python, "POST", "/v2/numbers/"+tnA+"/relationships/sms_callback", `{"data": {"attributes": {"callback_url": "http://www.example.com/test"}}}`), 204)
	c.step = "§5.1 POST dlr_callback (PHP)"
	c.want(c.send(php, "POST", "/v2/numbers/"+tnA+"/relationships/dlr_callback", `{"data":{"attributes":{"callback_url":"https://www.example.com/dlr"}}}`), 204)
	c.step = "§5.2 GET sms_callback"
	a = c.want(c.send(gocj, "GET", "/v2/numbers/"+tnA+"/relationships/sms_callback", ""), 200)
	c.is(a, "data.type", "callback", "data.attributes.callback_url", "http://www.example.com/test", "data.attributes.product", "sms_callback")
	a = c.want(c.send(gocj, "GET", "/v2/numbers/"+tnA+"/relationships/sms_dlr_callback", ""), 200)
	c.is(a, "data.attributes.callback_url", "https://www.example.com/dlr")
	c.step = "§9.26 a callback URL that is not http(s)"
	c.want(c.send(python, "POST", "/v2/numbers/"+tnA+"/relationships/mms_callback", `{"data": {"attributes": {"callback_url": "ftp://example.com"}}}`), 422)

	// §6.4 CNAM create: PY form-encoded, NODE JSON; values come back upper-cased, pending.
	c.step = "§6.4 POST /cnams form-encoded (PY)"
	a = c.want(c.send(style{"python form", "application/json", "application/x-www-form-urlencoded", "Flowroute SDK v3.0"}, "POST", "/v2/cnams", "value=FR+H5K8"), 201)
	pyCNAM := c.str(a, "data.id")
	c.is(a, "data.type", "cnam", "data.id", digits, "data.attributes.value", "FR H5K8", "data.attributes.is_approved", false,
		"data.attributes.approval_datetime", nil, "data.attributes.rejection_reason", nil,
		"data.attributes.creation_datetime", cnamTime, "data.links.self", c.base+"/cnams/"+pyCNAM)
	c.step = "§6.4 POST /cnams (NODE)"
	a = c.want(c.send(node, "POST", "/v2/cnams", `{"value": "Heartwood"}`), 201)
	nodeCNAM := c.str(a, "data.id")
	c.is(a, "data.attributes.value", "HEARTWOOD")
	c.step = "§9.19 duplicate CNAM value"
	c.want(c.send(node, "POST", "/v2/cnams", `{"value": "heartwood"}`), 422)
	c.step = "§9.27 a CNAM of digits only"
	c.want(c.send(node, "POST", "/v2/cnams", `{"value": "12065551212"}`), 422)
	// `sandbox serve` approves new records by default (--cnam-approval auto).
	c.step = "§6.2 GET /cnams?is_approved=true"
	a = c.want(c.send(python, "GET", "/v2/cnams?is_approved=true", ""), 200)
	c.is(a, "data.0.id", pyCNAM, "data.1.id", nodeCNAM, "data.0.attributes.is_approved", true,
		"data.0.attributes.approval_datetime", cnamTime, "links.next", absent)
	c.step = "§6.2 GET /cnams?value= (case-insensitive part)"
	a = c.want(c.send(python, "GET", "/v2/cnams?value=heart", ""), 200)
	c.is(a, "data.0.id", nodeCNAM, "data.1", absent)

	// §6.7 associate, both spellings of the path, no body; 202 with an integer id.
	c.step = "§6.7 PATCH relationships/cnams/{id} (NODE)"
	a = c.want(c.send(node, "PATCH", "/v2/numbers/"+tnA+"/relationships/cnams/"+nodeCNAM, ""), 202)
	id, _ := strconv.Atoi(nodeCNAM)
	c.is(a, "data.type", "cnam", "data.id", id, "data.attributes.date_created", rfc1123)
	c.step = "§6.7 PATCH relationships/cnam/{id} (PY)"
	a = c.want(c.send(pythonRel, "PATCH", "/v2/numbers/"+tnB+"/relationships/cnam/"+pyCNAM, ""), 202)
	id, _ = strconv.Atoi(pyCNAM)
	c.is(a, "data.id", id)
	c.step = "§3.2 details with a CNAM"
	a = c.want(c.send(python, "GET", "/v2/numbers/"+tnA, ""), 200)
	c.is(a, "data.relationships.cnam_preset.data.type", "cnam", "data.relationships.cnam_preset.data.id", nodeCNAM)
	c.step = "§6.3 GET /cnams/{id} with its numbers"
	a = c.want(c.send(python, "GET", "/v2/cnams/"+nodeCNAM, ""), 200)
	c.is(a, "data.relationships.numbers.data.0.id", tnA, "data.relationships.numbers.data.0.type", "number", "included.0.id", tnA)
	c.step = "§9.29 PATCH an approved CNAM"
	c.isError(c.send(gocj, "PATCH", "/v2/cnams/"+nodeCNAM, `{"data":{"type":"cnam","attributes":{"value":"MY BUSINESS"}}}`), 403, "ActionNotAuthorizedError", "")
	c.step = "§6.8 DELETE relationships/cnam (PHP)"
	a = c.want(c.send(php, "DELETE", "/v2/numbers/"+tnB+"/relationships/cnam", ""), 202)
	c.is(a, "data.id", nil, "data.type", "cnam", "data.attributes.date_created", rfc1123)
	c.step = "§6.6 DELETE /cnams/{id}"
	c.want(c.send(curl, "DELETE", "/v2/cnams/"+pyCNAM, ""), 204)
	c.isError(c.send(curl, "DELETE", "/v2/cnams/"+pyCNAM, ""), 404, "Resource not found", "CNAM record not found. Nothing to delete.")

	// §7.4 validate: NODE's body 204; PY-README's CA-for-Seattle 400; a bad zip 422 with the object detail.
	e911 := func(label, country, zip, extra string) string {
		return `{"data":{"type":"e911",` + extra + `"attributes":{"label":"` + label + `","first_name":"Jim","last_name":"Law","street_number":"123","street_name":"Smith St",` +
			`"address_type":"Apartment","address_type_number":"666","city":"Seattle","state":"WA","country":"` + country + `","zip":"` + zip + `"}}}`
	}
	c.step = "§7.4 POST /e911s/validate (NODE)"
	c.want(c.send(node, "POST", "/v2/e911s/validate", e911("Belfry Oddities II", "US", "98101", "")), 204)
	c.step = "§7.4 validate a Seattle address in CA (PY-README)"
	c.isError(c.send(python, "POST", "/v2/e911s/validate", e911("E911 Test", "CA", "98101", "")), 400, "Client Error",
		"Could not geocode this address. Please check the validity of your address.")
	c.step = "§7.4 validate a bad zip"
	a = c.want(c.send(php, "POST", "/v2/e911s/validate", e911("E911 Test", "US", "9", `"id": null,`)), 422)
	c.is(a, "errors.0.status", 422)
	if v, _ := at(a.doc, "errors.0.detail.data.attributes.zip.0"); v == nil {
		t.Errorf("%s: detail is not the field object: %s", c.step, a.raw)
	}

	// §7.5 create: PY's body without address_type, then one label twice for two addresses
	// (PY-DEMO's Suite 600 and 700); the same address again is NODE's expected 403; PHP's
	// "id": null.
	c.step = "§7.5 POST /e911s (PY)"
	pyBody := `{"data":{"type":"e911","attributes":{"label":"E911 Test","first_name":"Chris","last_name":"Smith","street_number":"1218","street_name":"3rd Ave","city":"Seattle","state":"WA","country":"US","zip":"98101"}}}`
	a = c.want(c.send(python, "POST", "/v2/e911s", pyBody), 201)
	e1 := c.str(a, "data.id")
	c.is(a, "data.type", "e911", "data.id", digits, "data.attributes.label", "E911 Test", "data.attributes.street_number", "1218",
		"data.attributes.address_type", absent, "data.attributes.address_type_number", absent, "data.links.self", c.base+"/e911s/"+e1)
	suite := strings.Replace(pyBody, `"city"`, `"address_type":"Suite","address_type_number":"700","city"`, 1)
	a = c.want(c.send(python, "POST", "/v2/e911s", suite), 201)
	e2 := c.str(a, "data.id")
	c.step = "§7.5 POST /e911s, an address the account has (NODE)"
	c.isError(c.send(node, "POST", "/v2/e911s", suite), 403, "Forbidden", "Duplicate address.")
	c.step = "§7.5 POST /e911s (PHP)"
	a = c.want(c.send(php, "POST", "/v2/e911s", e911("Office", "US", "98101", `"id": null,`)), 201)
	e3 := c.str(a, "data.id")
	c.is(a, "data.attributes.address_type", "Apartment", "data.attributes.address_type_number", "666")

	// §7.2 list, newest first, two a page; §7.3 one.
	c.step = "§7.2 GET /e911s?limit=2"
	a = c.want(c.send(python, "GET", "/v2/e911s?limit=2", ""), 200)
	c.is(a, "data.0.id", e3, "data.1.id", e2, "data.2", absent,
		"links.self", c.base+"/e911s?limit=2&offset=0", "links.next", c.base+"/e911s?limit=2&offset=2")
	c.step = "§7.3 GET /e911s/{id}"
	a = c.want(c.send(php, "GET", "/v2/e911s/"+e1, ""), 200)
	c.is(a, "data.id", e1, "data.attributes.city", "Seattle")

	// §7.6 update the way PY's update_address does: the record read back, merged, with zip_code.
	c.step = "§7.6 PATCH /e911s/{id} (PY)"
	var rec map[string]any
	json.Unmarshal([]byte(a.raw), &rec)
	data := rec["data"].(map[string]any)
	attrs := data["attributes"].(map[string]any)
	attrs["last_name"], attrs["zip_code"], attrs["address_type"], attrs["address_type_number"] = "Wiley", "98104", nil, nil
	body, _ := json.Marshal(map[string]any{"data": data})
	a = c.want(c.send(python, "PATCH", "/v2/e911s/"+e1, string(body)), 200)
	c.is(a, "data.id", e1, "data.attributes.last_name", "Wiley", "data.attributes.zip", "98101", "data.attributes.label", "E911 Test")

	// §7.8 associate (idempotent), §7.10 the numbers of an address, §9.32 delete in use, §7.9 disconnect.
	c.step = "§7.8 PATCH relationships/e911s/{id}"
	c.want(c.send(pythonRel, "PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/"+e1, ""), 204)
	c.want(c.send(pythonRel, "PATCH", "/v2/numbers/"+tnA+"/relationships/e911s/"+e1, ""), 204)
	c.want(c.send(node, "PATCH", "/v2/numbers/"+tnB+"/relationships/e911s/"+e1, ""), 204)
	c.step = "§3.2 details with an E911 address"
	a = c.want(c.send(python, "GET", "/v2/numbers/"+tnA, ""), 200)
	c.is(a, "data.relationships.e911_address.data.type", "e911", "data.relationships.e911_address.data.id", e1)
	c.step = "§7.10 GET /e911s/{id}/relationships/numbers"
	a = c.want(c.send(python, "GET", "/v2/e911s/"+e1+"/relationships/numbers", ""), 200)
	c.is(a, "data.0.id", tnA, "data.0.type", "number", "data.0.attributes.value", tnA, "data.0.attributes.alias", "New Test",
		"data.0.links.self", c.base+"/numbers/"+tnA, "data.1.id", tnB, "data.1.attributes.alias", "NYC Number", "data.2", absent,
		"links.self", c.base+"/e911s/"+e1+"/relationships/numbers?limit=10&offset=0")
	c.step = "§9.32 deleting an E911 address in use"
	c.isError(c.send(curl, "DELETE", "/v2/e911s/"+e1, ""), 403, "This E911 address has numbers still associated to it.", "Please disassociate all numbers before deleting.")
	c.step = "§7.9 DELETE relationships/e911s/ (PHP, trailing slash)"
	c.want(c.send(php, "DELETE", "/v2/numbers/"+tnB+"/relationships/e911s/", ""), 204)
	a = c.want(c.send(python, "GET", "/v2/e911s/"+e1+"/relationships/numbers", ""), 200)
	c.is(a, "data.0.id", tnA, "data.1", absent)
	c.step = "§7.7 DELETE /e911s/{id}"
	c.want(c.send(curl, "DELETE", "/v2/e911s/"+e2, ""), 204)

	// §3.4 release with the page's doubled Accept header; its associations go with it.
	c.step = "§3.4 DELETE /numbers/{id}"
	c.want(c.send(curl, "DELETE", "/v2/numbers/"+tnA, "", "Accept", "Accept: */*"), 204)
	c.isError(c.send(curl, "DELETE", "/v2/numbers/"+tnA, ""), 404, "", "Could not find that resource on your account.")
	c.isError(c.send(curl, "GET", "/v2/numbers/"+tnA, ""), 404, "", "")
	c.step = "§9.17 the released number is for sale again"
	a = c.want(c.send(gocj, "GET", "/v2/numbers/available?starts_with="+tnA, ""), 200)
	c.is(a, "data.0.id", tnA)
	c.step = "§9.17 the released number's E911 association is gone"
	a = c.want(c.send(python, "GET", "/v2/e911s/"+e1+"/relationships/numbers", ""), 200)
	c.is(a, "data.0", absent)
	c.want(c.send(curl, "DELETE", "/v2/e911s/"+e1, ""), 204)
	c.step = "§9.17 the released number's callbacks are gone"
	c.want(c.send(gocj, "GET", "/v2/numbers/"+tnA+"/relationships/sms_callback", ""), 404)

	// §4.5 delete routes: the released number's are free; trailing slash; unknown id.
	c.step = "§4.5 DELETE /routes/{id}/"
	c.want(c.send(curl, "DELETE", "/v2/routes/"+hostID+"/", ""), 204)
	c.want(c.send(curl, "DELETE", "/v2/routes/"+numberID, ""), 204)
	c.isError(c.send(curl, "DELETE", "/v2/routes/"+numberID, ""), 404, "", "Invalid Route Id")
	c.isError(c.send(curl, "DELETE", "/v2/routes/0", ""), 403, "ActionNotAuthorizedError", "")
	c.step = "§9.5 wrong method"
	c.isError(c.send(curl, "PUT", "/v2/routes", `{}`), 405, "Method Not Allowed", "The method is not allowed for the requested URL.")
	c.step = "§9.5 unknown path"
	c.isError(c.send(curl, "GET", "/v2/no/such/path", ""), 404, "", "")

	// The state file keeps the account: a second `sandbox serve` on it sees what is left.
	srv.stop(t)
	c.step = "restart on the same --state"
	srv2 := serve(t, bin, state)
	c2 := &sdkClient{t: t, base: srv2.v2, root: strings.TrimSuffix(srv2.v2, "/v2"), hc: c.hc, step: c.step}
	a = c2.want(c2.send(python, "GET", "/v2/numbers", ""), 200)
	c2.is(a, "data.0.id", tnB, "data.0.attributes.alias", "NYC Number", "data.1.id", tnC, "data.2", absent)
	a = c2.want(c2.send(python, "GET", "/v2/routes", ""), 200)
	c2.is(a, "data.0.id", "0", "data.1.id", tutorialID, "data.2.id", uriID, "data.3", absent)
	srv2.stop(t)
}
