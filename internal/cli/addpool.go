package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/pick"
	"github.com/flowroute-numbers/flowroute-numbers/internal/userfile"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// checkPool checks --pool and --all-pools against the flags they rule out: a pool picks by its
// own search and gives its members its own fields, both in the spec.
func (c *addCmd) checkPool() []error {
	if c.Pool == "" && !c.AllPools {
		return nil
	}
	flag := "--pool " + c.Pool
	if c.AllPools {
		flag = "--all-pools"
	}
	var errs []error
	switch {
	case c.Pool != "" && c.AllPools:
		errs = append(errs, errors.New("give --pool NAME or --all-pools, not both"))
	case c.AllPools && c.Count != nil:
		errs = append(errs, errors.New("--all-pools fills each pool to its count: leave --count out, or give --pool NAME --count N"))
	case c.Replace != "":
		errs = append(errs, fmt.Errorf("%s: --replace swaps a number without it (a pool member's successor is chosen by the pool's search)", flag))
	}
	if c.hasCriteria() || c.Sort != "monthly" {
		errs = append(errs, fmt.Errorf("%s picks numbers by the pool's search, cheapest first: leave out the criteria and --sort, and change the search in the spec", flag))
	}
	if c.BillingMethod+c.PrimaryRoute+c.FailoverRoute+c.Alias+c.E911+c.CNAM != "" {
		errs = append(errs, fmt.Errorf("%s gives each member the pool's fields: leave out the field flags, and set them under the pool's number: in the spec", flag))
	}
	return errs
}

// poolFill is what add --pool adds to one pool: the numbers chosen, by the criteria, into a
// file.
type poolFill struct {
	name   string
	cr     pick.Criteria
	chosen []account.Offer
	file   string
}

// fillPools adds to the pool --pool names, or to every pool short of its count
// (--all-pools), the numbers `plan` names for it: those for sale matching its search, the
// cheapest a month first, that neither the spec names nor the account owns. Each becomes an
// entry {pool: NAME} under a comment recording the pool, in the file that declares the pool
// (or --into). Nothing is written unless every edited file loads, with the others, as the
// spec plus exactly those members.
func (c *addCmd) fillPools(ctx context.Context, g *Globals, sess *session) error {
	desired, err := loadSpec(g, c.Files, "Error: ")
	if err != nil {
		return err
	}
	names := []string{c.Pool}
	if c.AllPools {
		names = slices.Sorted(maps.Keys(desired.Pools))
		if len(names) == 0 {
			fmt.Fprintln(g.stdout, "The spec declares no pools: nothing to add.")
			return nil
		}
	} else if _, ok := desired.Pools[c.Pool]; !ok {
		return fmt.Errorf("add --pool %s: the spec declares no such pool (%s)", c.Pool, declaredPools(desired))
	}
	into, err := c.intoFile()
	if err != nil {
		return err
	}
	inv, err := addInventoryOf(sess)
	if err != nil {
		return err
	}
	caps := inv.Capabilities()
	owned, err := ownedNumbers(ctx, inv)
	if err != nil {
		return err
	}
	job := &addJob{desired: desired, inv: inv, caps: caps}
	taken := maps.Clone(owned) // and the numbers picked for a pool: the next pool picks others
	var fills []poolFill
	for _, name := range names {
		f, err := c.poolFill(ctx, g, job, name, taken)
		if err != nil {
			return err
		}
		if len(f.chosen) == 0 {
			continue
		}
		for _, o := range f.chosen {
			taken[o.TN] = true
		}
		f.file = cmp.Or(into, desired.PosOf("pools", name).File)
		fills = append(fills, f)
	}
	if len(fills) == 0 {
		return nil
	}
	return c.writeFills(g, desired, fills, owned)
}

// intoFile is --into as one of the spec files -f names, or "" without --into.
func (c *addCmd) intoFile() (string, error) {
	if c.Into == "" {
		return "", nil
	}
	files, err := specFiles(c.Files)
	if err != nil {
		return "", fmt.Errorf("add: %w", err)
	}
	want, _ := filepath.Abs(c.Into)
	for _, f := range files {
		if abs, _ := filepath.Abs(f); abs == want {
			return f, nil
		}
	}
	return "", fmt.Errorf("add: --into %s is not one of the spec files -f names (%s)", c.Into, strings.Join(files, ", "))
}

// openEdit reads a spec file for editing, with its permissions, to write it back with.
func openEdit(file string) (*spec.Edit, os.FileMode, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, 0, err
	}
	data, err := userfile.Read(file, spec.MaxFileSize)
	if err != nil {
		return nil, 0, err
	}
	ed, err := spec.NewEdit(file, data)
	return ed, fi.Mode().Perm(), err
}

