//go:build unix

package plan

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Only a regular file of at most MaxFileSize is read: a FIFO is refused at once (reading it
// would block until a writer comes), a device and an oversized file before any byte is read.
func TestLoadFileRefusesWhatIsNotAPlanFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()
	fifo := filepath.Join(dir, "plan.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		big:         "larger than 64 MiB",
		dir:         "a directory, not a regular file",
		fifo:        "a named pipe (FIFO), not a regular file",
		"/dev/zero": "a character device, not a regular file",
	} {
		if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadFile(%s) = %v, want an error saying %q", path, err, want)
		}
	}
}
