package spec

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/internal/golden"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

const (
	goodDir = "../testdata/specs/good"
	badDir  = "../testdata/specs/bad"
)

// loadIn loads names relative to dir, so that positions and goldens name short paths.
func loadIn(dir string, names ...string) (*Spec, error) {
	return load(os.DirFS(dir), path.Join, names)
}

// TestBadSpecs loads every spec in testdata/specs/bad (a file, or a directory of files that
// merge) and requires exactly the errors in its golden file.
func TestBadSpecs(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && !strings.HasSuffix(name, ".yaml") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := loadIn(badDir, name)
			if err == nil {
				t.Fatalf("loaded without error: %+v", s)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want spec.Errors: %v", err, err)
			}
			golden.Check(t, filepath.Join(badDir, strings.TrimSuffix(name, ".yaml")+".golden"), []byte(err.Error()+"\n"))
		})
	}
	if n < 30 {
		t.Errorf("only %d bad specs, want at least 30", n)
	}
}

func amount(s string) *money.Amount {
	a := money.MustParse(s)
	return &a
}

func ptr[T any](v T) *T { return &v }

var ignorePositions = cmpopts.IgnoreFields(Spec{}, "Positions", "Files", "Warnings") // Warnings carry positions too

func TestGoodSpecs(t *testing.T) {
	t.Parallel()
	defaultPolicy := Policy{Unmanaged: UnmanagedWarn, MaxPurchases: DefaultMaxPurchases, MaxUpdatePercent: DefaultMaxUpdatePercent}
	tests := []struct {
		names []string
		want  *Spec
	}{{
		names: []string{"full.yaml"},
		want: &Spec{
			Version:  1,
			Defaults: Defaults{BillingMethod: BillingMetered, FailoverRoute: BuiltinRoute},
			Routes: map[string]Route{
				"pbx-seattle": {Type: RouteHost, Value: "24.239.23.40:5060"},
				"pbx-backup":  {Type: RouteURI, Value: "sip:16476998778@215.122.69.152:5060;transport=tcp"},
				"office-cell": {Type: RoutePSTN, Value: "16476998778"},
			},
			Numbers: map[string]Number{
				"12067439178": {BillingMethod: BillingMetered, PrimaryRoute: "pbx-seattle", FailoverRoute: "pbx-backup"},
				"12062092844": {BillingMethod: BillingMetered, PrimaryRoute: "pbx-seattle", FailoverRoute: BuiltinRoute},
			},
			Policy: Policy{Unmanaged: UnmanagedWarn, MaxPurchases: 10, MaxMonthlyCost: amount("50"), MaxUpdatePercent: DefaultMaxUpdatePercent},
		},
	}, {
		names: []string{"unquoted-keys.yaml"},
		want: &Spec{
			Routes: map[string]Route{"pbx": {Type: RouteHost, Value: "pbx.example.com"}},
			Numbers: map[string]Number{
				"12065550100": {BillingMethod: BillingVPRI, PrimaryRoute: "pbx", FailoverRoute: ""},
				"12065550101": {BillingMethod: "", PrimaryRoute: "pbx", FailoverRoute: BuiltinRoute},
				"12065550102": {},
			},
			Policy: defaultPolicy,
		},
	}, {
		names: []string{"anchors.yaml"},
		want: &Spec{
			Routes: map[string]Route{
				"pbx":           {Type: RouteHost, Value: "10.0.0.1"},
				"backup":        {Type: RouteHost, Value: "[2001:db8::1]:5061"},
				"v6":            {Type: RouteHost, Value: "2001:db8::2"},
				"named.route_1": {Type: RouteURI, Value: "sips:alice@sip.example.com"},
			},
			Numbers: map[string]Number{
				"12065550100": {BillingMethod: BillingMetered, PrimaryRoute: "pbx", FailoverRoute: "backup"},
				"12065550101": {BillingMethod: BillingMetered, PrimaryRoute: "pbx", FailoverRoute: BuiltinRoute},
				"12065550102": {BillingMethod: BillingVPRI, PrimaryRoute: "pbx", FailoverRoute: "backup"}, // the first merge wins
			},
			Policy: Policy{Unmanaged: UnmanagedError, MaxPurchases: 0, MaxUpdatePercent: DefaultMaxUpdatePercent}, // an explicit 0 stays 0
		},
	}, {
		names: []string{"policy.yaml"},
		want: &Spec{
			Routes:  map[string]Route{},
			Numbers: map[string]Number{"12065550100": {}},
			Policy: Policy{
				Unmanaged: UnmanagedRelease, MaxPurchases: 3, MaxMonthlyCost: amount("20"), MaxSetupCost: amount("7.5"),
				MaxReleases: 2, MaxUpdates: ptr(0), MaxUpdatePercent: 100,
			},
		},
	}, {
		names: []string{"numeric-values.yaml"},
		want: &Spec{
			Version: 1,
			Routes:  map[string]Route{},
			Numbers: map[string]Number{"12065550100": {}},
			Policy: Policy{
				Unmanaged: UnmanagedWarn, MaxPurchases: 2, MaxReleases: 3, MaxMonthlyCost: amount("50"), MaxSetupCost: amount("100"),
				MaxUpdatePercent: DefaultMaxUpdatePercent,
			},
		},
	}, {
		names: []string{"v2.yaml"},
		want: &Spec{
			Version: 1,
			Defaults: Defaults{CNAMLookups: ptr(true), CNAM: "ACME CORP", E911: "hq",
				Messaging: &Messaging{SMSDLRCallback: "https://hooks.example.com/dlr"}},
			Routes: map[string]Route{
				"pbx":    {Type: RouteHost, Value: "pbx.example.com:5060", EdgeStrategy: "4"},
				"backup": {Type: RouteURI, Value: "sip:alice@[2001:db8::1]:5061", EdgeStrategy: "2"},
			},
			Numbers: map[string]Number{
				"12065550100": {PrimaryRoute: "pbx", Alias: "Front desk", CNAMLookups: ptr(true), CNAM: "O'Brien & Co.", E911: "hq",
					Messaging: &Messaging{SMSCallback: "https://hooks.example.com/sms?account=1&x=%20", MMSCallback: "http://10.0.0.1:8080/mms",
						SMSDLRCallback: "https://hooks.example.com/dlr"}},
				"12065550101": {PrimaryRoute: "backup", Alias: "Line 2", CNAMLookups: ptr(false), CNAM: "ACME CORP", E911: "toronto",
					Messaging: &Messaging{SMSDLRCallback: "https://hooks.example.com/dlr"}},
			},
			E911Addresses: map[string]E911Address{
				"hq": {FirstName: "Chris", LastName: "Smith", StreetNumber: "1218", StreetName: "3rd Ave", AddressType: "suite",
					AddressTypeNumber: "600", City: "Seattle", State: "WA", Country: "US", Zip: "98101"},
				"toronto": {FirstName: "Maria", LastName: "Bermudez", StreetNumber: "7742", StreetName: "Queen St E", City: "Toronto",
					State: "ON", Country: "CA", Zip: "M4C 5K7"},
				"plus4": {FirstName: "A", LastName: "B", StreetNumber: "1", StreetName: "Main St", City: "Anchorage", State: "AK",
					Country: "US", Zip: "99501-1234"},
			},
			Policy: defaultPolicy,
		},
	}, {
		names: []string{"route-names.yaml"},
		want: &Spec{
			Routes: map[string]Route{
				"2024-01-01": {Type: RouteHost, Value: "10.0.0.1"},
				"true":       {Type: RouteHost, Value: "10.0.0.2"},
				"0x10":       {Type: RouteHost, Value: "10.0.0.3"},
			},
			Numbers: map[string]Number{
				"12065550100": {BillingMethod: "", PrimaryRoute: "2024-01-01", FailoverRoute: "true"},
				"12065550101": {BillingMethod: "", PrimaryRoute: "0x10", FailoverRoute: ""},
			},
			Policy: defaultPolicy,
		},
	}, {
		names: []string{"crlf.yaml"},
		want: &Spec{
			Version: 1,
			Routes:  map[string]Route{"pbx": {Type: RouteHost, Value: "pbx.example.com:5060"}},
			Numbers: map[string]Number{"12065550100": {BillingMethod: BillingMetered, PrimaryRoute: "pbx", FailoverRoute: ""}},
			Policy:  defaultPolicy,
		},
	}, {
		names: []string{"multi"}, // a directory; each file's defaults apply to its own numbers
		want: &Spec{
			Version: 1,
			Routes:  map[string]Route{"pbx": {Type: RouteHost, Value: "24.239.23.40"}},
			Numbers: map[string]Number{
				"12065550100": {BillingMethod: BillingMetered, PrimaryRoute: "", FailoverRoute: ""},
				"12065550101": {BillingMethod: BillingMetered, PrimaryRoute: BuiltinRoute, FailoverRoute: ""},
			},
			Policy: defaultPolicy,
		},
	}, {
		names: []string{"multi/10-routes.yaml", "multi/20-numbers.yml", "multi/30-empty.yaml", "multi/10-routes.yaml"},
		want: &Spec{
			Version: 1,
			Routes:  map[string]Route{"pbx": {Type: RouteHost, Value: "24.239.23.40"}},
			Numbers: map[string]Number{
				"12065550100": {BillingMethod: BillingMetered, PrimaryRoute: "", FailoverRoute: ""},
				"12065550101": {BillingMethod: BillingMetered, PrimaryRoute: BuiltinRoute, FailoverRoute: ""},
			},
			Policy: defaultPolicy,
		},
	}, {
		names: []string{"defaults-per-file"},
		want: &Spec{
			Routes: map[string]Route{
				"pbx-chicago": {Type: RouteHost, Value: "10.0.1.1"},
				"pbx-seattle": {Type: RouteHost, Value: "10.0.2.1"},
			},
			Numbers: map[string]Number{
				"13125550100": {PrimaryRoute: "pbx-chicago"},
				"13125550101": {BillingMethod: BillingVPRI},
				"12065550100": {BillingMethod: BillingMetered, PrimaryRoute: "pbx-seattle", FailoverRoute: BuiltinRoute},
				"12065550101": {BillingMethod: BillingMetered, PrimaryRoute: "pbx-chicago", FailoverRoute: BuiltinRoute},
			},
			Policy: defaultPolicy,
		},
	}, {
		names: []string{"empty-sections.yaml"},
		want:  &Spec{Routes: map[string]Route{}, Numbers: map[string]Number{}, Policy: Policy{Unmanaged: UnmanagedError, MaxPurchases: DefaultMaxPurchases, MaxUpdatePercent: DefaultMaxUpdatePercent}},
	}, {
		names: []string{"policy-only.yaml"},
		want:  &Spec{Routes: map[string]Route{}, Numbers: map[string]Number{}, Policy: defaultPolicy},
	}, {
		names: []string{"declares-nothing.yaml"},
		want:  &Spec{Routes: map[string]Route{}, Numbers: map[string]Number{}, Policy: defaultPolicy},
	}}
	for _, tt := range tests {
		t.Run(strings.Join(tt.names, ","), func(t *testing.T) {
			t.Parallel()
			got, err := loadIn(goodDir, tt.names...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, ignorePositions); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
			roundTrip(t, got)
		})
	}
}