// declaredPools names the spec's pools for a message.
func declaredPools(s *spec.Spec) string {
	if len(s.Pools) == 0 {
		return "it has no pools: section"
	}
	return "it declares " + strings.Join(slices.Sorted(maps.Keys(s.Pools)), ", ")
}

// poolFill chooses the numbers to add to the pool name: what it lacks of its count, or
// --count, none of them taken (owned by the account, or picked for another pool).
func (c *addCmd) poolFill(ctx context.Context, g *Globals, job *addJob, name string, taken map[string]bool) (poolFill, error) {
	p, members := job.desired.Pools[name], job.desired.Members()[name]
	n := p.Count - len(members)
	if c.Count != nil {
		n = *c.Count
	}
	if n <= 0 {
		fmt.Fprintf(g.stdout, "Pool %s has %d of its %d numbers: nothing to add.\n", name, len(members), p.Count)
		return poolFill{name: name}, nil
	}
	if n > addMaxCount {
		return poolFill{}, fmt.Errorf("add --pool %s: the pool lacks %d numbers, more than add adds at once (%d): give --count %d and run it again", name, n, addMaxCount, addMaxCount)
	}
	if p.Search.StartsWith != "" && !job.caps.SearchStartsWith {
		return poolFill{}, fmt.Errorf("add --pool %s: the pool searches by starts_with, which %s cannot search by: use --api v2, or search by npa in the spec", name, job.caps.API)
	}
	cr := pick.ForPool(job.desired, name, job.caps.BillingMethods)
	if job.caps.BillingMethods && cr.BillingMethod == "" {
		return poolFill{}, fmt.Errorf("add --pool %s: a %s number is bought with a billing method and neither the pool's number: nor defaults sets billing_method: set it in the spec (%s or %s)",
			name, job.caps.API, spec.BillingMetered, spec.BillingVPRI)
	}
	chosen, err := job.choose(ctx, g, cr, taken, n)
	if err != nil {
		return poolFill{}, fmt.Errorf("%w (pool %s)", err, name)
	}
	return poolFill{name: name, cr: cr, chosen: chosen}, nil
}

// writeFills writes the members chosen into their files, each file edited once, after
// checking that the spec with every edit loads as the spec plus exactly those members.
func (c *addCmd) writeFills(g *Globals, desired *spec.Spec, fills []poolFill, owned map[string]bool) error {
	entries := map[string][]spec.Entry{}
	var files []string
	for _, f := range fills {
		if _, ok := entries[f.file]; !ok {
			files = append(files, f.file)
		}
		for _, o := range f.chosen {
			entries[f.file] = append(entries[f.file], spec.Entry{TN: o.TN, Number: spec.Number{Pool: f.name}, Comment: pick.Comment(f.cr, o)})
		}
	}
	edits := map[string][]byte{}
	texts, lines := map[string]string{}, map[string]int{}
	perms := map[string]os.FileMode{}
	for _, file := range files {
		ed, perm, err := openEdit(file)
		if err != nil {
			return fmt.Errorf("add: %w", err)
		}
		out, text, line, err := ed.AddNumbers(entries[file])
		if err != nil {
			return fmt.Errorf("add: %w", err)
		}
		edits[file], texts[file], lines[file], perms[file] = out, text, line, perm
	}
	var all []account.Offer
	for _, f := range fills {
		all = append(all, f.chosen...)
	}
	err := c.validateEdits(g, desired, edits, func(after *spec.Spec) bool {
		if !addsOnly(desired, all)(after) {
			return false
		}
		for _, f := range fills {
			for _, o := range f.chosen {
				if after.Numbers[o.TN].Pool != f.name {
					return false
				}
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	verb, w := "Added", g.stdout
	if c.DryRun {
		verb, w = "Would add", g.stderr
		for _, file := range files {
			io.WriteString(g.stdout, strings.ReplaceAll(texts[file], "\r\n", "\n"))
		}
	} else {
		for _, file := range files {
			if err := atomicfile.Write(file, edits[file], perms[file]); err != nil {
				return fmt.Errorf("add: writing %s: %w", file, err)
			}
		}
	}
	for _, f := range fills {
		fmt.Fprintf(w, "%s %s to pool %s in %s at line %d:\n", verb, nounCount(len(f.chosen), "number"), f.name, f.file, lines[f.file])
		writeOffers(w, f.chosen)
	}
	if c.DryRun {
		fmt.Fprintln(w, "--dry-run: nothing was written.")
		return nil
	}
	c.policyNotes(g, desired, owned, all)
	c.nextPlan(g)
	return nil
}
