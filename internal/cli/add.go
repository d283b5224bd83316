package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/flowroute-numbers/flowroute-numbers/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// addCmd picks numbers from the inventory by area, price and route and pins them in a spec
// file, editing its bytes so that everything already written stays as it was.
type addCmd struct {
	Files   []string `name:"file" short:"f" required:"" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable); the numbers go into the one file given, or the one that holds numbers: (see --into)."`
	Into    string   `placeholder:"FILE" help:"The spec file, among those of -f, to write the numbers into."`
	Count   int      `default:"1" help:"How many numbers to add, 1 to 1000."`
	Replace string   `placeholder:"TN" help:"Swap TN, a pinned number no longer for sale, for one matching the same criteria, keeping its fields."`
	DryRun  bool     `name:"dry-run" help:"Print the YAML that would be added; write nothing."`
	Sort    string   `enum:"monthly,setup,number" default:"monthly" help:"Which matches to take first: monthly (cheapest a month, then setup, then lowest number), setup (cheapest setup, then monthly, then number) or number (lowest)."`

	NPA            string `name:"npa" placeholder:"NPA" group:"Criteria: which numbers" help:"Area code, 3 digits."`
	NXX            string `name:"nxx" placeholder:"NXX" group:"Criteria: which numbers" help:"Exchange, 3 digits (needs --npa)."`
	State          string `name:"state" placeholder:"XX" group:"Criteria: which numbers" help:"State or province, 2 letters."`
	RateCenter     string `name:"ratecenter" placeholder:"NAME" group:"Criteria: which numbers" help:"Rate center (needs --state)."`
	Contains       string `name:"contains" placeholder:"DIGITS" group:"Criteria: which numbers" help:"Digits the number contains."`
	MaxSetupCost   string `name:"max-setup-cost" placeholder:"AMOUNT" group:"Criteria: which numbers" help:"Highest one-time cost of each number, e.g. 1.00."`
	MaxMonthlyCost string `name:"max-monthly-cost" placeholder:"AMOUNT" group:"Criteria: which numbers" help:"Highest monthly cost of each number, e.g. 1.50."`
	BillingMethod  string `name:"billing-method" placeholder:"METHOD" group:"Criteria: which numbers" help:"v1: METERED or VPRI; numbers that allow it (default: defaults.billing_method). Written into each number."`

	PrimaryRoute  string `name:"primary-route" placeholder:"ROUTE" group:"Fields: given to each number" help:"Primary route of each number: a route of the spec, or sip-reg."`
	FailoverRoute string `name:"failover-route" placeholder:"ROUTE" group:"Fields: given to each number" help:"Failover route of each number: a route of the spec, or sip-reg."`
	Alias         string `name:"alias" placeholder:"TEXT" group:"Fields: given to each number" help:"v2: alias of each number."`
	E911          string `name:"e911" placeholder:"NAME" group:"Fields: given to each number" help:"v2: E911 address of each number, an entry of e911_addresses."`
	CNAM          string `name:"cnam" placeholder:"NAME" group:"Fields: given to each number" help:"v2: outbound caller-ID name of each number."`
}

// addMaxCount bounds --count; a plan buys at most policy.max_purchases anyway.
const addMaxCount = 1000

// addSearchMax bounds the numbers one search reads: the choice is among the matches the
// search returns, so a search that reaches it says so. addRelaxMax bounds the searches that
// find which criterion to relax; their counts are "at least" past it.
const (
	addSearchMax = 20000
	addRelaxMax  = 2000
)

// addMarker starts the comment add writes above each number it adds, recording the criteria
// it was chosen by, so that add --replace can choose its successor the same way.
const addMarker = "flowroute-numbers add"

// addInventory is what add reads from the account: its capabilities, the inventory, the
// numbers it owns, and one offer. Every account.Backend that is also an account.Searcher
// provides it.
type addInventory interface {
	Capabilities() account.Capabilities
	account.Searcher
	Numbers(ctx context.Context, progress account.Progress) ([]account.Number, error)
	Lookup(ctx context.Context, tn string) (*account.Offer, error)
}

