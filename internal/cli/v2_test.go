package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/backend"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// v2CLI runs the CLI with --api v2 against the in-process sandbox whose state is in state.
func v2CLI(t *testing.T, state string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return sandboxCLI(t, state, nil, append([]string{"--api", "v2"}, args...)...)
}

// mustCLI runs args with --sandbox on state and fails the test unless the exit status is want.
func mustCLI(t *testing.T, state string, want int, args ...string) string {
	t.Helper()
	out, errs, code := sandboxCLI(t, state, nil, args...)
	if code != want {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errs)
	}
	return out
}

// v2Client is a v2 client of a sandbox served on the state for the length of the test.
func v2Client(t *testing.T, state string) *v2.Client {
	t.Helper()
	s := sandboxtest.Start(t, sandbox.Options{StatePath: state, Seed: SandboxSeed})
	c, err := v2.New(s.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAPIEndpoint(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		api, endpoint, want, err string
	}{
		{"", "", "https://api.flowroute.com/v1", ""},
		{"v1", "", "https://api.flowroute.com/v1", ""},
		{"v2", "", "https://api.flowroute.com/v2", ""},
		{"v2", "http://127.0.0.1:8155/v2/", "http://127.0.0.1:8155/v2/", ""},
		{"v1", "https://proxy.example.com/flowroute", "https://proxy.example.com/flowroute", ""},
		{"v2", "https://api.flowroute.com/v1", "", "is a v1 endpoint, but --api (FLOWROUTE_API) is v2: give --api v1 to use it, or an endpoint ending in /v2"},
		{"v1", "http://127.0.0.1:8155/v2", "", "is a v2 endpoint, but --api (FLOWROUTE_API) is v1: give --api v2"},
		{"v1", "https://api.flowroute.com/V2.1/", "", "is a v2 endpoint"},
	} {
		g := &Globals{API: tt.api, Endpoint: tt.endpoint}
		got, err := g.endpoint()
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("--api %q --endpoint %q: %q, %v; want %q", tt.api, tt.endpoint, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("--api %q --endpoint %q: %q, %v; want an error with %q", tt.api, tt.endpoint, got, err, tt.err)
		}
	}
}

// An endpoint of the other version is refused before any request.
func TestAPIEndpointMismatchSendsNothing(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	t.Cleanup(srv.Close)
	for _, args := range [][]string{
		{"--api", "v2", "--endpoint", srv.URL + "/v1", "export"},
		{"--endpoint", srv.URL + "/v2", "search"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"--access-key", "a", "--secret-key", "s"}, args...), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "endpoint, but --api (FLOWROUTE_API) is") {
			t.Errorf("%v: exit %d\nstderr:\n%s", args, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"--api", "v3", "--sandbox", "search"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "--api") {
		t.Errorf("--api v3: exit %d\nstderr:\n%s", code, errb.String())
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// v2Quickstart is examples/quickstart.yaml without its billing methods, which v2 has not.
func v2Quickstart(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/quickstart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "billing_method: METERED") && !strings.Contains(l, "{") {
			continue
		}
		lines = append(lines, strings.ReplaceAll(l, "billing_method: METERED, ", ""))
	}
	return writeSpec(t, strings.Join(lines, "\n"))
}

// On v2 a spec plans, applies and then plans clean, the plan naming the v2 account, and the
// saved plan's hint repeating --api v2.
func TestV2ApplyThenNoChanges(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	file := v2Quickstart(t)
	planPath := filepath.Join(t.TempDir(), "plan.json")
	out, errs, code := v2CLI(t, state, "plan", "-f", file, "--out", planPath)
	if code != 0 || !strings.Contains(out, "Account: v2 sandbox "+state) || !strings.Contains(out, "Plan: 3 routes to create, 2 numbers to purchase") {
		t.Fatalf("plan: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if want := "flowroute-numbers --api v2 --sandbox --sandbox-state " + state + " apply " + planPath; !strings.Contains(errs, want) {
		t.Errorf("the hint after plan --out lacks %q:\n%s", want, errs)
	}
	f, err := plan.LoadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := (account.Identity{API: "v2", Endpoint: "sandbox " + state, KeyFingerprint: account.Fingerprint(sandbox.DefaultAccessKey)}); f.Plan.Account == nil || *f.Plan.Account != want {
		t.Errorf("the plan records %+v, want %+v", f.Plan.Account, want)
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "apply", planPath, "--auto-approve"); !strings.Contains(out, "Verified: the account matches the spec.") {
		t.Errorf("apply did not verify:\n%s", out)
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "plan", "-f", file, "--detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Errorf("plan after apply:\n%s", out)
	}
	// The same account read through v1 matches too: one account behind both APIs.
	if out := mustCLI(t, state, 0, "plan", "-f", file, "--detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Errorf("v1 plan after the v2 apply:\n%s", out)
	}
}

// A plan saved for v1 is refused by v2 on the same sandbox, and the other way round, with
// nothing written.
func TestV2RefusesAPlanOfV1(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	file := v2Quickstart(t)
	v1Plan := filepath.Join(t.TempDir(), "v1.json")
	v2Plan := filepath.Join(t.TempDir(), "v2.json")
	mustCLI(t, state, 0, "plan", "-f", file, "--out", v1Plan)
	mustCLI(t, state, 0, "--api", "v2", "plan", "-f", file, "--out", v2Plan)
	for _, tt := range []struct {
		args       []string
		made, runs string
	}{
		{[]string{"--api", "v2", "apply", v1Plan, "--auto-approve"}, "v1", "v2"},
		{[]string{"apply", v2Plan, "--auto-approve"}, "v2", "v1"},
	} {
		out, errs, code := sandboxCLI(t, state, nil, tt.args...)
		if code != 1 || !strings.Contains(errs, "the plan was made for "+tt.made+" sandbox "+state) || !strings.Contains(errs, "this apply runs against "+tt.runs+" sandbox "+state) {
			t.Errorf("%v: exit %d, want 1 naming both APIs\nstdout:\n%s\nstderr:\n%s", tt.args, code, out, errs)
		}
	}
	for _, w := range applyWrites(t, state) {
		if !strings.HasSuffix(w.Path, "/numbers/details") { // the v2.1 bulk details: a read sent as a POST
			t.Errorf("write %+v", w)
		}
	}
}

func TestV2SearchAndAreas(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	out := mustCLI(t, state, 0, "--api", "v2", "search", "--starts-with", "1206", "--limit", "5", "--format", "json")
	var offers []map[string]any
	if err := json.Unmarshal([]byte(out), &offers); err != nil || len(offers) != 5 {
		t.Fatalf("search: %v, %d offers\n%s", err, len(offers), out)
	}
	for _, o := range offers {
		if tn, _ := o["tn"].(string); !strings.HasPrefix(tn, "1206") {
			t.Errorf("--starts-with 1206 found %v", o)
		}
		if _, ok := o["billing_methods"]; ok {
			t.Errorf("v2 offers carry no billing methods: %v", o)
		}
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "search", "--npa", "206", "--nxx", "209", "--limit", "3"); !strings.HasPrefix(out, "NUMBER       STATE  RATE CENTER  INITIAL  MONTHLY\n12062") {
		t.Errorf("search table on v2:\n%s", out)
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "search", "--npa", "206", "--limit", "2", "--format", "yaml"); strings.Contains(out, "billing") || !strings.Contains(out, `  "1206`) {
		t.Errorf("search yaml on v2:\n%s", out)
	}

	lines := func(s string) []string { return strings.Fields(s) }
	all := lines(mustCLI(t, state, 0, "--api", "v2", "areas"))
	cheap := lines(mustCLI(t, state, 0, "--api", "v2", "areas", "--max-setup-cost", "0.00"))
	if len(all) == 0 || len(cheap) == 0 || len(cheap) > len(all) {
		t.Fatalf("areas: %d, with --max-setup-cost 0.00: %d", len(all), len(cheap))
	}
	for _, a := range cheap {
		if !slices.Contains(all, a) {
			t.Errorf("--max-setup-cost 0.00 lists %s, which areas does not", a)
		}
	}
	exchanges := lines(mustCLI(t, state, 0, "--api", "v2", "areas", "--npa", "206", "--limit", "3"))
	if len(exchanges) != 3 {
		t.Errorf("areas --npa 206 --limit 3: %v", exchanges)
	}
	for _, e := range exchanges {
		if len(e) != 7 || !strings.HasPrefix(e, "206-") {
			t.Errorf("areas --npa 206: %q", e)
		}
	}
	// The v1 view of the same inventory agrees.
	if v1 := lines(mustCLI(t, state, 0, "areas", "--npa", "206", "--limit", "3")); !slices.Equal(v1, exchanges) {
		t.Errorf("v1 exchanges %v, v2 %v", v1, exchanges)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"search", "--starts-with", "1206"}, "--starts-with needs --api v2"},
		{[]string{"--api", "v2", "search", "--starts-with", "12x"}, `--starts-with "12x": want up to 11 digits`},
		{[]string{"--api", "v2", "search", "--starts-with", "1206", "--npa", "206"}, "give --starts-with or --npa (and --nxx), not both"},
		{[]string{"areas", "--max-setup-cost", "1.00"}, "--max-setup-cost needs --api v2"},
		{[]string{"--api", "v2", "areas", "--max-setup-cost=-1"}, "--max-setup-cost -1: want an amount of 0 or more"},
	} {
		fresh := filepath.Join(t.TempDir(), "unused.json")
		_, errs, code := sandboxCLI(t, fresh, nil, tt.args...)
		if code != 1 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, want 1 with %q\n%s", tt.args, code, tt.want, errs)
		}
		if _, err := os.Stat(fresh); err == nil {
			t.Errorf("%v: the sandbox was started before the flags were checked", tt.args)
		}
	}
}

