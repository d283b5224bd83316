package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox/sandboxtest"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// addSandbox writes a sandbox state with an inventory of size numbers and returns it with
// the whole inventory, read through the API like any client.
func addSandbox(t *testing.T, size int) (state string, inv []v1.AvailableNumber) {
	t.Helper()
	state = filepath.Join(t.TempDir(), "sandbox.json")
	sb, err := sandbox.New(sandbox.Options{StatePath: state, Seed: 13, InventorySize: size})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Flush(); err != nil {
		t.Fatal(err)
	}
	_, endpoint := sandboxtest.NewServer(t, sandbox.Options{StatePath: state})
	c, err := v1.New(endpoint, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	if inv, err = c.AllAvailable(t.Context(), v1.SearchQuery{}, 0); err != nil || len(inv) != size {
		t.Fatalf("reading the inventory: %v (%d numbers, want %d)", err, len(inv), size)
	}
	return state, inv
}

// addSpec is a spec that pins one number of every sandbox inventory.
const addSpec = `version: 1
defaults:
  billing_method: METERED
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
numbers:
  "12067439178": {primary_route: pbx}
`

// addedTNs returns the numbers that YAML added as keys, in order.
func addedTNs(yamlText string) []string {
	var tns []string
	for _, m := range regexp.MustCompile(`(?m)(?:^\s*|[{,]\s*)["']?(1\d{10})["']?:`).FindAllStringSubmatch(yamlText, -1) {
		tns = append(tns, m[1])
	}
	return tns
}

// wantChoice is add's choice worked out independently: the inventory filtered by match and
// by what the spec pins, ordered by monthly cost, setup cost and number (or as by says).
func wantChoice(inv []v1.AvailableNumber, n int, by string, match func(v1.AvailableNumber) bool) []string {
	var m []v1.AvailableNumber
	for _, a := range inv {
		if a.TN != "12067439178" && match(a) {
			m = append(m, a)
		}
	}
	slices.SortFunc(m, func(a, b v1.AvailableNumber) int {
		switch by {
		case "setup":
			return cmp.Or(cmp.Compare(a.InitialCost, b.InitialCost), cmp.Compare(a.MonthlyCost, b.MonthlyCost), strings.Compare(a.TN, b.TN))
		case "number":
			return strings.Compare(a.TN, b.TN)
		}
		return cmp.Or(cmp.Compare(a.MonthlyCost, b.MonthlyCost), cmp.Compare(a.InitialCost, b.InitialCost), strings.Compare(a.TN, b.TN))
	})
	var tns []string
	for _, a := range m[:min(n, len(m))] {
		tns = append(tns, a.TN)
	}
	return tns
}

func TestAddCriteria(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 3000)
	le := func(limit string) func(money.Amount) bool {
		l := money.MustParse(limit)
		return func(a money.Amount) bool { return a <= l }
	}
	metered := func(a v1.AvailableNumber) bool { return a.Allows("METERED") }
	tests := []struct {
		name  string
		args  []string
		by    string
		match func(v1.AvailableNumber) bool
	}{
		{"npa", []string{"--npa", "206"}, "", func(a v1.AvailableNumber) bool { return a.TN[1:4] == "206" && metered(a) }},
		{"npa nxx", []string{"--npa", "212", "--nxx", "380"}, "", func(a v1.AvailableNumber) bool { return a.TN[1:7] == "212380" && metered(a) }},
		{"state", []string{"--state", "tx"}, "", func(a v1.AvailableNumber) bool { return a.State == "TX" && metered(a) }},
		{"state ratecenter", []string{"--state", "WA", "--ratecenter", "bainbridge island"}, "", func(a v1.AvailableNumber) bool {
			return a.RateCenter == "BAINBRIDGE ISLAND" && metered(a)
		}},
		{"contains", []string{"--contains", "42"}, "", func(a v1.AvailableNumber) bool { return strings.Contains(a.TN, "42") && metered(a) }},
		{"max setup cost", []string{"--max-setup-cost", "0"}, "", func(a v1.AvailableNumber) bool { return le("0")(a.InitialCost) && metered(a) }},
		{"max monthly cost", []string{"--max-monthly-cost", "1.00", "--npa", "303"}, "", func(a v1.AvailableNumber) bool {
			return le("1.00")(a.MonthlyCost) && a.TN[1:4] == "303" && metered(a)
		}},
		{"billing method", []string{"--billing-method", "VPRI", "--state", "NY"}, "", func(a v1.AvailableNumber) bool { return a.Allows("VPRI") && a.State == "NY" }},
		{"sort setup", []string{"--npa", "415", "--sort", "setup"}, "setup", func(a v1.AvailableNumber) bool { return a.TN[1:4] == "415" && metered(a) }},
		{"sort number", []string{"--state", "ON", "--sort", "number"}, "number", func(a v1.AvailableNumber) bool { return a.State == "ON" && metered(a) }},
		{"all of them", []string{"--npa", "512", "--state", "TX", "--max-setup-cost", "1.00", "--max-monthly-cost", "1.25", "--billing-method", "vpri", "--contains", "5"}, "",
			func(a v1.AvailableNumber) bool {
				return a.TN[1:4] == "512" && a.State == "TX" && le("1.00")(a.InitialCost) && le("1.25")(a.MonthlyCost) && a.Allows("VPRI") && strings.Contains(a.TN, "5")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := writeSpec(t, addSpec)
			want := wantChoice(inv, 4, tt.by, tt.match)
			if len(want) < 4 {
				t.Fatalf("the test inventory has only %d matches; choose other criteria", len(want))
			}
			args := append([]string{"add", "-f", file, "--count", "4", "--dry-run"}, tt.args...)
			stdout, stderr, code := sandboxCLI(t, state, nil, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := addedTNs(stdout); !slices.Equal(got, want) {
				t.Errorf("chose %v, want %v\n%s", got, want, stdout)
			}
			// The same run again chooses the same numbers.
			again, _, _ := sandboxCLI(t, state, nil, args...)
			if again != stdout {
				t.Errorf("a second run chose differently:\n%s\n%s", stdout, again)
			}
		})
	}
}

func TestAddNotEnough(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 1000)
	count := func(match func(v1.AvailableNumber) bool) int {
		return len(wantChoice(inv, len(inv), "", match))
	}
	n206 := count(func(a v1.AvailableNumber) bool { return a.TN[1:4] == "206" })
	n206420 := count(func(a v1.AvailableNumber) bool { return a.TN[1:7] == "206420" })
	tests := []struct {
		name string
		args []string
		want []string
	}{{
		name: "a cost rules out everything",
		args: []string{"--count", "2", "--max-monthly-cost", "0.50"},
		want: []string{"no number for sale matches, 2 wanted; nothing was changed",
			"--max-monthly-cost 0.50 rules out the most: without it, 999 would match; relax it."},
	}, {
		name: "the area rules out the most",
		args: []string{"--count", "50", "--npa", "206", "--nxx", "420"},
		want: []string{"only " + itoa(n206420) + " numbers for sale match, 50 wanted",
			"--npa 206 --nxx 420 rule out the most: without them, 999 would match; relax them (or: without --nxx 420, " + itoa(n206) + ")."},
	}, {
		name: "the pinned number is skipped",
		args: []string{"--count", "1", "--contains", "12067439178"},
		want: []string{"no number for sale matches, 1 wanted; nothing was changed (1 more is already in the spec or on the account)"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := writeSpec(t, addSpec)
			_, stderr, code := sandboxCLI(t, state, nil, append([]string{"add", "-f", file, "--primary-route", "pbx"}, tt.args...)...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if got, _ := os.ReadFile(file); string(got) != addSpec {
				t.Errorf("the file changed:\n%s", got)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// insertedOnly checks that after is before with whole lines inserted, and returns them.
func insertedOnly(t *testing.T, before, after string) []string {
	t.Helper()
	b, a := strings.SplitAfter(before, "\n"), strings.SplitAfter(after, "\n")
	var added []string
	i := 0
	for _, line := range a {
		if i < len(b) && line == b[i] {
			i++
			continue
		}
		added = append(added, line)
	}
	if i != len(b) {
		t.Fatalf("the edit changed or removed lines of the file:\n--- before\n%s\n--- after\n%s", before, after)
	}
	return added
}

func TestAddKeepsTheFile(t *testing.T) {
	t.Parallel()
	state, _ := addSandbox(t, 1000)
	tests := []struct{ name, spec string }{{
		name: "block, comments and anchors, CRLF",
		spec: strings.ReplaceAll(`# The numbers of the main office.
version: 1
x-pbx: &pbx {primary_route: pbx, failover_route: sip-reg}
defaults: {billing_method: METERED}   # billing for all
routes:
    pbx: {type: HOST, value: "10.0.0.1:5060"}   # the PBX
numbers:
    # the main line
    '12067439178': *pbx
    # another, with a merge key
    '12062092844':
        <<: *pbx
        failover_route: pbx
        # more fields later

# policy below
policy:
    max_purchases: 10
`, "\n", "\r\n"),
	}, {
		name: "flow",
		spec: "version: 1\ndefaults: {billing_method: METERED}\nroutes: {pbx: {type: HOST, value: \"10.0.0.1:5060\"}}\nnumbers: {\n  12067439178: { primary_route: pbx },\n}\n",
	}, {
		name: "no final line break",
		spec: "version: 1\ndefaults: {billing_method: METERED}\nroutes: {pbx: {type: HOST, value: \"10.0.0.1:5060\"}}\nnumbers:\n  \"12067439178\": {primary_route: pbx}",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := writeSpec(t, tt.spec)
			stdout, stderr, code := sandboxCLI(t, state, nil, "add", "-f", file, "--count", "2", "--npa", "206", "--primary-route", "pbx")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			after, _ := os.ReadFile(file)
			if strings.HasSuffix(tt.spec, "}") { // the line break before the new lines is added
				tt.spec += "\n"
			}
			if tt.name == "flow" {
				if !strings.HasPrefix(string(after), tt.spec[:strings.Index(tt.spec, "numbers:")]) || strings.Count(string(after), "primary_route: pbx }") != 3 {
					t.Errorf("flow edit:\n%s", after)
				}
			} else {
				added := insertedOnly(t, tt.spec, string(after))
				if n := len(addedTNs(strings.Join(added, ""))); n != 2 || !strings.Contains(added[0], "# flowroute-numbers add --npa 206 (") {
					t.Errorf("added %d numbers, want 2, each under a comment: %q", n, added)
				}
				for _, l := range added {
					if strings.Contains(tt.spec, "\r\n") != strings.HasSuffix(l, "\r\n") {
						t.Errorf("added line %q does not end as the file's lines do", l)
					}
					if !strings.HasPrefix(l, "    ") && strings.Contains(tt.spec, "    '") {
						t.Errorf("added line %q is not at the file's indentation", l)
					}
				}
			}
			if !strings.Contains(stdout, "Added 2 numbers to "+file) || !strings.Contains(stdout, "Cost when bought:") {
				t.Errorf("stdout:\n%s", stdout)
			}
			// The result is a spec plan reads.
			if _, stderr, code := sandboxCLI(t, state, nil, "validate", "-f", file); code != 0 {
				t.Errorf("the edited spec does not validate: %s\n%s", stderr, after)
			}
		})
	}
}

func TestAddDryRun(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 1000)
	file := writeSpec(t, addSpec)
	stdout, stderr, code := sandboxCLI(t, state, nil, "add", "-f", file, "--count", "2", "--npa", "206", "--dry-run", "--primary-route", "pbx")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(file); string(got) != addSpec {
		t.Errorf("--dry-run wrote the file:\n%s", got)
	}
	want := wantChoice(inv, 2, "", func(a v1.AvailableNumber) bool { return a.TN[1:4] == "206" && a.Allows("METERED") })
	if got := addedTNs(stdout); !slices.Equal(got, want) {
		t.Errorf("--dry-run printed %v, want %v:\n%s", got, want, stdout)
	}
	if !strings.Contains(stdout, `"`+want[0]+`": {primary_route: pbx}`) || !strings.Contains(stderr, "nothing was written") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	// What it prints is what add then writes.
	if _, stderr, code := sandboxCLI(t, state, nil, "add", "-f", file, "--count", "2", "--npa", "206", "--primary-route", "pbx"); code != 0 {
		t.Fatal(stderr)
	}
	if got, _ := os.ReadFile(file); string(got) != addSpec+stdout {
		t.Errorf("add wrote something else than --dry-run printed:\n%s\n---\n%s", got, stdout)
	}
}

func TestAddThenPlan(t *testing.T) {
	t.Parallel()
	state, _ := addSandbox(t, 1000)
	file := writeSpec(t, addSpec)
	stdout, stderr, code := sandboxCLI(t, state, nil, "add", "-f", file, "--count", "3", "--state", "TX", "--primary-route", "pbx", "--failover-route", "sip-reg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(file)
	added := addedTNs(strings.TrimPrefix(string(data), addSpec))
	if len(added) != 3 {
		t.Fatalf("added %v:\n%s", added, stdout)
	}
	out, stderr, code := sandboxCLI(t, state, nil, "plan", "-f", file, "--format", "json")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
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
	slices.Sort(bought)
	want := append([]string{"12067439178"}, added...)
	slices.Sort(want)
	if !slices.Equal(bought, want) {
		t.Errorf("plan buys %v, want %v", bought, want)
	}
}

func TestAddQuickstartGolden(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "quickstart.yaml")
	before, err := os.ReadFile("../../examples/quickstart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, before, 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "sandbox.json") // a new default sandbox
	stdout, stderr, code := sandboxCLI(t, state, nil, "add", "-f", file, "--count", "3", "--npa", "206",
		"--max-monthly-cost", "1.25", "--primary-route", "pbx-seattle", "--failover-route", "pbx-backup")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after, _ := os.ReadFile(file)
	insertedOnly(t, string(before), string(after))
	golden.Check(t, "testdata/golden/add/quickstart.yaml", after)
	stdout = strings.NewReplacer(file, "quickstart.yaml", state, "sandbox.json").Replace(stdout)
	golden.Check(t, "testdata/golden/add/quickstart.txt", []byte(stdout))
}

func TestAddReplace(t *testing.T) {
	t.Parallel()
	state, inv := addSandbox(t, 1000)
	// 12065550100 was never for sale in the sandbox: as if it had been sold to someone else.
	const pinned = `version: 1
defaults: {billing_method: METERED}
routes:
  pbx: {type: HOST, value: "10.0.0.1:5060"}
numbers:
  "12067439178": {primary_route: pbx}
  # flowroute-numbers add --state WA --max-monthly-cost 1.00 (SEATTLE, WA; setup 1.00, monthly 1.00)
  "12065550100": {billing_method: VPRI, primary_route: pbx}   # the sales line
`
	file := writeSpec(t, pinned)
	stdout, stderr, code := sandboxCLI(t, state, nil, "add", "-f", file, "--replace", "12065550100")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := wantChoice(inv, 1, "", func(a v1.AvailableNumber) bool {
		return a.State == "WA" && a.MonthlyCost <= money.MustParse("1.00") && a.Allows("VPRI")
	})
	got, _ := os.ReadFile(file)
	if !strings.Contains(string(got), `"`+want[0]+`": {billing_method: VPRI, primary_route: pbx}   # the sales line`) ||
		!strings.Contains(string(got), "  # flowroute-numbers add --state WA --max-monthly-cost 1.00 (") ||
		strings.Count(string(got), "\n") != strings.Count(pinned, "\n") {
		t.Errorf("replaced file:\n%s\nwant the key %s, its fields and its comment's criteria kept", got, want[0])
	}
	if !strings.Contains(stdout, "Replaced 12065550100 (no longer for sale)") || !strings.Contains(stdout, "the criteria recorded above it") {
		t.Errorf("stdout:\n%s", stdout)
	}

	// Refusals change nothing.
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--replace", want[0]}, "still for sale"},
		{[]string{"--replace", "12069999999"}, "not in the spec"},
		{[]string{"--replace", "12067439178", "--primary-route", "pbx"}, "--replace keeps the fields"},
	} {
		before, _ := os.ReadFile(file)
		_, stderr, code := sandboxCLI(t, state, nil, append([]string{"add", "-f", file}, tt.args...)...)
		if after, _ := os.ReadFile(file); code != 1 || !strings.Contains(stderr, tt.want) || !bytes.Equal(before, after) {
			t.Errorf("add %v: exit %d, stderr %q; want 1, %q and the file unchanged", tt.args, code, stderr, tt.want)
		}
	}
}

func TestAddRefusesBadFlags(t *testing.T) {
	t.Parallel()
	state, _ := addSandbox(t, 1000)
	noDefault := strings.Replace(addSpec, "defaults:\n  billing_method: METERED\n", "", 1)
	for _, tt := range []struct {
		spec string
		args []string
		want []string
	}{
		{addSpec, []string{"--primary-route", "nope", "--failover-route", "pbx"}, []string{"--primary-route nope: the spec declares no such route", "declares pbx and sip-reg"}},
		{addSpec, []string{"--alias", "Sales", "--cnam", "ACME"}, []string{"--alias: the v1 API cannot set it; leave it out, or use --api v2", "--cnam: the v1 API cannot set it; leave it out, or use --api v2"}},
		{addSpec, []string{"--e911", "hq"}, []string{"--e911 hq: the spec has no such entry"}},
		{addSpec, []string{"--npa", "2061", "--nxx", "420", "--ratecenter", "X", "--count", "0", "--max-setup-cost", "1.234567"}, []string{
			`--npa "2061": want 3 digits`, "--ratecenter needs --state", "--count 0: want 1 to 1000", "--max-setup-cost 1.234567"}},
		{noDefault, []string{"--npa", "206"}, []string{"give --billing-method METERED or VPRI"}},
	} {
		file := writeSpec(t, tt.spec)
		_, stderr, code := sandboxCLI(t, state, nil, append([]string{"add", "-f", file}, tt.args...)...)
		if code != 1 {
			t.Errorf("add %v: exit %d, want 1", tt.args, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("add %v: stderr does not say %q:\n%s", tt.args, w, stderr)
			}
		}
		if got, _ := os.ReadFile(file); string(got) != tt.spec {
			t.Errorf("add %v changed the file", tt.args)
		}
	}
}

func TestAddChoosesTheFile(t *testing.T) {
	t.Parallel()
	state, _ := addSandbox(t, 1000)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.yaml")
	nums := filepath.Join(dir, "numbers.yaml")
	other := filepath.Join(dir, "other.yaml")
	// Defaults fill the numbers of their own file, so the billing method lives beside them.
	os.WriteFile(base, []byte("version: 1\nroutes:\n  pbx: {type: HOST, value: \"10.0.0.1\"}\n"), 0o644)
	os.WriteFile(nums, []byte("defaults: {billing_method: METERED}\nnumbers:\n  \"12067439178\": {primary_route: pbx}\n"), 0o644)
	if _, stderr, code := sandboxCLI(t, state, nil, "add", "-f", dir, "--npa", "206", "--primary-route", "pbx"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(nums); strings.Count(string(data), "primary_route: pbx") != 2 {
		t.Errorf("numbers.yaml, the one file with numbers:, did not get the number:\n%s", data)
	}
	os.WriteFile(other, []byte("numbers: {}\n"), 0o644)
	_, stderr, code := sandboxCLI(t, state, nil, "add", "-f", dir, "--npa", "206")
	if code != 1 || !strings.Contains(stderr, "2 of the 3 spec files declare numbers:; say which file to write to with --into FILE") {
		t.Errorf("two files with numbers: exit %d, %s", code, stderr)
	}
	if _, stderr, code := sandboxCLI(t, state, nil, "add", "-f", dir, "--npa", "206", "--into", other, "--billing-method", "METERED"); code != 0 {
		t.Fatalf("--into: exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(other); len(addedTNs(string(data))) != 1 {
		t.Errorf("--into other.yaml: %s", data)
	}
}

// fakeAddInventory is an inventory that lists numbers the account owns too, as a real one
// may while the account's purchase propagates.
type fakeAddInventory struct {
	offers []account.Offer
	owned  []string
}

func (f fakeAddInventory) Capabilities() account.Capabilities {
	return account.Capabilities{API: "fake"}
}
func (f fakeAddInventory) Search(context.Context, account.SearchQuery, int) ([]account.Offer, error) {
	return slices.Clone(f.offers), nil
}
func (f fakeAddInventory) Numbers(context.Context, account.Progress) ([]account.Number, error) {
	var out []account.Number
	for _, tn := range f.owned {
		out = append(out, account.Number{TN: tn})
	}
	return out, nil
}
func (f fakeAddInventory) Lookup(context.Context, string) (*account.Offer, error) {
	return nil, account.ErrNotFound
}

// add --starts-with, as search's, picks on v2 by the first digits, and records them; v1
// cannot search so and refuses it before any request.
func TestAddStartsWith(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	const v2Spec = "version: 1\nroutes:\n  pbx: {type: HOST, value: \"10.0.0.1:5060\"}\nnumbers:\n  \"12067439178\": {primary_route: pbx}\n"
	file := writeSpec(t, v2Spec)
	stdout, stderr, code := sandboxCLI(t, state, nil, "--api", "v2", "add", "-f", file, "--count", "2", "--starts-with", "1212", "--dry-run")
	added := addedTNs(stdout)
	if code != 0 || len(added) != 2 || !strings.HasPrefix(added[0], "1212") || !strings.HasPrefix(added[1], "1212") ||
		!strings.Contains(stdout, "# flowroute-numbers add --starts-with 1212 (") {
		t.Errorf("exit %d, added %v:\n%s%s", code, added, stdout, stderr)
	}
	_, stderr, code = sandboxCLI(t, state, nil, "add", "-f", file, "--starts-with", "1212", "--billing-method", "METERED")
	if code != 1 || !strings.Contains(stderr, "--starts-with needs --api v2") {
		t.Errorf("v1: exit %d, %s", code, stderr)
	}
	if got, _ := os.ReadFile(file); string(got) != v2Spec {
		t.Errorf("the file changed:\n%s", got)
	}
}

func TestAddChooseSkipsTakenAndOrders(t *testing.T) {
	t.Parallel()
	o := func(tn, setup, monthly string) account.Offer {
		return account.Offer{TN: tn, SetupCost: money.MustParse(setup), MonthlyCost: money.MustParse(monthly)}
	}
	inv := fakeAddInventory{
		offers: []account.Offer{o("12065550105", "1", "1"), o("12065550104", "0", "1"), o("12065550103", "0", "0.5"),
			o("12065550102", "0", "0.5"), o("12065550101", "5", "0.1"), o("12065550100", "0", "0.1")},
		owned: []string{"12065550100"},
	}
	owned, err := ownedNumbers(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	job := &addJob{inv: inv, desired: &spec.Spec{Numbers: map[string]spec.Number{"12065550102": {}}}} // pinned in the spec
	for by, want := range map[string][]string{
		"monthly": {"12065550101", "12065550103", "12065550104", "12065550105"},
		"setup":   {"12065550103", "12065550104", "12065550105", "12065550101"},
		"number":  {"12065550101", "12065550103", "12065550104", "12065550105"},
	} {
		order, _ := pick.ParseOrder(by)
		got, err := job.choose(context.Background(), &Globals{}, pick.Criteria{Order: order}, owned, 4)
		if err != nil {
			t.Fatal(err)
		}
		var tns []string
		for _, g := range got {
			tns = append(tns, g.TN)
		}
		if !slices.Equal(tns, want) {
			t.Errorf("--sort %s: chose %v, want %v", by, tns, want)
		}
	}
}

// The README's transcript of add is what add prints (TestAddQuickstartGolden's output, run on
// numbers.yaml with the default sandbox state), so that its Next: line can be copied as is.
func TestReadmeAddTranscript(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "--max-monthly-cost 1.25 --primary-route pbx-seattle --failover-route pbx-backup\n")
	transcript, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no transcript of add --max-monthly-cost 1.25")
	}
	golden, err := os.ReadFile("testdata/golden/add/quickstart.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("quickstart.yaml", "numbers.yaml", " --sandbox-state sandbox.json", "").Replace(string(golden))
	if transcript != want {
		t.Errorf("README.md's add transcript differs from what add prints:\nREADME:\n%s\nadd:\n%s", transcript, want)
	}
}
