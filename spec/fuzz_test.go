package spec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzLoadSpec feeds arbitrary bytes to Parse. It must never panic, every failure must be an
// Errors, reading in pieces must give what reading whole gives, and a spec that loads must
// read back the same after Write.
func FuzzLoadSpec(f *testing.F) {
	for _, dir := range []string{goodDir, badDir, filepath.Join(goodDir, "multi"), filepath.Join(badDir, "duplicate-across-files")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if name := e.Name(); strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					f.Fatal(err)
				}
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parseBoth(t, "fuzz.yaml", data) // read in pieces, it means the same
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T is no spec.Errors: %v", err, err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, s, "fuzz"); err != nil {
			t.Fatal(err)
		}
		back, err := Parse("written.yaml", buf.Bytes())
		if err != nil {
			t.Fatalf("Parse(Write(spec)): %v\ninput:\n%s\nwritten:\n%s", err, data, buf.Bytes())
		}
		if diff := cmp.Diff(s, back, cmpopts.IgnoreFields(Spec{}, "Positions", "Files", "Warnings"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Parse(Write(spec)) differs (-loaded +reread):\n%s\ninput:\n%s\nwritten:\n%s", diff, data, buf.Bytes())
		}
	})
}
