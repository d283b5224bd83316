package pick

import (
	"slices"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/google/go-cmp/cmp"
)

func TestCommentReadsBack(t *testing.T) {
	t.Parallel()
	c := Criteria{NPA: "206", State: "WA", RateCenter: "BAINBRIDGE ISLAND", Contains: "42", MaxSetupCost: amount("1"), Order: BySetup}
	comment := "# other\n# " + Comment(c, account.Offer{RateCenter: "X (Y)", State: "WA"})
	got, ok := Recorded(comment)
	if !ok {
		t.Fatalf("cannot read back %q", comment)
	}
	if got.NPA != "206" || got.State != "WA" || got.RateCenter != "BAINBRIDGE ISLAND" || got.Contains != "42" ||
		got.Value(MaxSetupCost) != "1.00" || got.Order != BySetup {
		t.Errorf("read back %+v from %q", got, comment)
	}
	for _, bad := range []string{"", "# flowroute-numbers add --npa", "# flowroute-numbers add --bogus 1", `# flowroute-numbers add --state "WA`} {
		if _, ok := Recorded(bad); ok {
			t.Errorf("Recorded(%q): ok", bad)
		}
	}
}

func TestCommentRoundTrip(t *testing.T) {
	t.Parallel()
	o := account.Offer{TN: "12065550100", RateCenter: "SEATTLE", State: "WA", SetupCost: 0, MonthlyCost: 10000}
	for _, c := range []Criteria{
		{},
		{NPA: "206", NXX: "420", MaxMonthlyCost: amount("1.25")},
		{State: "wa", RateCenter: `o'brien "north"`, Order: ByNumber},
		{StartsWith: "1206", Contains: "7", MaxSetupCost: amount("0"), BillingMethod: "VPRI"},
	} {
		comment := Comment(c, o)
		got, ok := Recorded("  # " + comment + "   # more\n")
		if want := c.normal(); !ok || !cmp.Equal(got, want) {
			t.Errorf("%q read back as %+v (%t), want %+v", comment, got, ok, want)
		}
	}
}

func TestComment(t *testing.T) {
	t.Parallel()
	o := account.Offer{RateCenter: "SEATTLE", State: "WA", SetupCost: 0, MonthlyCost: 10000}
	for _, tt := range []struct {
		c    Criteria
		o    account.Offer
		want string
	}{
		{Criteria{NPA: "206", MaxMonthlyCost: amount("1.25")}, o,
			"flowroute-numbers add --npa 206 --max-monthly-cost 1.25 (SEATTLE, WA; setup 0.00, monthly 1.00)"},
		{Criteria{State: "wa", RateCenter: "Bainbridge Island", BillingMethod: "VPRI", Order: BySetup}, account.Offer{},
			`flowroute-numbers add --state WA --ratecenter "BAINBRIDGE ISLAND" --billing-method VPRI --sort setup (setup 0.00, monthly 0.00)`},
		// A billing method that follows from elsewhere is not recorded as a criterion.
		{Criteria{NPA: "206", BillingMethod: "METERED", BillingFrom: "defaults.billing_method"}, account.Offer{RateCenter: "A\nB", State: "WA"},
			"flowroute-numbers add --npa 206 (A B, WA; setup 0.00, monthly 0.00)"},
	} {
		if got := Comment(tt.c, tt.o); got != tt.want {
			t.Errorf("Comment:\n got %s\nwant %s", got, tt.want)
		}
	}
}

func TestRecordedRefusesWhatCheckRefuses(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"# flowroute-numbers add --nxx 420",
		"# flowroute-numbers add --npa 20",
		"# flowroute-numbers add --max-setup-cost lots",
		"# flowroute-numbers add --max-setup-cost -1",
		"# flowroute-numbers add --sort price",
	} {
		if c, ok := Recorded(bad); ok {
			t.Errorf("Recorded(%q) = %+v", bad, c)
		}
	}
	c, ok := Recorded("# flowroute-numbers add --npa 206 --nxx 420 --contains 55 (SEATTLE, WA; setup 0.00, monthly 1.00)")
	if !ok || !slices.Equal(c.Args(), []string{"--npa", "206", "--nxx", "420", "--contains", "55"}) {
		t.Errorf("read %v, %t", c.Args(), ok)
	}
}
