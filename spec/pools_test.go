package spec

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/flowroute-numbers/flowroute-numbers/money"
)

func TestPoolsAndRetired(t *testing.T) {
	t.Parallel()
	s, err := loadIn(goodDir, "pools.yaml")
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	amount := func(s string) *money.Amount { a := money.MustParse(s); return &a }
	want := &Spec{
		Defaults: Defaults{FailoverRoute: BuiltinRoute, CNAMLookups: &on},
		Routes: map[string]Route{
			"pbx-seattle": {Type: RouteHost, Value: "24.239.23.40:5060"},
			"parked":      {Type: RouteHost, Value: "parking.example.com"},
		},
		Pools: map[string]Pool{
			"support-seattle": {Count: 5, Search: PoolSearch{NPA: "206", NXX: "420", MaxMonthlyCost: amount("1.50")},
				Number: Number{PrimaryRoute: "pbx-seattle", Alias: "Support"}},
			"sales": {Search: PoolSearch{State: "wa", RateCenter: "seattle", Contains: "55", MaxSetupCost: amount("1")}},
		},
		// A member's own fields win over its pool's, which win over the file's defaults.
		Numbers: map[string]Number{
			"12065550100": {Pool: "support-seattle", PrimaryRoute: "pbx-seattle", FailoverRoute: BuiltinRoute, Alias: "Support", CNAMLookups: &on},
			"12065550101": {Pool: "support-seattle", PrimaryRoute: "pbx-seattle", FailoverRoute: BuiltinRoute, Alias: "Support lead", CNAMLookups: &off},
			"12065550102": {PrimaryRoute: "pbx-seattle", FailoverRoute: BuiltinRoute, CNAMLookups: &on},
		},
		Retired: map[string]Retired{
			"12065550199": {Since: NewDate(2026, time.December, 3), Reason: "customer left"},
			"12065550198": {Since: NewDate(2027, time.January, 31)},
		},
		Policy: Policy{Unmanaged: UnmanagedWarn, MaxPurchases: DefaultMaxPurchases, MaxUpdatePercent: DefaultMaxUpdatePercent,
			MaxReleases: 2, RetireDays: 10, ParkingRoute: "parked"},
	}
	if diff := cmp.Diff(want, s, ignorePositions); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	roundTrip(t, s)

	for key, line := range map[string]int{
		"pools.support-seattle": 11, "pools.support-seattle.search.npa": 13, "pools.support-seattle.number.alias": 14,
		"numbers.12065550101.pool": 20, "retired.12065550199.since": 23, "policy.parking_route": 27,
	} {
		if p := s.Positions[key]; p.Line != line {
			t.Errorf("%s at %v, want line %d", key, p, line)
		}
	}
	if got := s.Members()["support-seattle"]; !cmp.Equal(got, []string{"12065550100", "12065550101"}) {
		t.Errorf("Members = %v", got)
	}
	if got := s.Policy.ReleaseDay(s.Retired["12065550198"].Since); got.String() != "2027-02-10" {
		t.Errorf("ReleaseDay = %s, want 2027-02-10 (10 days)", got)
	}
	var zero Policy
	if zero.HoldDays() != DefaultRetireDays || zero.Parking() != BuiltinRoute {
		t.Errorf("a policy that leaves them out holds %d days on %s", zero.HoldDays(), zero.Parking())
	}
}

