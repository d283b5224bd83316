package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// File is a saved plan: the desired spec, the plan and the state digest it was computed from
// (Plan.StateDigest). It never holds credentials: neither the spec nor the plan has any.
type File struct {
	FormatVersion int        `json:"format_version"`
	Spec          *spec.Spec `json:"spec"`
	Plan          *Plan      `json:"plan"`
}

// Save writes f atomically to path: a reader sees the old file or the new one, never a part.
// The file is readable by its owner only.
func (f *File) Save(path string) error {
	if f.Spec == nil || f.Plan == nil {
		return errors.New("saving the plan: the plan file needs a spec and a plan")
	}
	out := *f
	out.FormatVersion = FormatVersion
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return nil
}

// LoadFile reads a plan file written by Save, refusing another format version and a file that
// lacks its spec or its plan.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	var head struct {
		FormatVersion int `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("reading the plan file %s: not a plan file: %w", path, err)
	}
	if head.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("reading the plan file %s: format version %d, this version of flowroute-numbers reads %d only: run plan again", path, head.FormatVersion, FormatVersion)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("reading the plan file %s: %w", path, err)
	}
	switch {
	case f.Spec == nil || f.Plan == nil:
		return nil, fmt.Errorf("reading the plan file %s: it lacks its spec or its plan", path)
	case f.Plan.FormatVersion != FormatVersion:
		return nil, fmt.Errorf("reading the plan file %s: plan format version %d, want %d", path, f.Plan.FormatVersion, FormatVersion)
	case f.Plan.StateDigest == "":
		return nil, fmt.Errorf("reading the plan file %s: it lacks the state digest", path)
	}
	return &f, nil
}
