//go:build unix

package spec

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at name, skipping the test where that is not possible.
func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// feed writes a spec into the FIFO name for any reader that opens it, and returns a function
// that lets the writer go when no reader came and waits for it. A loader that reads the FIFO
// gets a spec that loads: the test fails by the missing error, never by hanging.
func feed(t *testing.T, name string) (wait func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f, err := os.OpenFile(name, os.O_WRONLY, 0) // blocks until a reader opens it
		if err != nil {
			return
		}
		f.WriteString("numbers:\n  \"12065550100\": {}\n")
		f.Close()
	}()
	return func() {
		// Open it for reading without waiting, so that a writer still waiting goes on.
		if r, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			<-done
			r.Close()
		}
		<-done
	}
}

// TestFIFORefused: a named pipe, given with -f or found in a directory, is refused as not a
// regular file, without being opened (which would block until a writer comes).
func TestFIFORefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	mkfifo(t, fifo)
	if err := os.WriteFile(filepath.Join(dir, "numbers.yaml"), []byte("numbers:\n  \"12065550101\": {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, paths := range [][]string{{fifo}, {dir}} {
		wait := feed(t, fifo)
		_, err := Load(paths...)
		wait()
		want := fifo + ": cannot read: a named pipe (FIFO), not a regular file (give a spec file, or a directory of them)"
		if err == nil || err.Error() != want {
			t.Errorf("Load(%v) = %v, want %s", paths, err, want)
		}
	}
}

// TestOpenedFIFORefused: a file replaced by a FIFO between the look and the open is opened
// without waiting and refused.
func TestOpenedFIFORefused(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "pipe.yaml")
	mkfifo(t, fifo)
	wait := feed(t, fifo)
	r := reader{fsys: osFS{}}
	_, err := r.readFile(fifo)
	wait()
	if err == nil || err.Error() != "cannot read: a named pipe (FIFO), not a regular file" {
		t.Errorf("readFile(FIFO) = %v", err)
	}
}

func TestDeviceRefused(t *testing.T) {
	t.Parallel()
	_, err := Load("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "/dev/zero: cannot read: a character device, not a regular file") {
		t.Errorf("Load(/dev/zero) = %v", err)
	}
}

// TestLinkToFileGiven: a symbolic link to a file already given, in a directory or named
// itself, is the same file, read once rather than declaring everything twice.
func TestLinkToFileGiven(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	specs := filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(specs, "numbers.yaml")
	if err := os.WriteFile(file, []byte("routes:\n  pbx: {type: HOST, value: 10.0.0.1}\nnumbers:\n  \"12065550100\": {primary_route: pbx}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	inDir := filepath.Join(specs, "link.yaml")
	outside := filepath.Join(dir, "outside.yaml")
	for _, l := range []string{inDir, outside} {
		if err := os.Symlink(file, l); err != nil {
			t.Skipf("symlink: %v", err)
		}
	}
	for _, paths := range [][]string{{specs}, {file, outside}, {outside, specs}} {
		s, err := Load(paths...)
		if err != nil {
			t.Errorf("Load(%v): %v", paths, err)
		} else if len(s.Numbers) != 1 {
			t.Errorf("Load(%v): %d numbers", paths, len(s.Numbers))
		}
	}
}
