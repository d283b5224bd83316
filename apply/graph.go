package apply

import (
	"container/heap"
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// graph is the dependency graph of a plan's changes, by index, derived from the table of actions
// (plan.Actions) and the changes' typed references: a change waits for every earlier change that
// provides its own object (a number's purchase) or an object it uses (plan.Change.Uses: the
// routes set_routes names, the record set_cnam presents, the address set_e911 associates).
// Changes become ready when all their dependencies succeeded; ready changes come out in plan
// order, which starts the longest chains first.
//
// A purchase also waits for the routes and the E911 address its number's changes use, and a
// release for its number's other changes (the table's Waits): a number is not bought when its
// route could not be created, nor released before its E911 address is disconnected.
//
// The phases of the table run one after another: the releases start only once every other
// change has finished, and only if none failed; the route deletions likewise wait for every
// release.
type graph struct {
	dependents [][]int // i -> changes that wait for i
	pending    []int   // i -> dependencies not yet succeeded (the phase gate counts as one)
	removed    []bool  // skipped because a dependency failed
	phase      []int   // i -> its phase (plan.Phase)
	left       [phases]int
	broken     [phases]bool // a change of the phase failed: later phases never start
	open       [phases]bool // the phase's gate is open
	ready      intHeap
}

// phases counts the phases of the table of actions.
const phases = int(plan.DeletePhase) + 1

func newGraph(changes []plan.Change) *graph {
	g := &graph{
		dependents: make([][]int, len(changes)),
		pending:    make([]int, len(changes)),
		removed:    make([]bool, len(changes)),
		phase:      make([]int, len(changes)),
	}
	providers := map[plan.Ref][]int{}
	for i, c := range changes {
		info, _ := plan.Info(c.Action)
		if info.Provides {
			providers[c.Object()] = append(providers[c.Object()], i)
		}
		g.phase[i] = int(info.Phase)
		g.left[g.phase[i]]++
	}
	// dependOn adds the edges from the earlier providers of r to i, each once. Each change's
	// edges are added together, so an edge already there is the last one of its provider;
	// looking further would cost a scan of every number that a new route serves, for each.
	dependOn := func(i int, r plan.Ref) {
		for _, dep := range providers[r] {
			if dep == i || changes[dep].Action.Order() >= changes[i].Action.Order() {
				continue
			}
			if ds := g.dependents[dep]; len(ds) > 0 && ds[len(ds)-1] == i {
				continue
			}
			g.dependents[dep] = append(g.dependents[dep], i)
			g.pending[i]++
		}
	}
	// What each number's changes use, and every object's changes, for the actions that wait
	// for them (plan.ActionInfo.Waits).
	numberUses := map[string][]plan.Ref{}
	byObject := map[plan.Ref][]int{}
	for i, c := range changes {
		if c.Object().Kind == plan.NumberObject {
			numberUses[c.Key] = append(numberUses[c.Key], c.Uses()...)
		}
		byObject[c.Object()] = append(byObject[c.Object()], i)
	}
	for i, c := range changes {
		dependOn(i, c.Object())
		for _, r := range c.Uses() {
			dependOn(i, r)
		}
		if info, _ := plan.Info(c.Action); len(info.Waits) > 0 {
			for _, r := range numberUses[c.Key] {
				if slices.Contains(info.Waits, r.Kind) {
					dependOn(i, r)
				}
			}
			if slices.Contains(info.Waits, info.Object) {
				for _, dep := range byObject[c.Object()] {
					if changes[dep].Action.Order() < changes[i].Action.Order() {
						g.dependents[dep] = append(g.dependents[dep], i)
						g.pending[i]++
					}
				}
			}
		}
		if g.phase[i] > 0 {
			g.pending[i]++ // the phase gate
		}
	}
	for i := range changes {
		if g.pending[i] == 0 {
			g.ready = append(g.ready, i)
		}
	}
	heap.Init(&g.ready)
	g.openPhases()
	return g
}

// next returns the first ready change, if any, and takes it out of the ready set.
func (g *graph) next() (int, bool) {
	if len(g.ready) == 0 {
		return 0, false
	}
	return heap.Pop(&g.ready).(int), true
}

// release makes d one dependency closer to ready.
func (g *graph) release(d int) {
	g.pending[d]--
	if g.pending[d] == 0 && !g.removed[d] {
		heap.Push(&g.ready, d)
	}
}

// succeeded releases the changes that waited for i.
func (g *graph) succeeded(i int) {
	for _, d := range g.dependents[i] {
		g.release(d)
	}
	g.finish(i)
}

// passed is a change that was not carried out but is no failure (a CNAM association waiting
// for an approval): its dependents are skipped, the later phases still run.
func (g *graph) passed(i int) []int {
	out := g.skipDependents(i)
	g.finish(i)
	return out
}

// failed removes every change that depends on i, directly or not, and, since i failed, every
// change of a later phase; it returns them in plan order. None of them will come out of next.
func (g *graph) failed(i int) []int {
	out := g.skipDependents(i)
	g.broken[g.phase[i]] = true
	for j := range g.phase {
		if g.phase[j] > g.phase[i] && !g.removed[j] {
			g.removed[j] = true
			out = append(out, j)
		}
	}
	g.finish(i)
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *graph) skipDependents(i int) []int {
	var out []int
	var walk func(int)
	walk = func(i int) {
		for _, d := range g.dependents[i] {
			if !g.removed[d] {
				g.removed[d] = true
				out = append(out, d)
				g.finish(d)
				walk(d)
			}
		}
	}
	walk(i)
	slices.Sort(out)
	return out
}

// finish counts i as finished in its phase and opens the next phases when theirs are done.
func (g *graph) finish(i int) {
	g.left[g.phase[i]]--
	g.openPhases()
}

// openPhases opens the gate of each phase whose earlier phases have all finished, none broken.
func (g *graph) openPhases() {
	for p := 1; p < len(g.left); p++ {
		for q := range p {
			if g.left[q] > 0 || g.broken[q] {
				return
			}
		}
		if g.open[p] {
			continue
		}
		g.open[p] = true
		for j := range g.phase {
			if g.phase[j] == p && !g.removed[j] {
				g.release(j)
			}
		}
	}
}

// intHeap is a min-heap of change indices.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// dependsOn reports whether j waits for i directly.
func (g *graph) dependsOn(j, i int) bool { return slices.Contains(g.dependents[i], j) }
