// Package pick chooses numbers for sale: it searches the inventory by Criteria, keeps the
// offers that meet the costs and billing method the search cannot filter by, leaves out the
// numbers the caller already has, and takes them in a fixed order, so that the same
// inventory always gives the same choice. When too few match, its error says which single
// criterion rules out the most and how many numbers would match without it.
//
// It also writes and reads the provenance comment that add puts above each number it pins,
// recording the criteria it was chosen by, so that a successor can be chosen the same way.
//
// It reads the account only through account.Searcher, so that add and plan can both call
// it.
package pick

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/account"
)

// SearchMax bounds the offers one pick reads: the choice is among the offers the search
// returns, so a pick whose search reaches it says so (Result.Capped). RelaxMax bounds each
// search that finds out which criterion to relax; a count past it is "at least".
const (
	SearchMax = 20000
	RelaxMax  = 2000
)

// Result is what Pick chose.
type Result struct {
	// Offers are the numbers chosen, in the order of the criteria: n of them, or, with a
	// *ShortError, every one that matched.
	Offers []account.Offer
	// Capped: the search returned SearchMax offers, its most, so the choice is among those
	// and narrower criteria would choose among all.
	Capped bool
}

// Pick returns the first n numbers for sale, in c's order, that match c and that exclude
// does not rule out (exclude may be nil). With fewer matches the error is a *ShortError and
// the Result holds those there are; any other error is the account's.
func Pick(ctx context.Context, s account.Searcher, c Criteria, n int, exclude func(tn string) bool) (Result, error) {
	if n < 1 {
		return Result{}, nil
	}
	if exclude == nil {
		exclude = func(string) bool { return false }
	}
	c = c.normal()
	offers, err := s.Search(ctx, c.Query(), SearchMax)
	if err != nil {
		return Result{}, fmt.Errorf("searching the inventory: %w", err)
	}
	res := Result{Capped: len(offers) >= SearchMax}
	var excluded int
	for _, o := range offers {
		switch {
		case !c.Matches(o):
		case exclude(o.TN):
			excluded++
		default:
			res.Offers = append(res.Offers, o)
		}
	}
	slices.SortFunc(res.Offers, c.Order.compare)
	if len(res.Offers) >= n {
		res.Offers = res.Offers[:n]
		return res, nil
	}
	short := &ShortError{Criteria: c, Wanted: n, Matched: len(res.Offers), Excluded: excluded}
	short.Relax, err = relax(ctx, s, c, offers, res.Capped, exclude, len(res.Offers))
	if err != nil {
		return res, err
	}
	return res, short
}

// ShortError is Pick's error when fewer numbers match than were wanted. It says how many
// did, and which criteria, each relaxed alone, would let more match.
type ShortError struct {
	Criteria Criteria // as picked by, State and RateCenter in upper case
	Wanted   int
	Matched  int // the numbers that match and were not excluded: fewer than Wanted
	Excluded int // the numbers that match but were excluded
	// Relax lists the criteria that, each dropped alone (with those that need it), would let
	// more than Matched match, the most first; empty when no single one would.
	Relax []Relaxation
}

// Relaxation is one way to let more numbers match: criteria to drop, and the numbers that
// would then match.
type Relaxation struct {
	Without []Field // dropped together: NPA with NXX, State with RateCenter
	Count   int     // the numbers that would match, excluded ones left out
	AtLeast bool    // the search stopped at its most, so Count is a lower bound
}

// Error is the summary and the hint.
func (e *ShortError) Error() string {
	s := e.Summary()
	if e.Excluded > 0 {
		s += fmt.Sprintf(" (%d more excluded)", e.Excluded)
	}
	return s + ". " + e.Hint()
}

// Summary says how many matched of how many wanted: "only 3 numbers for sale match, 5
// wanted".
func (e *ShortError) Summary() string {
	switch e.Matched {
	case 0:
		return fmt.Sprintf("no number for sale matches, %d wanted", e.Wanted)
	case 1:
		return fmt.Sprintf("only 1 number for sale matches, %d wanted", e.Wanted)
	}
	return fmt.Sprintf("only %d numbers for sale match, %d wanted", e.Matched, e.Wanted)
}

// Hint says what to relax, a sentence naming each criterion by its flag and value: "--npa
// 206 --nxx 420 rule out the most: without them, 999 would match; relax them (or: without
// --nxx 420, 12)."
func (e *ShortError) Hint() string {
	if len(e.Relax) == 0 {
		if len(e.Criteria.relaxable()) == 0 {
			return "The inventory has no more; ask for fewer."
		}
		return "No single criterion is the cause: relax several, or ask for fewer."
	}
	best := e.Relax[0]
	verb, pronoun := "rules", "it"
	if len(best.Without) > 1 {
		verb, pronoun = "rule", "them"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s out the most: without %s, %s would match; relax %s",
		e.Criteria.name(best.Without), verb, pronoun, best.count(), pronoun)
	for i, r := range e.Relax[1:] {
		if i == 0 {
			b.WriteString(" (or: ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "without %s, %s", e.Criteria.name(r.Without), r.count())
	}
	if len(e.Relax) > 1 {
		b.WriteString(")")
	}
	b.WriteString(".")
	return b.String()
}

func (r Relaxation) count() string {
	if r.AtLeast {
		return "at least " + strconv.Itoa(r.Count)
	}
	return strconv.Itoa(r.Count)
}

// name names the fields by flag and value, "--npa 206 --nxx 420"; a billing method that is
// not a criterion of its own by where it came from.
func (c Criteria) name(fields []Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		switch {
		case f == BillingMethod && c.BillingFrom != "":
			parts[i] = "billing method " + c.BillingMethod + " (from " + c.BillingFrom + ")"
		case c.Pool != "":
			parts[i] = "search." + f.Key() + " " + Quote(c.Value(f))
		default:
			parts[i] = f.Flag() + " " + Quote(c.Value(f))
		}
	}
	return strings.Join(parts, " ")
}

// relaxable lists the ways to relax c, one criterion at a time: each field given, with the
// fields given that need it.
func (c Criteria) relaxable() [][]Field {
	var out [][]Field
	for f := NPA; f <= BillingMethod; f++ {
		if c.Value(f) == "" {
			continue
		}
		drop := []Field{f}
		for g := f + 1; g <= BillingMethod; g++ {
			if g.needs() == f && c.Value(g) != "" {
				drop = append(drop, g)
			}
		}
		out = append(out, drop)
	}
	return out
}

// relax counts, for each way to relax c, the numbers that would then match and are not
// excluded, and returns those that let more than matched match, the most first. offers are
// the ones c's own search returned (capped: it stopped at its most); a relaxation of a
// searched field searches again.
func relax(ctx context.Context, s account.Searcher, c Criteria, offers []account.Offer, capped bool,
	exclude func(string) bool, matched int) ([]Relaxation, error) {
	var out []Relaxation
	for _, drop := range c.relaxable() {
		r := c.Without(drop...)
		pool, atLeast := offers, capped
		if drop[0].searched() {
			var err error
			if pool, err = s.Search(ctx, r.Query(), RelaxMax); err != nil {
				return nil, fmt.Errorf("searching the inventory: %w", err)
			}
			atLeast = len(pool) >= RelaxMax
		}
		count := 0
		for _, o := range pool {
			if r.Matches(o) && !exclude(o.TN) {
				count++
			}
		}
		if count > matched {
			out = append(out, Relaxation{Without: drop, Count: count, AtLeast: atLeast})
		}
	}
	slices.SortStableFunc(out, func(a, b Relaxation) int { return b.Count - a.Count })
	return out, nil
}