// roundTrip writes s and requires that Parse reads back the same spec.
func roundTrip(t *testing.T, s *Spec) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, s, "round trip"); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("written.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("Parse(Write(spec)): %v\n%s", err, buf.String())
	}
	if diff := cmp.Diff(s, back, ignorePositions, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Parse(Write(spec)) (-loaded +reread):\n%s\n%s", diff, buf.String())
	}
}

func TestLoadThroughTheOperatingSystem(t *testing.T) {
	t.Parallel()
	full, policy := filepath.Join(goodDir, "full.yaml"), filepath.Join(goodDir, "policy.yaml")
	s, err := Load(full, policy)
	if err == nil {
		t.Fatalf("want policy fields set twice, got %+v", s)
	}
	want := policy + ":5:3: policy.unmanaged is set twice: here and at " + full + ":14:14\n" +
		policy + ":6:3: policy.max_purchases is set twice: here and at " + full + ":15:18\n" +
		policy + ":7:3: policy.max_monthly_cost is set twice: here and at " + full + ":16:21"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}

	_, err = Load("no-such-file.yaml")
	if got, want := err.Error(), "no-such-file.yaml: cannot read: no such file or directory"; got != want {
		t.Errorf("missing file: %q, want %q", got, want)
	}
	_, err = Load()
	if got, want := err.Error(), "no spec files given"; got != want {
		t.Errorf("no files: %q, want %q", got, want)
	}
	_, err = Load(t.TempDir())
	if got := err.Error(); !strings.HasSuffix(got, ": the directory holds no .yaml or .yml files") {
		t.Errorf("empty directory: %q", got)
	}
}

