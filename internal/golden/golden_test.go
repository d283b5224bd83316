package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("same\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := &recorder{TB: t}
	Check(ok, path, []byte("same\n"))
	if ok.failed {
		t.Fatal("equal output failed the check")
	}
	bad := &recorder{TB: t}
	Check(bad, path, []byte("other\n"))
	if !bad.failed {
		t.Fatal("different output passed the check")
	}
	if got, _ := os.ReadFile(path + ".actual"); string(got) != "other\n" {
		t.Fatalf("actual output file holds %q", got)
	}
	missing := &recorder{TB: t}
	Check(missing, path+".missing", []byte("x"))
	if !missing.failed {
		t.Fatal("a missing golden file passed the check")
	}
}