// add on v2 pins numbers with an alias, an E911 address and a CNAM, without billing methods,
// and plan buys them.
func TestV2Add(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	file := writeSpec(t, `version: 1
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
numbers: {}
e911_addresses:
  hq: {first_name: Chris, last_name: Smith, street_number: "1218", street_name: 3rd Ave, city: Seattle, state: WA, country: US, zip: "98101"}
`)
	out := mustCLI(t, state, 0, "--api", "v2", "add", "-f", file, "--count", "2", "--npa", "206",
		"--primary-route", "pbx", "--alias", "Sales", "--e911", "hq", "--cnam", "ACME SALES")
	if !strings.Contains(out, "Added 2 numbers to "+file) {
		t.Errorf("add:\n%s", out)
	}
	s, err := spec.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Numbers) != 2 {
		t.Fatalf("numbers %v", s.Numbers)
	}
	for tn, n := range s.Numbers {
		if want := (spec.Number{PrimaryRoute: "pbx", Alias: "Sales", E911: "hq", CNAM: "ACME SALES"}); !strings.HasPrefix(tn, "1206") || n != want {
			t.Errorf("%s: %+v, want %+v", tn, n, want)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--api", "v2", "add", "-f", file, "--npa", "206", "--e911", "nowhere"}, "nowhere"},
		{[]string{"add", "-f", file, "--npa", "206", "--alias", "x", "--billing-method", "METERED"}, "--alias: the v1 API cannot set it; leave it out, or use --api v2"},
		{[]string{"--api", "v2", "add", "-f", file, "--npa", "206", "--billing-method", "METERED"}, "--billing-method: the v2 API cannot set it; leave it out: v2 numbers have no billing method"},
	} {
		_, errs, code := sandboxCLI(t, state, nil, tt.args...)
		if code != 1 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, want 1 with %q\n%s", tt.args, code, tt.want, errs)
		}
	}

	out = mustCLI(t, state, 0, "--api", "v2", "plan", "-f", file, "--format", "json")
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	var bought []string
	for _, c := range p.Changes {
		if c.Action == plan.Purchase {
			bought = append(bought, c.Key)
		}
	}
	if len(bought) != 2 {
		t.Errorf("plan buys %v\n%s", bought, out)
	}

	if out := mustCLI(t, state, 0, "--api", "v2", "apply", "-f", file, "--auto-approve"); !strings.Contains(out, "Verified") {
		t.Errorf("apply:\n%s", out)
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "plan", "-f", file); !strings.Contains(out, "No changes.") {
		t.Errorf("plan after apply:\n%s", out)
	}
}

