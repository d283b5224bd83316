//go:build unix

package cli

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFmtRefusesAFIFO: fmt reads spec files as Load does, so a named pipe among them is
// refused at once instead of waiting for a writer.
func TestFmtRefusesAFIFO(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "numbers.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	code, stdout, stderr := runCLI(t, "fmt", "--check", fifo)
	if want := "Error: read " + fifo + ": a named pipe (FIFO), not a regular file"; code != 1 || stdout != "" || !strings.Contains(stderr, want) {
		t.Errorf("fmt --check FIFO: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
}