// addInventoryOf returns the run's account for add: its backend, which must be able to
// search the inventory.
func addInventoryOf(sess *session) (addInventory, error) {
	b, err := sess.Backend()
	if err != nil {
		return nil, err
	}
	inv, ok := b.(addInventory)
	if !ok {
		return nil, fmt.Errorf("add: the %s backend cannot search the inventory", b.Capabilities().API)
	}
	return inv, nil
}

// addCriteria is what a number must match: the search, and the filters applied to its
// results.
type addCriteria struct {
	q          account.SearchQuery
	maxSetup   *money.Amount
	maxMonthly *money.Amount
	billing    string // "" on a backend without billing methods
	// billingFrom says where billing came from when not from --billing-method, for messages:
	// "defaults.billing_method", or the replaced number.
	billingFrom string
}

// matches reports whether o passes the filters the search itself does not apply.
func (cr *addCriteria) matches(o account.Offer) bool {
	return (cr.maxSetup == nil || o.SetupCost <= *cr.maxSetup) &&
		(cr.maxMonthly == nil || o.MonthlyCost <= *cr.maxMonthly) &&
		(cr.billing == "" || o.Allows(cr.billing))
}

// args writes the criteria as add's flags, in a fixed order, for the comment above each
// number: billing is left out when it came from elsewhere than --billing-method.
func (cr *addCriteria) args(sort string) []string {
	var a []string
	flag := func(name, v string) {
		if v != "" {
			a = append(a, name, quoteArg(v))
		}
	}
	flag("--npa", cr.q.NPA)
	flag("--nxx", cr.q.NXX)
	flag("--state", cr.q.State)
	flag("--ratecenter", cr.q.RateCenter)
	flag("--contains", cr.q.Contains)
	if cr.maxSetup != nil {
		flag("--max-setup-cost", cr.maxSetup.String())
	}
	if cr.maxMonthly != nil {
		flag("--max-monthly-cost", cr.maxMonthly.String())
	}
	if cr.billingFrom == "" {
		flag("--billing-method", cr.billing)
	}
	if sort != "monthly" {
		flag("--sort", sort)
	}
	return a
}

// quoteArg quotes a flag value that a shell or parseAddComment would split.
func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'();#\\") {
		return strconv.Quote(s)
	}
	return s
}

// hasCriteria reports whether any criterion flag was given.
func (c *addCmd) hasCriteria() bool {
	return c.NPA != "" || c.NXX != "" || c.State != "" || c.RateCenter != "" || c.Contains != "" ||
		c.MaxSetupCost != "" || c.MaxMonthlyCost != ""
}

// criteria checks the criterion flags, all of them at once, and returns the criteria they
// ask for (billing is settled later, with the spec and the backend).
func (c *addCmd) criteria() (addCriteria, []error) {
	errs := areaProblems(c.NPA, c.NXX, c.State, c.RateCenter)
	if c.Contains != "" && (len(c.Contains) > 11 || !isDigitsN(c.Contains, len(c.Contains))) {
		errs = append(errs, fmt.Errorf("--contains %q: want up to 11 digits", c.Contains))
	}
	amount := func(flag, s string) *money.Amount {
		if s == "" {
			return nil
		}
		a, err := money.Parse(s)
		if err == nil && a < 0 {
			err = errors.New("want 0 or more")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %v", flag, s, err))
			return nil
		}
		return &a
	}
	cr := addCriteria{
		q: account.SearchQuery{
			NPA: c.NPA, NXX: c.NXX, Contains: c.Contains,
			State: strings.ToUpper(c.State), RateCenter: strings.ToUpper(c.RateCenter),
		},
		maxSetup:   amount("--max-setup-cost", c.MaxSetupCost),
		maxMonthly: amount("--max-monthly-cost", c.MaxMonthlyCost),
	}
	return cr, errs
}

