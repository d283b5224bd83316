package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// searchCmd browses the purchasable numbers.
type searchCmd struct {
	NPA        string `name:"npa" placeholder:"NPA" help:"Area code, 3 digits."`
	NXX        string `name:"nxx" placeholder:"NXX" help:"Exchange, 3 digits (needs --npa)."`
	State      string `name:"state" placeholder:"XX" help:"State, 2 letters."`
	RateCenter string `name:"ratecenter" placeholder:"NAME" help:"Rate center (needs --state)."`
	Contains   string `name:"contains" aliases:"tn" placeholder:"DIGITS" help:"Digits the number contains."`
	StartsWith string `name:"starts-with" placeholder:"DIGITS" help:"v2: digits the number starts with, such as 1206 (instead of --npa and --nxx)."`
	Limit      int    `name:"limit" default:"20" help:"Numbers to show, 1 to 200."`
	Format     string `name:"format" enum:"table,json,yaml" default:"table" help:"Output: table, json, or yaml (a numbers: block to paste into a spec)."`
}

// query checks the flags, all of them at once, and returns the search they ask for. It runs
// before any request; api is --api. --tn, the old name of --contains, still works: kong
// takes it as a hidden alias.
func (c *searchCmd) query(api string) (account.SearchQuery, error) {
	cr := pick.Criteria{
		NPA: c.NPA, NXX: c.NXX, State: c.State, RateCenter: c.RateCenter, StartsWith: c.StartsWith, Contains: c.Contains,
	}
	var errs []error
	if err := startsWithNeedsV2(c.StartsWith, api); err != nil {
		errs = append(errs, err)
		cr.StartsWith = ""
	}
	if err := cr.Check(); err != nil {
		errs = append(errs, err)
	}
	if c.Limit < 1 || c.Limit > v1.MaxLimit {
		errs = append(errs, fmt.Errorf("--limit %d: want 1 to %d", c.Limit, v1.MaxLimit))
	}
	if err := errors.Join(errs...); err != nil {
		return account.SearchQuery{}, fmt.Errorf("search: %w", err)
	}
	return cr.Query(), nil
}

// startsWithNeedsV2 refuses --starts-with on v1, which cannot search by the digits a number
// starts with, before any request.
func startsWithNeedsV2(startsWith, api string) error {
	if startsWith != "" && api != APIv2 {
		return errors.New("--starts-with needs --api v2: v1 searches by --npa and --nxx, or by digits the number contains (--contains)")
	}
	return nil
}

func (c *searchCmd) Run(g *Globals, sess *session) error {
	q, err := c.query(g.api())
	if err != nil {
		return err
	}
	ctx := sess.ctx
	b, err := sess.Backend()
	if err != nil {
		return err
	}
	s, ok := b.(account.Searcher)
	if !ok {
		return fmt.Errorf("search: the %s backend cannot search the inventory", b.Capabilities().API)
	}
	billing := b.Capabilities().BillingMethods

	offers, err := s.Search(ctx, q, c.Limit)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	switch c.Format {
	case "json":
		err = writeNumbersJSON(g.stdout, offers, billing)
	case "yaml":
		err = writeNumbersYAML(g.stdout, offers, billing)
	default:
		err = writeNumbersTable(g.stdout, offers, billing)
	}
	if err != nil {
		return err
	}
	switch {
	case len(offers) == 0:
		fmt.Fprintln(g.stderr, "No purchasable numbers match.")
	case len(offers) == c.Limit:
		fmt.Fprintf(g.stderr, "Showing the first %d; there may be more (--limit, or narrow the search).\n", c.Limit)
	}
	return nil
}

// writeNumbersTable prints one number a line with its place, costs and, on a backend with
// billing methods, those it allows.
func writeNumbersTable(w io.Writer, offers []account.Offer, billing bool) error {
	if len(offers) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if billing {
		fmt.Fprintln(tw, "NUMBER\tSTATE\tRATE CENTER\tINITIAL\tMONTHLY\tBILLING")
	} else {
		fmt.Fprintln(tw, "NUMBER\tSTATE\tRATE CENTER\tINITIAL\tMONTHLY")
	}
	for _, n := range offers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s", n.TN, n.State, n.RateCenter, n.SetupCost, n.MonthlyCost)
		if billing {
			fmt.Fprintf(tw, "\t%s", strings.Join(n.BillingMethods, ","))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// offerJSON is a number for sale as search --format json prints it: the keys v1 uses, and
// billing_methods only on a backend with billing methods.
type offerJSON struct {
	TN             string       `json:"tn"`
	InitialCost    money.Amount `json:"initial_cost"`
	MonthlyCost    money.Amount `json:"monthly_cost"`
	State          string       `json:"state"`
	RateCenter     string       `json:"ratecenter"`
	BillingMethods *[]string    `json:"billing_methods,omitempty"`
}

// writeNumbersJSON prints the numbers as a JSON array ("[]" when there are none).
func writeNumbersJSON(w io.Writer, offers []account.Offer, billing bool) error {
	out := make([]offerJSON, len(offers))
	for i, n := range offers {
		out[i] = offerJSON{TN: n.TN, InitialCost: n.SetupCost, MonthlyCost: n.MonthlyCost, State: n.State, RateCenter: n.RateCenter}
		if billing {
			out[i].BillingMethods = &offers[i].BillingMethods
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeNumbersYAML prints a numbers: block to paste into a spec: each number under a comment
// giving its place and costs and, on a backend with billing methods, with one it allows
// (METERED when it may).
func writeNumbersYAML(w io.Writer, offers []account.Offer, billing bool) error {
	var b strings.Builder
	if len(offers) == 0 {
		b.WriteString("numbers: {}\n")
	} else {
		b.WriteString("numbers:\n")
	}
	for _, n := range offers {
		if !billing {
			fmt.Fprintf(&b, "  # %s, %s: initial %s, monthly %s\n  %q: {}\n",
				oneLine(n.RateCenter), oneLine(n.State), n.SetupCost, n.MonthlyCost, n.TN)
			continue
		}
		fmt.Fprintf(&b, "  # %s, %s: initial %s, monthly %s; billing %s\n",
			oneLine(n.RateCenter), oneLine(n.State), n.SetupCost, n.MonthlyCost, oneLine(strings.Join(n.BillingMethods, " or ")))
		if m := billingMethodFor(n); m != "" {
			fmt.Fprintf(&b, "  %q: {billing_method: %s}\n", n.TN, m)
		} else {
			fmt.Fprintf(&b, "  %q: {}\n", n.TN)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// billingMethodFor picks the billing method to suggest: METERED when allowed, else the first
// allowed, else none.
func billingMethodFor(n account.Offer) string {
	switch {
	case n.Allows("METERED"):
		return "METERED"
	case len(n.BillingMethods) > 0 && isLettersN(n.BillingMethods[0], len(n.BillingMethods[0])):
		return n.BillingMethods[0]
	}
	return ""
}

// oneLine keeps server text on one line of a YAML comment.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// isLettersN reports whether s is n ASCII letters (n > 0).
func isLettersN(s string, n int) bool {
	if len(s) != n || n == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
