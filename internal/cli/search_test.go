package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// fakeInventory is a v1 server that answers the browse calls with fixed pages and records
// what it was asked.
type fakeInventory struct {
	mu   sync.Mutex
	uris []string
}

func (f *fakeInventory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.uris = append(f.uris, r.URL.RequestURI())
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/v1/available-tns/tns/":
		io.WriteString(w, `{"tns":{
			"12062092844":{"initial_cost":"1.00","monthly_cost":"1.25","state":"WA","ratecenter":"SEATTLE","billing_methods":["VPRI","METERED"]},
			"12067439178":{"initial_cost":"0.50","monthly_cost":"1.35","state":"WA","ratecenter":"SEATTLE","billing_methods":["VPRI"]},
			"12069990001":{"initial_cost":"1.00","monthly_cost":"1.0035","state":"WA","ratecenter":"BELLEVUE","billing_methods":["METERED"]}}}`)
	case "/v1/available-tns/npas/":
		io.WriteString(w, `{"npas":{"201":{},"206":{},"212":{}}}`)
	case "/v1/available-tns/npanxxs/":
		io.WriteString(w, `{"npanxxs":{"206209":{},"206743":{},"206999":{}}}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":"Not Found"}`)
	}
}

func (f *fakeInventory) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.uris)
}

// runFake runs the CLI against a fake inventory and returns what it printed and asked.
func runFake(t *testing.T, args ...string) (stdout, stderr string, code int, uris []string) {
	t.Helper()
	f := &fakeInventory{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var out, errb bytes.Buffer
	code = run(append([]string{"--endpoint", srv.URL + "/v1", "--access-key", "a", "--secret-key", "s"}, args...), &out, &errb)
	return out.String(), errb.String(), code, f.requests()
}

func TestSearchFlagsCheckedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--nxx", "743"}, "--nxx needs --npa"},
		{[]string{"--npa", "20"}, `--npa "20": want 3 digits`},
		{[]string{"--npa", "2o6"}, `--npa "2o6": want 3 digits`},
		{[]string{"--npa", "206", "--nxx", "7431"}, `--nxx "7431": want 3 digits`},
		{[]string{"--state", "WAS"}, `--state "WAS": want 2 letters`},
		{[]string{"--state", "W1"}, `--state "W1": want 2 letters`},
		{[]string{"--ratecenter", "SEATTLE"}, "--ratecenter needs --state"},
		{[]string{"--contains", "206x"}, `--contains "206x": want up to 11 digits`},
		{[]string{"--tn", "206x"}, `--contains "206x": want up to 11 digits`}, // --tn is the old name of --contains
		{[]string{"--limit", "0"}, "--limit 0: want 1 to 200"},
		{[]string{"--limit", "201"}, "--limit 201: want 1 to 200"},
		{[]string{"--format", "xml"}, "--format"},
	}
	for _, tt := range tests {
		_, stderr, code, uris := runFake(t, append([]string{"search"}, tt.args...)...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("search %v: exit %d, stderr %q; want 1 and %q", tt.args, code, stderr, tt.want)
		}
		if len(uris) != 0 {
			t.Errorf("search %v made requests: %v", tt.args, uris)
		}
	}
	// Every problem is reported at once.
	_, stderr, _, _ := runFake(t, "search", "--nxx", "1", "--state", "X", "--limit=-3")
	for _, want := range []string{"--nxx needs --npa", `--nxx "1"`, `--state "X"`, "--limit -3"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
}

// search and add name the filter by digits alike, --contains; search's --tn, its old name,
// works (TestSearchAndAreasAgainstSandbox) but is not offered.
func TestSearchNamesContainsAsAddDoes(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"search", "add"} {
		var out, errb bytes.Buffer
		if code := run([]string{cmd, "--help"}, &out, &errb); code != 0 {
			t.Fatalf("%s --help: exit %d: %s", cmd, code, errb.String())
		}
		if !strings.Contains(out.String(), "--contains=DIGITS") || strings.Contains(out.String(), "--tn") {
			t.Errorf("%s --help does not offer --contains alone:\n%s", cmd, out.String())
		}
	}
	var out, errb bytes.Buffer
	run([]string{"completion", "bash"}, &out, &errb)
	if strings.Contains(out.String(), "--tn") {
		t.Error("the completion offers --tn")
	}
}

func TestAreasFlagsCheckedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--npa", "2061"}, {"--npa", "ab1"}, {"--limit=-1"}} {
		_, stderr, code, uris := runFake(t, append([]string{"areas"}, args...)...)
		if code != 1 || !strings.Contains(stderr, strings.SplitN(args[0], "=", 2)[0]) || len(uris) != 0 {
			t.Errorf("areas %v: exit %d, stderr %q, requests %v; want exit 1 naming the flag, no request", args, code, stderr, uris)
		}
	}
}

func TestSearchFormats(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"table", "json", "yaml"} {
		stdout, stderr, code, uris := runFake(t, "search", "--npa", "206", "--state", "wa", "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		golden.Check(t, filepath.Join("testdata", "golden", "search", format+".golden"), []byte(stdout))
		if want := []string{"/v1/available-tns/tns/?limit=20&npa=206&page=1&state=WA"}; !slices.Equal(uris, want) {
			t.Errorf("%s: requests %v, want %v", format, uris, want)
		}
	}
}