// check checks the flags that need neither the spec nor the account.
func (c *addCmd) check() []error {
	var errs []error
	if c.Count < 1 || c.Count > addMaxCount {
		errs = append(errs, fmt.Errorf("--count %d: want 1 to %d", c.Count, addMaxCount))
	}
	if c.BillingMethod != "" {
		if u := strings.ToUpper(c.BillingMethod); u == spec.BillingMetered || u == spec.BillingVPRI {
			c.BillingMethod = u
		} else {
			errs = append(errs, fmt.Errorf("--billing-method %q: want %s or %s", c.BillingMethod, spec.BillingMetered, spec.BillingVPRI))
		}
	}
	if c.Replace != "" {
		if msg := tnProblem(c.Replace); msg != "" {
			errs = append(errs, fmt.Errorf("--replace %q: %s", c.Replace, msg))
		}
		if c.Count != 1 {
			errs = append(errs, errors.New("--replace swaps one number: leave --count out"))
		}
		for _, f := range []struct{ flag, v string }{
			{"--billing-method", c.BillingMethod}, {"--primary-route", c.PrimaryRoute}, {"--failover-route", c.FailoverRoute},
			{"--alias", c.Alias}, {"--e911", c.E911}, {"--cnam", c.CNAM},
		} {
			if f.v != "" {
				errs = append(errs, fmt.Errorf("%s: --replace keeps the fields of the number it replaces; edit them in the spec instead", f.flag))
			}
		}
	}
	return errs
}

// tnProblem says what is wrong with a number given on the command line, or "".
func tnProblem(tn string) string {
	if len(tn) != 11 || tn[0] != '1' || !isDigitsN(tn, 11) {
		return "want an 11-digit number 1NPANXXXXXX"
	}
	return ""
}

func (c *addCmd) Run(g *Globals, sess *session) error {
	cr, errs := c.criteria()
	errs = append(errs, c.check()...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("add: %w", err)
	}
	desired, err := loadSpec(g, c.Files, "Error: ")
	if err != nil {
		return err
	}
	target, data, perm, err := c.target()
	if err != nil {
		return err
	}
	ed, err := spec.NewEdit(target, data)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	inv, err := addInventoryOf(sess)
	if err != nil {
		return err
	}
	caps := inv.Capabilities()
	if err := c.checkFields(desired, caps); err != nil {
		return err
	}
	if c.Replace != "" {
		return c.replace(g, sess.ctx, inv, desired, target, ed, perm, cr)
	}
	if caps.BillingMethods {
		cr.billing = c.BillingMethod
		if cr.billing == "" {
			cr.billing, cr.billingFrom = desired.DefaultsOf(target).BillingMethod, "defaults.billing_method"
		}
		if cr.billing == "" {
			return fmt.Errorf("add: a %s number is bought with a billing method and the spec sets no defaults.billing_method: give --billing-method %s or %s", caps.API, spec.BillingMetered, spec.BillingVPRI)
		}
	}

	ctx := sess.ctx
	owned, err := ownedNumbers(ctx, inv)
	if err != nil {
		return err
	}
	taken := func(tn string) bool { _, inSpec := desired.Numbers[tn]; return inSpec || owned[tn] }
	chosen, err := c.choose(ctx, g, inv, cr, taken, c.Count)
	if err != nil {
		return err
	}

	fields := spec.Number{
		BillingMethod: c.BillingMethod, PrimaryRoute: c.PrimaryRoute, FailoverRoute: c.FailoverRoute,
		Alias: c.Alias, E911: c.E911, CNAM: c.CNAM,
	}
	entries := make([]spec.Entry, len(chosen))
	for i, o := range chosen {
		entries[i] = spec.Entry{TN: o.TN, Number: fields, Comment: addComment(cr.args(c.Sort), o)}
	}
	out, text, line, err := ed.AddNumbers(entries)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if err := c.validateEdit(g, desired, target, out, func(after *spec.Spec) bool {
		if len(after.Numbers) != len(desired.Numbers)+len(chosen) {
			return false
		}
		for tn, n := range desired.Numbers {
			if !numbersEqual(after.Numbers[tn], n) {
				return false
			}
		}
		for _, o := range chosen {
			if _, ok := after.Numbers[o.TN]; !ok {
				return false
			}
		}
		return true
	}); err != nil {
		return err
	}

	if c.DryRun {
		io.WriteString(g.stdout, strings.ReplaceAll(text, "\r\n", "\n"))
		fmt.Fprintf(g.stderr, "Would add %s to %s at line %d (--dry-run: nothing was written):\n", nounCount(len(chosen), "number"), target, line)
		writeOffers(g.stderr, chosen)
		return nil
	}
	if err := atomicfile.Write(target, out, perm); err != nil {
		return fmt.Errorf("add: writing %s: %w", target, err)
	}
	fmt.Fprintf(g.stdout, "Added %s to %s at line %d:\n", nounCount(len(chosen), "number"), target, line)
	writeOffers(g.stdout, chosen)
	c.policyNotes(g, desired, owned, chosen)
	fmt.Fprintf(g.stdout, "Next: %s shows the purchases.\n",
		strings.Join(append(append([]string{"flowroute-numbers"}, g.accountFlags()...), "plan", fileArgs(c.Files)), " "))
	return nil
}

