package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/internal/userfile"
	"github.com/flowroute-numbers/flowroute-numbers/money"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// addCmd picks numbers from the inventory by area, price and route and pins them in a spec
// file, editing its bytes so that everything already written stays as it was. The choice
// is package pick's; the command reads the flags, edits the file and says what it did.
type addCmd struct {
	Files    []string `name:"file" short:"f" required:"" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable); the numbers go into the one file given, or the one that holds numbers: (see --into)."`
	Into     string   `placeholder:"FILE" help:"The spec file, among those of -f, to write the numbers into."`
	Count    *int     `placeholder:"N" help:"How many numbers to add, 1 to 1000 (default 1; with --pool, what the pool lacks)."`
	Pool     string   `placeholder:"NAME" help:"Fill the pool NAME to its count with numbers matching its search, each an entry {pool: NAME} in the file that declares the pool (or --into); with --count N, add N."`
	AllPools bool     `name:"all-pools" help:"Fill every pool short of its count, as --pool does one."`
	Replace  string   `placeholder:"TN" help:"Swap TN, a pinned number no longer for sale, for one matching the same criteria, keeping its fields."`
	DryRun   bool     `name:"dry-run" help:"Print the YAML that would be added; write nothing."`
	Sort     string   `enum:"monthly,setup,number" default:"monthly" help:"Which matches to take first: monthly (cheapest a month, then setup, then lowest number), setup (cheapest setup, then monthly, then number) or number (lowest)."`

	NPA            string `name:"npa" placeholder:"NPA" group:"Criteria: which numbers" help:"Area code, 3 digits."`
	NXX            string `name:"nxx" placeholder:"NXX" group:"Criteria: which numbers" help:"Exchange, 3 digits (needs --npa)."`
	State          string `name:"state" placeholder:"XX" group:"Criteria: which numbers" help:"State or province, 2 letters."`
	RateCenter     string `name:"ratecenter" placeholder:"NAME" group:"Criteria: which numbers" help:"Rate center (needs --state)."`
	Contains       string `name:"contains" placeholder:"DIGITS" group:"Criteria: which numbers" help:"Digits the number contains."`
	StartsWith     string `name:"starts-with" placeholder:"DIGITS" group:"Criteria: which numbers" help:"v2: digits the number starts with, such as 1206 (instead of --npa and --nxx)."`
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

// hasCriteria reports whether any criterion flag was given.
func (c *addCmd) hasCriteria() bool {
	return c.NPA+c.NXX+c.State+c.RateCenter+c.StartsWith+c.Contains+c.MaxSetupCost+c.MaxMonthlyCost != ""
}

// criteria checks the criterion flags, all of them at once, and returns the criteria they
// ask for (the billing method is settled later, with the spec and the backend). api is
// --api.
func (c *addCmd) criteria(api string) (pick.Criteria, []error) {
	var errs, amountErrs []error
	amount := func(flag, s string) *money.Amount {
		if s == "" {
			return nil
		}
		a, err := money.Parse(s)
		if err != nil {
			amountErrs = append(amountErrs, fmt.Errorf("%s %s: %v", flag, s, err))
			return nil
		}
		return &a
	}
	order, err := pick.ParseOrder(c.Sort)
	if err != nil {
		errs = append(errs, fmt.Errorf("--sort: %w", err))
	}
	cr := pick.Criteria{
		NPA: c.NPA, NXX: c.NXX, State: c.State, RateCenter: c.RateCenter, StartsWith: c.StartsWith, Contains: c.Contains,
		MaxSetupCost:   amount("--max-setup-cost", c.MaxSetupCost),
		MaxMonthlyCost: amount("--max-monthly-cost", c.MaxMonthlyCost),
		Order:          order,
	}
	if err := startsWithNeedsV2(c.StartsWith, api); err != nil {
		errs = append(errs, err)
		cr.StartsWith = ""
	}
	if err := cr.Check(); err != nil {
		errs = append(errs, err)
	}
	return cr, append(errs, amountErrs...)
}

// count is --count, 1 when it is not given.
func (c *addCmd) count() int {
	if c.Count == nil {
		return 1
	}
	return *c.Count
}

// check checks the flags that need neither the spec nor the account.
func (c *addCmd) check() []error {
	var errs []error
	if n := c.count(); n < 1 || n > addMaxCount {
		errs = append(errs, fmt.Errorf("--count %d: want 1 to %d", n, addMaxCount))
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
		if c.count() != 1 {
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
	return append(errs, c.checkPool()...)
}

// tnProblem says what is wrong with a number given on the command line, or "".
func tnProblem(tn string) string {
	if len(tn) != 11 || tn[0] != '1' || strings.Trim(tn, "0123456789") != "" {
		return "want an 11-digit number 1NPANXXXXXX"
	}
	return ""
}

// addJob is what add works on once the flags are checked: the spec as loaded, the file to
// edit, and the account.
type addJob struct {
	desired *spec.Spec
	target  string // the spec file to edit
	perm    os.FileMode
	ed      *spec.Edit
	inv     addInventory
	caps    account.Capabilities
}

func (c *addCmd) Run(g *Globals, sess *session) error {
	cr, errs := c.criteria(g.api())
	errs = append(errs, c.check()...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if c.Pool != "" || c.AllPools {
		return c.fillPools(sess.ctx, g, sess)
	}
	job, err := c.open(g, sess)
	if err != nil {
		return err
	}
	if c.Replace != "" {
		return c.replace(sess.ctx, g, job, cr)
	}
	return c.add(sess.ctx, g, job, cr)
}

// open loads the spec, chooses the file to edit and connects to the account, and checks the
// fields to give the numbers against both.
func (c *addCmd) open(g *Globals, sess *session) (*addJob, error) {
	desired, err := loadSpec(g, c.Files, "Error: ")
	if err != nil {
		return nil, err
	}
	target, err := c.target()
	if err != nil {
		return nil, err
	}
	ed, perm, err := openEdit(target)
	if err != nil {
		return nil, fmt.Errorf("add: %w", err)
	}
	inv, err := addInventoryOf(sess)
	if err != nil {
		return nil, err
	}
	job := &addJob{desired: desired, target: target, perm: perm, ed: ed, inv: inv, caps: inv.Capabilities()}
	if err := c.checkFields(desired, job.caps); err != nil {
		return nil, err
	}
	return job, nil
}

// add picks --count numbers and adds them to the file, each under a comment recording the
// criteria.
func (c *addCmd) add(ctx context.Context, g *Globals, job *addJob, cr pick.Criteria) error {
	if err := c.billing(job, &cr); err != nil {
		return err
	}
	owned, err := ownedNumbers(ctx, job.inv)
	if err != nil {
		return err
	}
	chosen, err := job.choose(ctx, g, cr, owned, c.count())
	if err != nil {
		return err
	}
	fields := spec.Number{
		BillingMethod: c.BillingMethod, PrimaryRoute: c.PrimaryRoute, FailoverRoute: c.FailoverRoute,
		Alias: c.Alias, E911: c.E911, CNAM: c.CNAM,
	}
	entries := make([]spec.Entry, len(chosen))
	for i, o := range chosen {
		entries[i] = spec.Entry{TN: o.TN, Number: fields, Comment: pick.Comment(cr, o)}
	}
	out, text, line, err := job.ed.AddNumbers(entries)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if err := c.validateEdit(g, job, out, addsOnly(job.desired, chosen)); err != nil {
		return err
	}
	if c.DryRun {
		io.WriteString(g.stdout, strings.ReplaceAll(text, "\r\n", "\n"))
		fmt.Fprintf(g.stderr, "Would add %s to %s at line %d (--dry-run: nothing was written):\n", nounCount(len(chosen), "number"), job.target, line)
		writeOffers(g.stderr, chosen)
		return nil
	}
	if err := atomicfile.Write(job.target, out, job.perm); err != nil {
		return fmt.Errorf("add: writing %s: %w", job.target, err)
	}
	fmt.Fprintf(g.stdout, "Added %s to %s at line %d:\n", nounCount(len(chosen), "number"), job.target, line)
	writeOffers(g.stdout, chosen)
	c.policyNotes(g, job.desired, owned, chosen)
	c.nextPlan(g)
	return nil
}

// nextPlan suggests the command that shows the purchases of the numbers added.
func (c *addCmd) nextPlan(g *Globals) {
	fmt.Fprintf(g.stdout, "Next: %s shows the purchases.\n",
		strings.Join(append(append([]string{"flowroute-numbers"}, g.accountFlags()...), "plan", fileArgs(c.Files)), " "))
}

// billing settles the billing method the numbers are bought with, on a backend that has
// them: --billing-method, else the defaults of the file they go into.
func (c *addCmd) billing(job *addJob, cr *pick.Criteria) error {
	if !job.caps.BillingMethods {
		return nil
	}
	cr.BillingMethod = c.BillingMethod
	if cr.BillingMethod == "" {
		cr.BillingMethod, cr.BillingFrom = job.desired.DefaultsOf(job.target).BillingMethod, "defaults.billing_method"
	}
	if cr.BillingMethod == "" {
		return fmt.Errorf("add: a %s number is bought with a billing method and the spec sets no defaults.billing_method: give --billing-method %s or %s", job.caps.API, spec.BillingMetered, spec.BillingVPRI)
	}
	return nil
}

// addsOnly checks an edited spec: before's numbers, unchanged, and the chosen ones.
func addsOnly(before *spec.Spec, chosen []account.Offer) func(after *spec.Spec) bool {
	return func(after *spec.Spec) bool {
		if len(after.Numbers) != len(before.Numbers)+len(chosen) {
			return false
		}
		for tn, n := range before.Numbers {
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
	}
}

// choose picks n numbers by cr that neither the spec pins nor the account owns, and words a
// shortfall as add's error.
func (j *addJob) choose(ctx context.Context, g *Globals, cr pick.Criteria, owned map[string]bool, n int) ([]account.Offer, error) {
	taken := func(tn string) bool {
		// A retired number, released perhaps and for sale again, is never taken back by accident.
		return j.desired.Names(tn) || owned[tn]
	}
	res, err := pick.Pick(ctx, j.inv, cr, n, taken)
	if res.Capped {
		fmt.Fprintf(g.stderr, "Note: the search returned its most, %d numbers; the choice is among those. Narrow it to choose among all.\n", pick.SearchMax)
	}
	var short *pick.ShortError
	switch {
	case errors.As(err, &short):
		msg := "add: " + short.Summary() + "; nothing was changed"
		if short.Excluded > 0 {
			msg += fmt.Sprintf(" (%d more %s already in the spec or on the account)", short.Excluded, plural(short.Excluded, "is", "are"))
		}
		return nil, errors.New(msg + ". " + short.Hint())
	case err != nil:
		return nil, fmt.Errorf("add: %w", err)
	}
	return res.Offers, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// replace swaps the pinned number c.Replace, no longer for sale, for one chosen by the same
// criteria, keeping its fields and its place in the file.
func (c *addCmd) replace(ctx context.Context, g *Globals, job *addJob, given pick.Criteria) error {
	old := c.Replace
	owned, err := c.replaceable(ctx, job)
	if err != nil {
		return err
	}
	cr, how := c.successor(job.ed.Comment(old), given)
	// A pool's member (or a number a pool picked) is succeeded by the pool's search.
	if pool := cmp.Or(job.desired.Numbers[old].Pool, cr.Pool); pool != "" && !c.hasCriteria() {
		if _, ok := job.desired.Pools[pool]; ok {
			cr, how = pick.ForPool(job.desired, pool, false), "the search of its pool "+pool
		} else {
			cr, how = c.successor("", given)
		}
	}
	cr.BillingMethod, cr.BillingFrom = "", ""
	if job.caps.BillingMethods {
		cr.BillingMethod, cr.BillingFrom = job.desired.Numbers[old].BillingMethod, "the billing method of "+old
	}
	chosen, err := job.choose(ctx, g, cr, owned, 1)
	if err != nil {
		return err
	}
	o := chosen[0]
	out, err := job.ed.ReplaceNumber(old, o.TN, pick.Marker, pick.Comment(cr, o))
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if err := c.validateEdit(g, job, out, func(after *spec.Spec) bool {
		_, stays := after.Numbers[old]
		return !stays && len(after.Numbers) == len(job.desired.Numbers) && numbersEqual(after.Numbers[o.TN], job.desired.Numbers[old])
	}); err != nil {
		return err
	}
	verb, w := "Replaced", g.stdout
	if c.DryRun {
		verb, w = "Would replace", g.stderr
		fmt.Fprintln(g.stdout, o.TN)
	} else if err := atomicfile.Write(job.target, out, job.perm); err != nil {
		return fmt.Errorf("add: writing %s: %w", job.target, err)
	}
	fmt.Fprintf(w, "%s %s (no longer for sale) in %s with a number chosen by %s, keeping its fields:\n", verb, old, job.target, how)
	writeOffers(w, chosen)
	if c.DryRun {
		fmt.Fprintln(w, "--dry-run: nothing was written.")
	}
	return nil
}

// replaceable checks that c.Replace can be replaced: pinned in the file being edited, not
// owned by the account, and no longer for sale. It returns the numbers the account owns.
func (c *addCmd) replaceable(ctx context.Context, job *addJob) (owned map[string]bool, err error) {
	old := c.Replace
	if !job.ed.Has(old) {
		if _, ok := job.desired.Numbers[old]; ok {
			return nil, fmt.Errorf("add --replace %s: the number is pinned at %s, not in a numbers mapping of %s that add can edit: replace it there by hand, or give that file with --into", old, job.desired.PosOf("numbers", old), job.target)
		}
		return nil, fmt.Errorf("add --replace %s: the number is not in the spec; add numbers without --replace", old)
	}
	if owned, err = ownedNumbers(ctx, job.inv); err != nil {
		return nil, err
	}
	if owned[old] {
		return nil, fmt.Errorf("add --replace %s: the account owns this number, so there is nothing to replace", old)
	}
	switch _, err := job.inv.Lookup(ctx, old); {
	case err == nil:
		return nil, fmt.Errorf("add --replace %s: the number is still for sale: plan and apply will buy it, there is nothing to replace", old)
	case !errors.Is(err, account.ErrNotFound):
		return nil, fmt.Errorf("add --replace %s: looking the number up: %w", old, err)
	}
	return owned, nil
}

// successor returns the criteria to choose the successor of c.Replace by, and how to say
// so: those given, else those recorded in the comment above it (in their order, unless
// --sort gives another), else its area code.
func (c *addCmd) successor(comment string, given pick.Criteria) (pick.Criteria, string) {
	if c.hasCriteria() {
		return given, "the criteria given"
	}
	if recorded, ok := pick.Recorded(comment); ok {
		if given.Order != pick.ByMonthly {
			recorded.Order = given.Order
		}
		return recorded, "the criteria recorded above it"
	}
	npa := c.Replace[1:4]
	return pick.Criteria{NPA: npa, Order: given.Order}, "its area code " + npa + " (give criteria to choose otherwise)"
}

// checkFields checks the fields to give each number against the spec and the backend: routes
// must be declared (or be sip-reg), E911 addresses too, and the v2 fields need a backend
// that has them.
func (c *addCmd) checkFields(s *spec.Spec, caps account.Capabilities) error {
	var errs []error
	declared := slices.Sorted(maps.Keys(s.Routes))
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

// target returns the spec file to edit: --into, or the one file -f names, or the one file
// among them with a numbers key.
func (c *addCmd) target() (string, error) {
	if c.Into != "" {
		return c.intoFile()
	}
	files, err := specFiles(c.Files)
	if err != nil {
		return "", fmt.Errorf("add: %w", err)
	}
	if len(files) == 1 {
		return files[0], nil
	}
	var with []string
	for _, f := range files {
		data, err := userfile.Read(f, spec.MaxFileSize)
		if err != nil {
			return "", fmt.Errorf("add: %w", err)
		}
		if ed, err := spec.NewEdit(f, data); err == nil && ed.DeclaresNumbers() {
			with = append(with, f)
		}
	}
	if len(with) != 1 {
		return "", fmt.Errorf("add: %s of the %d spec files declare numbers:; say which file to write to with --into FILE", countWord(len(with)), len(files))
	}
	return with[0], nil
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
		b.WriteString("-f " + pick.Quote(f))
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

// validateEdit loads the spec with out, the edited file, in place of the job's target, as
// plan would read it, and checks that the edit changed what it should and nothing else; on
// failure nothing is written.
func (c *addCmd) validateEdit(g *Globals, job *addJob, out []byte, ok func(*spec.Spec) bool) error {
	return c.validateEdits(g, job.desired, map[string][]byte{job.target: out}, ok)
}

// validateEdits is validateEdit for edits of several files, keyed by file.
func (c *addCmd) validateEdits(g *Globals, before *spec.Spec, edits map[string][]byte, ok func(*spec.Spec) bool) error {
	target := strings.Join(slices.Sorted(maps.Keys(edits)), " and ")
	after, err := loadEdited(g, "add", "the numbers added", edits, c.Files)
	if err != nil {
		return err
	}
	if !ok(after) || !sameExceptNumbers(before, after) {
		return fmt.Errorf("add: the edit of %s would change more than the numbers it adds (a bug: please report it with the file); nothing was written", target)
	}
	return nil
}

// loadEdited loads the spec of files with the edits in place of those files' contents, as plan
// would read it. Its problems are printed, each on a line of its own, and the error says the
// edit (what) would not validate; cmd names the command in errors.
func loadEdited(g *Globals, cmd, what string, edits map[string][]byte, files []string) (*spec.Spec, error) {
	after, err := spec.LoadEdited(edits, files...)
	var errs spec.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintf(g.stderr, "Error: %v\n", e)
		}
		return nil, fmt.Errorf("%s: %s would not validate with %s; nothing was written", cmd, strings.Join(slices.Sorted(maps.Keys(edits)), " and "), what)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return after, nil
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
