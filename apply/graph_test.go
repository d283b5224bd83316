package apply

import (
	"strconv"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// BenchmarkGraphOneNewRoute builds the graph of a plan that creates one route and points
// 100,000 numbers at it, the shape of moving an account to a new PBX; every set_routes depends
// on the same create_route, which once made building the graph quadratic.
func BenchmarkGraphOneNewRoute(b *testing.B) {
	const numbers = 100_000
	changes := []plan.Change{{Action: plan.CreateRoute, Key: "pbx"}}
	for i := range numbers {
		changes = append(changes, plan.Change{Action: plan.SetRoutes, Key: strconv.Itoa(12060000000 + i),
			After: map[string]string{"primary_route": "pbx", "failover_route": "pbx"}})
	}
	for b.Loop() {
		g := newGraph(changes)
		if len(g.dependents[0]) != numbers {
			b.Fatalf("the route has %d dependents, want %d", len(g.dependents[0]), numbers)
		}
	}
	b.ReportMetric(float64(numbers), "changes")
}
