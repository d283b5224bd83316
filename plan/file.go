package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/atomicfile"
	"github.com/flowroute-numbers/flowroute-numbers/internal/userfile"
	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

// File is a saved plan: the desired spec, the plan and the state digest it was computed from
// (Plan.StateDigest). It never holds credentials: neither the spec nor the plan has any.
type File struct {
	FormatVersion int        `json:"format_version"`
	Spec          *spec.Spec `json:"spec"`
	Plan          *Plan      `json:"plan"`
	// Signature signs the rest, under a key derived from the secret key (SigningKey): apply
	// refuses a file it does not verify.
	Signature *Signature `json:"signature,omitempty"`

	content []byte // what the signature signs, as LoadFile read it
}

// Save signs f with k and writes it atomically to path: a reader sees the old file or the new
// one, never a part. The file is readable by its owner only.
func (f *File) Save(path string, k SigningKey) error {
	if f.Spec == nil || f.Plan == nil {
		return errors.New("saving the plan: the plan file needs a spec and a plan")
	}
	out := *f
	out.FormatVersion = FormatVersion
	if err := out.sign(k); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return nil
}

// MaxFileSize bounds a plan file: a plan of 100,000 numbers takes a few MiB, and a file
// beyond the bound is refused before it is read.
const MaxFileSize = 64 << 20

// readFile reads a plan file: a regular file of at most MaxFileSize bytes, read as userfile
// reads one, so that apply neither blocks on a FIFO nor runs out of memory on a device
// (/dev/zero), even one swapped in after the file was looked at.
func readFile(path string) ([]byte, error) {
	data, err := userfile.Read(path, MaxFileSize)
	var (
		notRegular *userfile.NotRegularError
		large      *userfile.TooLargeError
	)
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("reading the plan file %s: %v: give the file that 'plan --out' wrote", path, notRegular)
	case errors.As(err, &large):
		return nil, fmt.Errorf("reading the plan file %s: larger than %d MiB, which no plan file is: give the file that 'plan --out' wrote", path, MaxFileSize>>20)
	case err != nil:
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	return data, nil
}

// LoadFile reads a plan file written by Save, refusing another format version, a file that
// lacks its spec or its plan, and one edited by hand in the ways encoding/json would let pass
// (checkStrict): unknown keys, a key twice, keys that differ only in case.
func LoadFile(path string) (*File, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	var head struct {
		FormatVersion int `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
			return nil, fmt.Errorf("reading the plan file %s: not a plan file but, by its name, a spec: plan it with 'plan -f %s' (plan --out FILE saves a plan)", path, path)
		}
		return nil, fmt.Errorf("reading the plan file %s: not a plan file (one that 'plan --out' writes): %w", path, err)
	}
	if head.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("reading the plan file %s: format version %d, this version of flowroute-numbers reads %d only: run plan again", path, head.FormatVersion, FormatVersion)
	}
	if err := checkStrict(data, reflect.TypeFor[File]()); err != nil {
		return nil, fmt.Errorf("reading the plan file %s: %w; a plan file is not edited by hand: run plan again", path, err)
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
	// Verify checks the content as read, before anything is computed again.
	if f.content, err = f.unsigned(); err != nil {
		return nil, fmt.Errorf("reading the plan file %s: %w", path, err)
	}
	// What is computed from the changes is computed again, never read.
	p := f.Plan
	p.Digest = PlanDigest(p.Changes, p.Account)
	p.Summary, p.Cost = Totals(p.Changes)
	p.Releases = ReleasesOf(p.Changes)
	return &f, nil
}