// replace swaps the pinned number c.Replace, no longer for sale, for one chosen by the same
// criteria: those given, else those the comment above it records, else its area code.
func (c *addCmd) replace(g *Globals, ctx context.Context, inv addInventory, desired *spec.Spec, target string, ed *spec.Edit, perm os.FileMode, cr addCriteria) error {
	old := c.Replace
	if !ed.Has(old) {
		if _, ok := desired.Numbers[old]; ok {
			return fmt.Errorf("add --replace %s: the number is pinned at %s, not in a numbers mapping of %s that add can edit: replace it there by hand, or give that file with --into", old, desired.PosOf("numbers", old), target)
		}
		return fmt.Errorf("add --replace %s: the number is not in the spec; add numbers without --replace", old)
	}
	owned, err := ownedNumbers(ctx, inv)
	if err != nil {
		return err
	}
	if owned[old] {
		return fmt.Errorf("add --replace %s: the account owns this number, so there is nothing to replace", old)
	}
	switch _, err := inv.Lookup(ctx, old); {
	case err == nil:
		return fmt.Errorf("add --replace %s: the number is still for sale: plan and apply will buy it, there is nothing to replace", old)
	case !errors.Is(err, account.ErrNotFound):
		return fmt.Errorf("add --replace %s: looking the number up: %w", old, err)
	}
	how := "the criteria given"
	if !c.hasCriteria() {
		how = "its area code " + old[1:4] + " (give criteria to choose otherwise)"
		cr.q = account.SearchQuery{NPA: old[1:4]}
		if recorded, ok := parseAddComment(ed.Comment(old)); ok {
			if rc, errs := recorded.criteria(); len(errs) == 0 {
				cr, how = rc, "the criteria recorded above it"
				if c.Sort == "monthly" && recorded.Sort != "" {
					c.Sort = recorded.Sort
				}
			}
		}
	}
	if inv.Capabilities().BillingMethods {
		cr.billing, cr.billingFrom = desired.Numbers[old].BillingMethod, "the billing method of "+old
	}
	taken := func(tn string) bool { _, inSpec := desired.Numbers[tn]; return inSpec || owned[tn] }
	chosen, err := c.choose(ctx, g, inv, cr, taken, 1)
	if err != nil {
		return err
	}
	o := chosen[0]
	out, err := ed.ReplaceNumber(old, o.TN, addMarker, addComment(cr.args(c.Sort), o))
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if err := c.validateEdit(g, desired, target, out, func(after *spec.Spec) bool {
		_, stays := after.Numbers[old]
		return !stays && len(after.Numbers) == len(desired.Numbers) && numbersEqual(after.Numbers[o.TN], desired.Numbers[old])
	}); err != nil {
		return err
	}
	verb, w := "Replaced", g.stdout
	if c.DryRun {
		verb, w = "Would replace", g.stderr
		fmt.Fprintln(g.stdout, o.TN)
	} else if err := atomicfile.Write(target, out, perm); err != nil {
		return fmt.Errorf("add: writing %s: %w", target, err)
	}
	fmt.Fprintf(w, "%s %s (no longer for sale) in %s with a number chosen by %s, keeping its fields:\n", verb, old, target, how)
	writeOffers(w, chosen)
	if c.DryRun {
		fmt.Fprintln(w, "--dry-run: nothing was written.")
	}
	return nil
}