func TestPoolsAcrossFiles(t *testing.T) {
	t.Parallel()
	// A pool declared in one file serves the members of another; each member's own file's
	// defaults fill what the pool leaves out.
	s, err := LoadEdited(map[string][]byte{
		"pools.yaml":   []byte("routes:\n  pbx: {type: HOST, value: \"1.2.3.4\"}\npools:\n  p: {count: 2, search: {npa: \"206\"}, number: {primary_route: pbx}}\n"),
		"seattle.yaml": []byte("defaults: {failover_route: pbx, primary_route: sip-reg}\nnumbers:\n  \"12065550100\": {pool: p}\n"),
	}, "pools.yaml", "seattle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Numbers["12065550100"], (Number{Pool: "p", PrimaryRoute: "pbx", FailoverRoute: "pbx"}); got != want {
		t.Errorf("member = %+v, want %+v", got, want)
	}
	_, err = LoadEdited(map[string][]byte{
		"a.yaml": []byte("pools:\n  p: {count: 2, search: {npa: \"206\"}}\n"),
		"b.yaml": []byte("pools:\n  p: {count: 3, search: {npa: \"312\"}}\n"),
	}, "a.yaml", "b.yaml")
	if err == nil || err.Error() != `b.yaml:2:3: pool "p" is declared twice: here and at a.yaml:2:3` {
		t.Errorf("a pool in two files: %v", err)
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2026-12-03", "2028-02-29", "1999-12-31"} {
		d, err := ParseDate(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "2026-12-3", "2026-13-01", "2027-02-29", "2026-12-03T00:00:00Z", " 2026-12-03", "20261203"} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, d)
		}
	}
	d := NewDate(2026, time.December, 3)
	if got := d.AddDays(30).String(); got != "2027-01-02" {
		t.Errorf("2026-12-03 + 30 days = %s", got)
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || !d.Equal(DateOf(time.Date(2026, 12, 3, 23, 59, 0, 0, time.FixedZone("x", -8*3600)))) {
		t.Error("Before or Equal or DateOf is wrong")
	}
	var zero Date
	if !zero.IsZero() || zero.String() != "" || d.IsZero() {
		t.Error("IsZero or the zero Date's String is wrong")
	}
	b, err := json.Marshal(struct {
		D Date `json:"d"`
	}{d})
	if err != nil || string(b) != `{"d":"2026-12-03"}` {
		t.Errorf("JSON %s, %v", b, err)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(b, &back); err != nil || !back.D.Equal(d) {
		t.Errorf("JSON read back %v, %v", back.D, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"tomorrow"}`), &back); err == nil {
		t.Error("JSON read a day that is none")
	}
}

func TestRetireEdit(t *testing.T) {
	t.Parallel()
	day := NewDate(2026, time.December, 3)
	for _, tt := range []struct {
		name, in string
		tns      []string
		reason   string
		want     string
	}{{
		name: "comments move with the entry, the old entry is kept as a comment, retired starts after numbers",
		in: "# header\nnumbers:\n  # Seattle office\n\n  # flowroute-numbers add --npa 206 (SEATTLE, WA; setup 0.00, monthly 1.00)\n" +
			"  \"12065550100\": {primary_route: pbx}  # front desk\n  \"12065550101\": {pool: p}\npolicy:\n  max_releases: 1\n",
		tns: []string{"12065550100"}, reason: "customer left",
		want: "# header\nnumbers:\n  # Seattle office\n\n  \"12065550101\": {pool: p}\nretired:\n" +
			"  # flowroute-numbers add --npa 206 (SEATTLE, WA; setup 0.00, monthly 1.00)\n" +
			"  # before retirement: \"12065550100\": {primary_route: pbx}  # front desk\n" +
			"  \"12065550100\": {since: 2026-12-03, reason: \"customer left\"}\npolicy:\n  max_releases: 1\n",
	}, {
		name: "a nested entry, into an existing retired mapping, in the order given",
		in: "numbers:\n    12065550100:\n        primary_route: pbx\n        # inner\n        alias: x\n    12065550101: {}\n" +
			"retired:\n    \"12065550199\": {since: 2026-01-01}\n",
		tns: []string{"12065550101", "12065550100"},
		want: "numbers:\nretired:\n    \"12065550199\": {since: 2026-01-01}\n" +
			"    # before retirement: 12065550101: {}\n    \"12065550101\": {since: 2026-12-03}\n" +
			"    # before retirement: 12065550100:\n    #                        primary_route: pbx\n    #                        # inner\n    #                        alias: x\n" +
			"    \"12065550100\": {since: 2026-12-03}\n",
	}, {
		name: "an empty retired key, CRLF line endings and a byte-order mark kept",
		in:   "\xEF\xBB\xBFnumbers:\r\n  \"12065550100\": {}\r\nretired:\r\nversion: 1\r\n",
		tns:  []string{"12065550100", "12065550100"}, reason: "moved",
		want: "\xEF\xBB\xBFnumbers:\r\nretired:\r\n  # before retirement: \"12065550100\": {}\r\n  \"12065550100\": {since: 2026-12-03, reason: moved}\r\nversion: 1\r\n",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEdit("numbers.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.Retire(tt.tns, day, tt.reason)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("Retire (-want +got):\n%s", diff)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(out, &doc); err != nil {
				t.Errorf("the result is no YAML: %v", err)
			}
		})
	}
	for _, tt := range []struct{ in, want string }{
		{"numbers: {\"12065550100\": {}}\n", "it is a flow mapping"},
		{"numbers:\n  \"12065550100\": {}\n", "12065550101: it is not a key written in this file's numbers mapping"},
		{"routes: {}\n", "the file has no numbers mapping"},
		{"numbers:\n  \"12065550100\": {}\n  \"12065550101\": {}\nretired: {\"12065550199\": {since: 2026-01-01}}\n", "cannot add to retired: it is not a block mapping"},
	} {
		e, err := NewEdit("numbers.yaml", []byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Retire([]string{"12065550101"}, day, ""); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Retire from %q: %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestAddNumbersWritesThePool(t *testing.T) {
	t.Parallel()
	e, err := NewEdit("numbers.yaml", []byte("numbers:\n  \"12065550100\": {pool: p}\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, _, err := e.AddNumbers([]Entry{{TN: "12065550101", Number: Number{Pool: "p", PrimaryRoute: "pbx"}, Comment: "flowroute-numbers add --pool p"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "numbers:\n  \"12065550100\": {pool: p}\n  # flowroute-numbers add --pool p\n  \"12065550101\": {pool: p, primary_route: pbx}\n"; string(out) != want {
		t.Errorf("AddNumbers wrote\n%s\nwant\n%s", out, want)
	}
}