func TestPositions(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path []string
		want string
	}{
		{[]string{"version"}, "full.yaml:2:10"},
		{[]string{"routes"}, "full.yaml:6:1"},
		{[]string{"routes", "pbx-backup"}, "full.yaml:8:3"},
		{[]string{"routes", "pbx-backup", "value"}, "full.yaml:8:37"},
		{[]string{"numbers", "12062092844"}, "full.yaml:12:3"},
		{[]string{"numbers", "12067439178", "billing_method"}, "full.yaml:11:35"},
		{[]string{"numbers", "12062092844", "billing_method"}, "full.yaml:12:3"}, // from defaults
		{[]string{"defaults", "billing_method"}, "full.yaml:4:19"},
		{[]string{"policy", "max_purchases"}, "full.yaml:15:18"},
		{[]string{"policy", "max_monthly_cost"}, "full.yaml:16:21"},
		{[]string{"numbers", "19999999999"}, "full.yaml:10:1"},
	} {
		if got := s.PosOf(tt.path...).String(); got != tt.want {
			t.Errorf("PosOf(%v) = %s, want %s", tt.path, got, tt.want)
		}
	}
}

// TestFileSummaries: Files says what each file declared and how many of its numbers its
// defaults filled, for validate's summary.
func TestFileSummaries(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "defaults-per-file")
	if err != nil {
		t.Fatal(err)
	}
	want := []FileSummary{
		{File: "defaults-per-file/chicago.yaml", Routes: 1, Numbers: 2},
		{File: "defaults-per-file/seattle.yaml", Routes: 1, Numbers: 2, Defaults: Defaults{BillingMethod: BillingMetered, PrimaryRoute: "pbx-seattle", FailoverRoute: BuiltinRoute}, Defaulted: 2},
	}
	if diff := cmp.Diff(want, s.Files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	if s.Defaults != (Defaults{}) {
		t.Errorf("Defaults of a spec of several files: %+v, want none", s.Defaults)
	}

	s, err = loadIn(goodDir, "full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Defaults{BillingMethod: BillingMetered, FailoverRoute: BuiltinRoute}
	if diff := cmp.Diff([]FileSummary{{File: "full.yaml", Routes: 3, Numbers: 2, Defaults: d, Defaulted: 1}}, s.Files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	if s.Defaults != d {
		t.Errorf("Defaults of a spec of one file: %+v, want %+v", s.Defaults, d)
	}
}

// TestPositionsV2: the v2 fields have positions of their own, under the keys plan uses.
func TestPositionsV2(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "v2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"routes.pbx.edge_strategy":                   "v2.yaml:11:67",
		"numbers.12065550100.alias":                  "v2.yaml:16:12",
		"numbers.12065550100.cnam":                   "v2.yaml:17:11",
		"numbers.12065550100.messaging":              "v2.yaml:18:5",
		"numbers.12065550100.messaging.sms_callback": "v2.yaml:19:21",
		"numbers.12065550101.cnam_lookups":           "v2.yaml:21:56",
		"numbers.12065550101.e911":                   "v2.yaml:21:69",
		"e911_addresses":                             "v2.yaml:22:1",
		"e911_addresses.toronto":                     "v2.yaml:25:3",
		"e911_addresses.toronto.zip":                 "v2.yaml:33:10",
		"e911_addresses.hq.address_type_number":      "v2.yaml:24:50",
		"defaults.messaging.sms_dlr_callback":        "v2.yaml:9:23",
		"defaults.e911":                              "v2.yaml:7:9",
	} {
		if got := s.Positions[key].String(); got != want {
			t.Errorf("Positions[%q] = %s, want %s", key, got, want)
		}
	}
	// A field from defaults has the number's position.
	if got := s.PosOf("numbers", "12065550101", "cnam").String(); got != "v2.yaml:21:3" {
		t.Errorf("PosOf(cnam from defaults) = %s", got)
	}
}

func TestEmptyFiles(t *testing.T) {
	t.Parallel()
	for _, data := range []string{"", "# nothing\n", "---\n", "~\n", "\r\n"} {
		_, err := Parse("e.yaml", []byte(data))
		if err == nil || err.Error() != "e.yaml: the spec is empty (declare routes and numbers, see the examples)" {
			t.Errorf("Parse(%q) = %v, want the spec is empty", data, err)
		}
	}
}

func TestHostileInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: cheap to make
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(huge)
	if err == nil || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Errorf("huge file: %v", err)
	}
	if _, err := Parse("huge.yaml", make([]byte, MaxFileSize+1)); err == nil || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Errorf("huge data: %v", err)
	}

	deep := strings.Repeat("[", 100_000)
	if _, err := Parse("deep.yaml", []byte("routes: "+deep)); err == nil {
		t.Error("deep nesting: no error")
	}
	garbage := make([]byte, 1<<16)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i>>3)
	}
	if _, err := Parse("garbage.yaml", garbage); err == nil {
		t.Error("garbage: no error")
	}
}