// The v2 example applies and then plans clean, and the account holds what it says.
func TestV2ExampleApplyThenNoChanges(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	const example = "../../examples/v2.yaml"
	mustCLI(t, state, 0, "validate", "-f", example)
	if out := mustCLI(t, state, 2, "--api", "v2", "plan", "-f", example, "--detailed-exitcode"); !strings.Contains(out, "Plan: ") {
		t.Fatalf("first plan:\n%s", out)
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "apply", "-f", example, "--auto-approve"); !strings.Contains(out, "Verified: the account matches the spec.") {
		t.Fatalf("apply did not verify:\n%s", out)
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "plan", "-f", example, "--detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after apply:\n%s", out)
	}
	// A v1 plan of the same spec refuses its v2 fields, naming --api v2.
	if out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", example); code != 1 || !strings.Contains(out, "sets alias, which v1 cannot manage") {
		t.Errorf("v1 plan of the v2 example: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}

	c := v2Client(t, state)
	ctx := t.Context()
	n, err := c.GetNumber(ctx, "12062090105")
	if err != nil {
		t.Fatal(err)
	}
	if n.Alias != "Front desk" || n.E911ID == "" || n.CNAMID == "" || !n.CNAMLookups {
		t.Errorf("12062090105 on the account: %+v", n)
	}
	as, err := c.AllE911s(ctx, v2.E911Query{})
	if err != nil || len(as) != 1 || as[0].Label != "seattle-office" {
		t.Errorf("E911 addresses %+v, %v", as, err)
	}
	cb, err := c.GetCallback(ctx, "12062090122", v2.SMSCallback)
	if err != nil || cb.URL != "https://hooks.example.com/flowroute/sms" {
		t.Errorf("sms callback %+v, %v", cb, err)
	}
}