// checkFields checks the fields to give each number against the spec and the backend: routes
// must be declared (or be sip-reg), E911 addresses too, and the v2 fields need a backend
// that has them.
func (c *addCmd) checkFields(s *spec.Spec, caps account.Capabilities) error {
	var errs []error
	declared := slices.Sorted(func(yield func(string) bool) {
		for name := range s.Routes {
			if !yield(name) {
				return
			}
		}
	})
	for _, f := range []struct{ flag, route string }{{"--primary-route", c.PrimaryRoute}, {"--failover-route", c.FailoverRoute}} {
		if f.route == "" || f.route == spec.BuiltinRoute {
			continue
		}
		if _, ok := s.Routes[f.route]; !ok {
			hint := "declare it under routes: first"
			if len(declared) > 0 {
				hint = fmt.Sprintf("the spec declares %s and %s; declare it under routes: first", strings.Join(declared, ", "), spec.BuiltinRoute)
			}
			errs = append(errs, fmt.Errorf("%s %s: the spec declares no such route (%s)", f.flag, f.route, hint))
		}
	}
	if c.E911 != "" {
		if _, ok := s.E911Addresses[c.E911]; !ok {
			errs = append(errs, fmt.Errorf("--e911 %s: the spec has no such entry of e911_addresses: declare it there first", c.E911))
		}
	}
	for _, f := range []struct {
		flag, v string
		can     bool
	}{
		{"--alias", c.Alias, caps.Alias}, {"--e911", c.E911, caps.E911}, {"--cnam", c.CNAM, caps.CNAM},
		{"--billing-method", c.BillingMethod, caps.BillingMethods},
	} {
		if f.v != "" && !f.can {
			fix := "leave it out"
			if f.flag == "--billing-method" {
				fix += ": v2 numbers have no billing method"
			} else {
				fix += ", or use --api v2"
			}
			errs = append(errs, fmt.Errorf("%s: the %s API cannot set it; %s", f.flag, caps.API, fix))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("add: %w", err)
	}
	return nil
}

// target returns the spec file to edit, its contents and its permissions: --into, or the one
// file -f names, or the one file among them with a numbers key.
func (c *addCmd) target() (string, []byte, os.FileMode, error) {
	files, err := specFiles(c.Files)
	if err != nil {
		return "", nil, 0, fmt.Errorf("add: %w", err)
	}
	var name string
	switch {
	case c.Into != "":
		want, _ := filepath.Abs(c.Into)
		for _, f := range files {
			if abs, _ := filepath.Abs(f); abs == want {
				name = f
			}
		}
		if name == "" {
			return "", nil, 0, fmt.Errorf("add: --into %s is not one of the spec files -f names (%s)", c.Into, strings.Join(files, ", "))
		}
	case len(files) == 1:
		name = files[0]
	default:
		var with []string
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return "", nil, 0, fmt.Errorf("add: %w", err)
			}
			if ed, err := spec.NewEdit(f, data); err == nil && ed.DeclaresNumbers() {
				with = append(with, f)
			}
		}
		if len(with) != 1 {
			return "", nil, 0, fmt.Errorf("add: %s of the %d spec files declare numbers:; say which file to write to with --into FILE", countWord(len(with)), len(files))
		}
		name = with[0]
	}
	fi, err := os.Stat(name)
	if err != nil {
		return "", nil, 0, fmt.Errorf("add: %w", err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return "", nil, 0, fmt.Errorf("add: %w", err)
	}
	return name, data, fi.Mode().Perm(), nil
}

// countWord is "none", or the count.
func countWord(n int) string {
	if n == 0 {
		return "none"
	}
	return strconv.Itoa(n)
}

// fileArgs writes -f flags for the files, to suggest the next command.
func fileArgs(files []string) string {
	var b strings.Builder
	for i, f := range files {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("-f " + quoteArg(f))
	}
	return b.String()
}

