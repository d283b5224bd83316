// Package golden compares test output with golden files, written once for every package.
//
// Run the tests with -update to rewrite the golden files from the actual output; review the
// diff before committing it. When output differs, the actual output is written beside the
// golden file as NAME.actual, so that it can be inspected or diffed with other tools.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files (and other committed generated files) from the actual output")

// Update reports whether the tests run with -update, for tests that keep other generated
// files up to date the same way.
func Update() bool { return *update }

// Check compares got with the golden file at path (relative to the test's package).
func Check(tb testing.TB, path string, got []byte) {
	tb.Helper()
	actual := path + ".actual"
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		os.Remove(actual)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		os.WriteFile(actual, got, 0o644)
		tb.Errorf("%s differs (-golden +got); the actual output is in %s; run the test with -update to accept it:\n%s", path, actual, diff)
		return
	}
	os.Remove(actual)
}
