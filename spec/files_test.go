package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFiles lists the files Load reads: a directory's *.yaml and *.yml in name order, without
// its other files, each file once however it is named; and names what cannot be read.
func TestFiles(t *testing.T) {
	t.Parallel()
	multi := filepath.Join(goodDir, "multi")
	routes, numbers, empty := filepath.Join(multi, "10-routes.yaml"), filepath.Join(multi, "20-numbers.yml"), filepath.Join(multi, "30-empty.yaml")
	files, err := Files(multi, "./"+routes, filepath.Join(goodDir, "full.yaml"))
	if want := []string{routes, numbers, empty, filepath.Join(goodDir, "full.yaml")}; err != nil || !slices.Equal(files, want) {
		t.Errorf("Files = %q, %v; want %q", files, err, want)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	files, err = Files(routes, dir, missing)
	want := dir + ": the directory holds no .yaml or .yml files\n" + missing + ": cannot read: no such file or directory"
	if !slices.Equal(files, []string{routes}) || err == nil || err.Error() != want {
		t.Errorf("Files = %q, %v; want %q and\n%s", files, err, routes, want)
	}
	if _, err := Files(); err == nil || !strings.Contains(err.Error(), "no spec files given") {
		t.Errorf("Files() = %v", err)
	}
}