// ownedNumbers is the set of numbers the account owns.
func ownedNumbers(ctx context.Context, inv addInventory) (map[string]bool, error) {
	nums, err := inv.Numbers(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("add: reading the account's numbers: %w", err)
	}
	owned := make(map[string]bool, len(nums))
	for _, n := range nums {
		owned[n.TN] = true
	}
	return owned, nil
}

// choose returns the first n matches, in the order --sort says, of the numbers for sale that
// are not taken. With fewer matches it returns an error saying how many matched and which
// criterion rules out the most.
func (c *addCmd) choose(ctx context.Context, g *Globals, inv addInventory, cr addCriteria, taken func(string) bool, n int) ([]account.Offer, error) {
	offers, err := inv.Search(ctx, cr.q, addSearchMax)
	if err != nil {
		return nil, fmt.Errorf("add: searching the inventory: %w", err)
	}
	if len(offers) >= addSearchMax {
		fmt.Fprintf(g.stderr, "Note: the search returned its most, %d numbers; the choice is among those. Narrow it to choose among all.\n", addSearchMax)
	}
	var matches []account.Offer
	inUse := 0
	for _, o := range offers {
		switch {
		case !cr.matches(o):
		case taken(o.TN):
			inUse++
		default:
			matches = append(matches, o)
		}
	}
	sortOffers(matches, c.Sort)
	if len(matches) >= n {
		return matches[:n], nil
	}
	var b strings.Builder
	switch len(matches) {
	case 0:
		fmt.Fprintf(&b, "add: no number for sale matches")
	case 1:
		fmt.Fprintf(&b, "add: only 1 number for sale matches")
	default:
		fmt.Fprintf(&b, "add: only %d numbers for sale match", len(matches))
	}
	fmt.Fprintf(&b, ", %d wanted; nothing was changed", n)
	if inUse > 0 {
		fmt.Fprintf(&b, " (%d more %s already in the spec or on the account)", inUse, plural(inUse, "is", "are"))
	}
	hint, err := c.relaxHint(ctx, inv, cr, offers, taken, len(matches))
	if err != nil {
		return nil, err
	}
	b.WriteString(". " + hint)
	return nil, errors.New(b.String())
}

