package cli

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// retireCmd lets numbers go deliberately and reviewably: it moves their entries from
// numbers: to retired: with today's date, in the files that declare them, keeping their
// comments. plan then holds each on the parking route and releases it once
// policy.retire_days have passed; moving an entry back to numbers: before then keeps it. It
// reads no account.
type retireCmd struct {
	Files  []string `name:"file" short:"f" required:"" sep:"none" placeholder:"SPEC" help:"Spec file or directory of *.yaml files (repeatable); each number is retired in the file that declares it."`
	TNs    []string `arg:"" name:"tn" help:"The numbers to retire, 1NPANXXXXXX."`
	Reason string   `placeholder:"TEXT" help:"Why the numbers go, written into each entry for the review."`
}

// today is the day the run takes as today: FLOWROUTE_TODAY (YYYY-MM-DD) when set, for tests
// and a dry look ahead, else the local day.
func (g *Globals) today() (spec.Date, error) {
	if g.Today == "" {
		return spec.DateOf(time.Now()), nil
	}
	d, err := spec.ParseDate(g.Today)
	if err != nil {
		return spec.Date{}, fmt.Errorf("FLOWROUTE_TODAY (--today): %w", err)
	}
	return d, nil
}

func (c *retireCmd) Run(g *Globals) error {
	today, err := g.today()
	if err != nil {
		return err
	}
	var errs []error
	for _, tn := range c.TNs {
		if msg := tnProblem(tn); msg != "" {
			errs = append(errs, fmt.Errorf("%q: %s", tn, msg))
		}
	}
	if strings.ContainsAny(c.Reason, "\n\r") {
		errs = append(errs, errors.New("--reason: keep it on one line"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("retire: %w", err)
	}
	desired, err := loadSpec(g, c.Files, "Error: ")
	if err != nil {
		return err
	}
	byFile := map[string][]string{}
	var files []string
	for _, tn := range c.TNs {
		if _, ok := desired.Numbers[tn]; !ok {
			if r, retired := desired.Retired[tn]; retired {
				errs = append(errs, fmt.Errorf("%s is retired already, since %s (%s)", tn, r.Since, desired.PosOf("retired", tn)))
			} else {
				errs = append(errs, fmt.Errorf("%s is not in the spec's numbers", tn))
			}
			continue
		}
		file := desired.PosOf("numbers", tn).File
		if _, ok := byFile[file]; !ok {
			files = append(files, file)
		}
		if !slices.Contains(byFile[file], tn) {
			byFile[file] = append(byFile[file], tn)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("retire: %w; nothing was changed", err)
	}
	edits := map[string][]byte{}
	perms := map[string]os.FileMode{}
	for _, file := range files {
		ed, perm, err := openEdit(file)
		if err != nil {
			return fmt.Errorf("retire: %w", err)
		}
		if edits[file], err = ed.Retire(byFile[file], today, c.Reason); err != nil {
			return fmt.Errorf("retire: %w", err)
		}
		perms[file] = perm
	}
	if err := c.check(g, desired, edits, today); err != nil {
		return err
	}
	for _, file := range files {
		if err := atomicfile.Write(file, edits[file], perms[file]); err != nil {
			return fmt.Errorf("retire: writing %s: %w", file, err)
		}
	}
	c.report(g, desired, files, byFile, today)
	return nil
}

// check loads the spec with the edits and requires it to be the spec with the numbers moved
// from numbers to retired (since today, for the reason given) and nothing else changed.
func (c *retireCmd) check(g *Globals, before *spec.Spec, edits map[string][]byte, today spec.Date) error {
	names := strings.Join(slices.Sorted(maps.Keys(edits)), " and ")
	after, err := loadEdited(g, "retire", "the numbers retired", edits, c.Files)
	if err != nil {
		return err
	}
	want := *before
	want.Numbers = maps.Clone(before.Numbers)
	want.Retired = maps.Clone(before.Retired)
	if want.Retired == nil {
		want.Retired = map[string]spec.Retired{}
	}
	for _, tn := range c.TNs {
		delete(want.Numbers, tn)
		want.Retired[tn] = spec.Retired{Since: today, Reason: strings.Join(strings.Fields(c.Reason), " ")}
	}
	if !gocmp.Equal(&want, after, cmpopts.IgnoreFields(spec.Spec{}, "Positions"),
		cmpopts.IgnoreFields(spec.FileSummary{}, "Numbers", "Defaulted"), cmpopts.EquateEmpty()) {
		return fmt.Errorf("retire: the edit of %s would change more than the numbers it retires (a bug: please report it with the file); nothing was written", names)
	}
	return nil
}

// report says what was retired and what happens next: held from the next apply, released on
// or after the day (never on v1), within policy.max_releases.
func (c *retireCmd) report(g *Globals, s *spec.Spec, files []string, byFile map[string][]string, today spec.Date) {
	day := s.Policy.ReleaseDay(today)
	for _, file := range files {
		fmt.Fprintf(g.stdout, "Retired %s in %s: %s.\n", nounCount(len(byFile[file]), "number"), file, strings.Join(byFile[file], ", "))
	}
	them, they := "it", "it is"
	if len(c.TNs) > 1 {
		them, they = "them", "they are"
	}
	park := s.Policy.Parking()
	if g.api() == APIv1 {
		fmt.Fprintf(g.stdout, "The next apply holds %s: calls go to %s. v1 cannot release numbers: %s held for good (with --api v2, the first plan on or after %s releases %s).\n",
			them, park, they, day, them)
	} else {
		fmt.Fprintf(g.stdout, "The next apply holds %s: calls go to %s, aliases, CNAM and messaging callbacks are cleared, E911 addresses kept.\n", them, park)
		fmt.Fprintf(g.stdout, "The first plan on or after %s (policy.retire_days %d) releases %s. Until then, moving an entry back to numbers: keeps the number.\n",
			day, s.Policy.HoldDays(), them)
		if n := len(c.TNs) + len(s.Retired); s.Policy.MaxReleases < n {
			fmt.Fprintf(g.stderr, "Warning: policy.max_releases is %d and the spec retires %d numbers: a plan releasing more than %d is refused; raise it by %s.\n",
				s.Policy.MaxReleases, n, s.Policy.MaxReleases, day)
		}
	}
	for _, tn := range c.TNs {
		if pool := s.Numbers[tn].Pool; pool != "" {
			fmt.Fprintf(g.stdout, "%s was a member of pool %s, which is now one short: `add --pool %s` picks another.\n", tn, pool, pool)
		}
	}
	fmt.Fprintf(g.stdout, "Next: %s shows the hold.\n",
		strings.Join(append(append([]string{"flowroute-numbers"}, g.accountFlags()...), "plan", fileArgs(c.Files)), " "))
}
