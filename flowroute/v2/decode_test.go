package v2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowroute-numbers/flowroute-numbers/money"
)

func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeAvailable(t *testing.T) {
	p, err := decodePage(readDoc(t, "available.json"), toAvailable)
	if err != nil {
		t.Fatal(err)
	}
	want := []AvailableNumber{
		{TN: "16463439507", RateCenter: "nwyrcyzn01", State: "ny", NumberType: "standard", MonthlyCost: money.MustParse("1.25"), SetupCost: money.MustParse("1")},
		{TN: "16463439617", RateCenter: "nwyrcyzn01", State: "ny", NumberType: "standard", MonthlyCost: money.MustParse("1.25"), SetupCost: money.MustParse("1")},
		{TN: "16463439667", RateCenter: "nwyrcyzn01", State: "ny", NumberType: "standard", MonthlyCost: money.MustParse("1.25"), SetupCost: money.MustParse("3.99")},
	}
	if diff := cmp.Diff(want, p.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if p.NextOffset != 3 || !p.HasNext() {
		t.Errorf("next %q offset %d, want offset 3", p.Next, p.NextOffset)
	}
}

func TestDecodeCodes(t *testing.T) {
	for file, want := range map[string][]string{
		"areacodes.json": {"201", "202", "203"},
		"exchanges.json": {"347215", "347325", "347331"},
	} {
		p, err := decodePage(readDoc(t, file), toCode)
		if err != nil {
			t.Fatal(file, err)
		}
		if diff := cmp.Diff(want, p.Items); diff != "" || p.NextOffset != 3 {
			t.Errorf("%s: next offset %d; items (-want +got):\n%s", file, p.NextOffset, diff)
		}
	}
}

func TestDecodeNumbers(t *testing.T) {
	p, err := decodePage(readDoc(t, "numbers.json"), toListedNumber)
	if err != nil {
		t.Fatal(err)
	}
	want := []Number{
		{TN: "12012673227", CNAMLookups: true, NumberType: "standard", RateCenter: "oradell", State: "nj"},
		{TN: "12014845220", CNAMLookups: true, NumberType: "standard", RateCenter: "jerseycity", State: "nj"},
	}
	if diff := cmp.Diff(want, p.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if p.HasNext() || p.NextOffset != -1 {
		t.Errorf("the last page has next %q (%d)", p.Next, p.NextOffset)
	}
}

var sipReg = Route{ID: "0", Alias: "sip-reg", Type: "sip-reg"}

func TestDecodeNumber(t *testing.T) {
	want := Number{TN: "16502390214", CNAMLookups: true, NumberType: "standard", RateCenter: "millbrae", State: "ca",
		Detailed: true, PrimaryRouteID: "0", Routes: []Route{sipReg}}
	for _, file := range []string{"number.json", "purchase.json"} {
		n, err := decodeNumber(readDoc(t, file))
		if err != nil {
			t.Fatal(file, err)
		}
		if diff := cmp.Diff(want, n); diff != "" {
			t.Errorf("%s (-want +got):\n%s", file, diff)
		}
	}
}

// TestDecodeNumberQuirks: integer ids in relationships and included, a string boolean, an
// integer street number, the included CNAM and E911 objects.
func TestDecodeNumberQuirks(t *testing.T) {
	n, err := decodeNumber(readDoc(t, "number-patch.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := Number{TN: "16463451234", Alias: "My NYC number", CNAMLookups: true, NumberType: "longcode", RateCenter: "nwyrcyzn01", State: "ny",
		Detailed: true, PrimaryRouteID: "0", FailoverRouteID: "83834", CNAMID: "6272", E911ID: "21845",
		Routes: []Route{sipReg, {ID: "83834", Alias: "PSTNroute1", Type: "number", Value: "12065551212", EdgeStrategyID: "4"}},
		CNAM:   &CNAM{ID: "6272", Value: "TEST, MARIA", IsApproved: true},
		E911: &E911Address{ID: "21845", E911Fields: E911Fields{Label: "Office Space III", FirstName: "Albus", LastName: "Rasputin, Jr.",
			StreetNumber: "666", StreetName: "Main St", AddressType: "Suite", AddressTypeNumber: "333", City: "Seattle", State: "WA", Country: "US", Zip: "98101"}},
	}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDecodeDetails: v2.1 relationship names, and a value that is not a number beside an id
// that is.
func TestDecodeDetails(t *testing.T) {
	ns, err := decodeDetails(readDoc(t, "details-v21.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Number{
		{TN: "12064201234", CNAMLookups: true, NumberType: "longcode", RateCenter: "seattle", State: "wa",
			Detailed: true, PrimaryRouteID: "0", FailoverRouteID: "48112", CNAMID: "6272"},
		{TN: "12064621234", Alias: "x", Detailed: true, PrimaryRouteID: "0"},
	}
	if diff := cmp.Diff(want, ns); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDecodeDetailsIncluded: the included objects of a bulk answer are shared among its
// numbers; each number keeps the routes, CNAM record and E911 address it names.
func TestDecodeDetailsIncluded(t *testing.T) {
	ns, err := decodeDetails([]byte(`{"data":[
	 {"type":"number","id":"12065550100","attributes":{"value":"12065550100"},"relationships":{"voice_primary_route":{"data":{"type":"route","id":"0"}},"voice_failover_route":{"data":{"type":"route","id":"7"}},"cnam_preset":{"data":{"type":"cnam","id":9}}}},
	 {"type":"number","id":"12065550101","attributes":{"value":"12065550101"},"relationships":{"voice_primary_route":{"data":{"type":"route","id":"7"}},"voice_failover_route":{"data":null},"e911_address":{"data":{"type":"e911","id":"5"}}}}],
	 "included":[{"type":"route","id":"0","attributes":{"alias":"sip-reg","route_type":"sip-reg","value":null}},
	  {"type":"route","id":"7","attributes":{"alias":"pbx","route_type":"host","value":"pbx.example.com"}},
	  {"type":"cnam","id":"9","attributes":{"value":"ACME","is_approved":true}},
	  {"type":"e911","id":"5","attributes":{"label":"hq","city":"Seattle"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	pbx := Route{ID: "7", Alias: "pbx", Type: "host", Value: "pbx.example.com"}
	want := []Number{
		{TN: "12065550100", Detailed: true, PrimaryRouteID: "0", FailoverRouteID: "7", CNAMID: "9", Routes: []Route{sipReg, pbx}, CNAM: &CNAM{ID: "9", Value: "ACME", IsApproved: true}},
		{TN: "12065550101", Detailed: true, PrimaryRouteID: "7", E911ID: "5", Routes: []Route{pbx}, E911: &E911Address{ID: "5", E911Fields: E911Fields{Label: "hq", City: "Seattle"}}},
	}
	if diff := cmp.Diff(want, ns); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecodeRoutes(t *testing.T) {
	p, err := decodePage(readDoc(t, "routes.json"), toRoute)
	if err != nil {
		t.Fatal(err)
	}
	want := []Route{sipReg, {ID: "83834", Alias: "PSTNroute1", Type: "number", Value: "12065551212"}}
	if diff := cmp.Diff(want, p.Items); diff != "" || p.NextOffset != 2 {
		t.Errorf("next offset %d; (-want +got):\n%s", p.NextOffset, diff)
	}
	// links.self without /v2
	r, err := decodeRoute(readDoc(t, "route-create.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Route{ID: "98396", Alias: "new route", Type: "host", Value: "il775u.sonsofodin.com"}); r != want {
		t.Errorf("created route %+v, want %+v", r, want)
	}
	// no id in data: the id comes from the self link, with or without /v2
	r, err = decodeRoute([]byte(`{"data":{"type":"route","attributes":{"alias":"a","route_type":"HOST","value":"h","edge_strategy":"1"}},"links":{"self":"https://api.flowroute.com/routes/555"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Route{ID: "555", Alias: "a", Type: "host", Value: "h", EdgeStrategyID: "1"}); r != want {
		t.Errorf("route without id %+v, want %+v", r, want)
	}
}

func TestDecodeEdgeStrategies(t *testing.T) {
	p, err := decodePage(readDoc(t, "edge-strategies.json"), toEdgeStrategy)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Items[0].ID != "4" || p.Items[0].Name != "US-East-VA" || p.Items[0].NAPTR != "us-east-va.sip.flowroute.com" {
		t.Errorf("%+v", p.Items)
	}
}

func TestDecodeCNAMs(t *testing.T) {
	p, err := decodePage(readDoc(t, "cnams.json"), toCNAM)
	if err != nil {
		t.Fatal(err)
	}
	want := []CNAM{
		{ID: "17604", Value: "TEST, MARIA", IsApproved: true},
		{ID: "22671", Value: "REGENCE INC", IsApproved: true, CreationTime: "2018-04-12 19:08:39.062539+00:00", ApprovalTime: "2018-04-16 16:20:32.939166+00:00"},
	}
	if diff := cmp.Diff(want, p.Items); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	c, err := decodeCNAM(readDoc(t, "cnam-create.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(CNAM{ID: "23454", Value: "FR H5K8", CreationTime: "2018-06-01 00:09:52.513092+00:00"}, c); diff != "" {
		t.Errorf("create (-want +got):\n%s", diff)
	}
	c, err = decodeCNAM(readDoc(t, "cnam-get.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(CNAM{ID: "17604", Value: "TEST, MARIA", IsApproved: true, Numbers: []string{"12062011682"}}, c); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	for file, want := range map[string]CNAMAssociation{
		"cnam-associate.json":   {ID: "17604", DateCreated: "Fri, 01 Jun 2018 00:17:52 GMT"},
		"cnam-unassociate.json": {DateCreated: "Mon, 22 Aug 2022 07:23:53 GMT"},
	} {
		a, err := decodeCNAMAssociation(readDoc(t, file))
		if err != nil || a != want {
			t.Errorf("%s: %+v, %v; want %+v", file, a, err, want)
		}
	}
	if a, err := decodeCNAMAssociation(nil); err != nil || a != (CNAMAssociation{}) {
		t.Errorf("empty association body: %+v, %v", a, err)
	}
}

func TestDecodeE911(t *testing.T) {
	p, err := decodePage(readDoc(t, "e911s.json"), toE911)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || p.Items[0].ID != "20930" || p.Items[0].Country != "USA" || p.Items[1].AddressType != "Apartment" || p.NextOffset != 2 {
		t.Errorf("%+v next %d", p.Items, p.NextOffset)
	}
	a, err := decodeE911(readDoc(t, "e911-create.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := E911Address{ID: "21301", E911Fields: E911Fields{Label: "E911 Test", FirstName: "Chris", LastName: "Smith", StreetNumber: "1218",
		StreetName: "3rd Ave", City: "Seattle", State: "WA", Country: "US", Zip: "98101"}}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// the doc example whose ids are relationship ids: the number is attributes.value
	np, err := decodePage(readDoc(t, "e911-numbers.json"), toE911Number)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]E911Number{{TN: "12065014377"}, {TN: "12062011682"}}, np.Items); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDecodeNulls: null everywhere a value may be, and null or missing lists.
func TestDecodeNulls(t *testing.T) {
	for _, body := range []string{`{"data":null}`, `{"data":[]}`, `{}`, `{"data":[null],"links":{"self":null,"next":null}}`} {
		p, err := decodePage([]byte(body), toListedNumber)
		if err != nil || len(p.Items) != 0 || p.HasNext() {
			t.Errorf("%s: %+v, %v", body, p, err)
		}
	}
	n, err := decodeNumber([]byte(`{"data":{"id":null,"type":null,"attributes":{"value":"12065550100","alias":null,"cnam_lookups_enabled":null,"rate_center":null,"state":null},"relationships":{"primary_route":null,"failover_route":{"data":null},"cnam_preset":{}}},"included":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Number{TN: "12065550100", Detailed: true}, n); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, body := range []string{``, `null`, `{"data":null}`} {
		if _, err := decodeNumber([]byte(body)); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
}

// TestDecodeErrors: a member of the wrong type is an error that names it and says what it
// should be, without quoting the server's value.
func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		body, want string
		decode     func([]byte) error
	}{
		{`{"data":"nope"}`, "data is a string, want a list", func(b []byte) error { _, err := decodePage(b, toRoute); return err }},
		{`{"data":[1]}`, "data is an array, want an object", func(b []byte) error { _, err := decodeNumber(b); return err }},
		{`{"data":{"attributes":{"cnam_lookups_enabled":"secret-ish"}}}`, "data.attributes.cnam_lookups_enabled is a string, want a boolean",
			func(b []byte) error { _, err := decodeNumber(b); return err }},
		{`{"data":[{"attributes":{"alias":{"x":1}}}]}`, "data.attributes.alias is an object, want a string",
			func(b []byte) error { _, err := decodePage(b, toListedNumber); return err }},
		{`{"data":[{"attributes":{"monthly_cost":"1e400"}}]}`, "data.attributes.monthly_cost is a string, want a number",
			func(b []byte) error { _, err := decodePage(b, toAvailable); return err }},
	} {
		err := tc.decode([]byte(tc.body))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestFlexScalars(t *testing.T) {
	var m flexMoney
	for in, want := range map[string]string{`1.25`: "1.25", `"0.0035"`: "0.0035", `0.00005`: "0.0001", `1e2`: "100.00", `null`: "0.00", `3.99`: "3.99"} {
		if err := m.UnmarshalJSON([]byte(in)); err != nil || money.Amount(m).String() != want {
			t.Errorf("flexMoney(%s) = %s, %v; want %s", in, money.Amount(m), err, want)
		}
	}
	for _, bad := range []string{`"x"`, `{}`, `1e300`} {
		if err := m.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("flexMoney(%s): no error", bad)
		}
	}
	var b flexBool
	for in, want := range map[string]bool{`true`: true, `"true"`: true, `"False"`: false, `null`: false, `1`: true} {
		if err := b.UnmarshalJSON([]byte(in)); err != nil || bool(b) != want {
			t.Errorf("flexBool(%s) = %v, %v", in, b, err)
		}
	}
	var s flexString
	for in, want := range map[string]string{`"a"`: "a", `17604`: "17604", `null`: "", `true`: "true"} {
		if err := s.UnmarshalJSON([]byte(in)); err != nil || string(s) != want {
			t.Errorf("flexString(%s) = %q, %v", in, s, err)
		}
	}
	if err := s.UnmarshalJSON([]byte(`{"a":1}`)); err == nil {
		t.Error("flexString(object): no error")
	}
}