// The v1 examples move to v2 unchanged: billing_method is a warning there.
func TestV2RunsTheV1Examples(t *testing.T) {
	t.Parallel()
	for _, example := range []string{"../../examples/quickstart.yaml", "../../examples/multi"} {
		t.Run(filepath.Base(example), func(t *testing.T) {
			t.Parallel()
			state := filepath.Join(t.TempDir(), "sandbox.json")
			out, errs, code := v2CLI(t, state, "plan", "-f", example, "--detailed-exitcode")
			if code != 2 || !strings.Contains(out+errs, "billing_method") {
				t.Fatalf("plan: exit %d, want 2 with a billing_method warning\nstdout:\n%s\nstderr:\n%s", code, out, errs)
			}
			if out := mustCLI(t, state, 0, "--api", "v2", "apply", "-f", example, "--auto-approve"); !strings.Contains(out, "Verified: the account matches the spec.") {
				t.Fatalf("apply did not verify:\n%s", out)
			}
			if out := mustCLI(t, state, 0, "--api", "v2", "plan", "-f", example); !strings.Contains(out, "No changes.") {
				t.Fatalf("plan after apply:\n%s", out)
			}
		})
	}
}

// seedV2 makes a v2 account with what export must write: routes, numbers with aliases, CNAM
// lookups, a CNAM record, an E911 address and a callback.
func seedV2(t *testing.T) string {
	t.Helper()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	c := v2Client(t, state)
	ctx := t.Context()
	offers, err := c.AllAvailable(ctx, v2.AvailableQuery{StartsWith: "1206"}, 2)
	if err != nil || len(offers) != 2 {
		t.Fatalf("inventory: %v %v", offers, err)
	}
	r, err := c.CreateRoute(ctx, v2.RouteInput{Alias: "pbx", Type: v2.RouteHost, Value: "24.239.23.40:5060"})
	if err != nil {
		t.Fatal(err)
	}
	cn, err := c.CreateCNAM(ctx, "ACME CORP")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateE911(ctx, v2.E911Fields{Label: "hq", FirstName: "Chris", LastName: "Smith", StreetNumber: "1218", StreetName: "3rd Ave",
		City: "Seattle", State: "WA", Country: "US", Zip: "98101"})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range offers {
		if _, err := c.PurchaseNumber(ctx, o.TN, v2.PurchaseOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := c.SetPrimaryRoute(ctx, o.TN, r.ID); err != nil {
			t.Fatal(err)
		}
		alias, lookups := []string{"Front desk", "Support"}[i], i == 0
		if _, err := c.UpdateNumber(ctx, o.TN, v2.NumberUpdate{Alias: &alias, CNAMLookups: &lookups}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AssociateCNAM(ctx, o.TN, cn.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AssociateE911(ctx, offers[0].TN, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.SetCallback(ctx, offers[1].TN, v2.SMSCallback, "https://hooks.example.com/sms"); err != nil {
		t.Fatal(err)
	}
	return state
}

// Export on v2 writes the aliases, CNAM lookups and CNAM of the account, and the spec it
// writes plans to "No changes.".
func TestV2ExportThenNoChanges(t *testing.T) {
	t.Parallel()
	state := seedV2(t)
	file := filepath.Join(t.TempDir(), "exported.yaml")
	mustCLI(t, state, 0, "--api", "v2", "export", "--callbacks", "--out", file)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	exported := string(data)
	for _, want := range []string{"through API v2", "max_releases: 0", "max_update_percent: 30", "# max_setup_cost:", "error | release"} {
		if !strings.Contains(exported, want) {
			t.Errorf("the export lacks %q:\n%s", want, exported)
		}
	}
	s, err := spec.Load(file)
	if err != nil {
		t.Fatalf("the export does not load: %v\n%s", err, exported)
	}
	yes, no := true, false
	want := map[string]spec.Number{
		"Front desk": {PrimaryRoute: "pbx", Alias: "Front desk", CNAMLookups: &yes, CNAM: "ACME CORP"},
		"Support":    {PrimaryRoute: "pbx", Alias: "Support", CNAMLookups: &no, CNAM: "ACME CORP"},
	}
	if len(s.Numbers) != 2 || s.Routes["pbx"] != (spec.Route{Type: spec.RouteHost, Value: "24.239.23.40:5060"}) {
		t.Errorf("exported routes %v, numbers %v", s.Routes, s.Numbers)
	}
	for tn, n := range s.Numbers {
		w := want[n.Alias]
		n.E911, n.Messaging = "", nil // below, once plan.Fetch reads them
		if n.FailoverRoute == spec.BuiltinRoute {
			n.FailoverRoute = "" // v1's reading of "none"
		}
		if !numbersEqual(n, w) {
			t.Errorf("%s exported as %+v, want %+v", tn, n, w)
		}
	}
	if out := mustCLI(t, state, 0, "--api", "v2", "plan", "-f", file, "--detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Errorf("plan of the export:\n%s", out)
	}

	if _, ok := s.E911Addresses["hq"]; !ok {
		t.Errorf("e911_addresses: %v\n%s", s.E911Addresses, exported)
	}
	var e911, callbacks int
	for _, n := range s.Numbers {
		if n.E911 == "hq" {
			e911++
		}
		if n.Messaging != nil && n.Messaging.SMSCallback == "https://hooks.example.com/sms" {
			callbacks++
		}
	}
	if e911 != 1 || callbacks != 1 {
		t.Errorf("%d numbers with e911: hq, %d with the callback, want 1 and 1:\n%s", e911, callbacks, exported)
	}
}

// The v2 backend's warnings (a purchase that succeeded only in part) go to standard error,
// and one run makes one client, of the API chosen.
func TestV2SessionBackend(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	g := &Globals{API: APIv2, Sandbox: true, SandboxState: filepath.Join(t.TempDir(), "s.json"), Parallelism: 8, ClientRateLimit: 0, stderr: &stderr}
	sess := &session{ctx: t.Context(), g: g}
	defer sess.close()
	b, err := sess.Backend()
	if err != nil {
		t.Fatal(err)
	}
	vb, ok := b.(*backend.V2)
	if !ok || vb.Warn == nil {
		t.Fatalf("backend %T, want a *backend.V2 with Warn", b)
	}
	vb.Warn("12065550100: bought; messaging was not provisioned")
	if got, want := stderr.String(), "Warning: 12065550100: bought; messaging was not provisioned\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if again, _ := sess.Backend(); again != b {
		t.Error("a second Backend made another client")
	}
	if id, err := sess.Identity(); err != nil || id.API != "v2" || !strings.HasPrefix(id.Endpoint, "sandbox ") {
		t.Errorf("identity %+v, %v", id, err)
	}
	if ep, err := sess.endpoint(); err != nil || !strings.HasSuffix(ep, "/v2/") {
		t.Errorf("endpoint %q, %v", ep, err)
	}
}