func TestErrorsSortAndUnwrap(t *testing.T) {
	t.Parallel()
	_, err := loadIn(badDir, "undeclared-route.yaml", "billing-method.yaml")
	var e *Error
	if !errors.As(err, &e) || e.Pos.File != "billing-method.yaml" || e.Pos.Line != 2 {
		t.Fatalf("errors.As gave %+v from %v", e, err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 7 {
		t.Fatalf("want 7 problems, got %d:\n%s", len(lines), err)
	}
}

func TestBadChar(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		data      string
		line, col int
		valid     bool
	}{
		{"a: b\n", 0, 0, true},
		{"a: b\r\nc: ü\x01\n", 2, 5, true},
		{"a: \xe9\n", 1, 4, false},
		{"\t\u00a0\U0001F600\x7f", 1, 4, true},
		{"\xff\xfea\x00", 0, 0, true}, // UTF-16: yaml.v3 reads it, no position
	} {
		line, col, valid := badChar([]byte(tt.data))
		if line != tt.line || col != tt.col || valid != tt.valid {
			t.Errorf("badChar(%q) = %d, %d, %v; want %d, %d, %v", tt.data, line, col, valid, tt.line, tt.col, tt.valid)
		}
	}
}

// TestLoadFileNamedTwice names a file both through its directory and by a path spelled
// differently: it is read once, not reported as declaring everything twice.
func TestLoadFileNamedTwice(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(goodDir, "multi")
	s, err := Load(dir+string(filepath.Separator), filepath.Join(dir, "10-routes.yaml"), "./"+filepath.Join(dir, ".", "20-numbers.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Routes) != 1 || len(s.Numbers) != 2 {
		t.Errorf("loaded %d routes and %d numbers, want 1 and 2", len(s.Routes), len(s.Numbers))
	}
}

// TestSuggestionsBounded: looking for a likely typo costs a comparison with every route, so
// a spec with many routes and many undeclared names (here 2,000 × 2,000, a few MB) must not
// search for every one; it gets the plain hint instead. A few typos still get suggestions.
func TestSuggestionsBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("routes:\n")
	const n = 2000
	for i := range n {
		fmt.Fprintf(&b, "  route-%05d: {type: HOST, value: 10.0.0.1}\n", i)
	}
	b.WriteString("numbers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  \"1206%07d\": {primary_route: route-%05dx}\n", 2000000+i, i)
	}
	_, err := Parse("many.yaml", []byte(b.String()))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != n {
		t.Fatalf("want %d errors, got %v", n, err)
	}
	for _, e := range errs {
		if e.Hint != "declare it under routes, or use the built-in route sip-reg" {
			t.Fatalf("hint %q, want the plain hint", e.Hint)
		}
	}
}

