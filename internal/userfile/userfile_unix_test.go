//go:build unix

package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFIFONeverBlocks: a named pipe is opened without waiting for a writer, and refused once
// open, as when it takes a file's place between the look and the open; Read refuses it before
// opening it.
func TestFIFONeverBlocks(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "plan.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	f, err := Open(fifo) // would block until a writer came, without O_NONBLOCK
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var notRegular *NotRegularError
	if _, err := ReadOpen(f, 1<<20); !errors.As(err, &notRegular) || err.Error() != "a named pipe (FIFO), not a regular file" {
		t.Errorf("ReadOpen(FIFO) = %v", err)
	}
	if _, err := Read(fifo, 1<<20); !errors.As(err, &notRegular) {
		t.Errorf("Read(FIFO) = %v", err)
	}
}

// TestDeviceRefused: /dev/zero, which never ends, is refused without a byte read.
func TestDeviceRefused(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Read("/dev/zero", 1<<20)
	if err == nil || err.Error() != "read /dev/zero: a character device, not a regular file" {
		t.Errorf("Read(/dev/zero) = %v", err)
	}
}
