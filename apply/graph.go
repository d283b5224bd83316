package apply

import (
	"container/heap"
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// graph is the dependency graph of a plan's changes, by index. A change of a number waits for
// the number's purchase; set_routes also for the create_route and update_route of each route it
// names; set_cnam for the create_cnam of its record; set_e911 for the create_e911 or
// update_e911 of its address. Changes become ready when all their dependencies succeeded; ready
// changes come out in plan order, which starts the longest chains first.
//
// Releases and route deletions are last, in phases: the releases start only once every other
// change has finished, and only if none failed; the route deletions likewise wait for every
// release. A release also waits for the disconnection of its number's E911 address.
type graph struct {
	dependents [][]int // i -> changes that wait for i
	pending    []int   // i -> dependencies not yet succeeded (the phase gate counts as one)
	removed    []bool  // skipped because a dependency failed
	phase      []int   // i -> its phase: 0, releases 1, route deletions 2
	left       [3]int  // changes of each phase not finished yet
	broken     [3]bool // a change of the phase failed: later phases never start
	open       [3]bool // the phase's gate is open
	ready      intHeap
}

// phaseOf is the phase of an action.
func phaseOf(a plan.Action) int {
	switch a {
	case plan.Release:
		return 1
	case plan.DeleteRoute:
		return 2
	}
	return 0
}

func newGraph(changes []plan.Change) *graph {
	g := &graph{
		dependents: make([][]int, len(changes)),
		pending:    make([]int, len(changes)),
		removed:    make([]bool, len(changes)),
		phase:      make([]int, len(changes)),
	}
	creates := map[plan.Action]map[string]int{}
	for _, a := range []plan.Action{plan.CreateRoute, plan.UpdateRoute, plan.Purchase, plan.CreateCNAM, plan.CreateE911, plan.UpdateE911, plan.SetE911} {
		creates[a] = map[string]int{}
	}
	for i, c := range changes {
		if m, ok := creates[c.Action]; ok {
			m[c.Key] = i
		}
		g.phase[i] = phaseOf(c.Action)
		g.left[g.phase[i]]++
	}
	// dependOn adds the edge dep -> i once. Each change's edges are added together, so an edge
	// already there is the last one of dep (primary and failover name the same route); looking
	// further would cost a scan of every number that a new route serves, for each of them.
	dependOn := func(i int, a plan.Action, key string) {
		dep, ok := creates[a][key]
		if !ok || dep == i {
			return
		}
		if ds := g.dependents[dep]; len(ds) > 0 && ds[len(ds)-1] == i {
			return
		}
		g.dependents[dep] = append(g.dependents[dep], i)
		g.pending[i]++
	}
	for i, c := range changes {
		if plan.IsNumberUpdate(c.Action) {
			dependOn(i, plan.Purchase, c.Key)
		}
		switch c.Action {
		case plan.SetRoutes:
			for _, field := range []string{"primary_route", "failover_route"} {
				dependOn(i, plan.CreateRoute, c.After[field])
				dependOn(i, plan.UpdateRoute, c.After[field])
			}
		case plan.SetCNAM:
			dependOn(i, plan.CreateCNAM, c.After["cnam"])
		case plan.SetE911:
			dependOn(i, plan.CreateE911, c.After["e911"])
			dependOn(i, plan.UpdateE911, c.After["e911"])
		case plan.Release:
			dependOn(i, plan.SetE911, c.Key)
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
