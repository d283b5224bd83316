package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowroute-numbers/flowroute-numbers/spec"
)

func TestFileRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plan.json")
	desired := desiredSpec(map[string]spec.Route{"pbx": host}, map[string]spec.Number{tnA: metered("pbx", "")})
	f := &File{Spec: desired, Plan: samplePlan()}
	if err := f.Save(path, testKey); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Verify(testKey); err != nil {
		t.Errorf("the file Save signed does not verify: %v", err)
	}
	want := &File{FormatVersion: FormatVersion, Spec: desired, Plan: f.Plan}
	// Positions are not saved: the plan's changes and diagnostics carry their own.
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(spec.Spec{}, "Positions"), cmpopts.IgnoreFields(File{}, "Signature"), cmpopts.IgnoreUnexported(File{})); diff != "" {
		t.Errorf("loaded file (-saved +loaded):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("plan file mode %v, want 0600", perm)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("Save left %d files in the directory, want only the plan", len(entries))
	}
}

func TestLoadFileRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, tt := range map[string]struct{ content, want string }{
		"other version": {`{"format_version": 2, "spec": {}, "plan": {}}`, "format version 2"},
		"no version":    {`{"spec": {}, "plan": {}}`, "format version 0"},
		"not JSON":      {`version: 1`, "not a plan file"},
		"no plan":       {`{"format_version": 1, "spec": {}}`, "lacks its spec or its plan"},
		"no digest":     {`{"format_version": 1, "spec": {}, "plan": {"format_version": 1}}`, "lacks the state digest"},
		"unknown field": {`{"format_version": 1, "spec": {}, "plan": {}, "secret": "x"}`, "unknown field"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: LoadFile error = %v, want one that says %q", name, err, tt.want)
		}
	}
	if _, err := LoadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadFile of a missing file succeeded")
	}
}

func TestSaveReplacesAtomically(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (&File{Spec: &spec.Spec{}, Plan: noChangesPlan()}).Save(path, testKey); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err != nil {
		t.Fatalf("the saved file does not load: %v", err)
	}
	if err := (&File{}).Save(filepath.Join(t.TempDir(), "x"), testKey); err == nil {
		t.Error("saving a file without spec and plan succeeded")
	}
	if err := (&File{Spec: &spec.Spec{}, Plan: noChangesPlan()}).Save(filepath.Join(t.TempDir(), "no-such-dir", "plan.json"), testKey); err == nil {
		t.Error("saving into a missing directory succeeded")
	}
}

// testKey signs the plan files of the tests.
var testKey = SigningKeyFor("test secret key")