// TestSearchYAMLIsASpec: the yaml output, under a version line, is a valid spec.
func TestSearchYAMLIsASpec(t *testing.T) {
	t.Parallel()
	stdout, _, code, _ := runFake(t, "search", "--format", "yaml")
	if code != 0 {
		t.Fatal(code)
	}
	s, err := spec.Parse("search.yaml", []byte("version: 1\n"+stdout))
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(s.Numbers) != 3 {
		t.Errorf("spec has %d numbers, want 3", len(s.Numbers))
	}
}

func TestAreasOutput(t *testing.T) {
	t.Parallel()
	stdout, stderr, code, uris := runFake(t, "areas")
	if code != 0 || stdout != "201\n206\n212\n" || !strings.Contains(stderr, "3 area codes") {
		t.Errorf("areas: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if want := "/v1/available-tns/npas/?limit=200&page=1"; len(uris) != 1 || uris[0] != want {
		t.Errorf("areas asked %v, want %s", uris, want)
	}
	stdout, stderr, code, uris = runFake(t, "areas", "--npa", "206", "--limit", "2")
	if code != 0 || stdout != "206-209\n206-743\n206-999\n" || !strings.Contains(stderr, "search --npa 206 --nxx 209") {
		t.Errorf("areas --npa: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if want := "/v1/available-tns/npanxxs/?limit=2&npa=206&page=1"; len(uris) != 1 || uris[0] != want {
		t.Errorf("areas --npa asked %v, want %s", uris, want)
	}
}

func TestSearchAndAreasAgainstSandbox(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	sandboxRun := func(args ...string) string {
		t.Helper()
		out, errs, code := sandboxCLI(t, state, nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		return out
	}

	out := sandboxRun("search", "--limit", "5", "--format", "json")
	var found []v1.AvailableNumber
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(found) != 5 || !slices.IsSortedFunc(found, func(a, b v1.AvailableNumber) int { return strings.Compare(a.TN, b.TN) }) {
		t.Fatalf("search found %+v, want 5 numbers in order", found)
	}
	first := found[0]

	// The number found is found again by its digits (--contains, or --tn, its old name, as
	// add names the same filter --contains), and by its area, exchange and state.
	for _, flag := range []string{"--contains", "--tn"} {
		out = sandboxRun("search", flag, first.TN, "--format", "json")
		var again []v1.AvailableNumber
		if err := json.Unmarshal([]byte(out), &again); err != nil || len(again) != 1 || again[0].TN != first.TN {
			t.Errorf("search %s %s = %s (%v)", flag, first.TN, out, err)
		}
	}
	out = sandboxRun("search", "--npa", first.TN[1:4], "--nxx", first.TN[4:7], "--state", first.State,
		"--ratecenter", first.RateCenter, "--limit", "200")
	if !strings.Contains(out, first.TN) || !strings.HasPrefix(out, "NUMBER") {
		t.Errorf("search by area does not list %s:\n%s", first.TN, out)
	}

	out = sandboxRun("search", "--limit", "3", "--format", "yaml")
	s, err := spec.Parse("search.yaml", []byte("version: 1\n"+out))
	if err != nil || len(s.Numbers) != 3 {
		t.Errorf("yaml output is not a spec of 3 numbers: %v\n%s", err, out)
	}

	out = sandboxRun("areas")
	npas := strings.Fields(out)
	if !slices.Contains(npas, first.TN[1:4]) || !slices.IsSorted(npas) {
		t.Errorf("areas does not list %s in order: %v", first.TN[1:4], npas)
	}
	out = sandboxRun("areas", "--npa", first.TN[1:4])
	if !slices.Contains(strings.Fields(out), first.TN[1:4]+"-"+first.TN[4:7]) {
		t.Errorf("areas --npa %s does not list %s-%s:\n%s", first.TN[1:4], first.TN[1:4], first.TN[4:7], out)
	}
}

// areas --limit N says that the list may go on, rather than counting the N shown as all.
func TestAreasLimitSaysThereMayBeMore(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	for _, args := range [][]string{{"areas", "--limit", "3"}, {"areas", "--npa", "206", "--limit", "2"}, {"--api", "v2", "areas", "--limit", "3"}} {
		out, errs, code := sandboxCLI(t, state, nil, args...)
		if code != 0 || !strings.Contains(errs, "The first ") || !strings.Contains(errs, "there may be more (--limit 0 lists all)") {
			t.Errorf("%v: exit %d, want 0 and \"there may be more\"\nstdout:\n%s\nstderr:\n%s", args, code, out, errs)
		}
	}
	out, errs, code := sandboxCLI(t, state, nil, "areas")
	if code != 0 || strings.Contains(errs, "there may be more") || !strings.Contains(errs, nounCount(len(strings.Fields(out)), "area code")+".") {
		t.Errorf("areas: exit %d, want 0 and the whole count\nstderr:\n%s", code, errs)
	}
}