// relaxHint finds the criterion that rules out the most: the one without which the most
// numbers would match.
func (c *addCmd) relaxHint(ctx context.Context, inv addInventory, cr addCriteria, offers []account.Offer, taken func(string) bool, matched int) (string, error) {
	type relax struct {
		name   string
		cr     addCriteria
		search bool // the search itself changes
	}
	var cands []relax
	drop := func(name string, search bool, f func(*addCriteria)) {
		r := cr
		f(&r)
		cands = append(cands, relax{name, r, search})
	}
	if q := cr.q; q.NPA != "" {
		drop("--npa "+q.NPA+cond(q.NXX != "", " --nxx "+q.NXX), true, func(r *addCriteria) { r.q.NPA, r.q.NXX = "", "" })
		if q.NXX != "" {
			drop("--nxx "+q.NXX, true, func(r *addCriteria) { r.q.NXX = "" })
		}
	}
	if q := cr.q; q.State != "" {
		drop("--state "+q.State+cond(q.RateCenter != "", " --ratecenter "+quoteArg(q.RateCenter)), true, func(r *addCriteria) { r.q.State, r.q.RateCenter = "", "" })
		if q.RateCenter != "" {
			drop("--ratecenter "+quoteArg(q.RateCenter), true, func(r *addCriteria) { r.q.RateCenter = "" })
		}
	}
	if cr.q.Contains != "" {
		drop("--contains "+cr.q.Contains, true, func(r *addCriteria) { r.q.Contains = "" })
	}
	if cr.maxSetup != nil {
		drop("--max-setup-cost "+cr.maxSetup.String(), false, func(r *addCriteria) { r.maxSetup = nil })
	}
	if cr.maxMonthly != nil {
		drop("--max-monthly-cost "+cr.maxMonthly.String(), false, func(r *addCriteria) { r.maxMonthly = nil })
	}
	if cr.billing != "" {
		name := "--billing-method " + cr.billing
		if cr.billingFrom != "" {
			name = "billing method " + cr.billing + " (from " + cr.billingFrom + ")"
		}
		drop(name, false, func(r *addCriteria) { r.billing = "" })
	}
	if len(cands) == 0 {
		return "The inventory has no more; ask for fewer.", nil
	}
	type result struct {
		name  string
		count int
		more  bool // the search stopped at addRelaxMax: at least count
	}
	var results []result
	for _, r := range cands {
		pool, more := offers, false
		if r.search {
			var err error
			if pool, err = inv.Search(ctx, r.cr.q, addRelaxMax); err != nil {
				return "", fmt.Errorf("add: searching the inventory: %w", err)
			}
			more = len(pool) >= addRelaxMax
		}
		count := 0
		for _, o := range pool {
			if r.cr.matches(o) && !taken(o.TN) {
				count++
			}
		}
		if count > matched {
			results = append(results, result{r.name, count, more})
		}
	}
	if len(results) == 0 {
		return "No single criterion is the cause: relax several, or ask for fewer.", nil
	}
	slices.SortStableFunc(results, func(a, b result) int { return cmp.Compare(b.count, a.count) })
	count := func(r result) string {
		if r.more {
			return "at least " + strconv.Itoa(r.count)
		}
		return strconv.Itoa(r.count)
	}
	best := results[0]
	verb, pronoun := "rules", "it"
	if strings.Count(best.name, "--") > 1 {
		verb, pronoun = "rule", "them"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s out the most: without %s, %s would match; relax %s", best.name, verb, pronoun, count(best), pronoun)
	for i, r := range results[1:] {
		if i == 0 {
			b.WriteString(" (or: ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "without %s, %s", r.name, count(r))
	}
	if len(results) > 1 {
		b.WriteString(")")
	}
	b.WriteString(".")
	return b.String(), nil
}

func cond(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sortOffers orders offers for choosing: by monthly cost, then setup cost, then number; by
// setup cost first; or by number alone. Numbers are unique, so the order is total.
func sortOffers(offers []account.Offer, by string) {
	slices.SortFunc(offers, func(a, b account.Offer) int {
		switch by {
		case "setup":
			return cmp.Or(cmp.Compare(a.SetupCost, b.SetupCost), cmp.Compare(a.MonthlyCost, b.MonthlyCost), cmp.Compare(a.TN, b.TN))
		case "number":
			return cmp.Compare(a.TN, b.TN)
		}
		return cmp.Or(cmp.Compare(a.MonthlyCost, b.MonthlyCost), cmp.Compare(a.SetupCost, b.SetupCost), cmp.Compare(a.TN, b.TN))
	})
}

// addComment is the comment above a number add writes: how it was chosen, and where it is
// and what it cost then.
func addComment(args []string, o account.Offer) string {
	place := strings.Trim(oneLine(o.RateCenter)+", "+oneLine(o.State), ", ")
	if place != "" {
		place += "; "
	}
	return strings.Join(append([]string{addMarker}, args...), " ") +
		fmt.Sprintf(" (%ssetup %s, monthly %s)", place, o.SetupCost, o.MonthlyCost)
}

// parseAddComment reads the criteria back from the comment add wrote above a number: the
// flags after "# flowroute-numbers add", up to the "(". ok is false when there is no such
// comment, or it cannot be read.
func parseAddComment(comment string) (c addCmd, ok bool) {
	for _, line := range strings.Split(comment, "\n") {
		rest, found := strings.CutPrefix(strings.TrimSpace(line), "# "+addMarker)
		if !found {
			continue
		}
		args, ok := splitArgs(rest)
		if !ok || len(args)%2 != 0 {
			return addCmd{}, false
		}
		c.Sort = ""
		for i := 0; i < len(args); i += 2 {
			v := args[i+1]
			switch args[i] {
			case "--npa":
				c.NPA = v
			case "--nxx":
				c.NXX = v
			case "--state":
				c.State = v
			case "--ratecenter":
				c.RateCenter = v
			case "--contains":
				c.Contains = v
			case "--max-setup-cost":
				c.MaxSetupCost = v
			case "--max-monthly-cost":
				c.MaxMonthlyCost = v
			case "--billing-method": // the replaced number's own billing method applies
			case "--sort":
				if v != "monthly" && v != "setup" && v != "number" {
					return addCmd{}, false
				}
				c.Sort = v
			default:
				return addCmd{}, false
			}
		}
		return c, true
	}
	return addCmd{}, false
}

// splitArgs splits s at blanks, reading double-quoted Go strings as one argument, up to an
// unquoted "(" or the end.
func splitArgs(s string) ([]string, bool) {
	var args []string
	for {
		s = strings.TrimLeft(s, " \t")
		switch {
		case s == "" || s[0] == '(':
			return args, true
		case s[0] == '"':
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, false
			}
			v, _ := strconv.Unquote(q)
			args, s = append(args, v), s[len(q):]
		default:
			end := strings.IndexAny(s, " \t(")
			if end < 0 {
				end = len(s)
			}
			args, s = append(args, s[:end]), s[end:]
		}
	}
}

// validateEdit loads the spec with the edited file in place of target, as plan would read
// it, and checks that the edit changed what it should and nothing else; on failure nothing
// is written.
func (c *addCmd) validateEdit(g *Globals, before *spec.Spec, target string, out []byte, ok func(*spec.Spec) bool) error {
	after, err := spec.LoadEdited(map[string][]byte{target: out}, c.Files...)
	var errs spec.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintf(g.stderr, "Error: %v\n", e)
		}
		return fmt.Errorf("add: %s would not validate with the numbers added; nothing was written", target)
	}
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if !ok(after) || !sameExceptNumbers(before, after) {
		return fmt.Errorf("add: the edit of %s would change more than the numbers it adds (a bug: please report it with the file); nothing was written", target)
	}
	return nil
}

// sameExceptNumbers reports whether a and b declare the same routes, defaults, E911
// addresses and policy: everything but the numbers (and where things were written).
func sameExceptNumbers(a, b *spec.Spec) bool {
	return gocmp.Equal(a, b,
		cmpopts.IgnoreFields(spec.Spec{}, "Numbers", "Positions"),
		cmpopts.IgnoreFields(spec.FileSummary{}, "Numbers", "Defaulted"),
		cmpopts.EquateEmpty())
}

// numbersEqual compares two numbers' fields.
func numbersEqual(a, b spec.Number) bool { return gocmp.Equal(a, b) }

// writeOffers prints the numbers with their place and costs, and the totals.
func writeOffers(w io.Writer, offers []account.Offer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NUMBER\tRATE CENTER\tSTATE\tSETUP\tMONTHLY")
	var setup, monthly money.Amount
	for _, o := range offers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", o.TN, oneLine(o.RateCenter), oneLine(o.State), o.SetupCost, o.MonthlyCost)
		setup += o.SetupCost
		monthly += o.MonthlyCost
	}
	tw.Flush()
	fmt.Fprintf(w, "Cost when bought: %s one-time, %s a month.\n", setup, monthly)
}

// policyNotes warns when the plan that follows will be refused by the spec's policy because
// of what was added.
func (c *addCmd) policyNotes(g *Globals, s *spec.Spec, owned map[string]bool, added []account.Offer) {
	pending := len(added)
	for tn := range s.Numbers {
		if !owned[tn] {
			pending++
		}
	}
	if max := s.Policy.MaxPurchases; pending > max {
		fmt.Fprintf(g.stderr, "Warning: the spec now buys %d numbers and policy.max_purchases is %d: plan will refuse until you raise it.\n", pending, max)
	}
	var monthly money.Amount
	for _, o := range added {
		monthly += o.MonthlyCost
	}
	if m := s.Policy.MaxMonthlyCost; m != nil && monthly > *m {
		fmt.Fprintf(g.stderr, "Warning: the numbers added alone cost %s a month, more than policy.max_monthly_cost %s: plan will refuse until you raise it.\n", monthly, m)
	}
}
