package plan

import (
	"encoding/json"
	"fmt"
	"io"
)

// RenderJSON writes the Plan itself as indented JSON, the form README.md documents under "The plan as JSON".
// Lists are [] rather than null when empty. The releases come first, under "releases", with
// ReleaseWarning.
func RenderJSON(w io.Writer, p *Plan) error {
	out := *p
	if out.Changes == nil {
		out.Changes = []Change{}
	}
	if out.Diagnostics == nil {
		out.Diagnostics = []Diagnostic{}
	}
	out.Releases = ReleasesOf(out.Changes) // computed, never a file's copy
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("rendering the plan as JSON: %w", err)
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
