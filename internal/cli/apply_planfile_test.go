package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// tamperSandbox seeds a sandbox, saves a plan that buys two numbers within a monthly budget
// of 2.50, and returns the state, the plan file and a third number for sale.
func tamperSandbox(t *testing.T) (state, planPath, third string) {
	t.Helper()
	state, avail := seedSandbox(t, 5, []v1.Route{{Name: "pbx", Type: "HOST", Value: "24.239.23.40:5060"}}, nil, 3)
	specPath := writeSpec(t, fmt.Sprintf(`version: 1
routes:
  pbx: {type: HOST, value: "24.239.23.40:5060"}
numbers:
  %q: {billing_method: METERED, primary_route: pbx}
  %q: {billing_method: METERED}
policy:
  max_purchases: 2
  max_monthly_cost: "2.50"
`, avail[0].TN, avail[1].TN))
	planPath = filepath.Join(t.TempDir(), "plan.json")
	if out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--out", planPath); code != 0 {
		t.Fatalf("plan exit %d\n%s\n%s", code, out, errs)
	}
	return state, planPath, avail[2].TN
}

// editPlanFile rewrites the plan file through edit, on its JSON as generic data.
func editPlanFile(t *testing.T, path string, edit func(file map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	edit(file)
	if data, err = json.Marshal(file); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// resign signs the plan file again with the sandbox's key, as a holder of the keys could;
// false when the file does not load.
func resign(t *testing.T, path string) bool {
	t.Helper()
	f, err := plan.LoadFile(path)
	if err != nil {
		return false
	}
	if err := f.Save(path, plan.SigningKeyFor(sandbox.DefaultSecretKey)); err != nil {
		t.Fatal(err)
	}
	return true
}

// A plan file edited consistently, spec and changes alike, plans the same again and would pass
// every check but its signature: it is refused, as are an unsigned file and one signed with
// another key.
func TestApplyPlanFileSignature(t *testing.T) {
	t.Parallel()
	evil := func(file map[string]any) {
		spec := file["spec"].(map[string]any)["routes"].(map[string]any)["pbx"].(map[string]any)
		spec["value"] = "6.6.6.6:5060"
	}
	for name, tt := range map[string]struct {
		edit func(file map[string]any)
		want string
	}{
		"consistent edit": {evil, "altered after it was signed"},
		"unsigned":        {func(file map[string]any) { delete(file, "signature") }, "not signed"},
		"another key": {func(file map[string]any) {
			file["signature"].(map[string]any)["key_id"] = plan.SigningKeyFor("another secret").ID()
		}, "signed with another key"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			state, _ := seedSandbox(t, 5, nil, nil, 0)
			specPath := writeSpec(t, "routes:\n  pbx: {type: HOST, value: \"24.239.23.40:5060\"}\n")
			planPath := filepath.Join(t.TempDir(), "plan.json")
			if out, errs, code := sandboxCLI(t, state, nil, "plan", "-f", specPath, "--out", planPath); code != 0 {
				t.Fatalf("plan exit %d\n%s\n%s", code, out, errs)
			}
			editPlanFile(t, planPath, func(file map[string]any) {
				tt.edit(file)
				if name == "consistent edit" { // the change too, so that the spec plans it
					changesOf(file)[0].(map[string]any)["after"].(map[string]any)["value"] = "6.6.6.6:5060"
				}
			})
			out, errs, code := sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
			if code != 1 || !strings.Contains(errs, tt.want) || strings.Contains(out, "Verified") {
				t.Errorf("exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", code, tt.want, out, errs)
			}
			if writes := applyWrites(t, state); len(writes) != 0 {
				t.Errorf("writes by a refused apply: %+v", writes)
			}
		})
	}
}

func changesOf(file map[string]any) []any { return file["plan"].(map[string]any)["changes"].([]any) }

// firstPurchase returns the first purchase change of the file.
func firstPurchase(file map[string]any) map[string]any {
	for _, c := range changesOf(file) {
		if c := c.(map[string]any); c["action"] == "purchase" {
			return c
		}
	}
	panic("no purchase")
}

// A saved plan is a commitment: an edited one is refused before anything is bought, whatever
// the edit makes its own policy copy say.
func TestApplyRefusesAnEditedPlanFile(t *testing.T) {
	t.Parallel()
	for name, tamper := range map[string]func(file map[string]any, third string){
		"added purchase, raised max_purchases": func(file map[string]any, third string) {
			p := file["plan"].(map[string]any)
			p["changes"] = append(changesOf(file), map[string]any{"action": "purchase", "key": third,
				"after": map[string]any{"billing_method": "METERED"}, "cost": map[string]any{"initial": "1.00", "monthly": "1.25"}})
			p["policy"].(map[string]any)["max_purchases"] = 99
		},
		"swapped key": func(file map[string]any, third string) {
			firstPurchase(file)["key"] = third
		},
		"negative cost": func(file map[string]any, third string) {
			firstPurchase(file)["cost"] = map[string]any{"initial": "-500.00", "monthly": "-100.00"}
		},
		"null cost": func(file map[string]any, third string) {
			firstPurchase(file)["cost"] = nil
		},
		"removed max_monthly_cost, added purchase": func(file map[string]any, third string) {
			p := file["plan"].(map[string]any)
			p["changes"] = append(changesOf(file), map[string]any{"action": "purchase", "key": third,
				"after": map[string]any{"billing_method": "METERED"}, "cost": map[string]any{"initial": "0.00", "monthly": "0.00"}})
			pol := p["policy"].(map[string]any)
			delete(pol, "max_monthly_cost")
			pol["max_purchases"] = 3
		},
	} {
		// Refused for its signature; and, signed again by a holder of the keys, refused still
		// for its changes, which the saved spec does not plan.
		for _, resigned := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/resigned=%v", name, resigned), func(t *testing.T) {
				t.Parallel()
				state, planPath, third := tamperSandbox(t)
				editPlanFile(t, planPath, func(file map[string]any) { tamper(file, third) })
				if resigned && !resign(t, planPath) {
					return // the file does not even load: refused either way
				}
				out, errs, code := sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
				if code != 1 || !strings.Contains(errs, "apply refused") || strings.Contains(out, "Verified") {
					t.Errorf("exit %d, want 1 and a refusal\nstdout:\n%s\nstderr:\n%s", code, out, errs)
				}
				if !resigned && !strings.Contains(errs, "altered after it was signed") {
					t.Errorf("the refusal does not say the file was altered: %s", errs)
				}
				if writes := applyWrites(t, state); len(writes) != 0 {
					t.Errorf("writes by a refused apply: %+v", writes)
				}
			})
		}
	}
}

// The untouched plan file applies, and the totals shown are those computed now.
func TestApplyUntouchedPlanFile(t *testing.T) {
	t.Parallel()
	state, planPath, _ := tamperSandbox(t)
	editPlanFile(t, planPath, func(file map[string]any) {
		file["plan"].(map[string]any)["cost"] = map[string]any{"initial": "0.00", "monthly": "0.01"} // totals are not read
	})
	resign(t, planPath) // even signed
	out, errs, code := sandboxCLI(t, state, nil, "apply", planPath, "--auto-approve")
	if code != 0 || !strings.Contains(out, "Cost of the purchases: 2.00 one-time, 2.50 per month.") || !strings.Contains(out, "Verified") {
		t.Errorf("exit %d, want 0 with the computed totals\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

// apply with neither a spec nor a plan file says what to give, rather than "not both".
func TestApplyNeedsSpecOrPlanFile(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	out, errs, code := sandboxCLI(t, state, nil, "apply", "--auto-approve")
	if code != 1 || !strings.Contains(errs, "nothing to apply") || strings.Contains(errs, "not both") {
		t.Errorf("exit %d, want 1 and \"nothing to apply\"\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}
