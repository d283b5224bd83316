package views

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/flowroute-numbers/flowroute-numbers/plan"
)

// PlanJSON writes the Plan itself as indented JSON, the form README.md documents under "The
// plan as JSON". Lists are [] rather than null when empty. The releases come first, under
// "releases", with plan.ReleaseWarning.
func PlanJSON(w io.Writer, p *plan.Plan) error {
	out := *p
	if out.Changes == nil {
		out.Changes = []plan.Change{}
	}
	if out.Diagnostics == nil {
		out.Diagnostics = []plan.Diagnostic{}
	}
	out.Releases = plan.ReleasesOf(out.Changes) // computed, never a file's copy
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("rendering the plan as JSON: %w", err)
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