// TestAliasBombOfErrors: a mapping of unknown keys aliased by every number is a problem per
// key and number, which aliases multiply far beyond the size of the file. Past what the file
// could hold written out, the spec is an alias bomb, and that is all Load says about it.
func TestAliasBombOfErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	const n = 400
	b.WriteString("x-m: &m {")
	for i := range n {
		fmt.Fprintf(&b, "k%d: 1, ", i)
	}
	b.WriteString("}\nnumbers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  \"1206%07d\": *m\n", 2000000+i)
	}
	_, err := Parse("bomb.yaml", []byte(b.String()))
	want := "bomb.yaml:1:6: the spec expands too many aliases or merge keys (an alias bomb?)"
	if err == nil || err.Error() != want {
		t.Errorf("got %d problems:\n%.300s\nwant:\n%s", strings.Count(fmt.Sprint(err), "\n")+1, err, want)
	}
}

func TestDefaultsOf(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "defaults-per-file")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.DefaultsOf("./defaults-per-file/seattle.yaml"); got.PrimaryRoute != "pbx-seattle" {
		t.Errorf("DefaultsOf(seattle) = %+v", got)
	}
	if got := s.DefaultsOf("defaults-per-file/chicago.yaml"); got != (Defaults{}) {
		t.Errorf("DefaultsOf(chicago) = %+v, want none", got)
	}
}

