package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// edge-strategies lists the account's PoPs on v2, and plan refuses a route naming another one,
// naming the valid ones, before anything is bought on the route's account.
func TestEdgeStrategies(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	out, errs, code := sandboxCLI(t, state, nil, "--api", "v2", "edge-strategies")
	if code != 0 || !strings.Contains(out, "4\tUS-East-VA\n") || !strings.Contains(errs, "2 edge strategies") {
		t.Fatalf("edge-strategies: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if _, errs, code := sandboxCLI(t, state, nil, "edge-strategies"); code != 1 || !strings.Contains(errs, "use --api v2") {
		t.Errorf("v1: exit %d, stderr %s", code, errs)
	}

	specPath := writeSpec(t, "routes:\n  pbx: {type: HOST, value: \"24.239.23.40:5060\", edge_strategy: \"99\"}\n")
	out, _, code = sandboxCLI(t, state, nil, "--api", "v2", "plan", "-f", specPath)
	if code != 1 || !strings.Contains(out, `route pbx sets edge_strategy "99", which is not an edge strategy of the account`) ||
		!strings.Contains(out, "4 (US-East-VA), 7 (US-West-OR)") {
		t.Errorf("plan with an unknown edge strategy: exit %d\n%s", code, out)
	}
	specPath = writeSpec(t, "routes:\n  pbx: {type: HOST, value: \"24.239.23.40:5060\", edge_strategy: \"7\"}\n")
	if out, _, code := sandboxCLI(t, state, nil, "--api", "v2", "plan", "-f", specPath); code != 0 || !strings.Contains(out, "edge_strategy:") {
		t.Errorf("plan with a known edge strategy: exit %d\n%s", code, out)
	}
}
