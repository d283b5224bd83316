package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute"
)

// searchCmd browses the purchasable numbers.
type searchCmd struct {
	NPA        string `name:"npa" placeholder:"NPA" help:"Area code, 3 digits."`
	NXX        string `name:"nxx" placeholder:"NXX" help:"Exchange, 3 digits (needs --npa)."`
	State      string `name:"state" placeholder:"XX" help:"State, 2 letters."`
	RateCenter string `name:"ratecenter" placeholder:"NAME" help:"Rate center (needs --state)."`
	TN         string `name:"tn" placeholder:"DIGITS" help:"Digits the number contains."`
	Limit      int    `name:"limit" default:"20" help:"Numbers to show, 1 to 200."`
	Format     string `name:"format" enum:"table,json,yaml" default:"table" help:"Output: table, json, or yaml (a numbers: block to paste into a spec)."`
}

// query checks the flags, all of them at once, and returns the search they ask for. It runs
// before any request.
func (c *searchCmd) query() (flowroute.SearchQuery, error) {
	var errs []error
	if c.NPA != "" && !isDigitsN(c.NPA, 3) {
		errs = append(errs, fmt.Errorf("--npa %q: want 3 digits", c.NPA))
	}
	if c.NXX != "" {
		if !isDigitsN(c.NXX, 3) {
			errs = append(errs, fmt.Errorf("--nxx %q: want 3 digits", c.NXX))
		}
		if c.NPA == "" {
			errs = append(errs, errors.New("--nxx needs --npa"))
		}
	}
	if c.State != "" && !isLettersN(c.State, 2) {
		errs = append(errs, fmt.Errorf("--state %q: want 2 letters", c.State))
	}
	if c.RateCenter != "" && c.State == "" {
		errs = append(errs, errors.New("--ratecenter needs --state"))
	}
	if c.TN != "" && (len(c.TN) > 11 || !isDigitsN(c.TN, len(c.TN))) {
		errs = append(errs, fmt.Errorf("--tn %q: want up to 11 digits", c.TN))
	}
	if c.Limit < 1 || c.Limit > flowroute.MaxLimit {
		errs = append(errs, fmt.Errorf("--limit %d: want 1 to %d", c.Limit, flowroute.MaxLimit))
	}
	if err := errors.Join(errs...); err != nil {
		return flowroute.SearchQuery{}, fmt.Errorf("search: %w", err)
	}
	return flowroute.SearchQuery{
		NPA: c.NPA, NXX: c.NXX, TN: c.TN,
		State: strings.ToUpper(c.State), RateCenter: strings.ToUpper(c.RateCenter),
	}, nil
}

func (c *searchCmd) Run(g *Globals, sess *session) error {
	q, err := c.query()
	if err != nil {
		return err
	}
	ctx := sess.ctx
	client, err := sess.Client()
	if err != nil {
		return err
	}

	numbers, err := client.AllAvailable(ctx, q, c.Limit)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	switch c.Format {
	case "json":
		err = writeNumbersJSON(g.stdout, numbers)
	case "yaml":
		err = writeNumbersYAML(g.stdout, numbers)
	default:
		err = writeNumbersTable(g.stdout, numbers)
	}
	if err != nil {
		return err
	}
	switch {
	case len(numbers) == 0:
		fmt.Fprintln(g.stderr, "No purchasable numbers match.")
	case len(numbers) == c.Limit:
		fmt.Fprintf(g.stderr, "Showing the first %d; there may be more (--limit, or narrow the search).\n", c.Limit)
	}
	return nil
}

// writeNumbersTable prints one number a line with its place, costs and billing methods.
func writeNumbersTable(w io.Writer, numbers []flowroute.AvailableNumber) error {
	if len(numbers) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tSTATE\tRATE CENTER\tINITIAL\tMONTHLY\tBILLING")
	for _, n := range numbers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.TN, n.State, n.RateCenter, n.InitialCost, n.MonthlyCost, strings.Join(n.BillingMethods, ","))
	}
	return tw.Flush()
}

// writeNumbersJSON prints the numbers as a JSON array ("[]" when there are none).
func writeNumbersJSON(w io.Writer, numbers []flowroute.AvailableNumber) error {
	if numbers == nil {
		numbers = []flowroute.AvailableNumber{}
	}
	b, err := json.MarshalIndent(numbers, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeNumbersYAML prints a numbers: block to paste into a spec: each number with a billing
// method it allows (METERED when it may), under a comment giving its place and costs.
func writeNumbersYAML(w io.Writer, numbers []flowroute.AvailableNumber) error {
	var b strings.Builder
	if len(numbers) == 0 {
		b.WriteString("numbers: {}\n")
	} else {
		b.WriteString("numbers:\n")
	}
	for _, n := range numbers {
		fmt.Fprintf(&b, "  # %s, %s: initial %s, monthly %s; billing %s\n",
			oneLine(n.RateCenter), oneLine(n.State), n.InitialCost, n.MonthlyCost, oneLine(strings.Join(n.BillingMethods, " or ")))
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
func billingMethodFor(n flowroute.AvailableNumber) string {
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

// isDigitsN reports whether s is n ASCII digits (n > 0).
func isDigitsN(s string, n int) bool {
	if len(s) != n || n == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

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
