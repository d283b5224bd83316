package spec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestTotalSizeBounded: files that are each within MaxFileSize but together larger than
// MaxTotalSize are refused at the one that passes the total, and none is read.
func TestTotalSizeBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const size = 30 << 20
	var names []string
	for _, name := range []string{"a.yaml", "b.yaml", "c.yaml"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		// A comment line, then sparse zeros: cheap to make, and a problem if read.
		if _, err := f.WriteString("# padding\n"); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
		names = append(names, filepath.Join(dir, name))
	}
	_, err := Load(dir)
	var errs Errors
	want := names[2] + ": the spec files together are larger than 64 MiB, the most a spec may be"
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
