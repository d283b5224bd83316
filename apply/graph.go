package apply

import (
	"container/heap"
	"slices"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// graph is the dependency graph of a plan's changes, by index: set_routes of a number depends
// on the number's purchase and on the create_route of each route it names, when the plan holds
// them. Changes become ready when all their dependencies succeeded; ready changes come out in
// plan order (routes, then purchases, then updates), which starts the longest chains first.
type graph struct {
	dependents [][]int // i -> changes that wait for i
	pending    []int   // i -> dependencies not yet succeeded
	removed    []bool  // skipped because a dependency failed
	ready      intHeap
}

func newGraph(changes []plan.Change) *graph {
	g := &graph{
		dependents: make([][]int, len(changes)),
		pending:    make([]int, len(changes)),
		removed:    make([]bool, len(changes)),
	}
	routes := map[string]int{}
	purchases := map[string]int{}
	for i, c := range changes {
		switch c.Action {
		case plan.CreateRoute:
			routes[c.Key] = i
		case plan.Purchase:
			purchases[c.Key] = i
		}
	}
	// dependOn adds the edge dep -> i once. Each change's edges are added together, so an edge
	// already there is the last one of dep (primary and failover name the same route); looking
	// further would cost a scan of every number that a new route serves, for each of them.
	dependOn := func(i, dep int) {
		if ds := g.dependents[dep]; len(ds) > 0 && ds[len(ds)-1] == i {
			return
		}
		g.dependents[dep] = append(g.dependents[dep], i)
		g.pending[i]++
	}
	for i, c := range changes {
		if c.Action != plan.SetRoutes {
			continue
		}
		if j, ok := purchases[c.Key]; ok {
			dependOn(i, j)
		}
		for _, field := range []string{"primary_route", "failover_route"} {
			if j, ok := routes[c.After[field]]; ok {
				dependOn(i, j)
			}
		}
	}
	for i := range changes {
		if g.pending[i] == 0 {
			g.ready = append(g.ready, i)
		}
	}
	heap.Init(&g.ready)
	return g
}

// next returns the first ready change, if any, and takes it out of the ready set.
func (g *graph) next() (int, bool) {
	if len(g.ready) == 0 {
		return 0, false
	}
	return heap.Pop(&g.ready).(int), true
}

// succeeded releases the changes that waited for i.
func (g *graph) succeeded(i int) {
	for _, d := range g.dependents[i] {
		g.pending[d]--
		if g.pending[d] == 0 && !g.removed[d] {
			heap.Push(&g.ready, d)
		}
	}
}

// failed removes every change that depends on i, directly or not, and returns them in plan
// order; none of them will come out of next.
func (g *graph) failed(i int) []int {
	var out []int
	var walk func(int)
	walk = func(i int) {
		for _, d := range g.dependents[i] {
			if !g.removed[d] {
				g.removed[d] = true
				out = append(out, d)
				walk(d)
			}
		}
	}
	walk(i)
	slices.Sort(out)
	return out
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