// TestCallbackWarnings: a callback URL that Flowroute's servers cannot reach, or that holds a
// password, loads with a warning naming the field and why, never quoting the password.
func TestCallbackWarnings(t *testing.T) {
	t.Parallel()
	data := `defaults:
  messaging: {sms_dlr_callback: "http://localhost:8080/dlr"}
numbers:
  "12065550100":
    messaging:
      sms_callback: "https://hooks:s3cret@hooks.example.com/sms"
      mms_callback: "http://127.0.0.1/mms"
      mms_dlr_callback: "http://[fe80::1]:80/dlr"
  "12065550101": {messaging: {sms_callback: "http://10.1.2.3/sms", mms_callback: "http://172.16.0.1/mms", sms_dlr_callback: "http://192.168.1.1/x", mms_dlr_callback: "http://[fd00::1]/x"}}
  "12065550102": {messaging: {sms_callback: "http://169.254.169.254/sms", mms_callback: "http://[::ffff:192.168.0.1]/x", sms_dlr_callback: "http://api.localhost./x"}}
  "12065550103": {messaging: {sms_callback: "https://hooks.example.com/sms", mms_callback: "http://8.8.8.8/mms", sms_dlr_callback: "https://user@hooks.example.com/x"}}
`
	s, err := Parse("cb.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	const (
		unreachable = ", which Flowroute's servers cannot reach (give a public address or host name of the endpoint)"
		password    = " has a password (user:password@), which Flowroute stores and shows in plain text (leave the password out of the URL)"
	)
	want := []string{
		"cb.yaml:2:33: defaults.messaging.sms_dlr_callback points at localhost, the name of this machine" + unreachable,
		"cb.yaml:6:21: number 12065550100 messaging.sms_callback" + password,
		"cb.yaml:7:21: number 12065550100 messaging.mms_callback points at 127.0.0.1, a loopback address" + unreachable,
		"cb.yaml:8:25: number 12065550100 messaging.mms_dlr_callback points at fe80::1, a link-local address" + unreachable,
		"cb.yaml:9:45: number 12065550101 messaging.sms_callback points at 10.1.2.3, a private address" + unreachable,
		"cb.yaml:9:82: number 12065550101 messaging.mms_callback points at 172.16.0.1, a private address" + unreachable,
		"cb.yaml:9:125: number 12065550101 messaging.sms_dlr_callback points at 192.168.1.1, a private address" + unreachable,
		"cb.yaml:9:167: number 12065550101 messaging.mms_dlr_callback points at fd00::1, a private address" + unreachable,
		"cb.yaml:10:45: number 12065550102 messaging.sms_callback points at 169.254.169.254, a link-local address" + unreachable,
		"cb.yaml:10:89: number 12065550102 messaging.mms_callback points at ::ffff:192.168.0.1, a private address" + unreachable,
		"cb.yaml:10:140: number 12065550102 messaging.sms_dlr_callback points at api.localhost., the name of this machine" + unreachable,
	}
	var got []string
	for _, w := range s.Warnings {
		got = append(got, w.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if strings.Contains(strings.Join(got, "\n"), "s3cret") {
		t.Error("a warning quotes the password")
	}

	// An invalid callback's error quotes it without its password.
	_, err = Parse("bad.yaml", []byte("numbers:\n  \"12065550100\": {messaging: {sms_callback: \"https://u:s3cret@hooks.example.com/a b\"}}\n"))
	if want := `number 12065550100 messaging.sms_callback "https://u:xxxxx@hooks.example.com/a b" has a space`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one saying %s", err, want)
	}
}
